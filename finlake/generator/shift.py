"""A shift of the whole book over the last 12 months: `finlake generate --book-shift F`.

Model monitoring must raise an alert when the population it scores is no longer the one it
was trained on. `--economic-shock` moves a minority (the borrowers who lose their income or
miss instalments; 4 % to 10 % in arrears moved the score's population stability only to 0.06 on
the small preset), so it cannot show that. This option moves what the bank sees of *every*
customer from the first of the last 12 months on (after the labelled months, so training data
is drawn from the same book as a clean run's), by F standard deviations of the latent credit quality z:

* bureau scores: every customer who joined before the shift gets a bureau refresh on a day
  within its first 3 months (a quarterly refresh cycle), lowering the score by 58 F points on
  average (58 is the score's weight on z, population.py) with a spread of 15 points;
* incomes: the same refresh reports an income lower by the factor exp(-0.18 F) (0.18 is the
  income's weight on z) with a 5 % spread;
* the mix of new borrowers: customers who join during the shift are F deviations worse in z
  itself, so their scores, incomes, products and defaults are all drawn from a riskier book.

Existing customers' latent risk is left alone (the oracle and the default chain are a clean
run's), so the shift tests the monitoring, not the model's accuracy; combine it with
`--economic-shock` for a downturn that also raises defaults. F = 0 changes nothing: no random
draw is made and every file is the clean run's, byte for byte. The shift's own draws come from
a generator of their own (seeded by the run's seed and the chunk's first customer), so a
shifted run differs from the clean one only where the shift acts.
"""

from __future__ import annotations

import numpy as np

from finlake.generator.config import GeneratorConfig
from finlake.generator.population import Customers

SHIFT_MONTHS = 12  # the months after the labelled ones (the label window is 12 months)
REFRESH_DAYS = 90  # existing customers are refreshed within the first quarter of the shift
SCORE_POINTS_PER_Z = 58.0  # population.py: credit_score = 705 - 58 z + noise
INCOME_PER_Z = 0.18  # population.py: income ~ exp(... - 0.18 z)
SCORE_SPREAD = 15.0
INCOME_SPREAD = 0.05


def start_day(cfg: GeneratorConfig) -> int:
    """First day of the shifted months (the first of the month 12 months before as_of's)."""
    return int(cfg.month_starts[-SHIFT_MONTHS])


def _rng(cfg: GeneratorConfig, cust: Customers) -> np.random.Generator:
    first = int(cust.number[0]) if cust.n else 0
    return np.random.default_rng([cfg.seed, first, 0xB00C])


def shift_joiners(cfg: GeneratorConfig, cust: Customers) -> None:
    """Customers who join during the shift are F deviations worse in z (in place).

    Their income and bureau score move as population.py ties them to z, so the draws already
    made (their noise) are kept and no random number is drawn."""
    f = cfg.book_shift
    if f == 0:
        return
    joins = cust.since_day >= start_day(cfg)
    cust.z[joins] += f
    cust.income[joins] = np.round(
        np.clip(cust.income[joins] * np.exp(-INCOME_PER_Z * f), 3_000, None), 2
    )
    cust.credit_score[joins] = np.clip(
        np.round(cust.credit_score[joins] - SCORE_POINTS_PER_Z * f), 300, 850
    ).astype(cust.credit_score.dtype)


def bureau_refresh(cfg: GeneratorConfig, cust: Customers, score: np.ndarray, income: np.ndarray):
    """The refresh of every customer who joined before the shift: which customers, on which day,
    with their new score and income (cents); `score` and `income` (the customer state's current
    values) are updated in place. None when there is no shift."""
    f = cfg.book_shift
    if f == 0:
        return None
    rng = _rng(cfg, cust)
    start = start_day(cfg)
    idx = np.nonzero(cust.since_day < start)[0]
    day = start + rng.integers(0, REFRESH_DAYS, len(idx))
    drop = rng.normal(SCORE_POINTS_PER_Z * f, SCORE_SPREAD, len(idx))
    score[idx] = np.clip(np.round(score[idx] - drop), 300, 850).astype(score.dtype)
    factor = np.exp(-INCOME_PER_Z * f + rng.normal(0, INCOME_SPREAD, len(idx)))
    income[idx] = np.maximum(np.round(income[idx] * factor), 300_000).astype(income.dtype)
    return idx, day.astype(np.int64), rng
