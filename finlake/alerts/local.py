"""`finlake alerts` on the dev warehouse: evaluate the rules with DuckDB, append the new
notifications to <lake>/alerts/notifications.jsonl, keep the dedup state in
<lake>/alerts/state.json and the run's summary in <lake>/alerts/summary.txt.

Order of writes: the notifications first (appended and flushed), then the state (written beside
and renamed over the old one). A run killed between the two raises its notifications again on the
next run (at least once, never lost); a run that fails before them records nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from finlake.alerts.engine import Evaluation, evaluate
from finlake.alerts.rules import RULES_FILE, load_rules, schemas_from_env
from finlake.errors import FinlakeError
from finlake.lake import Lake

NOTIFICATIONS = "notifications.jsonl"
STATE = "state.json"
SUMMARY = "summary.txt"


@dataclass(frozen=True)
class AlertsResult:
    evaluation: Evaluation
    folder: Path

    @property
    def notifications_file(self) -> Path:
        return self.folder / NOTIFICATIONS

    def describe(self) -> str:
        lines = self.evaluation.summary_lines()
        for n in self.evaluation.notifications[:5]:
            lines.append(f"  [{n.severity}] {n.rule}: {n.message}")
        more = len(self.evaluation.notifications) - 5
        if more > 0:
            lines.append(f"  ... and {more} more in {self.notifications_file}")
        return "\n".join(lines)


def run_id_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def duckdb_query(con):
    def query(sql: str) -> list[dict[str, object]]:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    return query


def read_state(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FinlakeError(
            f"{path} (the alerts dedup state) cannot be read ({type(exc).__name__}); move it "
            "aside (every current occurrence then raises once) and run again."
        ) from None


def run_alerts(
    lake: Lake, rules_path: Path | str = RULES_FILE, show: bool = True, run_id: str | None = None
) -> AlertsResult:
    """Evaluate the rules on the lake's dev warehouse and record what is new."""
    from finlake.lake import open_warehouse

    if not lake.is_local:
        raise FinlakeError(
            f"`finlake alerts` evaluates a local lake's dev warehouse; {lake.root} is not one. "
            "On AWS the alerting Lambda evaluates the same rules on Athena (docs/operations.md)."
        )
    rules = load_rules(rules_path)
    folder = lake.alerts
    state_path = folder / STATE
    previous = read_state(state_path)
    with open_warehouse(lake) as con:
        evaluation = evaluate(
            rules, duckdb_query(con), schemas_from_env(), previous, run_id or run_id_now()
        )
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / NOTIFICATIONS).open("a", encoding="utf-8") as out:
        for n in evaluation.notifications:
            out.write(json.dumps(n.as_json(), sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    _replace(state_path, json.dumps(evaluation.state, indent=1, sort_keys=True) + "\n")
    result = AlertsResult(evaluation, folder)
    _replace(folder / SUMMARY, result.describe() + "\n")
    if show:
        print(result.describe())
    return result


def _replace(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
