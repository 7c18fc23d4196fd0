# A module states the oldest versions it works with; the root (terraform/versions.tf) pins the
# versions every environment runs, so the pin is written once.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}
