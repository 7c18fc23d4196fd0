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

  # Each environment keeps its state in its own account: the settings are in
  # envs/<env>.s3.tfbackend (copied from the .example and filled in), given at init:
  #   terraform init -reconfigure -backend-config=envs/<env>.s3.tfbackend
  backend "s3" {}
}
