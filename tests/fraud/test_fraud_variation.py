"""The generator's fraud variation (finlake generate --fraud-variation S): fraud behaviour drawn
around the one the rules were tuned on, plus genuine look-alikes, for the held-out evaluation
of bench/fraud_rules_eval.py. A clean run must stay exactly as it was."""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from finlake.errors import ConfigError
from finlake.generator.chunk import build_chunk
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.fraud import TODAY, varied

CUSTOMERS = 400


def test_no_variation_is_todays_behaviour_and_a_seed_fixes_its_own():
    assert varied(7, 0.0) is TODAY
    assert varied(101, 1.0) == varied(101, 1.0)
    assert varied(101, 1.0) != varied(102, 1.0)


@pytest.mark.parametrize("spread", [0.5, 1.0, 2.0])
def test_every_drawn_range_can_be_drawn_from(spread):
    for seed in range(200):
        behaviour = varied(seed, spread)
        for value in astuple(behaviour):
            if isinstance(value, tuple):
                assert value[0] < value[1], (seed, behaviour)
        assert behaviour.structuring_amount[1] < 10_000  # structuring stays under the threshold
        assert behaviour.testing_count[0] >= 2 and behaviour.testing_minutes >= 5


def _transactions(variation: float):
    cfg = GeneratorConfig(preset=PRESETS["tiny"], customers=CUSTOMERS, fraud_variation=variation)
    result = build_chunk(cfg, 0, 1, CUSTOMERS, np.random.SeedSequence(5))
    return result.entities["transactions"].table, result.truth["fraud_labels"]


def test_a_varied_run_adds_genuine_look_alikes():
    clean, _ = _transactions(0.0)
    varied_run, labels = _transactions(1.0)

    def count(table, kind, mccs=None):
        mask = pc.equal(table["transaction_type"], kind)
        if mccs:
            mask = pc.and_(
                mask, pc.is_in(table["merchant_category_code"], value_set=pa.array(mccs))
            )
        return pc.sum(pc.cast(mask, "int64")).as_py() or 0

    # In-app purchase runs (like card testing) and night-shift cash (like a night burst).
    assert count(varied_run, "purchase", ["5816", "5818"]) > count(
        clean, "purchase", ["5816", "5818"]
    )
    assert count(varied_run, "atm_withdrawal") > count(clean, "atm_withdrawal")
    assert labels.num_rows > 0  # fraud is still injected and labelled


def test_the_variation_is_bounded():
    with pytest.raises(ConfigError, match="fraud-variation"):
        GeneratorConfig(preset=PRESETS["tiny"], fraud_variation=3.0)
