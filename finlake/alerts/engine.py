"""Evaluate alert rules through a query function and keep the dedup state.

An occurrence is a row a rule's query returns now, named by its `occurrence_key`. A notification
is raised for each key that the rule's previous evaluation did not return: the state kept
between runs is, per rule, the keys its last evaluation returned. So a re-run over the same data
raises nothing, an occurrence raises once however long it lasts, and one that ends and comes
back (a customer leaving risk band E and entering it again) raises again. A rule new to the
state raises every occurrence it finds on its first evaluation.

Engine-neutral: the query function is DuckDB's locally (finlake/alerts/local.py) and Athena's in
the Lambda (finlake/alerts/aws.py); values are made JSON-safe here so both write the same
notification for the same row.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from finlake.alerts.rules import KEY_COLUMN, Rule
from finlake.errors import FinlakeError

STATE_VERSION = 1
Query = Callable[[str], list[dict[str, object]]]


class RuleFailed(FinlakeError):
    """A rule's query failed on the engine; nothing was raised or recorded for the run."""


@dataclass(frozen=True)
class Notification:
    rule: str
    topic: str
    severity: str
    model: str
    occurrence_key: str
    message: str
    facts: dict[str, object]
    run_id: str

    def as_json(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "rule": self.rule,
            "topic": self.topic,
            "severity": self.severity,
            "model": self.model,
            "occurrence_key": self.occurrence_key,
            "message": self.message,
            "facts": self.facts,
        }


@dataclass
class Evaluation:
    run_id: str
    notifications: list[Notification] = field(default_factory=list)
    active: dict[str, int] = field(default_factory=dict)  # rule -> occurrences now
    state: dict[str, object] = field(default_factory=dict)  # what the next run compares with

    def summary_lines(self) -> list[str]:
        raised: dict[str, int] = {}
        for n in self.notifications:
            raised[n.rule] = raised.get(n.rule, 0) + 1
        lines = [
            f"alerts run {self.run_id}: {len(self.notifications)} new notification(s) "
            f"from {len(self.active)} rule(s)"
        ]
        for rule, count in self.active.items():
            lines.append(f"  {rule:<28} {raised.get(rule, 0):>5} new  {count:>6} active")
        return lines


def json_safe(value: object) -> object:
    """A query value as JSON: Decimal as its exact text, dates as ISO text."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


def previous_keys(state: Mapping[str, object] | None) -> dict[str, set[str]]:
    if not state:
        return {}
    if state.get("version") != STATE_VERSION or not isinstance(state.get("rules"), dict):
        raise FinlakeError(
            f"The alerts dedup state is not version {STATE_VERSION} of finlake's format; move "
            "it aside (every current occurrence then raises once) and run again."
        )
    return {name: set(keys) for name, keys in state["rules"].items()}


def evaluate(
    rules: Iterable[Rule],
    query: Query,
    schemas: dict[str, str],
    state: Mapping[str, object] | None,
    run_id: str,
) -> Evaluation:
    """Run every rule; the notifications are the occurrences new since `state`. A failing rule
    raises RuleFailed naming it (the caller then records nothing, so the next run retries)."""
    before = previous_keys(state)
    out = Evaluation(run_id=run_id)
    after: dict[str, list[str]] = {}
    for rule in rules:
        sql = rule.render(schemas)
        try:
            rows = query(sql)
        except FinlakeError:
            raise
        except Exception as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            raise RuleFailed(
                f"Alert rule {rule.name} failed on the engine ({type(exc).__name__}: {first}); "
                "fix its sql in the rules file (or build the model it reads) and run again."
            ) from None
        keys: list[str] = []
        seen: set[str] = set()
        for row in rows:
            if KEY_COLUMN not in row or row[KEY_COLUMN] is None:
                raise RuleFailed(
                    f"Alert rule {rule.name} returned a row without `{KEY_COLUMN}`; every row "
                    "needs one (give it a non-null value in the rule's sql)."
                )
            key = str(row[KEY_COLUMN])
            if key in seen:
                continue  # one notification per occurrence, however many rows name it
            seen.add(key)
            keys.append(key)
            if key in before.get(rule.name, set()):
                continue
            facts = {k: json_safe(v) for k, v in row.items() if k != KEY_COLUMN}
            out.notifications.append(
                Notification(
                    rule=rule.name,
                    topic=rule.topic,
                    severity=rule.severity,
                    model=rule.model,
                    occurrence_key=key,
                    message=rule.describe(facts),
                    facts=facts,
                    run_id=run_id,
                )
            )
        out.active[rule.name] = len(keys)
        after[rule.name] = sorted(keys)
    out.state = {"version": STATE_VERSION, "run_id": run_id, "rules": after}
    return out
