# A zip of files of this repository, built at plan time: the alerting Lambda's code and the
# ingestion job's packages. Built inside .terraform/ (git-ignored, per working directory) so the
# build never dirties the tree.

locals {
  # This module lives at terraform/modules/repository_zip in the repository.
  repo_root = abspath("${path.module}/../../..")
}

data "archive_file" "this" {
  type             = "zip"
  output_path      = "${path.root}/.terraform/build/${var.context.name_prefix}-${var.name}.zip"
  output_file_mode = "0644"

  dynamic "source" {
    for_each = toset(var.files)

    content {
      filename = source.value
      content  = file("${local.repo_root}/${source.value}")
    }
  }

  dynamic "source" {
    for_each = var.generated_files

    content {
      filename = source.key
      content  = source.value
    }
  }
}
