# A module states the oldest versions it works with; the root (terraform/versions.tf) pins the
# versions every environment runs, so the pin is written once.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60"
    }
  }
}
