"""The model card: a short Markdown summary a reviewer reads before metrics.json."""

from __future__ import annotations

from ml.features import describe_feature, feature_spec
from ml.scoring import RISK_BANDS


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def render(metrics: dict) -> str:
    split, test, model = metrics["split"], metrics["test"], metrics["model"]
    spec = feature_spec()
    lines = [
        f"# Model card: probability of default, {metrics['model_version']}",
        "",
        "## Intended use",
        "",
        "Ranks and sizes the 12-month default risk of retail borrowers with a live loan, once a "
        "month, for portfolio monitoring, early-warning lists and provisioning analysis. The "
        "output is a probability of default (PD) and a risk band per customer in "
        "gold.customer_default_scores. Not for automated credit decisions on new applicants: it "
        "was developed only on existing borrowers, and decisions about individuals need the "
        "review and adverse-action reasons a credit policy prescribes.",
        "",
        "## Data window",
        "",
        f"- Source: `{metrics['data']['source']}` (one row per borrower per monthly observation "
        "date; features known before the date, label from the 12 months after it).",
        f"- Training: {split['train_dates'][0]} to {split['train_dates'][-1]} "
        f"({len(split['train_dates'])} months, {split['rows'].get('train', 0):,} borrower-months, "
        f"{split['defaults'].get('train', 0):,} defaults).",
        f"- Out-of-time test: {split['test_dates'][0]} to {split['test_dates'][-1]} "
        f"({split['rows'].get('test', 0):,} borrower-months, {test['defaults']:,} defaults); "
        f"gap months left out: {len(split['gap_dates'])}.",
        f"- Scored: {split['scoring_date']} ({metrics['scores']['rows']:,} customers).",
        f"- Label windows of the last training months run {split['label_overlap_months']} "
        "months into the test period (see Limitations). "
        f"{_pct(split['test_customers_seen_in_training'], 0)} of test customers also appear "
        "in training, at earlier dates.",
        "",
        "## Method",
        "",
        "Spark ML pipeline: median imputation with missing-value indicators, standardisation of "
        "numeric inputs, one-hot encoding of categories, logistic regression with class "
        "weights (each class half the weight), regularisation chosen by "
        f"{model['cv_folds']}-fold cross-validation on the training period with folds grouped "
        "by customer (selected: regParam "
        f"{model['selected']['regParam']:g}, elasticNetParam "
        f"{model['selected']['elasticNetParam']:g}), then Platt calibration on the training "
        f"period (slope {model['calibration']['slope']:.3f}, intercept "
        f"{model['calibration']['intercept']:.3f}; pure prior correction would be slope 1, "
        f"intercept {model['calibration']['prior_correction_expected']:.3f}).",
        "",
        "## Features",
        "",
        "Numeric (standardised): "
        + ", ".join(f"`{f}`" for f in spec.numeric)
        + ". Indicators: "
        + ", ".join(f"`{f}` ({describe_feature(f)})" for f in spec.indicators)
        + ". Categories: "
        + ", ".join(f"`{c}`" for c in spec.categorical)
        + ". Definitions of the gold columns: models/gold/risk/loan_default_features.yml.",
        "",
        "## Out-of-time performance",
        "",
        "| metric | value |",
        "|---|---|",
        f"| ROC AUC | {_num(metrics['auc_roc'])} |",
        f"| Gini | {_num(metrics['gini'])} |",
        f"| PR AUC (average precision) | {_num(metrics['pr_auc'])} |",
        f"| KS | {_num(metrics['ks'])} |",
        f"| Brier score | {_num(metrics['brier'], 4)} |",
        f"| observed default rate / mean PD | {_pct(test['observed_default_rate'], 2)} / "
        f"{_pct(test['mean_predicted_pd'], 2)} |",
        f"| deciles whose default rate lies in the 95% band | "
        f"{test['calibration_bins_within_95']} of {len(test['calibration'])} |",
        f"| Hosmer-Lemeshow (p-value) | {_num(test['hosmer_lemeshow'], 1)} "
        f"({_num(test['hosmer_lemeshow_p_value'])}) |",
        f"| training-period AUC (in sample) | {_num(metrics['train']['auc_roc'])} |",
    ]
    if "oracle_auc" in metrics:
        lines += [
            f"| oracle AUC (true PD of the generator, {metrics['oracle_rows_matched']:,} rows) | "
            f"{_num(metrics['oracle_auc'])} |",
            f"| model AUC / oracle AUC | {_num(metrics['auc_ratio_to_oracle'])} |",
        ]
    c = test["confusion"]
    lines += [
        "",
        f"At the cutoff PD >= {c['threshold']:.4f} ({test['cutoff_rule']}): "
        f"{c['true_positives']} defaults caught, {c['false_negatives']} missed, "
        f"{c['false_positives']} false alarms, {c['true_negatives']} correctly cleared "
        f"(recall {_pct(c['recall'])}, precision {_pct(c['precision'])}).",
        "",
        "## Calibration by decile of predicted PD (test)",
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
        "## Segments (test)",
        "",
        "| segment | rows | defaults | observed | mean PD | AUC | oracle AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in test["segments"]:
        lines.append(
            f"| {s['segment']} | {s['rows']} | {s['defaults']} | {_pct(s['observed_rate'], 2)} | "
            f"{_pct(s['mean_pd'], 2)} | {_num(s['auc_roc'])} | {_num(s['oracle_auc'])} |"
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
        "## Largest effects (odds ratios of the final, calibrated model)",
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
    lines += [
        "",
        "All coefficients: `odds_ratios` in metrics.json.",
        "",
        "## Limitations",
        "",
        "- Out of time, not out of customer: test borrowers were mostly seen at earlier dates, "
        "and the 12-month label windows of late training months overlap the test months, so "
        "the test shares the economy of its period with the training labels.",
        "- A short history (few labelled months) gives one test period; performance across an "
        "economic cycle is unknown. Monitor monthly default rates by band.",
        "- Borrowers without a known customer version have profile inputs imputed (flagged by "
        "the indicators); their PDs rest on repayment and cash-flow behaviour.",
        "- Linear in its inputs: interactions (for example an income shock on a high "
        "debt-to-income) are not modelled; a category not seen in training is scored at the "
        "baseline of that variable.",
        "- Calibrated on the training period; a shift in the default rate (seasonality, the "
        "cycle) shifts calibration first. Re-check the decile table at every scoring run.",
        "",
        "## Reproducibility",
        "",
        f"Model version `{metrics['model_version']}` is a hash of the training rows, the split, "
        "the settings and the code version: the same gold data give the same version, model "
        "and scores. Seed "
        f"{metrics['config']['seed']}; settings in metrics.json (`config`).",
        "",
    ]
    return "\n".join(lines)
