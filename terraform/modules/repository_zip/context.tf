# The settings every module of this configuration shares, built and validated once by the root
# (terraform/main.tf, local.context) and passed to each module whole. The same declaration stands
# in every module: tests/terraform/test_conventions.py fails when one differs from the root's.
variable "context" {
  type = object({
    name_prefix              = string
    account_id               = string
    region                   = string
    partition                = string
    permissions_boundary_arn = string
    log_retention_days       = number
    kms_deletion_window_days = number
  })
  description = "What every module shares (terraform/README.md, The context object): name_prefix, the start of every resource name (<project>-<environment>, finlake-prod); the account id, region and ARN partition that names and ARNs are built from; the permissions boundary of every IAM role (null for none); the retention of every CloudWatch log group; the deletion window of every KMS key."
}
