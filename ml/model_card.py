"""The model card: a short Markdown summary a reviewer reads before metrics.json."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from finlake.errors import ConfigError
from ml.scoring import RISK_BANDS

# Who owns and who approved the model: settings of the deployment, never defaults that look
# real. Unset, the card says so (and the model is not approved).
GOVERNANCE_SETTINGS = {
    "owner": "FINLAKE_MODEL_OWNER",
    "developer": "FINLAKE_MODEL_DEVELOPER",
    "approver": "FINLAKE_MODEL_APPROVER",
    "approved_on": "FINLAKE_MODEL_APPROVED_ON",
}


def governance(environ: Mapping[str, str] | None = None) -> dict:
    """Owner, developer, approver and approval date from the environment (GOVERNANCE_SETTINGS;
    on Databricks, the cluster's environment variables); `approved` only when an approver and a
    valid date are both set."""
    env = os.environ if environ is None else environ
    values = {k: (env.get(v) or "").strip() or None for k, v in GOVERNANCE_SETTINGS.items()}
    if values["approved_on"] is not None:
        try:
            dt.date.fromisoformat(values["approved_on"])
        except ValueError:
            raise ConfigError(
                f"{GOVERNANCE_SETTINGS['approved_on']}={values['approved_on']!r} is not a date; "
                "use YYYY-MM-DD."
            ) from None
    values["approved"] = values["approver"] is not None and values["approved_on"] is not None
    return values


def _setting(values: dict, key: str) -> str:
    value = values.get(key)
    return value if value else f"**not recorded** (set `{GOVERNANCE_SETTINGS[key]}`)"


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ci(interval: list[float] | None, digits: int = 3) -> str:
    if not interval:
        return "n/a"
    return f"[{interval[0]:.{digits}f}, {interval[1]:.{digits}f}]"


def render(metrics: dict) -> str:
    split, test, model = metrics["split"], metrics["test"], metrics["model"]
    challenger, card = metrics["challenger"], metrics["scorecard"]
    features = metrics["features"]
    ci = test["ci_95"]
    owners = metrics.get("governance") or governance({})
    approval = (
        f"approved by {owners['approver']} on {owners['approved_on']}"
        if owners["approved"]
        else "**not approved**: no independent validation sign-off is recorded (set "
        f"`{GOVERNANCE_SETTINGS['approver']}` and `{GOVERNANCE_SETTINGS['approved_on']}` "
        "once it is given)"
    )
    lines = [
        f"# Model card: probability of default, {metrics['model_version']}",
        "",
        "| field | value |",
        "|---|---|",
        f"| model owner | {_setting(owners, 'owner')} |",
        f"| developer | {_setting(owners, 'developer')}; code: finlake `ml/` (run details: "
        "`run` in metrics.json) |",
        f"| validation / approval | {approval} |",
        "| approved use | portfolio monitoring of existing borrowers (below) |",
        f"| champion | {model['champion']} |",
        f"| challenger | {model['challenger']} |",
        "| next review | at every retraining, and when a monitoring alert fires |",
        "",
        "## Intended use",
        "",
        "Ranks and sizes the 12-month default risk of retail borrowers with a live loan, once a "
        "month, for portfolio monitoring, early-warning lists and provisioning analysis. The "
        "output is a probability of default (PD), a risk band and up to three adverse-action "
        "reasons per customer in gold.customer_default_scores. Not for automated credit "
        "decisions on new applicants: it was developed only on existing borrowers, and "
        "decisions about individuals need the review a credit policy prescribes.",
        "",
        "## Definition of default",
        "",
        "A borrower defaults in the 12 months after an observation date when an instalment of "
        "theirs becomes 90 or more days past due, or one of their loans is recorded in default "
        "or charged off, within that window (gold `loan_default_features.defaults_within_window`; "
        "the definition and its settings are in models/gold/risk/loan_default_features.yml). "
        "A window that the data does not yet cover is unlabelled: neither fitted nor tested.",
        "",
        "## Data windows",
        "",
        f"- Source: `{metrics['data']['source']}` (one row per borrower per monthly observation "
        "date; features known before the date, label from the 12 months after it).",
        f"- Training: {split['train_dates'][0]} to {split['train_dates'][-1]} "
        f"({len(split['train_dates'])} months), customers not held out: "
        f"{split['rows']['train']:,} borrower-months, {split['defaults']['train']:,} defaults.",
        f"- Test: {split['test_dates'][0]} to {split['test_dates'][-1]}, the "
        f"{100 * split['holdout_share']:.0f}% of customers held out of training altogether: "
        f"{split['rows']['test']:,} borrower-months, {split['defaults']['test']:,} defaults "
        f"({len(test['ci_95'] and [1])} interval per figure from "
        f"{test['bootstrap']['samples_used']} customer-clustered bootstrap resamples of "
        f"{test['bootstrap']['customers']} customers).",
        f"- Gap months left out: {len(split['gap_dates'])}. Scored: {split['scoring_date']} "
        f"({metrics['scores']['rows']:,} customers).",
        "",
        "**Why out of borrower.** Labels look 12 months ahead, so training labels of the last "
        f"training months run {split['label_overlap_months']} months into the test period. With "
        "the same customers in training and test, a test default was often the very event a "
        "training row was labelled with (169 of 202 on the small preset before this design). A "
        "gap of 11 labelled months would remove that, but the history is too short for it. "
        "Holding customers out removes it by construction (checked on the data: no test "
        "customer has a training row); the rolling-origin backtest below shows how the figure "
        "moves with the test month.",
        "",
        "## Performance on unseen borrowers (test)",
        "",
        "| metric | champion (scorecard) | 95% CI | challenger (LR) | 95% CI |",
        "|---|---|---|---|---|",
        f"| ROC AUC | {_num(metrics['auc_roc'])} | {_ci(ci.get('auc_roc'))} | "
        f"{_num(challenger['auc_roc'])} | {_ci(challenger['ci_95'].get('auc_roc'))} |",
        f"| KS | {_num(metrics['ks'])} | {_ci(ci.get('ks'))} | {_num(challenger['ks'])} | "
        f"{_ci(challenger['ci_95'].get('ks'))} |",
        f"| Brier score | {_num(metrics['brier'], 4)} | {_ci(ci.get('brier'), 4)} | "
        f"{_num(challenger['brier'], 4)} | {_ci(challenger['ci_95'].get('brier'), 4)} |",
        f"| Gini | {_num(metrics['gini'])} | | {_num(challenger['gini'])} | |",
        f"| PR AUC | {_num(metrics['pr_auc'])} | | {_num(challenger['pr_auc'])} | |",
        f"| mean PD (observed default rate {_pct(test['observed_default_rate'], 2)}) | "
        f"{_pct(test['mean_predicted_pd'], 2)} | | {_pct(challenger['mean_predicted_pd'], 2)} | |",
        f"| deciles whose default rate lies in the 95% band | "
        f"{test['calibration_bins_within_95']} of {len(test['calibration'])} | | "
        f"{challenger['calibration_bins_within_95']} of {len(test['calibration'])} | |",
    ]
    if "oracle_auc" in metrics:
        lines += [
            f"| oracle AUC (the generator's true PD) | {_num(metrics['oracle_auc'])} | "
            f"{_ci(metrics['oracle_auc_ci_95'])} | | |",
            f"| AUC gap to the oracle | {_num(metrics['oracle_auc'] - metrics['auc_roc'])} | "
            f"{_ci(metrics['auc_gap_to_oracle_ci_95'])} | "
            f"{_num(metrics['oracle_auc'] - challenger['auc_roc'])} | "
            f"{_ci(challenger.get('auc_gap_to_oracle_ci_95'))} |",
        ]
    lines += [
        f"| training-period AUC (in sample) | {_num(metrics['train']['auc_roc'])} | | "
        f"{_num(metrics['train']['challenger_auc_roc'])} | |",
        "",
        "A model whose AUC gap to the oracle is negative beyond its interval fails the run "
        "(only leakage allows beating the true PD).",
    ]
    for warning in metrics.get("warnings", []):
        lines.append(f"\n**Warning:** {warning}.")
    c = test["confusion"]
    lines += [
        "",
        f"At the cutoff PD >= {c['threshold']:.4f} ({test['cutoff_rule']}): "
        f"{c['true_positives']} defaults caught, {c['false_negatives']} missed, "
        f"{c['false_positives']} false alarms, {c['true_negatives']} correctly cleared "
        f"(recall {_pct(c['recall'])}, precision {_pct(c['precision'])}).",
        "",
        "## Rolling-origin backtest (champion refitted at each origin)",
        "",
        *(
            [
                f"Each origin refits the scorecard with the penalty the main run chose "
                f"({metrics['backtest'][0]['penalty']:g}), so the backtest is of the model "
                "reported.",
                "",
            ]
            if metrics["backtest"] and "penalty" in metrics["backtest"][0]
            else []
        ),
        "| test month | training months | test rows | defaults | AUC | oracle AUC |",
        "|---|---|---|---|---|---|",
    ]
    for b in metrics["backtest"]:
        lines.append(
            f"| {b['origin']} | {b['training_months']} | {b['test_rows']} | "
            f"{b['test_defaults']} | {_num(b['auc_roc'])} | {_num(b.get('oracle_auc'))} |"
        )
    lines += [
        "",
        "## Segments (test months; champion, challenger and oracle AUC)",
        "",
        "Each AUC with its 95% interval from customer-clustered bootstrap resamples of the "
        "segment's own customers; a segment with few defaults has a wide interval, and two "
        "segments whose intervals overlap are not shown to differ.",
        "",
        "| segment | rows | defaults | observed | mean PD | AUC [95% CI] | challenger AUC "
        "[95% CI] | oracle AUC [95% CI] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in test["segments"]:
        lines.append(
            f"| {s['segment']} | {s['rows']} | {s['defaults']} | {_pct(s['observed_rate'], 2)} | "
            f"{_pct(s['mean_pd'], 2)} | {_num(s['auc_roc'])} {_ci(s.get('auc_roc_ci_95'))} | "
            f"{_num(s.get('challenger_auc_roc'))} {_ci(s.get('challenger_auc_roc_ci_95'))} | "
            f"{_num(s.get('oracle_auc'))} {_ci(s.get('oracle_auc_ci_95'))} |"
        )
    lines += [
        "",
        "The 'seen in training' rows are the old design's test set (same customers at later "
        "dates), shown only to measure how much it flattered the model.",
        "",
        "## Calibration by decile of predicted PD (champion, test)",
        "",
        "| decile | rows | mean PD | observed | 95% band |",
        "|---|---|---|---|---|",
    ]
    for b in test["calibration"]:
        lines.append(
            f"| {b['bin']} | {b['rows']} | {_pct(b['mean_predicted'], 2)} | "
            f"{_pct(b['observed_rate'], 2)} | {_pct(b['lower_95'], 2)} to "
            f"{_pct(b['upper_95'], 2)} |"
        )
    lines += [
        "",
        "## Risk bands",
        "",
        "| band | PD range | test rows | test default rate | scored customers |",
        "|---|---|---|---|---|",
    ]
    scored = {b["band"]: b["rows"] for b in metrics["scores"]["by_band"]}
    tested = {b["band"]: b for b in test["risk_bands"]}
    for band in RISK_BANDS:
        t = tested[band.band]
        lines.append(
            f"| {band.band} | {_pct(band.lower, 0)} to {_pct(band.upper, 0)} | {t['rows']} | "
            f"{_pct(t['observed_rate'])} | {scored[band.band]} |"
        )
    lines += [
        "",
        "## Champion: scorecard terms",
        "",
        f"Penalty {card['penalty']:g} chosen by customer-grouped cross-validated log loss "
        + (
            "(interior of its grid)."
            if card["penalty_edge"] is None
            else f"(still at the {card['penalty_edge']} end of its grid after widening)."
        )
        + " Standard errors are clustered by customer; 'sign flips' is the share of "
        "customer-bootstrap refits whose coefficient has the other sign.",
        "",
        "| input | IV | bins | default rate | coefficient | clustered SE | sign flips |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in metrics["scorecard_terms"]:
        lines.append(
            f"| `{t['feature']}` | {t['information_value']:.3f} | {t['bins']} | "
            f"{t['direction'] or 'by category'} | {t['coefficient']:.3f} | "
            f"{t['standard_error_clustered']:.3f} | {_pct(t['sign_flip_share'], 0)} |"
        )
    if card["dropped"]:
        lines += [
            "",
            "Inputs the scorecard left out: "
            + "; ".join(f"`{k}` ({v})" for k, v in sorted(card["dropped"].items()))
            + ".",
        ]
    lines += [
        "",
        "Bins and weights of evidence: scorecard.json.",
        "",
        "## Challenger: largest effects (odds ratios of the calibrated LR)",
        "",
        f"Every input standardised before one L2/elastic-net penalty (flags included, so the "
        f"penalty weighs a 1-SD move of every input alike); regParam "
        f"{model['selected']['regParam']:g}, elasticNetParam "
        f"{model['selected']['elasticNetParam']:g}"
        + (
            ", interior of its grid."
            if model["selected"].get("grid_edge") is None
            else f", at the {model['selected']['grid_edge']} end of its grid after widening."
        ),
        "",
        "| input | odds ratio | per |",
        "|---|---|---|",
    ]
    terms = [t for t in metrics["odds_ratios"] if t["kind"] != "intercept"]
    for t in sorted(terms, key=lambda t: -abs(t["coefficient"]))[:12]:
        per = {
            "numeric": f"1 SD ({_num(t['scale'], 3)}) of {t['description']}",
            "indicator": t["description"],
            "category": t["description"],
        }[t["kind"]]
        lines.append(f"| `{t['feature']}` | {t['odds_ratio']:.3f} | {per} |")
    lines += _challenger_stability(metrics.get("challenger_stability"))
    dropped = features["dropped"]
    lines += [
        "",
        "## Inputs",
        "",
        "Read from gold: every designed column plus any other numeric or boolean column that is "
        "not label-side or lineage (ml/features.py). "
        + (
            "Left out because they cannot inform a model in the training window: "
            + "; ".join(f"`{c}` ({r})" for c, r in dropped.items())
            + "."
            if dropped
            else "None was left out: every input varies in the training window."
        ),
        "",
        "## Monitoring plan",
        "",
        "Every scoring run compares the population with the one the model was last fitted on "
        f"(the training rows of {', '.join(str(d) for d in (metrics.get('monitoring_reference') or {}).get('dates', [])) or 'the latest training months'}): population "
        "stability index (PSI) of the score (training deciles) and of every scorecard input "
        "(the scorecard's own bins, missing a bin of its own); 0.1 warns, 0.25 alerts "
        "(retrain or review). Calibration by risk band is checked against realised defaults "
        "once the 12-month labels of a scoring date mature; a band whose default rate leaves "
        "its 95% band two months running triggers a review. Written to gold "
        "`model_monitoring` (one row per date, measure and subject).",
        "",
    ]
    watch = metrics.get("monitoring")
    if watch:
        lines += [
            "| observation date | score PSI | status |",
            "|---|---|---|",
        ]
        for day, value in watch["score_psi"].items():
            state = "alert" if value >= 0.25 else "warn" if value >= 0.1 else "ok"
            lines.append(f"| {day} | {value:.3f} | {state} |")
        lines += [
            "",
            f"Inputs with the largest PSI at {watch['latest_date']}: "
            + ", ".join(
                f"`{t['input']}` {t['psi']:.3f} ({t['status']})"
                for t in watch["latest_input_psi_top"]
            )
            + f". Calibration bands outside their 95% band where labels matured: "
            f"{watch['calibration_bands_outside']}.",
            "",
        ]
    used = {t["feature"] for t in metrics["scorecard_terms"]}
    fair = metrics.get("fair_lending")
    lines += [
        "## Fair lending",
        "",
        "Age (`age_years`) is a protected ground in credit decisions in most jurisdictions, and "
        "employment status (retired, student, unemployed) can proxy for age, disability or sex. "
        "In this champion: "
        + ", ".join(
            f"`{f}` {'is an input' if f in used else 'is not an input'}"
            for f in (fair or {}).get("restricted_inputs", ["age_years", "employment_status"])
        )
        + ". The model serves portfolio monitoring, not decisions about applicants; before any "
        "decision use, the version without them below is the candidate, a disparate-impact "
        "review by age band is due, and neither may be quoted as an adverse-action reason "
        "without legal review.",
        "",
    ]
    if fair:
        lines += [
            f"Refitted without them on the same training rows: AUC on unseen borrowers "
            f"{_num(fair['auc_roc_without_restricted'])} "
            f"{_ci(fair['auc_roc_without_restricted_ci_95'])} against "
            f"{_num(fair['auc_roc'])} {_ci(fair['auc_roc_ci_95'])} with them.",
            "",
            "| age band | test rows | observed default rate | mean PD | mean PD without | "
            "scored customers | their mean PD | without |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for b in fair["age_bands"]:
            lines.append(
                f"| {b['age_band']} | {b['test_rows']} | {_pct(b['observed_rate'], 2)} | "
                f"{_pct(b['mean_pd'], 2)} | {_pct(b['mean_pd_without_restricted'], 2)} | "
                f"{b['scored_customers']} | {_pct(b['scored_mean_pd'], 2)} | "
                f"{_pct(b['scored_mean_pd_without_restricted'], 2)} |"
            )
        lines.append("")
    auc_ci = ci.get("auc_roc")
    width = f"{auc_ci[1] - auc_ci[0]:.3f}" if auc_ci else "n/a"
    gap = metrics.get("auc_gap_to_oracle_ci_95")
    seen = {s["segment"]: s for s in test["segments"]}
    flattery = seen.get("borrower: seen in training", {}).get("auc_roc")
    latest = (watch or {}).get("score_psi", {}).get((watch or {}).get("latest_date") or "")
    lines += [
        "## Limitations",
        "",
        f"- The test set holds {test['defaults']} defaults; the AUC interval is "
        f"{_ci(auc_ci)} (width {width}), so differences below that width - between the "
        "champion and the challenger, or between segments - are not evidence.",
        f"- The champion ranks below the true PD: AUC gap to the oracle {_ci(gap)} (95%). "
        "Part of the true risk is not in the data (the generator's hidden noise), part is "
        "lost to binning and the linear form.",
        f"- Seen borrowers score AUC {_num(flattery)} against {_num(metrics['auc_roc'])} on "
        "unseen ones: figures on a test set that shares customers with training overstate "
        "performance.",
        f"- Score PSI at the scoring date: {_num(latest)} (0.1 warns, 0.25 alerts); the "
        "calibration there cannot be checked for 12 months.",
        "- Test and training share the economy of overlapping label windows (out of borrower, "
        "not out of period): a downturn after the training period would not show here.",
        "- A short history gives few backtest origins; performance across a cycle is unknown.",
        "- Borrowers without a known customer version have profile inputs missing; the "
        "scorecard gives them the missing bin's weight of evidence.",
        "- Additive in binned inputs: interactions are not modelled; a category not seen in "
        "training scores a weight of evidence of 0 (no evidence).",
        "",
        "## Reproducibility",
        "",
        f"Model version `{metrics['model_version']}` is a hash of the training rows, the split, "
        "the settings and the code version: the same gold data give the same version, models "
        "and scores. Seed "
        f"{metrics['config']['seed']}; settings in metrics.json (`config`).",
        "",
    ]
    return "\n".join(lines)


def _challenger_stability(found: dict | None) -> list[str]:
    """The challenger's coefficients with clustered SEs and sign stability (ml/stability.py)."""
    if not found:
        return []
    lines = [
        "",
        "### Challenger: clustered standard errors and sign stability",
        "",
        f"{found['flipping']} of {found['selected']} selected coefficients change sign in "
        f"{_pct(found['flip_threshold'], 0)} or more of {found['refits']} customer-bootstrap "
        "refits (whole customers resampled; the same penalty and class weights): their "
        "direction is not established. Coefficients are per standard deviation of the input "
        "after calibration; standard errors are sandwich estimates with the scores summed per "
        "customer; an input the L1 part of the penalty set to 0 has neither.",
        "",
        "| input | coefficient per SD | clustered SE | sign flips |",
        "|---|---|---|---|",
    ]
    for t in sorted(found["terms"], key=lambda t: -abs(t["coefficient_per_sd"])):
        se = t["standard_error_clustered"]
        flip = t["sign_flip_share"]
        lines.append(
            f"| `{t['input']}` | {t['coefficient_per_sd']:.3f} | "
            f"{'-' if se is None else f'{se:.3f}'} | "
            f"{'not selected' if flip is None else _pct(flip, 0)} |"
        )
    return lines
