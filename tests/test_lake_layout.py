"""The lake layout is one object (finlake/lake.py's `Lake`): the same relative layout for a lake
folder and an `s3://` lake, and no other module spells a zone folder."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from finlake.errors import ConfigError
from finlake.lake import Lake, LakeUri

REPO = Path(__file__).resolve().parents[1]

LOCATIONS = (
    "landing",
    "truth",
    "bronze",
    "malformed",
    "load_log",
    "bronze_staging",
    "pii_key_record",
    "warehouse",
    "staging_warehouse",
    "failed_warehouse",
    "gold",
    "staging_gold",
    "ml",
    "dbt_profiles",
)
PER_ENTITY = ("landing_dir", "bronze_dir", "malformed_dir", "export")


def relative(lake: Lake, location) -> str:
    root, full = str(lake.root), str(location)
    assert full.startswith(root + "/"), (root, full)
    return full[len(root) + 1 :]


def layout(lake: Lake) -> dict[str, str]:
    found = {name: relative(lake, getattr(lake, name)) for name in LOCATIONS}
    found |= {name: relative(lake, getattr(lake, name)("accounts")) for name in PER_ENTITY}
    return found


def test_a_bucket_and_a_folder_have_the_same_layout(tmp_path):
    folder, bucket = Lake(tmp_path / "lake"), Lake("s3://bank-lake/prefix/")
    assert isinstance(bucket.root, LakeUri) and isinstance(folder.root, Path)
    assert layout(bucket) == layout(folder)
    assert str(bucket.load_log) == "s3://bank-lake/prefix/bronze/_load_log"
    assert str(bucket.export("loan_default_features")) == (
        "s3://bank-lake/prefix/gold/loan_default_features"
    )
    assert isinstance(folder.bronze_dir("accounts"), Path)  # a local lake stays Paths
    assert Lake.resolve("s3://bank-lake").bronze == LakeUri("s3://bank-lake/bronze")


@pytest.mark.parametrize(
    "landing, bronze, root",
    [
        ("s3://b/p/landing", "s3://b/p/bronze/", "s3://b/p"),
        ("s3://b/landing", "s3://b/bronze", "s3://b"),
        ("file:///tmp/l/landing", "file:///tmp/l/bronze", "file:///tmp/l"),
        ("lake/landing", "lake/bronze", "lake"),
    ],
)
def test_the_glue_jobs_two_uris_are_one_lake(landing, bronze, root):
    assert str(Lake.of_zones(landing, bronze).root) == root


@pytest.mark.parametrize(
    "landing, bronze",
    [
        ("s3://b/landing", "s3://c/bronze"),
        ("s3://b/in", "s3://b/bronze"),
        ("a/landing", "b/bronze"),
    ],
)
def test_two_uris_of_different_lakes_are_refused_in_one_sentence(landing, bronze):
    with pytest.raises(ConfigError, match=r"^--landing_uri .* are not the landing and bronze"):
        Lake.of_zones(landing, bronze)


# ---------------------------------------------------------------------------------------------
# No zone folder spelled outside finlake/lake.py

# A folder of the lake, as a path segment of a string literal that is a path (not prose).
ZONES = r"landing|_truth|bronze|gold|ml|_malformed|_load_log|_staging|_pii_key|_gold_staging"
SEGMENT = re.compile(rf"(^|/)({ZONES})(/|$)")
# Names that are lake folders whatever the context.
ALWAYS = re.compile(
    r"^(_truth|_malformed|_load_log|_staging|_pii_key|_gold_staging|warehouse(\.\w+)?\.duckdb)$"
)
SCANNED = ("finlake", "ingestion", "ml", "bench", "tools")
# Each with the reason it may spell a folder of the lake.
ALLOWED = {
    "finlake/lake.py": "the layout itself",
    # The Athena stand-in uploads a local lake's bronze to its moto bucket under the bucket's own
    # prefixes (terraform/modules/catalog), which it reads from Terraform: owned by s22-13.
    "tools/athena_run/stack.py": "mirrors the bucket Terraform declares",
    "tools/athena_run/terraform_catalog.py": "substitutes Terraform's own bronze URI",
}


def literals(path: Path):
    """(line, text, previous token, next token) of each string literal that is not prose."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT)
    ]
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING:
            continue
        body = re.sub(r"^[rbfuRBFU]*('''|\"\"\"|'|\")", "", token.string)
        body = re.sub(r"('''|\"\"\"|'|\")$", "", body)
        if re.search(r"\s", body):  # a sentence, a docstring, SQL: prose about the lake
            continue
        before = tokens[i - 1].string if i else ""
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        yield token.start[0], body, before, after


def spelled_zones(path: Path, name: str) -> list[str]:
    found = []
    for line, body, before, after in literals(path):
        in_a_path = "/" in body or before == "/" or after == "/"
        if ALWAYS.match(body) or (in_a_path and SEGMENT.search(body)):
            found.append(f"{name}:{line}: {body!r}")
    return found


def test_no_module_but_the_lakes_spells_a_zone_folder():
    found = []
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*.py")):
            name = str(path.relative_to(REPO))
            if name not in ALLOWED:
                found += spelled_zones(path, name)
    assert not found, "lake folders spelled outside finlake/lake.py (use Lake's):\n" + "\n".join(
        found
    )


def test_each_allowed_module_still_spells_one():
    """The allow-list stays short: an entry whose module no longer spells a folder goes."""
    stale = [name for name in ALLOWED if not spelled_zones(REPO / name, name)]
    assert not stale, f"no longer needed in ALLOWED: {stale}"


def test_the_check_sees_the_spellings_it_forbids(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from pathlib import Path\n"
        "lake = Path('x')\n"
        "a = lake / 'bronze' / 'accounts'\n"
        "b = f'{lake}/gold/loan_default_features'\n"
        "c = '_load_log'\n"
        "d = {'bronze': 'finlake_ci_bronze'}  # a schema name, not a folder\n"
        "e = 'No bronze data under the lake; ingest first.'\n"
    )
    assert [f.split(": ", 1)[1] for f in spelled_zones(sample, "sample.py")] == [
        "'bronze'",
        "'{lake}/gold/loan_default_features'",
        "'_load_log'",
    ]
