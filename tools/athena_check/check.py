"""Checks on the project compiled for Athena (pure functions: manifest and SQL in, findings out).

Per compiled model, test and hook:

- the SQL parses as Athena SQL (sqlglot's `athena` dialect, Trino rules for queries);
- every function it calls is on the Athena engine v3 allow-list (athena_functions.txt);
- no DuckDB-only syntax slipped in (`::` casts, `qualify`, `* exclude (...)`, ...).

- no call passes more than 127 arguments, and concat() gets at least two (Athena's limits).

Per model and seed, the materialisation Athena needs: Iceberg tables (or views), merge
incrementals with a unique key, an explicit data location under the layer's zone of the
lake (s3_data_dir from FINLAKE_S3_DATA_DIR), and contract data types Athena returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

ALLOWLIST = Path(__file__).with_name("athena_functions.txt")
DIALECT = "athena"

# Zones of the lake bucket dbt may write (terraform/README.md: the transformation role
# writes only under silver/ and gold/); a model writes under its layer's zone.
WRITABLE_ZONES = ("silver", "gold")
MATERIALIZATIONS = ("table", "incremental", "view", "ephemeral")

# Words that precede a parenthesis without being a function call.
_NOT_CALLS = frozenset(
    [
        "all",
        "and",
        "any",
        "as",
        "between",
        "bernoulli",
        "by",
        "case",
        "cube",
        "define",
        "distinct",
        "else",
        "end",
        "except",
        "exists",
        "filter",
        "from",
        "group",
        "having",
        "in",
        "intersect",
        "is",
        "join",
        "lateral",
        "like",
        "match_recognize",
        "not",
        "of",
        "on",
        "or",
        "over",
        "partition",
        "pattern",
        "recursive",
        "rollup",
        "select",
        "sets",
        "some",
        "system",
        "table",
        "then",
        "union",
        "using",
        "values",
        "when",
        "where",
        "window",
        "with",
        "within",
    ]
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Athena engine v3: "Functions cannot take more than 127 parameters"; concat() needs two.
MAX_ARGUMENTS = 127

# Type names Athena (Trino) queries use; a contract's data_type must be one of them, because
# dbt compares it with the type the query returns (`string`, `text`, `int64`... never match).
ATHENA_TYPES = frozenset(
    [
        "array",
        "bigint",
        "boolean",
        "char",
        "date",
        "decimal",
        "double",
        "integer",
        "int",
        "interval",
        "json",
        "map",
        "real",
        "row",
        "smallint",
        "time",
        "timestamp",
        "tinyint",
        "uuid",
        "varbinary",
        "varchar",
    ]
)

# What to write instead, for DuckDB functions that are not Athena functions.
DUCKDB_HINTS = {
    "regexp_matches": "finlake.regex_matches()",
    "regexp_full_match": "finlake.regex_matches() with ^...$",
    "epoch": "finlake.epoch_seconds()",
    "epoch_ms": "to_milliseconds() / finlake.epoch_seconds()",
    "strftime": "date_format() behind a dispatched macro",
    "strptime": "date_parse() behind a dispatched macro",
    "string_agg": "finlake.list_agg()",
    "group_concat": "finlake.list_agg()",
    "list_agg": "finlake.list_agg() (the macro, not a function)",
    "struct_pack": "row(...) cast to a row type",
    "struct_insert": "row(...) cast to a row type",
    "read_parquet": "a source() (a Glue table on Athena)",
    "read_csv": "a source() (a Glue table on Athena)",
    "read_csv_auto": "a source() (a Glue table on Athena)",
    "read_json": "a source() (a Glue table on Athena)",
    "parquet_scan": "a source() (a Glue table on Athena)",
    "glob": "a source() (a Glue table on Athena)",
    "unhex": "from_hex()",
    "hex": "to_hex()",
    "ifnull": "coalesce()",
    "nvl": "coalesce()",
    "iff": "if() or case",
    "datediff": "dbt.datediff()",
    "date_sub": "dbt.dateadd() with a negative amount",
    "today": "current_date",
    "array_length": "cardinality()",
    "len": "length() or cardinality()",
    "list_value": "array[...]",
    "encode": "to_utf8()",
    "decode": "from_utf8()",
}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, printed as `<file>:<line> [<node>] <message>`."""

    path: str
    line: int
    node: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where} [{self.node}] {self.message}"


@dataclass(frozen=True)
class SqlProblem:
    """A problem in one compiled SQL text: 1-based line, the construct, what is wrong."""

    line: int
    construct: str
    message: str
    source_pattern: str  # a regular expression locating the construct in the raw source


def load_allowlist(path: Path = ALLOWLIST) -> frozenset[str]:
    """Function names from the allow-list file: one per line, `#` starts a comment."""
    names = set()
    for raw in path.read_text().splitlines():
        name = raw.split("#", 1)[0].strip().lower()
        if name:
            names.add(name)
    return frozenset(names)


def _line_of(sql: str, offset: int) -> int:
    return sql.count("\n", 0, offset) + 1


def _matching_paren(tokens: list[Token], open_index: int) -> int | None:
    depth = 0
    for index in range(open_index, len(tokens)):
        kind = tokens[index].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return index
    return None


def function_calls(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(token index, lower-case name) of every function call: a name followed by `(`.

    Not calls: keywords that take a parenthesis (`in (`, `over (`, `as (` ...), types after
    `as` (`cast(x as decimal(18, 2))`), column lists of aliases and CTEs (`as t(a, b)`,
    `name(a, b) as (`), and a name after `)` (a derived table's alias).
    """
    for index, token in enumerate(tokens[:-1]):
        if tokens[index + 1].token_type != TokenType.L_PAREN:
            continue
        text = token.text
        if token.token_type == TokenType.IDENTIFIER:
            continue  # "quoted"( never starts a call in the compiled SQL
        if not _IDENTIFIER.match(text) or text.lower() in _NOT_CALLS:
            continue
        previous = tokens[index - 1] if index else None
        if previous is not None and previous.token_type in (
            TokenType.ALIAS,
            TokenType.R_PAREN,
            TokenType.STAR,  # `* exclude (...)`: reported as DuckDB syntax instead
        ):
            continue
        close = _matching_paren(tokens, index + 1)
        if (
            close is not None
            and close + 2 < len(tokens)
            and tokens[close + 1].token_type == TokenType.ALIAS
            and tokens[close + 2].token_type == TokenType.L_PAREN
        ):
            continue  # a CTE with a column list: name(a, b) as (...)
        name = text.lower()
        if previous is not None and previous.token_type == TokenType.DOT and index >= 2:
            name = f"{tokens[index - 2].text.lower()}.{name}"
        yield index, name


def argument_count(tokens: list[Token], open_index: int) -> int:
    """How many arguments the call whose `(` is at `open_index` passes."""
    close = _matching_paren(tokens, open_index)
    if close is None or close == open_index + 1:
        return 0
    depth, commas = 0, 0
    for token in tokens[open_index : close + 1]:
        if token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        elif token.token_type == TokenType.COMMA and depth == 1:
            commas += 1
    return commas + 1


def _adjacent(a: Token, b: Token) -> bool:
    return a.end + 1 == b.start


def _duckdb_syntax(tokens: list[Token]) -> Iterator[tuple[int, str, str, str]]:
    """(token index, construct, message, source regex) for syntax Athena does not have."""
    n = len(tokens)
    for i, token in enumerate(tokens):
        kind, text = token.token_type, token.text.lower()
        nxt = tokens[i + 1] if i + 1 < n else None
        prev = tokens[i - 1] if i else None
        if kind == TokenType.DCOLON:
            yield i, "::", "`::` cast is DuckDB/PostgreSQL syntax; write cast(x as type)", r"::"
        elif (
            text == "qualify"
            and kind != TokenType.IDENTIFIER  # "qualify", quoted, is a name
            and (prev is None or prev.token_type not in (TokenType.DOT, TokenType.ALIAS))
        ):
            yield (
                i,
                "qualify",
                "`qualify` is not Athena SQL; filter on row_number() in a CTE",
                r"\bqualify\b",
            )
        elif (
            kind == TokenType.STAR
            and nxt is not None
            and nxt.text.lower() in ("exclude", "replace", "rename")
        ):
            word = nxt.text.lower()
            yield (
                i,
                f"* {word}",
                f"`* {word} (...)` is DuckDB syntax; list the columns",
                rf"\*\s*{word}\b",
            )
        elif kind == TokenType.UNION and _union_by_name(tokens, i):
            yield (
                i,
                "union by name",
                "`union by name` is DuckDB syntax; union columns by position",
                r"\bby\s+name\b",
            )
        elif kind == TokenType.ILIKE:
            yield (
                i,
                "ilike",
                "`ilike` is not Athena SQL; write lower(x) like lower(pattern)",
                r"\bilike\b",
            )
        elif kind == TokenType.GLOB:
            yield i, "glob", "`glob` is DuckDB syntax; use like or regexp_like()", r"\bglob\b"
        elif kind == TokenType.DARROW:
            yield (
                i,
                "->>",
                "`->>` is DuckDB/PostgreSQL JSON syntax; use json_extract_scalar()",
                r"->>",
            )
        elif kind == TokenType.ARROW and nxt is not None and nxt.token_type == TokenType.STRING:
            yield i, "->", "`-> 'key'` is DuckDB JSON syntax; use json_extract()", r"->\s*'"
        elif kind == TokenType.COLON_EQ:
            yield i, ":=", "`:=` named arguments are DuckDB syntax", r":="
        elif kind == TokenType.L_BRACE:
            yield i, "{", "`{...}` struct literals are DuckDB syntax; use row(...)", r"\{"
        elif kind == TokenType.COLON:
            yield i, ":", "`:` (slices, struct fields) is DuckDB syntax", r"(?<!:):(?![:=])"
        elif (
            kind == TokenType.SLASH
            and nxt is not None
            and nxt.token_type == TokenType.SLASH
            and _adjacent(token, nxt)
        ):
            yield (
                i,
                "//",
                "`//` integer division is DuckDB syntax; cast the quotient or use floor()",
                r"//",
            )
        elif (
            kind == TokenType.STAR
            and nxt is not None
            and nxt.token_type == TokenType.STAR
            and _adjacent(token, nxt)
        ):
            yield i, "**", "`**` is DuckDB syntax; use power()", r"\*\*"
        elif kind in (TokenType.PIVOT, TokenType.UNPIVOT):
            yield (
                i,
                text,
                f"`{text}` is not Athena SQL; aggregate with case or unnest",
                rf"\b{text}\b",
            )
        elif kind == TokenType.DISTINCT and nxt is not None and nxt.token_type == TokenType.ON:
            yield (
                i,
                "distinct on",
                "`distinct on (...)` is not Athena SQL; use row_number()",
                r"\bdistinct\s+on\b",
            )
        elif kind == TokenType.INTERVAL and nxt is not None and nxt.token_type == TokenType.NUMBER:
            yield (
                i,
                "interval",
                "Athena needs a quoted interval value: interval '1' day",
                r"\binterval\s+\d",
            )
        elif kind in (TokenType.GROUP_BY, TokenType.ORDER_BY) and _by_all(tokens, i):
            clause = text.split()[0]
            yield (
                i,
                f"{clause} by all",
                f"`{clause} by all` is DuckDB syntax; list the columns",
                rf"\b{clause}\s+by\s+all\b",
            )


def _union_by_name(tokens: list[Token], i: int) -> bool:
    words = [t.text.lower() for t in tokens[i + 1 : i + 4]]
    if words[:1] in (["all"], ["distinct"]):
        words = words[1:]
    return words[:2] == ["by", "name"]


def _by_all(tokens: list[Token], i: int) -> bool:
    if i + 1 >= len(tokens) or tokens[i + 1].text.lower() != "all":
        return False
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    return after is None or after.token_type in (
        TokenType.R_PAREN,
        TokenType.SEMICOLON,
        TokenType.LIMIT,
        TokenType.HAVING,
        TokenType.ORDER_BY,
        TokenType.UNION,
    )


def check_sql(sql: str, allowed: frozenset[str]) -> list[SqlProblem]:
    """Problems of one compiled SQL text as Athena engine v3 SQL."""
    problems: list[SqlProblem] = []
    try:
        sqlglot.parse(sql, read=DIALECT)
    except ParseError as exc:
        error = exc.errors[0] if exc.errors else {}
        problems.append(
            SqlProblem(
                line=int(error.get("line") or 1),
                construct=str(error.get("highlight") or ""),
                message=f"does not parse as Athena SQL: {error.get('description') or exc}",
                source_pattern="",
            )
        )
    try:
        tokens = sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except TokenError as exc:
        problems.append(SqlProblem(1, "", f"cannot be tokenised as Athena SQL: {exc}", ""))
        return problems
    for index, construct, message, pattern in _duckdb_syntax(tokens):
        problems.append(SqlProblem(_line_of(sql, tokens[index].start), construct, message, pattern))
    for index, name in function_calls(tokens):
        line = _line_of(sql, tokens[index].start)
        pattern = rf"\b{re.escape(name.split('.')[-1])}\s*\("
        if name not in allowed:
            hint = DUCKDB_HINTS.get(name)
            message = f"{name}() is not an Athena engine v3 function"
            message += (
                f" (DuckDB only; use {hint})"
                if hint
                else " (not on tools/athena_check/athena_functions.txt)"
            )
            problems.append(SqlProblem(line, f"{name}(", message, pattern))
            continue
        arguments = argument_count(tokens, index + 1)
        if arguments > MAX_ARGUMENTS:
            message = f"{name}() gets {arguments} arguments; Athena allows at most {MAX_ARGUMENTS}"
            problems.append(SqlProblem(line, f"{name}(", message, pattern))
        elif name == "concat" and arguments < 2:
            message = "concat() with one argument fails on Athena engine v3; it needs two or more"
            problems.append(SqlProblem(line, "concat(", message, pattern))
    return sorted(problems, key=lambda p: p.line)


def _source_line(raw_code: str, pattern: str) -> int | None:
    """The line of `raw_code` (the model as written) where `pattern` first matches."""
    if not pattern:
        return None
    match = re.search(pattern, raw_code, flags=re.IGNORECASE)
    return _line_of(raw_code, match.start()) if match else None


def _node_label(node: Mapping[str, Any]) -> str:
    return str(node.get("name") or node["unique_id"])


def check_compiled_node(node: Mapping[str, Any], allowed: frozenset[str]) -> list[Finding]:
    """Findings in one node's compiled SQL, located in its source file where possible."""
    sql = node.get("compiled_code") or ""
    if not sql.strip():
        return []
    findings = []
    for problem in check_sql(sql, allowed):
        line = _source_line(node.get("raw_code") or "", problem.source_pattern)
        message = problem.message
        if line is None:
            line = 0
            compiled = node.get("compiled_path") or "the compiled SQL"
            message += f" (from a macro: line {problem.line} of {compiled})"
        findings.append(Finding(node["original_file_path"], line, _node_label(node), message))
    return findings


def _zone(node: Mapping[str, Any]) -> str | None:
    """The lake zone a model writes to: the layer folder it lives in (models/<zone>/...)."""
    fqn = node.get("fqn") or []
    return fqn[1] if len(fqn) > 2 and fqn[1] in WRITABLE_ZONES else None


def _data_location(
    node: Mapping[str, Any], config: Mapping[str, Any], data_dir: str
) -> Iterator[str]:
    s3_data_dir = config.get("s3_data_dir")
    allowed = [f"{data_dir}{z}/" for z in WRITABLE_ZONES]
    if node["resource_type"] == "model":
        zone = _zone(node)
        if zone is None:
            yield "lives outside models/silver and models/gold, so it has no zone of the lake to write to"
            return
        allowed = [f"{data_dir}{zone}/"]
    if not s3_data_dir:
        yield f"has no explicit s3_data_dir; set +s3_data_dir to {allowed[0]} (from FINLAKE_S3_DATA_DIR)"
    elif s3_data_dir not in allowed:
        yield f"s3_data_dir={s3_data_dir!r} is not its zone of the lake ({' or '.join(allowed)})"
    external = config.get("external_location")
    if external and not any(str(external).startswith(a) for a in allowed):
        yield f"external_location={external!r} is outside its zone of the lake ({' or '.join(allowed)})"


def _contract_types(node: Mapping[str, Any]) -> Iterator[str]:
    config = node.get("config") or {}
    if not (config.get("contract") or {}).get("enforced"):
        return
    for column in (node.get("columns") or {}).values():
        data_type = (column.get("data_type") or "").strip().lower()
        base = re.split(r"[\s(]", data_type, maxsplit=1)[0]
        if not data_type:
            yield f"contract column {column['name']} has no data_type"
        elif base not in ATHENA_TYPES:
            yield f"contract column {column['name']} has data_type {data_type!r}, not an Athena (Trino) type"


def check_node_config(node: Mapping[str, Any], data_dir: str) -> list[Finding]:
    """Materialisation findings for a model or seed compiled for Athena."""
    kind = node["resource_type"]
    if kind not in ("model", "seed"):
        return []
    config = node.get("config") or {}
    materialized = config.get("materialized") or ("seed" if kind == "seed" else None)
    problems: list[str] = []
    if kind == "model" and materialized not in MATERIALIZATIONS:
        problems.append(
            f"materialized={materialized!r} is not one Athena supports ({', '.join(MATERIALIZATIONS)})"
        )
    if materialized in ("table", "incremental", "seed"):
        table_type = str(config.get("table_type") or "hive").lower()
        if table_type != "iceberg":
            problems.append(
                f"table_type={table_type!r}; Athena tables here must be table_type='iceberg'"
            )
        problems.extend(_data_location(node, config, data_dir))
    if materialized == "incremental":
        strategy = config.get("incremental_strategy")
        if strategy != "merge":
            problems.append(
                f"incremental_strategy={strategy!r}; Iceberg incrementals must use 'merge'"
            )
        if not config.get("unique_key"):
            problems.append("is incremental without a unique_key; merge needs one")
    if kind == "model":
        problems.extend(_contract_types(node))
    path = node["original_file_path"]
    return [Finding(path, 0, _node_label(node), p) for p in problems]


CHECKED_SQL = ("model", "test", "operation", "analysis", "snapshot")


def check_manifest(
    manifest: Mapping[str, Any], data_dir: str, allowed: frozenset[str] | None = None
) -> list[Finding]:
    """Every finding for a manifest compiled for the prod (Athena) target."""
    allowed = load_allowlist() if allowed is None else allowed
    findings: list[Finding] = []
    for node in manifest["nodes"].values():
        findings.extend(check_node_config(node, data_dir))
        if node["resource_type"] in CHECKED_SQL:
            findings.extend(check_compiled_node(node, allowed))
    return sorted(set(findings))


def summary(manifest: Mapping[str, Any]) -> dict[str, int]:
    """How many nodes of each kind had SQL to check (for the report line)."""
    counts: dict[str, int] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in CHECKED_SQL and node.get("compiled_code"):
            counts[node["resource_type"]] = counts.get(node["resource_type"], 0) + 1
    return counts
