"""What the alerting Lambda's zip holds, named once: terraform/modules/alerting zips these files
(relative to the repository) and the rules file rendered as rules.json at the zip's root;
tests/alerts checks that they import with the standard library and boto3 alone and that the
Terraform module lists the same files."""

LAMBDA_FILES = (
    "finlake/__init__.py",
    "finlake/errors.py",
    "finlake/alerts/__init__.py",
    "finlake/alerts/rules.py",
    "finlake/alerts/engine.py",
    "finlake/alerts/aws.py",
)
HANDLER = "finlake.alerts.aws.handler"
