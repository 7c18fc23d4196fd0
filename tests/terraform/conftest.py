"""Parsed Terraform configuration, once per test session (parsing all of terraform/ takes ~1 s)."""

from __future__ import annotations

import pytest

from tests.terraform.tfconfig import Module, env_dirs, load_module, module_dirs


@pytest.fixture(scope="session")
def modules() -> dict[str, Module]:
    """Every module under terraform/modules, by directory name."""
    return {path.name: load_module(path) for path in module_dirs()}


@pytest.fixture(scope="session")
def envs() -> dict[str, Module]:
    """Every root configuration under terraform/envs, by environment name."""
    return {path.name: load_module(path) for path in env_dirs()}


@pytest.fixture(scope="session")
def configurations(modules, envs) -> dict[str, Module]:
    """Modules and environments together, keyed modules/<name> and envs/<name>."""
    return {
        **{f"modules/{k}": v for k, v in modules.items()},
        **{f"envs/{k}": v for k, v in envs.items()},
    }
