"""Precision and recall of each fraud rule against the generator's fraud truth.

    python bench/fraud_rules_eval.py --lake DIR [--lake DIR ...]

Reads gold.fraud_alerts from the dev warehouse and _truth/fraud_labels.csv. An alert is a true
positive when at least one of its transactions is labelled fraud; an episode is caught by a
rule when one of its transactions is in one of the rule's alerts. The false-positive ratio is
false alerts per true alert (what a reviewer wades through per catch); the alert volume is
alerts per 1,000 customers per month of history. Prints a table per lake, and the lakes pooled,
and writes <lake>/bench/fraud_rules.json. Reports figures; never fails on them.

The rules' thresholds (dbt_project.yml fraud_* vars) were tuned on clean runs, whose fraud
sits at fixed constants (finlake/generator/fraud.py TODAY): evaluated there the figures are
circular. For an evaluation the tuning never saw, generate lakes with other seeds and
`--fraud-variation S` (each run draws its own fraud behaviour around TODAY and adds genuine
look-alikes: in-app purchase runs, night-shift cash, cash businesses banking under 10,000):

    finlake generate --preset small --seed 101 --fraud-variation 1 --lake /tmp/fv101
    finlake ingest --lake /tmp/fv101 --dev-pii-key && finlake build --lake /tmp/fv101
    python bench/fraud_rules_eval.py --lake /tmp/fv101 --lake /tmp/fv102

Each lake's drawn fraud behaviour is printed beside its table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from finlake.generator.fraud import varied
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
    customers, months = con.execute(
        "select count(distinct customer_id), "
        "greatest(1, date_diff('month', min(transaction_date), max(transaction_date)) + 1) "
        "from silver.stg_transactions join silver.stg_accounts using (account_id)"
    ).fetchone()
    manifest = json.loads((Lake(lake).truth / "manifest.json").read_text())["config"]
    spread = float(manifest.get("fraud_variation", 0.0))
    counts = {
        "episodes": dict(episodes),
        "caught": {(p, r): n for p, r, n in caught},
        "any_rule": any_rule,
        "alerts": {r: (a, t) for r, a, t in rules},
        "customer_months": customers * months,
    }
    out = figures(counts)
    out |= {
        "lake": str(lake),
        "seed": manifest.get("seed"),
        "fraud_variation": spread,
        "fraud_behaviour": varied(int(manifest.get("seed", 0)), spread).as_dict(),
        "counts": counts,
    }
    return out


def figures(counts: dict) -> dict:
    """Per rule: alerts, per 1,000 customer-months, precision, episode recall, FP per TP."""
    total, caught_by = counts["episodes"], counts["caught"]
    out = {"rules": [], "episodes": total, "recall_any_rule": {}}
    for rule_id, pattern in RULE_PATTERN.items():
        alerts, true_alerts = counts["alerts"].get(rule_id, (0, 0))
        out["rules"].append(
            {
                "rule_id": rule_id,
                "pattern": pattern,
                "alerts": alerts,
                "alerts_per_1000_customer_months": round(
                    1000 * alerts / max(counts["customer_months"], 1), 3
                ),
                "true_alerts": true_alerts,
                "precision": round(true_alerts / alerts, 3) if alerts else None,
                "false_positive_ratio": round((alerts - true_alerts) / true_alerts, 3)
                if true_alerts
                else None,
                "recall": round(caught_by.get((pattern, rule_id), 0) / total[pattern], 3)
                if total.get(pattern)
                else None,
                "episodes": total.get(pattern, 0),
            }
        )
    out["recall_any_rule"] = {
        p: round(counts["any_rule"].get(p, 0) / n, 3) for p, n in total.items()
    }
    return out


def pooled(results: list[dict]) -> dict:
    """The lakes' counts added up, then the same figures."""
    counts = {"episodes": {}, "caught": {}, "any_rule": {}, "alerts": {}, "customer_months": 0}
    for r in results:
        c = r["counts"]
        for key in ("episodes", "caught", "any_rule"):
            for k, v in c[key].items():
                counts[key][k] = counts[key].get(k, 0) + v
        for k, (a, t) in c["alerts"].items():
            old = counts["alerts"].get(k, (0, 0))
            counts["alerts"][k] = (old[0] + a, old[1] + t)
        counts["customer_months"] += c["customer_months"]
    return figures(counts)


def show(title: str, result: dict) -> None:
    print(title)
    print(
        f"{'rule':5} {'pattern':18} {'alerts':>7} {'/1k c-m':>8} {'true':>6} {'precision':>9} "
        f"{'episodes':>8} {'recall':>7} {'FP/TP':>6}"
    )
    for r in result["rules"]:
        print(
            f"{r['rule_id']:5} {r['pattern']:18} {r['alerts']:7d} "
            f"{r['alerts_per_1000_customer_months']:8.3f} {r['true_alerts']:6d} "
            f"{r['precision']!s:>9} {r['episodes']:8d} {r['recall']!s:>7} "
            f"{r['false_positive_ratio']!s:>6}"
        )
    print("recall by any rule:", result["recall_any_rule"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", action="append", help="a built lake (repeat for several)")
    lakes = [Path(p) for p in (parser.parse_args(argv).lake or ["lake"])]
    results = []
    for lake in lakes:
        result = evaluate(lake)
        results.append(result)
        behaviour = ", ".join(f"{k} {v}" for k, v in result["fraud_behaviour"].items())
        show(
            f"\n{lake} (seed {result['seed']}, fraud variation {result['fraud_variation']}): "
            f"{behaviour}",
            result,
        )
        out = lake / "bench" / "fraud_rules.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        saved = {k: v for k, v in result.items() if k != "counts"}
        out.write_text(json.dumps(saved, indent=2, default=str) + "\n")
    if len(results) > 1:
        show(f"\npooled over {len(results)} lakes", pooled(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
