"""Precision and recall of each fraud rule against the generator's fraud truth.

    python bench/fraud_rules_eval.py --lake DIR

Reads gold.fraud_alerts from the dev warehouse and _truth/fraud_labels.csv. An alert is a true
positive when at least one of its transactions is labelled fraud; an episode is caught by a
rule when one of its transactions is in one of the rule's alerts. The false-positive ratio is
false alerts per true alert (what a reviewer wades through per catch). Prints a table and writes
<lake>/bench/fraud_rules.json. Reports figures; never fails on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from finlake.lake import Lake

RULE_PATTERN = {
    "F1": "card_testing",
    "F2": "account_takeover",
    "F3": "large_amount",
    "F4": "night_burst",
    "F5": "structuring",
}


def evaluate(lake: Path) -> dict:
    con = duckdb.connect(str(Lake(lake).warehouse), read_only=True)
    con.execute(
        f"create temp table labels as select * from read_csv_auto('{Lake(lake).truth / 'fraud_labels.csv'}')"
    )
    con.execute("""
        create temp table alert_tx as
        select a.alert_id, a.rule_id, unnest(string_split(a.transaction_ids, ',')) as transaction_id
        from gold.fraud_alerts a
    """)
    rules = con.execute("""
        with hits as (
            select alert_tx.alert_id, alert_tx.rule_id, max(labels.transaction_id is not null) as is_fraud
            from alert_tx left join labels using (transaction_id)
            group by 1, 2
        )
        select rule_id, count(*) as alerts, sum(is_fraud::int) as true_alerts from hits group by 1 order by 1
    """).fetchall()
    episodes = con.execute(
        "select pattern, count(distinct episode_id) from labels group by 1"
    ).fetchall()
    caught = con.execute("""
        select labels.pattern, alert_tx.rule_id, count(distinct labels.episode_id)
        from labels join alert_tx using (transaction_id) group by 1, 2
    """).fetchall()
    any_rule = dict(
        con.execute("""
        select labels.pattern, count(distinct labels.episode_id)
        from labels join alert_tx using (transaction_id) group by 1
    """).fetchall()
    )
    total = dict(episodes)
    caught_by = {(p, r): n for p, r, n in caught}
    out = {"rules": [], "episodes": total, "recall_any_rule": {}}
    for rule_id, alerts, true_alerts in rules:
        pattern = RULE_PATTERN[rule_id]
        out["rules"].append(
            {
                "rule_id": rule_id,
                "pattern": pattern,
                "alerts": alerts,
                "true_alerts": true_alerts,
                "precision": round(true_alerts / alerts, 3) if alerts else None,
                "false_positive_ratio": round((alerts - true_alerts) / true_alerts, 3)
                if true_alerts
                else None,
                "recall": round(caught_by.get((pattern, rule_id), 0) / total[pattern], 3)
                if total.get(pattern)
                else None,
            }
        )
    out["recall_any_rule"] = {p: round(any_rule.get(p, 0) / n, 3) for p, n in total.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", default="lake")
    lake = Path(parser.parse_args(argv).lake)
    result = evaluate(lake)
    print(
        f"{'rule':5} {'pattern':18} {'alerts':>7} {'true':>6} {'precision':>9} {'recall':>7} "
        f"{'FP/TP':>6}"
    )
    for r in result["rules"]:
        print(
            f"{r['rule_id']:5} {r['pattern']:18} {r['alerts']:7d} {r['true_alerts']:6d} "
            f"{r['precision']!s:>9} {r['recall']!s:>7} {r['false_positive_ratio']!s:>6}"
        )
    print("episodes:", result["episodes"], " recall by any rule:", result["recall_any_rule"])
    out = lake / "bench" / "fraud_rules.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
