"""Population stability and calibration monitoring, on samples drawn from known laws."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ml.monitoring import MONITORING_COLUMNS, monitor, psi, status, summary
from tests.ml.test_scorecard import _fit, _population


def test_psi_of_a_distribution_with_itself_is_zero_and_grows_with_the_shift():
    counts = np.array([100, 200, 300, 400])
    assert psi(counts, counts) == 0.0
    assert psi(counts, counts * 3) == pytest.approx(0.0)  # shares, not counts
    assert 0 < psi(counts, [110, 190, 310, 390]) < 0.01
    assert psi(counts, [400, 300, 200, 100]) > 0.25
    assert np.isfinite(psi([10, 0], [0, 10]))  # empty bins are floored, not infinite


def test_thresholds():
    assert [status(v) for v in (0.05, 0.1, 0.2, 0.25, 0.9)] == [
        "ok",
        "warn",
        "warn",
        "alert",
        "alert",
    ]


@pytest.fixture(scope="module")
def fitted():
    train = _population(customers=500, seed=3)
    card = _fit(train)
    train["pd"] = card.predict(train)
    return train, card


def _later(seed: int, shift: float) -> pd.DataFrame:
    frame = _population(customers=500, months=1, seed=seed)
    frame["score"] = frame["score"] - shift  # a weaker population: lower bureau scores
    frame["missed"] = frame["missed"] + (shift > 0) * np.random.default_rng(seed).poisson(
        1.0, len(frame)
    )
    frame["observation_date"] = date(2025, 7, 1)
    frame.loc[frame.index[: len(frame) // 2], "observation_date"] = date(2025, 6, 1)
    return frame


def test_a_clean_sample_is_stable_and_a_shifted_one_alerts(fitted):
    train, card = fitted
    for later, expected in ((_later(9, 0.0), "ok"), (_later(9, 80.0), "alert")):
        later["pd"] = card.predict(later)
        frame = monitor(train, later, card, "pd", "label", "v1")
        assert list(frame.columns) == list(MONITORING_COLUMNS)
        score = frame[frame["measure"] == "psi_score"]
        assert len(score) == 2 and set(score["status"]) == {expected}
        inputs = frame[(frame["measure"] == "psi_input") & (frame["subject"] == "score")]
        assert set(inputs["status"]) == {expected}
        facts = summary(frame)
        assert set(facts["score_psi"]) == {"2025-06-01", "2025-07-01"}


def test_calibration_by_band_where_labels_matured(fitted):
    train, card = fitted
    later = _later(11, 0.0)
    later["pd"] = card.predict(later)
    later.loc[later["observation_date"] == date(2025, 7, 1), "label"] = None  # not matured yet
    frame = monitor(train, later, card, "pd", "label", "v1")
    calibration = frame[frame["measure"] == "calibration"]
    assert set(calibration["observation_date"]) == {date(2025, 6, 1)}
    assert calibration["row_count"].sum() == (later["observation_date"] == date(2025, 6, 1)).sum()
    assert set(calibration["status"]) <= {"ok", "outside"}


def test_economic_shock_changes_only_the_last_twelve_months():
    """The generator's drift option (finlake generate --economic-shock): more income shocks in
    the last 12 months, the months before untouched draw for draw."""
    from finlake.generator.config import PRESETS, GeneratorConfig
    from finlake.generator.population import draw_customers
    from finlake.generator.risk import simulate

    cfg = GeneratorConfig(preset=PRESETS["tiny"], customers=3000)
    cust = draw_customers(np.random.default_rng(5), cfg, 0, 3000)
    due = np.ones((3000, 24), dtype=bool)
    dti = np.full(3000, 0.3)
    calm = simulate(np.random.default_rng(1), cust, dti, due)
    storm = simulate(np.random.default_rng(1), cust, dti, due, shock_factor=10.0)
    np.testing.assert_array_equal(calm.shock[:, :12], storm.shock[:, :12])
    np.testing.assert_array_equal(calm.state[:, :12], storm.state[:, :12])
    assert storm.shock[:, -1].mean() > 3 * calm.shock[:, -1].mean()

    # What the model sees moves too: instalments missed from a performing state. More income
    # shocks alone raised them about 2x (the shift PSI barely saw, 0.049 on the small preset);
    # the downturn also multiplies the odds of a miss by F.
    def new_misses(risk):
        before, after = risk.state[:, 11:-1], risk.state[:, 12:]
        return int(((before == 0) & (after == 1)).sum())

    assert new_misses(storm) > 4 * new_misses(calm)
    with pytest.raises(Exception, match="economic-shock"):
        GeneratorConfig(preset=PRESETS["tiny"], economic_shock=0.5)
