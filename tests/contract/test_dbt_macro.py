"""What the generated macro landing_contract() returns, evaluated with dbt's own Jinja environment
(dbt_common's, with its `do` extension and `return`): the contract as finlake.contract reads it
(`contract_dict`), for the committed contract and for one shaped unlike it (an entity with no
version column, a spaced decimal type, a range, a reference and values on one column)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from dbt_common.clients.jinja import get_environment
from dbt_common.exceptions.macros import MacroReturn

from finlake.contract import load_contract, parse_contract
from finlake.contract.dbt_macro import contract_dict, render

REPO = Path(__file__).resolve().parents[2]
EXPAND = REPO / "macros" / "contract" / "expand_landing_contract.sql"
GENERATED = REPO / "macros" / "contract" / "landing_contract.sql"


def dbt_return(value):
    raise MacroReturn(value)


def macro(text: str, name: str, context: dict):
    """A macro of `text` callable as dbt calls one: its `return(...)` value is the result."""
    module = get_environment().from_string(text).make_module({"return": dbt_return, **context})

    def call(*args):
        try:
            return getattr(module, f"dbt_macro__{name}")(*args)
        except MacroReturn as returned:
            return returned.value

    return call


def landing_contract(generated_text: str) -> dict:
    expand = macro(EXPAND.read_text(), "expand_landing_contract", {})
    finlake = SimpleNamespace(expand_landing_contract=expand)
    return macro(generated_text, "landing_contract", {"finlake": finlake})()


def test_the_committed_macro_returns_the_contract():
    assert landing_contract(GENERATED.read_text()) == contract_dict(load_contract())


UNLIKE = """
entities:
  standing_orders:
    key: [order_id, account_id]
    event_time: first_due
    columns:
      order_id:   {type: string, required: true}
      account_id: {type: string, required: true, pii: true, references: accounts.account_id}
      rate:       {type: "decimal(7, 4)", range: [0, 100], values: ["1.5", "2"]}
      first_due:  {type: date}
      paused:     {type: boolean, required: false}
"""


def test_a_contract_unlike_the_committed_one_comes_back_whole():
    contract = parse_contract(UNLIKE, "unlike.yml")
    expected = contract_dict(contract)
    assert expected["standing_orders"]["columns"][2]["precision"] == 7  # the data is as meant
    assert landing_contract(render(contract)) == expected
