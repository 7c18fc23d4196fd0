# One IAM role that one AWS service assumes, from this account only, with one inline policy: the
# trust, the role and its policy, written once for every service role outside access_roles (the
# alerting Lambda, the dbt builds' CodeBuild project, each state machine and the EventBridge rule
# that starts it). The caller keeps the policy document, so its permissions are read beside the
# resources they name.

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "ServiceInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }
  }
}

# The caller's document, checked in the caller's module (tests/terraform/tfconfig.py).
data "aws_iam_policy_document" "this" {
  source_policy_documents = [var.policy_json]
}

resource "aws_iam_role" "this" {
  name                 = "${var.context.name_prefix}-${var.name}"
  description          = var.description
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "this" {
  name   = var.policy_name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
