"""Write the pull-request checks' results as Markdown to $GITHUB_STEP_SUMMARY (or stdout).

Called by `make ci-summary` as the workflow's last step. CI_OUTCOMES lists each check and
its outcome (`name=success,name=failure,...`, from `steps.<id>.outcome`); each check's output
was saved by the workflow as <log dir>/<name>.log. The table comes first, then the end of
the log of every check that did not succeed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ICONS = {"success": "✅", "failure": "❌", "cancelled": "⏹", "skipped": "⏭"}
TAIL_LINES = 60


def render(outcomes: list[tuple[str, str]], log_dir: Path) -> str:
    lines = ["## SQL review checks", "", "| check | result |", "|---|---|"]
    for name, outcome in outcomes:
        lines.append(f"| `make {name}` | {ICONS.get(outcome, '•')} {outcome} |")
    for name, outcome in outcomes:
        log = log_dir / f"{name}.log"
        if outcome == "success" or not log.is_file():
            continue
        tail = log.read_text(errors="replace").splitlines()[-TAIL_LINES:]
        lines += [
            "",
            f"### `make {name}` ({outcome}): last {len(tail)} lines",
            "",
            "```",
            *tail,
            "```",
        ]
    return "\n".join(lines) + "\n"


def parse_outcomes(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.split(","):
        name, _, outcome = item.strip().partition("=")
        if name:
            pairs.append((name, outcome or "unknown"))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    markdown = render(parse_outcomes(os.environ.get("CI_OUTCOMES", "")), args.log_dir)
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown)
    else:
        sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
