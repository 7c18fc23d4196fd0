"""The sqlfluff configuration: Athena dialect, dbt templater, the rules of docs/conventions.md, and every
exclusion written down with its reason."""

from __future__ import annotations

import configparser
import re

from tools.sql_lint.project import REPO

CONFIG = REPO / ".sqlfluff"
IGNORE = REPO / ".sqlfluffignore"
JSON_OBJECT = REPO / "macros" / "cross_engine" / "json_object.sql"


def config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return parser


def test_athena_dialect_and_dbt_templater_on_the_dev_target():
    c = config()
    assert c["sqlfluff"]["dialect"] == "athena"
    assert c["sqlfluff"]["templater"] == "dbt"
    assert c["sqlfluff:templater:dbt"]["target"] == "dev"
    assert c["sqlfluff:templater:dbt"]["profile"] == "finlake"


def test_style_md_rules_are_configured():
    c = config()
    assert c["sqlfluff:rules:capitalisation.keywords"]["capitalisation_policy"] == "lower"
    assert (
        c["sqlfluff:rules:capitalisation.identifiers"]["extended_capitalisation_policy"] == "lower"
    )
    assert c["sqlfluff:rules:capitalisation.functions"]["extended_capitalisation_policy"] == "lower"
    assert c["sqlfluff:layout:type:comma"]["line_position"] == "trailing"
    assert c["sqlfluff:indentation"]["tab_space_size"] == "4"
    assert c["sqlfluff:rules:aliasing.table"]["aliasing"] == "explicit"
    assert c["sqlfluff:rules:aliasing.column"]["aliasing"] == "explicit"
    assert c["sqlfluff:rules:ambiguous.join"]["fully_qualify_join_types"] == "inner"
    assert c["sqlfluff:rules:convention.casting_style"]["preferred_type_casting_style"] == "cast"


def test_every_excluded_rule_has_its_reason_in_the_config():
    excluded = [r.strip() for r in config()["sqlfluff"]["exclude_rules"].split(",") if r.strip()]
    text = CONFIG.read_text()
    for rule in excluded:
        assert re.search(rf"^#\s+{rule} \S+ -- \w", text, flags=re.MULTILINE), (
            f"{rule} is excluded in .sqlfluff without a `# {rule} <name> -- <reason>` comment"
        )


def test_every_noqa_in_the_sql_is_a_rule_the_config_explains():
    text = CONFIG.read_text()
    for path in [*REPO.glob("models/**/*.sql"), *REPO.glob("tests/dbt/*.sql")]:
        for rule in re.findall(r"--\s*noqa:\s*(PRS|[A-Z]{2}\d{2})", path.read_text()):
            explained = rf"^#\s+{rule}\s+in \S*{re.escape(path.stem)}"
            assert re.search(explained, text, flags=re.MULTILINE), (
                f"{path.relative_to(REPO)} suppresses {rule}; explain it in .sqlfluff"
            )


def test_files_ignored_for_the_json_escape_literal_go_when_the_macro_changes():
    """The exclusion must not outlive its reason (see .sqlfluffignore)."""
    macro_writes_backslash_literal = "'\\', '\\\\'" in JSON_OBJECT.read_text()
    pending = [
        line
        for line in IGNORE.read_text().splitlines()
        if line.startswith("models/") and line.endswith("__checked.sql")
    ]
    if macro_writes_backslash_literal:
        assert len(pending) == 5
    else:
        assert pending == [], (
            "json_escape no longer writes '\\'; delete the five __checked.sql lines from "
            ".sqlfluffignore (they lint clean now)"
        )
