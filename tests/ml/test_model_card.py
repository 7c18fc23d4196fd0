"""The card's owner and approval fields come from settings, never from defaults that look real."""

from __future__ import annotations

import pytest

from finlake.errors import ConfigError
from ml.model_card import governance


def test_unset_governance_is_not_approved():
    values = governance({})
    assert values["owner"] is None and values["approver"] is None
    assert values["approved"] is False


def test_approval_needs_an_approver_and_a_date():
    env = {
        "FINLAKE_MODEL_OWNER": "Retail credit risk",
        "FINLAKE_MODEL_APPROVER": "Model validation (J. Doe)",
    }
    assert governance(env)["approved"] is False
    approved = governance({**env, "FINLAKE_MODEL_APPROVED_ON": "2026-11-30"})
    assert approved["approved"] is True
    assert approved["owner"] == "Retail credit risk"


def test_a_malformed_approval_date_is_refused_in_one_sentence():
    with pytest.raises(ConfigError, match="FINLAKE_MODEL_APPROVED_ON='30/11/2026' is not a date"):
        governance({"FINLAKE_MODEL_APPROVED_ON": "30/11/2026"})
