"""Defect 4 of issue 13: every role that writes the encrypted Glue Data Catalog may encrypt.

With Data Catalog encryption on (terraform/modules/catalog, `encrypt_data_catalog`), Glue
encrypts each database, table and partition it stores with the lake key on behalf of the
caller, so a principal that creates or updates catalog objects needs kms:Encrypt and
kms:GenerateDataKey as well as kms:Decrypt (AWS Glue documentation, "Access from Athena to
encrypted metadata in the AWS Glue Data Catalog"). Without Encrypt the first CreateTable of a
dbt build (or the crawler's first partition) is refused.
"""

from __future__ import annotations

import pytest

from tests.terraform.tfconfig import MODULES, load_module

ROLES = ("transformation", "ml", "analyst", "crawler", "ingestion")
GLUE_WRITES = (
    "glue:Create",
    "glue:Update",
    "glue:Delete",
    "glue:BatchCreate",
    "glue:BatchUpdate",
    "glue:BatchDelete",
)
NEEDED_TO_WRITE = {"kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"}


@pytest.fixture(scope="module")
def access_roles():
    return load_module(MODULES / "access_roles")


@pytest.mark.parametrize("role", ROLES)
def test_role_writing_the_catalog_can_encrypt_with_the_lake_key(access_roles, role):
    statements = access_roles.document_statements(role)
    writes = sorted(
        {
            a
            for s in statements
            if s.effect == "Allow"
            for a in s.actions
            if a.startswith(GLUE_WRITES)
        }
    )
    kms = {
        a
        for s in statements
        if s.effect == "Allow" and "${var.lake.kms_key_arn}" in s.resources
        for a in s.actions
    }
    assert writes, f"role {role} writes nothing in Glue: drop it from ROLES"
    missing = sorted(NEEDED_TO_WRITE - kms)
    assert not missing, (
        f"role {role} writes the encrypted Data Catalog ({', '.join(writes[:3])}, ...) but its "
        f"policy lacks {', '.join(missing)} on the lake key (terraform/modules/access_roles/main.tf)."
    )
