"""What the alerting Lambda's zip holds, named once in lambda.json beside this file:
terraform/modules/alerting reads the same file (jsondecode) and zips these files (relative to
the repository) and the rules file rendered as rules.json at the zip's root; tests/alerts checks
that they import with the standard library and boto3 alone."""

import json
from pathlib import Path

_LAMBDA = json.loads((Path(__file__).with_name("lambda.json")).read_text(encoding="utf-8"))

LAMBDA_FILES = tuple(_LAMBDA["files"])
HANDLER = _LAMBDA["handler"]
