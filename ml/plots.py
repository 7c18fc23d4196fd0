"""The two figures of the evidence set, as PNG files (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; safe on servers and inside Databricks jobs
import matplotlib.pyplot as plt
import numpy as np

from ml.evaluation import auc_roc, curve


def plot_roc(
    y: np.ndarray,
    p: np.ndarray,
    path: Path,
    title: str,
    oracle: tuple[np.ndarray, np.ndarray] | None = None,
) -> Path:
    """ROC curve of the model on the test set; with `oracle` (y, true PD) its curve too."""
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=110)
    c = curve(y, p)
    ax.plot(c.fpr, c.tpr, color="#1f4e79", lw=2, label=f"model (AUC {auc_roc(y, p):.3f})")
    if oracle is not None:
        oc = curve(*oracle)
        label = f"oracle, true PD (AUC {auc_roc(*oracle):.3f})"
        ax.plot(oc.fpr, oc.tpr, color="#b05f00", lw=1.2, ls="--", label=label)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":", label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate (defaults caught)")
    return _save(fig, ax, path, title, top=1, legend="lower right")


def plot_calibration(calibration: list[dict], path: Path, title: str) -> Path:
    """Observed default rate against mean predicted PD per decile, with the 95% band."""
    predicted = np.array([b["mean_predicted"] for b in calibration])
    observed = np.array([b["observed_rate"] for b in calibration])
    lower = np.array([b["lower_95"] for b in calibration])
    upper = np.array([b["upper_95"] for b in calibration])
    top = max(predicted.max(), observed.max(), upper.max()) * 1.08
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=110)
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls=":", label="perfect calibration")
    ax.fill_between(predicted, lower, upper, color="#1f4e79", alpha=0.15, label="95% band")
    ax.plot(predicted, observed, "o-", color="#1f4e79", label="deciles of predicted PD")
    ax.set(xlabel="mean predicted PD", ylabel="observed default rate")
    return _save(fig, ax, path, title, top=top, legend="upper left")


def _save(fig, ax, path: Path, title: str, top: float, legend: str) -> Path:
    """The figures' common finish: title, square axes from 0 to `top`, legend, grid; the PNG."""
    ax.set_title(title, fontsize=10)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.legend(loc=legend, fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
