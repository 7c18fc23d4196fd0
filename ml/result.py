"""What a training run hands back: where its evidence is, its metrics, and the one-line
summaries `finlake train` and `finlake demo` print (ml/train.py makes it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

METRICS_FILE = "metrics.json"
MODEL_DIR = "model"
CARD_FILE = "model_card.md"
ROC_FILE = "roc.png"
CALIBRATION_FILE = "calibration.png"


def _artifact(name: str) -> property:
    """A result's path to `name` in its artifacts folder."""
    return property(lambda result: result.artifacts / name, doc=f"<artifacts>/{name}")


@dataclass
class TrainResult:
    model_version: str
    artifacts: Path
    scores_location: str
    metrics: dict
    seconds: dict[str, float]

    metrics_path = _artifact(METRICS_FILE)
    model_path = _artifact(MODEL_DIR)
    model_card_path = _artifact(CARD_FILE)
    roc_plot = _artifact(ROC_FILE)
    calibration_plot = _artifact(CALIBRATION_FILE)

    def headline(self) -> str:
        """The champion's leak-free figures with their intervals, in one line."""
        m = self.metrics
        ci = m["test"]["ci_95"]

        def fig(name: str, value: float, interval: list[float], digits: int = 3) -> str:
            return f"{name} {value:.{digits}f} [{interval[0]:.{digits}f}, {interval[1]:.{digits}f}]"

        oracle = (
            f"; oracle AUC {m['oracle_auc']:.3f}, gap "
            f"[{m['auc_gap_to_oracle_ci_95'][0]:.3f}, {m['auc_gap_to_oracle_ci_95'][1]:.3f}]"
            if "oracle_auc" in m
            else ""
        )
        return (
            f"default model {self.model_version} (scorecard) on unseen borrowers, 95% CI: "
            f"{fig('AUC', m['auc_roc'], ci['auc_roc'])}, {fig('KS', m['ks'], ci['ks'])}, "
            f"{fig('Brier', m['brier'], ci['brier'], 4)}; challenger LR AUC "
            f"{m['challenger']['auc_roc']:.3f}{oracle}"
        )

    def describe(self) -> str:
        m = self.metrics
        low, high = m["auc_roc_ci_95"]
        oracle = ""
        if "oracle_auc" in m:
            o_low, o_high = m["oracle_auc_ci_95"]
            oracle = f"; oracle {m['oracle_auc']:.3f} [{o_low:.3f}, {o_high:.3f}]"
        challenger = m["challenger"]
        c_low, c_high = challenger["ci_95"]["auc_roc"]
        return (
            f"default model {self.model_version}: scorecard AUC on unseen borrowers "
            f"{m['auc_roc']:.3f} [95% CI {low:.3f}, {high:.3f}], challenger LR "
            f"{challenger['auc_roc']:.3f} [{c_low:.3f}, {c_high:.3f}]{oracle}; "
            f"KS {m['ks']:.3f}, Brier {m['brier']:.4f} on {m['test_rows']:,} test rows; "
            f"{m['scores']['rows']:,} customers scored at {m['split']['scoring_date']} into "
            f"{self.scores_location}; evidence in {self.artifacts} "
            f"({sum(self.seconds.values()):.0f}s)"
            + "".join(f"\nwarning: {w}" for w in m.get("warnings", []))
        )


def flat_metrics(metrics: dict) -> dict:
    """The headline numbers and interval bounds as flat name -> float, for MLflow."""
    flat = {}
    for key in ("auc_roc", "pr_auc", "ks", "gini", "brier", "oracle_auc", "auc_ratio_to_oracle"):
        if isinstance(metrics.get(key), float):
            flat[key] = metrics[key]
    for key in ("auc_roc_ci_95", "oracle_auc_ci_95", "auc_gap_to_oracle_ci_95"):
        if metrics.get(key):
            flat[f"{key}_low"], flat[f"{key}_high"] = metrics[key]
    challenger = metrics.get("challenger", {})
    for key in ("auc_roc", "ks", "brier"):
        if isinstance(challenger.get(key), float):
            flat[f"challenger_{key}"] = challenger[key]
    for key, interval in (challenger.get("ci_95") or {}).items():
        flat[f"challenger_{key}_ci_95_low"], flat[f"challenger_{key}_ci_95_high"] = interval
    for key, interval in ((metrics.get("test") or {}).get("ci_95") or {}).items():
        flat[f"{key}_ci_95_low"], flat[f"{key}_ci_95_high"] = interval
    watch = metrics.get("monitoring") or {}
    latest = (watch.get("score_psi") or {}).get(watch.get("latest_date") or "")
    if isinstance(latest, float):
        flat["score_psi_latest"] = latest
    return {**metrics, **flat}
