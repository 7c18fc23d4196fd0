"""Layout and conventions of terraform/: files, pinned providers, typed and described inputs,
names from local.name_prefix, one context object shared by every module, nothing account-specific typed in, one root that every
environment applies with its own tfvars and backend."""

from __future__ import annotations

import re

from tests.terraform.checks import (
    checkov_skips,
    hardcoding_findings,
    naming_findings,
    output_findings,
    variable_findings,
)
from tests.terraform.tfconfig import (
    ENVIRONMENTS,
    ENVS,
    META_KEYS,
    MODULES,
    TERRAFORM,
    blocks,
    parse_file,
)

EXPECTED_MODULES = {
    "lake_storage",
    "secure_bucket",
    "catalog",
    "ingestion_job",
    "query_workgroup",
    "access_roles",
    "iceberg_maintenance",
    "alerting",
    "daily_run",
    "service_role",
    "state_machine",
    "repository_zip",
}
# Called by the root; secure_bucket is called by lake_storage, service_role by alerting, daily_run
# and state_machine, state_machine by daily_run and iceberg_maintenance, repository_zip by
# alerting and ingestion_job.
ROOT_MODULES = EXPECTED_MODULES - {
    "secure_bucket",
    "service_role",
    "state_machine",
    "repository_zip",
}
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


def test_the_modules_the_root_and_two_environments_exist(modules, root, tfvars):
    assert set(modules) == EXPECTED_MODULES
    assert root.module_calls
    assert set(tfvars) == {"dev", "prod"}
    assert sorted(p.name for p in ENVS.iterdir()) == [
        "account.tfvars.example",
        "dev.s3.tfbackend.example",
        "dev.tfvars",
        "prod.s3.tfbackend.example",
        "prod.tfvars",
    ]


def test_every_configuration_has_the_standard_files(configurations):
    for name, module in configurations.items():
        assert set(module.texts) >= REQUIRED_FILES, name


def test_provider_versions_are_pinned(configurations):
    """The root pins (~>) the versions every environment runs; a module states only the oldest it
    works with (>=), as Terraform recommends for reusable modules, so the pin is written once."""
    for name, module in configurations.items():
        (block,) = module.terraform
        assert block["required_version"].startswith(">="), name
        (providers,) = block["required_providers"]
        pin = "~>" if name == "root" else ">="
        if name != "modules/repository_zip":  # zips files; needs no AWS
            assert providers["aws"] == {"source": "hashicorp/aws", "version": f"{pin} 5.60"}, name
        if "archive" in providers:
            assert providers["archive"] == {
                "source": "hashicorp/archive",
                "version": f"{pin} 2.4",
            }, name
    with_archive = {
        name
        for name, module in configurations.items()
        if "archive" in module.terraform[0]["required_providers"][0]
    }
    # The zips of repository files (the Lambda's code, the Glue job's packages) are built in one
    # module, the only one that needs the archive provider.
    assert with_archive == {"modules/repository_zip", "root"}


def test_every_variable_is_typed_and_described_and_numbers_validated(modules, root):
    findings = [f for module in modules.values() for f in variable_findings(module)]
    findings += variable_findings(root, numbers_need_validation=False)
    assert findings == []


def test_every_output_is_described(configurations):
    assert [f for module in configurations.values() for f in output_findings(module)] == []


def test_every_module_takes_the_roots_context_whole(modules, root):
    """One declaration of the shared settings (name prefix, account, region, partition,
    permissions boundary, log retention, key deletion window), the same in every module's
    context.tf, holding what the root's local.context builds; every module call passes it on
    whole, so no module re-declares or re-validates one of them."""
    declarations = {name: module.texts["context.tf"] for name, module in modules.items()}
    first = declarations["lake_storage"]
    assert {name for name, text in declarations.items() if text != first} == set()
    (declared,) = re.findall(r"type = object\(\{(.*?)\}\)", first, re.S)
    fields = set(re.findall(r"^\s*(\w+)\s*=", declared, re.M))
    assert fields == set(root.locals["context"]) - set(META_KEYS)
    for name, module in modules.items():
        assert not fields & set(module.variables), name
        for call, body in module.module_calls.items():
            assert body.get("context") == "${var.context}", f"{name}: module {call}"


def test_moved_blocks_live_in_the_roots_moved_tf_only(modules, root):
    """The stack's state migrations are one file, terraform/moved.tf; a module holds none
    (they address its resources through module.<call>. from the root)."""
    assert {
        name for name, module in modules.items() if "moved {" in "".join(module.texts.values())
    } == set()
    assert [name for name, text in root.texts.items() if "moved {" in text] == ["moved.tf"]
    sources = {"module." + call for call in root.module_calls}
    for move in parse_file(TERRAFORM / "moved.tf")["moved"]:
        # Every move stays within one module call (or renames a call), as Terraform requires.
        assert move["from"][2:].split(".")[0:2] == move["to"][2:].split(".")[0:2] or (
            move["to"][2:-1].split("[")[0] in sources
        ), move


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


def test_providers_take_credentials_from_the_environment_and_refuse_other_accounts(root):
    ((provider, body),) = root.providers
    assert provider == "aws"
    assert set(body) - {"__is_block__", "__comments__"} == {
        "region",
        "allowed_account_ids",
        "default_tags",
    }
    assert body["region"] == "${var.aws_region}"
    assert body["allowed_account_ids"] == "${var.allowed_account_ids}"
    assert blocks(body, "default_tags")[0]["tags"] == "${local.tags}"


def test_modules_declare_no_provider_configuration(modules):
    assert {name: module.providers for name, module in modules.items() if module.providers} == {}


def test_the_root_wires_every_module_once_for_any_environment(root):
    sources = {body["source"] for body in root.module_calls.values()}
    assert sources == {f"./modules/{name}" for name in ROOT_MODULES}
    assert root.locals["environment"] == "${var.environment}"
    # The naming rule is written once, here; every module takes the prefix in local.context.
    assert root.locals["name_prefix"] == "${var.project}-${local.environment}"
    assert root.locals["context"]["name_prefix"] == "${local.name_prefix}"
    for name, body in root.module_calls.items():
        assert body["context"] == "${local.context}", name
    assert not re.search(r'"(dev|prod)"', "".join(root.texts.values()))


def test_environments_set_every_root_variable_without_a_default_and_nothing_else(root, tfvars):
    """What differs between dev and prod is a variable without a default, set in each
    envs/<env>.tfvars; the account's own values (no default either) come from outside."""
    account = set(parse_file(ENVS / "account.tfvars.example")) - {"__comments__"}
    without_default = {k for k, v in root.variables.items() if "default" not in v}
    for env, values in tfvars.items():
        assert values["environment"] == env
        assert set(values) == without_default - account, env
        assert not account & set(values), f"{env}.tfvars holds account-specific values"


def test_outputs_map_onto_the_dbt_athena_prod_target(root):
    outputs = root.outputs
    assert set(outputs) >= DBT_OUTPUTS
    assert outputs["database"]["value"] == "awsdatacatalog"
    # One map, local.dbt_environment: the output of that name and each profile field read it.
    assert outputs["dbt_environment"]["value"] == "${local.dbt_environment}"
    exported = root.locals["dbt_environment"]
    assert exported["FINLAKE_S3_DATA_DIR"] == "s3://${module.lake_storage.lake.bucket_name}/"
    assert exported["FINLAKE_ATHENA_STAGING_DIR"] == '${module.workgroup["dbt"].output_location}'
    # The six the dbt prod profile reads, plus the bronze and reference (seeds) schemas.
    assert set(exported) - {"__is_block__"} == set(DBT_ENVIRONMENT) | {
        "FINLAKE_BRONZE_SCHEMA",
        "FINLAKE_REFERENCE_SCHEMA",
    }
    for variable, output in DBT_ENVIRONMENT.items():
        assert outputs[output]["value"] == f"${{local.dbt_environment.{variable}}}", variable


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


def test_each_environment_keeps_its_state_in_its_own_backend(root):
    (block,) = root.terraform
    (backend,) = block["backend"]
    assert set(backend) == {"s3"}, "the root declares a partial s3 backend"
    assert not any((TERRAFORM / name).exists() for name in ("backend.tf", "terraform.tfstate"))
    keys = set()
    for env in ENVIRONMENTS:
        example = (ENVS / f"{env}.s3.tfbackend.example").read_text(encoding="utf-8")
        assert re.search(r"use_lockfile\s*=\s*true", example)
        assert "dynamodb_table" in example
        assert re.search(r"encrypt\s*=\s*true", example)
        keys.add(re.search(r'key\s*=\s*"([^"]+)"', example).group(1))
        assert f"-backend-config=envs/{env}.s3.tfbackend" in example
    assert keys == {"finlake/dev/terraform.tfstate", "finlake/prod/terraform.tfstate"}


def test_modules_reference_no_environment(modules):
    for name, module in modules.items():
        for text in module.texts.values():
            assert not re.search(r'"(dev|prod)"', text), name
    assert MODULES.is_dir()
