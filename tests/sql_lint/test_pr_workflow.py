"""The pull-request workflow and the pre-commit hooks call only make targets and tools that
exist here, so what runs in CI is what `make test` (and a developer) runs locally.

actionlint cannot be installed on this project's machines (its PyPI package downloads the
binary from GitHub at build time), so this is the workflow's static check."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from tools.sql_lint.project import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pr.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
RUN_LINE = re.compile(
    r'^make (?P<target>[a-z0-9-]+)(?: [A-Z_]+=\S+)*(?: 2>&1 \| tee "\$RUNNER_TEMP/(?P<log>[a-z0-9-]+)\.log")?$'
)


def make_targets() -> set[str]:
    """Every target make knows in this repository (Makefile and mk/*.mk)."""
    out = subprocess.run(
        ["make", "-pRrq", "-f", "Makefile", ":"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {m.group(1) for m in re.finditer(r"^([a-zA-Z0-9_-]+):(?!=)", out, flags=re.MULTILINE)}


def workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); both spellings are accepted below.
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def test_the_workflow_runs_on_pull_requests_to_main_with_read_only_rights():
    data = workflow()
    trigger = data.get("on", data.get(True))
    assert trigger["pull_request"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read"}
    assert data["defaults"]["run"]["shell"] == "bash"


def test_every_run_step_is_one_make_target_that_exists():
    targets = make_targets()
    runs = [step["run"] for step in steps() if "run" in step]
    assert runs, "the workflow runs nothing"
    for run in runs:
        lines = [line for line in run.strip().splitlines() if line.strip()]
        assert len(lines) == 1, f"one make call per step, got: {run!r}"
        match = RUN_LINE.match(lines[0].replace("${{ github.base_ref }}", "main"))
        assert match, f"not a plain make call: {lines[0]!r}"
        assert match["target"] in targets, f"make has no target {match['target']!r}"
        if match["log"]:
            assert match["log"] == match["target"], "each check logs under its own target name"


def test_the_workflow_covers_every_check_of_the_brief():
    called = {
        RUN_LINE.match(s["run"].strip().replace("${{ github.base_ref }}", "main"))["target"]
        for s in steps()
        if "run" in s
    }
    assert {
        "install",
        "lint-sql-changed",
        "dbt-state",
        "dbt-slim-ci",
        "athena-check",
        "test-python",
        "tf-check",
        "ci-summary",
    } <= called


def test_the_summary_reports_every_logged_check():
    summary = next(s for s in steps() if s.get("run", "").strip() == "make ci-summary")
    assert summary["if"] == "always()"
    reported = {item.split("=")[0].strip() for item in summary["env"]["CI_OUTCOMES"].split(",")}
    logged = {
        m["log"]
        for s in steps()
        if "run" in s
        for m in [RUN_LINE.match(s["run"].strip().replace("${{ github.base_ref }}", "main"))]
        if m and m["log"]
    }
    assert reported == logged


def test_main_is_checked_out_for_its_manifest_and_history_is_full_for_the_merge_base():
    checkouts = [s for s in steps() if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts[0]["with"]["fetch-depth"] == 0
    assert checkouts[1]["with"] == {"ref": "${{ github.base_ref }}", "path": ".ci-main"}
    state = next(s for s in steps() if "make dbt-state" in s.get("run", ""))
    assert "MAIN_DIR=.ci-main" in state["run"]


def hooks() -> list[dict]:
    config = yaml.safe_load(PRE_COMMIT.read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"], (
        "GitHub hook repos cannot be cloned here"
    )
    return config["repos"][0]["hooks"]


def test_pre_commit_covers_sql_python_terraform_secrets_and_hygiene():
    ids = {hook["id"] for hook in hooks()}
    assert {
        "sqlfluff-lint",
        "ruff-check",
        "ruff-format",
        "terraform-fmt",
        "checkov",
        "detect-secrets",
        "check-yaml",
        "end-of-file-fixer",
        "trailing-whitespace",
    } <= ids


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: h["id"])
def test_each_pre_commit_hook_calls_something_that_exists_or_is_pinned(hook):
    if hook["language"] == "system":
        command = hook["entry"].split()
        if command[0] == "make":
            assert command[-1] in make_targets()
        else:
            assert (REPO / command[0]).exists() or command[0].startswith(".venv/"), command[0]
            if command[1:3] == ["-m", command[2]] and command[2].startswith("tools."):
                assert (REPO / command[2].replace(".", "/")).is_dir()
    else:
        assert hook["language"] == "python"
        assert all("==" in dep for dep in hook["additional_dependencies"]), "pin every hook package"
