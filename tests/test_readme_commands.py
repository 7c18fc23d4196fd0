"""Every command in a README runs as written.

The commands are the lines of the READMEs' (and CONTRIBUTING's and docs/') fenced `bash`, `sh`
or `console` blocks, and the inline code spans that start with a command (`finlake …`,
`make …`, `python …`). Each is checked as cheaply as proves it:

* a fenced command is either run as written, in a copy of the repository's top level whose
  `lake/` is a copy of the tiny preset's built lake (RUN), or listed with the reason it is not
  (SKIPPED: it needs AWS, a server or a long run); a fenced command in neither fails the test,
  so a new one is a decision;
* a `finlake …` command is parsed by the command line's own parser; a synopsis
  (`finlake build [--target T]`) has each of its options checked against that subcommand's;
* a `make …` command names targets the Makefile (or mk/*.mk) defines;
* `python -m MODULE` names a module that imports; `python path.py` a file that exists.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from finlake.cli import build_parser
from tests.lake_copy import copy_lake

REPO = Path(__file__).resolve().parents[1]
DOCS = sorted(
    {
        *REPO.glob("README.md"),
        *REPO.glob("*/README.md"),
        *REPO.glob("*/*/README.md"),
        *REPO.glob("CONTRIBUTING.md"),
        *REPO.glob("docs/*.md"),
    }
    - {p for p in REPO.glob("*/*/README.md") if p.parts[-3] in (".venv", "target", "lake")}
)
SHELL_FENCES = ("bash", "sh", "console", "shell")
COMMANDS = ("finlake", "make", "python", "python3", ".venv/bin/python", ".venv/bin/finlake")
SYNOPSIS = re.compile(r"[\[\]{}<>…|]|(^| )[A-Z][A-Z_]*( |$)")  # [opt] {a,b} <x> a|b, METAVAR

# Fenced commands run as written (cwd: the repository's top level with lake/ the tiny preset's
# built lake, copied), each with why it is cheap enough.
RUN = {
    "python -m ingestion.glue_job --landing_uri lake/landing --bronze_uri lake/bronze "
    "--dev-pii-key": "the Glue entry on local folders; every file is loaded already, so it "
    "reads the ledger and skips them (one Spark start)",
    "python tools/trino/server.py --help": "prints its usage",
    "finlake trace customer C0000002 --lake lake": "reads the built lake (seconds)",
}
# Fenced commands not run, each with the reason.
SKIPPED = {
    "make demo": "the whole pipeline on the small preset (minutes); CI runs `make demo`",
    "make test": "every check: it is what runs this test",
    "make install": "installs .venv, which every make target does first",
    ".venv/bin/python -m pip wheel --no-deps -w dist .": "builds the package for Databricks "
    "(pip, about a minute, writes dist/)",
    "finlake lineage --lake lake": "compiles the dbt project first (about a minute); "
    "tests/lineage/test_lineage.py runs lineage on the tiny preset's manifest",
    "finlake lineage --lake lake --manifest target/manifest.json": "reads the manifest of an "
    "earlier compile in target/; tests/lineage/test_lineage.py runs it on the tiny build's",
    "finlake lineage --lake lake --target trino": "compiles for the trino target, which needs "
    "a Trino server",
    "finlake lineage --lake lake --write-meta": "compiles the project (about a minute) and "
    "rewrites the silver and gold YAML's meta; tests/lineage/test_lineage.py checks the YAML "
    "against the lineage",
    "finlake lineage --lake lake --target prod": "compiles for prod against a local AWS "
    "emulator (about a minute); tests/trino/test_lineage_on_trino.py compiles it the same way",
    "make dbt-state MAIN_DIR=../main STATE=/tmp/state STATE_LAKE=/tmp/main-lake": "needs a "
    "checkout of main and lands the tiny preset (minutes); tests/sql_lint/test_slim_ci.py runs "
    "it on a lake of its own",
    "make dbt-slim-ci-plan STATE=/tmp/state SLIM_LAKE=lake": "needs the state the previous "
    "command writes; tests/sql_lint/test_slim_ci.py runs it",
    ".venv/bin/pre-commit install": "writes the clone's git hooks",
    "finlake contract render": "writes the repository's derived files; tests/contract/"
    "test_render.py renders them and compares",
    "finlake ingest --lake lake": "a step of the guide, after its edits: tests/contract/"
    "test_add_entity_guide.py follows the guide",
    "finlake build --lake lake --select +stg_standing_orders quarantine pass_rates "
    "reconciliation": "a step of the guide, after its edits: tests/contract/"
    "test_add_entity_guide.py follows the guide",
    "finlake generate --preset tiny --profile koruna --lake lake-koruna": "the second bank's "
    "lake: the koruna_lake fixture (tests/conftest.py) generates it for "
    "tests/warehouse/test_second_bank.py",
    "finlake ingest --lake lake-koruna && finlake build --lake lake-koruna": "ingests and "
    "builds the second bank (minutes): the koruna_warehouse fixture does it",
    "finlake ingest [--lake DIR] [--entities customers loans] [--verbose] [--dev-pii-key]": (
        "a synopsis: its options are checked against the parser (test_finlake_commands_parse)"
    ),
    "finlake train --lake lake": "trains the model (a long run); tests/ml runs the same stage "
    "on the tiny preset",
    "python ml/default_model.py --lake lake": "the notebook as a script trains the model (a "
    "long run); tests/ml/test_end_to_end.py runs the notebook",
    "make parity": "starts a Trino server and builds twice (minutes); `make test` runs it",
    "make trino-start": "starts a Trino server that stays up",
    "make trino-build LAKE=lake": "starts a Trino server and builds the lake on it (minutes)",
    "make trino-stop": "stops the server trino-start started",
    "cp terraform/envs/account.tfvars.example ~/finlake-dev.tfvars && $EDITOR "
    "~/finlake-dev.tfvars": "edits a file of the reader's AWS account",
    "cp terraform/envs/dev.s3.tfbackend.example terraform/envs/dev.s3.tfbackend && $EDITOR "
    "terraform/envs/dev.s3.tfbackend": "edits the reader's Terraform backend",
    "terraform -chdir=terraform init -reconfigure -backend-config=envs/dev.s3.tfbackend": (
        "needs AWS credentials and the state bucket"
    ),
    'terraform -chdir=terraform plan -var-file=envs/dev.tfvars -var-file="$HOME/'
    'finlake-dev.tfvars" -out=dev.tfplan': "needs AWS credentials",
    "terraform -chdir=terraform apply dev.tfplan": "creates AWS resources",
    "eval \"$(terraform -chdir=terraform output -json dbt_environment | python3 -c 'import "
    'json,shlex,sys; [print(f"export {k}={shlex.quote(v)}") for k,v in json.load(sys.stdin)'
    ".items()]')\"": "reads the outputs of an applied Terraform state",
}


FENCE = re.compile(r"^[ \t]*```(\w*)[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)


def fenced_commands(text: str, fences=SHELL_FENCES) -> list[str]:
    """The logical lines of the shell blocks: continuations joined, prompts and comments gone."""
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) not in fences:
            continue
        body = re.sub(r"\\\n\s*", " ", match.group(2))
        for line in body.splitlines():
            line = re.sub(r"^\s*\$ ", "", line)
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#"):
                found.append(re.sub(r"\s+", " ", line))
    return found


def inline_commands(text: str) -> list[str]:
    """The inline code spans that are a command (fenced blocks left out)."""
    prose = FENCE.sub("", text)
    spans = (re.sub(r"\s+", " ", m.group(1)) for m in re.finditer(r"`([^`]+)`", prose))
    return [s.replace("\\|", "|") for s in spans if " " in s and s.split(" ", 1)[0] in COMMANDS]


def all_commands() -> list[tuple[str, str]]:
    """(document, command) of every command of every document (`a && b` is two)."""
    found = []
    for doc in DOCS:
        text = doc.read_text()
        name = str(doc.relative_to(REPO))
        for line in fenced_commands(text) + inline_commands(text):
            found += [(name, part.strip()) for part in line.split(" && ")]
    return found


def test_a_block_of_commands_says_it_is_shell():
    """An unlabelled block of commands would escape this test: label it `bash`."""
    unlabelled = [
        f"{doc.relative_to(REPO)}: {line}"
        for doc in DOCS
        for line in fenced_commands(doc.read_text(), fences=("",))
        if line.split(" ", 1)[0] in COMMANDS
    ]
    assert not unlabelled, "commands in a fenced block without a language:\n" + "\n".join(
        unlabelled
    )


def test_the_extraction_sees_fenced_and_inline_commands():
    text = (
        "Run `finlake build --select x` or `make lint`, not `finish it`.\n"
        "```bash\n$ finlake ingest \\\n   --dev-pii-key   # comment\n# a comment line\n```\n"
        "```text\nfinlake generate\n```\n"
    )
    assert fenced_commands(text) == ["finlake ingest --dev-pii-key"]
    assert inline_commands(text) == ["finlake build --select x", "make lint"]


def test_each_fenced_command_is_run_or_skipped_with_a_reason():
    fenced = {c for doc in DOCS for c in fenced_commands(doc.read_text())}
    undecided = sorted(fenced - RUN.keys() - SKIPPED.keys())
    assert not undecided, (
        "README commands neither run nor skipped by tests/test_readme_commands.py (add each to "
        "RUN, or to SKIPPED with the reason):\n" + "\n".join(undecided)
    )
    gone = sorted((RUN.keys() | SKIPPED.keys()) - fenced)
    assert not gone, "commands listed in RUN or SKIPPED that no README has any more:\n" + "\n".join(
        gone
    )


# ---------------------------------------------------------------------------------------------
# finlake: parsed by its own parser


def subcommand_options(parser: argparse.ArgumentParser) -> dict[str, set[str]]:
    found = {"": {o for a in parser._actions for o in a.option_strings}}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = {o for a in sub._actions for o in a.option_strings} | found[""]
                for nested, options in subcommand_options(sub).items():
                    if nested:
                        found[f"{name} {nested}"] = options | found[""]
    return found


def finlake_problem(command: str) -> str | None:
    """Why `command` (a `finlake …` line) does not parse, or None."""
    words = command.split(" ")[1:]
    parser = build_parser()
    if (
        SYNOPSIS.search(command) or len(words) == 1
    ):  # a synopsis, or a subcommand's name  # a synopsis: its subcommand and options exist
        options = subcommand_options(parser)
        sub = " ".join(w for w in words[:2] if re.fullmatch(r"[a-z]+", w))
        while sub and sub not in options:
            sub = sub.rsplit(" ", 1)[0] if " " in sub else ""
        if not sub:
            return f"no subcommand {words[0]!r}"
        unknown = sorted(set(re.findall(r"--[\w-]+", command)) - options[sub])
        return f"{sub} has no option {', '.join(unknown)}" if unknown else None
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            parser.parse_args(shlex.split(command)[1:])
    except SystemExit as exc:
        if exc.code:
            return err.getvalue().strip().splitlines()[-1]
    return None


def test_finlake_commands_parse():
    problems = [
        f"{doc}: `{command}`: {problem}"
        for doc, command in all_commands()
        if command.split(" ")[0].endswith("finlake")
        if (problem := finlake_problem(command))
    ]
    assert not problems, "README finlake commands the parser rejects:\n" + "\n".join(problems)


def test_the_parser_check_rejects_what_finlake_rejects():
    assert finlake_problem("finlake build --select x") is None
    assert finlake_problem("finlake build [--target T] [--select S ...]") is None
    assert "unrecognized arguments" in finlake_problem("finlake build -- --threads 4")
    assert "--dbt-args" in finlake_problem("finlake build [--dbt-args A]")
    assert finlake_problem("finlake train --seed N") is None  # N: a placeholder
    assert finlake_problem("finlake build") is None  # the subcommand named
    assert "no subcommand" in finlake_problem("finlake bulid")


# ---------------------------------------------------------------------------------------------
# make, python


def make_targets() -> set[str]:
    targets = set()
    for makefile in [REPO / "Makefile", *sorted((REPO / "mk").glob("*.mk"))]:
        for line in makefile.read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.%/-]+(?:[ \t]+[A-Za-z0-9_.%/-]+)*)[ \t]*:(?!=)", line)
            if match:
                targets |= set(match.group(1).split())
    return targets


def test_make_commands_name_targets_that_exist():
    targets = make_targets()
    missing = [
        f"{doc}: `{command}`: no target {word}"
        for doc, command in all_commands()
        if command.startswith("make ")
        for word in re.sub(r"<[^>]*>", "", command).split(" ")[1:]
        if word and "=" not in word and not word.startswith("-") and word not in targets
    ]
    assert not missing, "README make commands naming no target:\n" + "\n".join(missing)


def python_problem(command: str) -> str | None:
    words = command.split(" ")
    if len(words) > 2 and words[1] == "-m":
        module = words[2]
        if SYNOPSIS.search(module):
            return None
        if importlib.util.find_spec(module) is None:
            return f"no module {module}"
    elif len(words) > 1 and words[1].endswith(".py") and not (REPO / words[1]).is_file():
        return f"no file {words[1]}"
    return None


def test_python_commands_name_modules_and_files_that_exist():
    problems = [
        f"{doc}: `{command}`: {problem}"
        for doc, command in all_commands()
        if command.split(" ")[0] in ("python", "python3", ".venv/bin/python")
        if (problem := python_problem(command))
    ]
    assert not problems, "README python commands naming nothing:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# the commands that run


@pytest.fixture(scope="module")
def clone_with_lake(tiny_warehouse, tmp_path_factory) -> Path:
    """The repository's top level (links) with lake/ a copy of the tiny preset's built lake."""
    top = tmp_path_factory.mktemp("readme") / "finlake"
    top.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in ("lake", ".git"):
            (top / entry.name).symlink_to(entry)
    copy_lake(tiny_warehouse, top / "lake")
    return top


@pytest.mark.parametrize("command", sorted(RUN))
def test_readme_command_runs_as_written(command, clone_with_lake):
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("FINLAKE_LAKE", None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=clone_with_lake,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (
        f"`{command}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
