terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }

  # State stays local until a backend is configured: copy backend.tf.example to backend.tf,
  # fill it in, and run `terraform init -migrate-state` (see terraform/README.md).
}
