"""Layout and conventions of terraform/: files, pinned providers, typed and described inputs,
names from local.name_prefix, nothing account-specific typed in, dev and prod wired alike."""

from __future__ import annotations

import re

import pytest

from tests.terraform.checks import (
    checkov_skips,
    hardcoding_findings,
    naming_findings,
    output_findings,
    variable_findings,
)
from tests.terraform.tfconfig import ENVS, MODULES, TERRAFORM, blocks

EXPECTED_MODULES = {
    "lake_storage",
    "catalog",
    "ingestion_job",
    "query_workgroup",
    "access_roles",
    "iceberg_maintenance",
}
# Modules no environment calls yet: iceberg_maintenance (issue 13) is wired into the root when
# the one-root layout of issue 16 lands (the call is in the module's header). Remove then.
NOT_YET_WIRED = {"iceberg_maintenance"}
REQUIRED_FILES = {"versions.tf", "variables.tf", "main.tf", "outputs.tf"}
# The dbt-athena-community prod target, field by field, and the variables the dbt profile reads.
DBT_OUTPUTS = {
    "athena_work_group",
    "s3_staging_dir",
    "s3_data_dir",
    "region_name",
    "database",
    "silver_schema",
    "gold_schema",
}
DBT_ENVIRONMENT = {
    "FINLAKE_ATHENA_WORKGROUP": "athena_work_group",
    "FINLAKE_ATHENA_STAGING_DIR": "s3_staging_dir",
    "FINLAKE_S3_DATA_DIR": "s3_data_dir",
    "AWS_REGION": "region_name",
    "FINLAKE_SILVER_SCHEMA": "silver_schema",
    "FINLAKE_GOLD_SCHEMA": "gold_schema",
}


def terraform_files(suffixes=(".tf", ".example", ".md")) -> list:
    return sorted(
        p
        for p in TERRAFORM.rglob("*")
        if p.is_file() and p.suffix in suffixes and ".terraform" not in p.parts
    )


def test_the_five_modules_and_two_environments_exist(modules, envs):
    assert set(modules) == EXPECTED_MODULES
    assert set(envs) == {"dev", "prod"}


def test_every_configuration_has_the_standard_files(configurations):
    for name, module in configurations.items():
        assert set(module.texts) >= REQUIRED_FILES, name


def test_provider_versions_are_pinned(configurations):
    for name, module in configurations.items():
        (block,) = module.terraform
        assert block["required_version"].startswith(">="), name
        (providers,) = block["required_providers"]
        assert providers["aws"] == {"source": "hashicorp/aws", "version": "~> 5.60"}, name
        if "archive" in providers:
            assert providers["archive"] == {"source": "hashicorp/archive", "version": "~> 2.4"}, (
                name
            )
    with_archive = {
        name
        for name, module in configurations.items()
        if "archive" in module.terraform[0]["required_providers"][0]
    }
    assert with_archive == {"modules/ingestion_job", "envs/dev", "envs/prod"}


def test_every_variable_is_typed_and_described_and_numbers_validated(modules, envs):
    findings = [f for module in modules.values() for f in variable_findings(module)]
    findings += [
        f for env in envs.values() for f in variable_findings(env, numbers_need_validation=False)
    ]
    assert findings == []


def test_every_output_is_described(configurations):
    assert [f for module in configurations.values() for f in output_findings(module)] == []


def test_names_come_from_the_name_prefix(modules):
    assert [f for module in modules.values() for f in naming_findings(module)] == []


def test_single_resources_are_named_this(modules):
    for name in ("catalog", "ingestion_job", "query_workgroup"):
        module = modules[name]
        for rtype in {t for t, _ in module.resources}:
            names = set(module.resources_of(rtype))
            if len(names) == 1 and rtype not in ("aws_s3_object", "aws_glue_catalog_table"):
                assert names == {"this"}, (name, rtype, names)


def test_no_account_id_region_credential_or_partition_is_typed_in():
    assert hardcoding_findings(terraform_files()) == []


def test_providers_take_credentials_from_the_environment_and_refuse_other_accounts(envs):
    for name, env in envs.items():
        ((provider, body),) = env.providers
        assert provider == "aws"
        assert set(body) - {"__is_block__", "__comments__"} == {
            "region",
            "allowed_account_ids",
            "default_tags",
        }, name
        assert body["region"] == "${var.aws_region}"
        assert body["allowed_account_ids"] == "${var.allowed_account_ids}"
        assert blocks(body, "default_tags")[0]["tags"] == "${local.tags}"


def test_modules_declare_no_provider_configuration(modules):
    assert {name: module.providers for name, module in modules.items() if module.providers} == {}


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_environment_wires_every_module(envs, env):
    sources = {body["source"] for body in envs[env].module_calls.values()}
    assert sources == {f"../../modules/{name}" for name in EXPECTED_MODULES - NOT_YET_WIRED}
    assert envs[env].locals["environment"] == env


def test_dev_and_prod_are_wired_alike(envs):
    dev, prod = envs["dev"], envs["prod"]
    assert dev.texts["main.tf"].replace("dev", "ENV") == prod.texts["main.tf"].replace(
        "prod", "ENV"
    )
    assert dev.texts["outputs.tf"] == prod.texts["outputs.tf"]
    assert dev.texts["versions.tf"] == prod.texts["versions.tf"]
    assert {k: v.get("type") for k, v in dev.variables.items()} == {
        k: v.get("type") for k, v in prod.variables.items()
    }


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_outputs_map_onto_the_dbt_athena_prod_target(envs, env):
    outputs = envs[env].outputs
    assert set(outputs) >= DBT_OUTPUTS
    assert outputs["database"]["value"] == "awsdatacatalog"
    assert outputs["s3_data_dir"]["value"] == "s3://${module.lake_storage.lake_bucket_name}/"
    assert outputs["s3_staging_dir"]["value"] == "${module.dbt_workgroup.output_location}"
    exported = outputs["dbt_environment"]["value"]
    # The six the dbt prod profile reads, plus the bronze and reference (seeds) schemas.
    assert set(exported) - {"__is_block__"} == set(DBT_ENVIRONMENT) | {
        "FINLAKE_BRONZE_SCHEMA",
        "FINLAKE_REFERENCE_SCHEMA",
    }
    for variable, output in DBT_ENVIRONMENT.items():
        assert exported[variable] == outputs[output]["value"], variable


def test_readme_documents_the_dbt_variables_and_every_checkov_skip():
    readme = (TERRAFORM / "README.md").read_text(encoding="utf-8")
    for variable in DBT_ENVIRONMENT:
        assert variable in readme
    skips = checkov_skips(sorted(TERRAFORM.rglob("*.tf")))
    assert skips, "expected the documented skips"
    for check, reason, file in skips:
        assert len(reason) > 20, f"{file}: skip of {check} needs a reason"
        assert check in readme, (
            f"{check} is skipped in {file} but not listed in terraform/README.md"
        )


def test_backend_is_documented_but_not_forced(envs):
    for env in envs:
        directory = ENVS / env
        assert not (directory / "backend.tf").exists()
        example = (directory / "backend.tf.example").read_text(encoding="utf-8")
        assert 'backend "s3"' in example
        assert re.search(r"use_lockfile\s*=\s*true", example)
        assert "dynamodb_table" in example
        assert "encrypt" in example


def test_modules_reference_no_environment(modules):
    for name, module in modules.items():
        for text in module.texts.values():
            assert not re.search(r'"(dev|prod)"', text), name
    assert MODULES.is_dir()
