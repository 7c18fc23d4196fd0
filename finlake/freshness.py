"""Source freshness before every whole `finlake build` (a --select build of a few models skips
it): `dbt source freshness` on the business date.

A lake's data is as of its own dates (invariant 5), so freshness is measured on the business
date carried by the data, bronze's `extract_date`, against the lake's business date, not on the
load time `_loaded_at` against the clock:

- the business date is FINLAKE_BUSINESS_DATE when set, else, for a lake folder, the latest
  extract date the load ledger (bronze/_load_log) records as loaded, else (a lake on S3, whose
  daily run is today's) today's UTC date;
- each bronze source's newest extract date is read only from the partitions of the last
  `error_after` days before it (macros/freshness/collect_freshness.sql filters on the partition
  column with a date literal, which Athena's partition projection prunes by), and a source with
  none there is stale at the error level;
- `warn_after` / `error_after` are those of the bronze source in models/silver/_sources.yml.

Stale sources are reported by name; they do not stop the build (gold marks what they make
stale: int_data_reach, `is_stale`), and a freshness check that cannot run says why in one line.
dbt writes the results as sources.json into the build's target folder, so a later
`dbt build --select source_status:fresher+ --state <that folder>` can build only what newer data
reaches.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from finlake.environ import environment
from finlake.errors import ConfigError, FinlakeError
from finlake.lake import Lake

# Days of partitions read before the business date: the bronze source's error_after (7 days).
WINDOW_DAYS = 7


@dataclass
class Freshness:
    business_date: dt.date
    checked: list[str] = field(default_factory=list)  # bronze.<table> names
    stale: list[str] = field(default_factory=list)  # one line per stale source
    problem: str | None = None  # why the check could not run
    configured: bool = True  # False: the lake or target is not set up (the build says how)

    def describe(self) -> str:
        if self.problem:
            return f"freshness: not checked ({self.problem})"
        head = f"freshness on business date {self.business_date}: {len(self.checked)} sources"
        if not self.stale:
            return f"{head}, none stale"
        return f"{head}; stale: " + "; ".join(self.stale)


def business_date(lake: Lake) -> dt.date:
    """FINLAKE_BUSINESS_DATE, else the latest loaded extract date of a lake folder, else today."""
    given = os.environ.get("FINLAKE_BUSINESS_DATE", "").strip()
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise FinlakeError(
                f"FINLAKE_BUSINESS_DATE={given} is not a date; set it as YYYY-MM-DD or unset it."
            ) from None
    if lake.is_local:
        latest = _latest_loaded_extract(Path(str(lake.load_log)))
        if latest is not None:
            return latest
    return dt.datetime.now(dt.UTC).date()


def _latest_loaded_extract(ledger: Path) -> dt.date | None:
    import pyarrow.dataset as ds

    files = sorted(ledger.glob("*.parquet")) if ledger.is_dir() else []
    if not files:
        return None
    table = ds.dataset([str(f) for f in files], format="parquet").to_table(
        columns=["extract_date", "status"]
    )
    dates = [
        d
        for d, status in zip(
            table.column("extract_date").to_pylist(),
            table.column("status").to_pylist(),
            strict=True,
        )
        if status == "loaded" and d is not None
    ]
    if not dates:
        return None
    latest = max(dates)
    return latest if isinstance(latest, dt.date) else dt.date.fromisoformat(str(latest)[:10])


@contextmanager
def business_environment(lake: Lake) -> Iterator[dt.date]:
    """FINLAKE_BUSINESS_DATE and FINLAKE_FRESHNESS_SINCE set for the freshness check and the
    build after it (the same values in both, so the build's parse stays valid), then restored."""
    day = business_date(lake)
    values = {
        "FINLAKE_BUSINESS_DATE": day.isoformat(),
        "FINLAKE_FRESHNESS_SINCE": (day - dt.timedelta(days=WINDOW_DAYS)).isoformat(),
    }
    with environment(values):
        yield day


def check(lake: Lake, target: str, target_path: Path | None = None) -> Freshness:
    """Run `dbt source freshness` for the bronze sources of `target` on the business date (call
    it inside business_environment)."""
    from finlake.build import Dbt, DbtFailed, prepare_environment, project_root

    day = business_date(lake)
    result = Freshness(day)
    try:
        env = prepare_environment(lake, target)
    except ConfigError:
        result.configured = False  # the build that follows names the setting in one sentence
        return result
    output = (target_path or project_root() / "target") / "sources.json"
    args = ["--select", "source:bronze"]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    try:
        Dbt(lake, target, env, quiet=True).invoke("source freshness", args)
    except DbtFailed:
        pass  # an error-level stale source fails the command; sources.json says which
    except FinlakeError as exc:
        result.problem = str(exc).rstrip(".")
        return result
    try:
        results = json.loads(output.read_text())["results"]
    except (OSError, ValueError, KeyError) as exc:
        result.problem = f"dbt wrote no readable {output} ({exc})"
        return result
    for entry in sorted(results, key=lambda r: r["unique_id"]):
        name = ".".join(entry["unique_id"].split(".")[-2:])
        result.checked.append(name)
        status = entry.get("status")
        if status == "pass":
            continue
        if status in ("warn", "error"):
            newest = str(entry.get("max_loaded_at") or "")[:10]
            seen = (
                f"last extract {newest}"
                if newest and not newest.startswith("0001")
                else f"no extract in the {WINDOW_DAYS} days before it"
            )
            result.stale.append(f"{name} ({status}: {seen})")
        else:
            result.stale.append(f"{name} (not checked: {entry.get('message') or status})")
    return result


def report(lake: Lake, target: str, target_path: Path | None = None) -> Freshness:
    """check(), with its one line on stdout (beside the build's summary; errors go to stderr)."""
    result = check(lake, target, target_path)
    if result.configured:
        print(result.describe())
    return result
