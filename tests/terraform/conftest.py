"""Parsed Terraform configuration, once per test session (parsing all of terraform/ takes ~1 s)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.terraform.tfconfig import (
    ENVIRONMENTS,
    ROOT,
    Module,
    load_module,
    load_tfvars,
    module_dirs,
)


@pytest.fixture(scope="session")
def modules() -> dict[str, Module]:
    """Every module under terraform/modules, by directory name."""
    return {path.name: load_module(path) for path in module_dirs()}


@pytest.fixture(scope="session")
def root() -> Module:
    """The root configuration, terraform/*.tf, that every environment applies."""
    return load_module(ROOT)


@pytest.fixture(scope="session")
def tfvars() -> dict[str, dict[str, Any]]:
    """Each environment's committed settings (terraform/envs/<env>.tfvars), by name."""
    return {env: load_tfvars(env) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def configurations(modules, root) -> dict[str, Module]:
    """Modules and the root together, keyed modules/<name> and root."""
    return {**{f"modules/{k}": v for k, v in modules.items()}, "root": root}
