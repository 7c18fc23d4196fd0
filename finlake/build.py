"""`finlake build`: run dbt for a target with the project's profile and the lake's paths.

The profile is profiles.yml.example, used as it is: every value in it comes from the
environment, which this module fills from the lake folder for dev. dbt runs in-process, so a
failure can be summarised in one sentence while dbt's own log keeps the detail.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from finlake.contract import load_contract
from finlake.environ import environment
from finlake.errors import ConfigError, FinlakeError
from finlake.lake import LOAD_LOG_DIR, PII_KEY_DIR, Lake

TARGETS = ("dev", "prod", "trino")
PROFILE_TEMPLATE = "profiles.yml.example"
# The Hive catalog holding bronze on the trino target (tools/trino/ configures the server).
TRINO_BRONZE_CATALOG = "bronze"


class DbtFailed(FinlakeError):
    """dbt ran but some models or tests failed."""


def project_root() -> Path:
    """The folder holding dbt_project.yml (the repository this package is installed from)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "dbt_project.yml").is_file():
            return folder
    raise ConfigError(
        "dbt_project.yml not found above the finlake package; run finlake from a clone of the repository (pip install -e .)."
    )


@dataclass
class BuildResult:
    target: str
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    development_pii_key: bool = False  # bronze's tokens were made with the public development key
    published_slot: str | None = None  # trino/prod write-audit-publish: the slot now published

    def describe(self) -> str:
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "done"
        text = f"dbt on target {self.target}: {parts} in {self.seconds:.0f}s"
        if self.published_slot:
            text += f"; published (consumers now read slot {self.published_slot})"
        if self.development_pii_key:
            text += (
                "\n  warning: personal data in this lake was tokenised with the public development"
                " key (--dev-pii-key); its tokens protect nothing."
            )
        return text


def prepare_environment(lake: Lake, target: str) -> dict[str, str]:
    """Environment variables the profile and the project read, for this lake and target."""
    if target not in TARGETS:
        raise ConfigError(f"--target {target} is not one of {', '.join(TARGETS)}.")
    env = {"FINLAKE_LAKE": str(lake.root), "FINLAKE_TARGET": target}
    if target in ("dev", "trino"):
        missing = [
            e
            for e in [*load_contract().entities, LOAD_LOG_DIR]
            if not any((lake.bronze / e).rglob("*.parquet"))
        ]
        if missing:
            raise ConfigError(
                f"No bronze data for {', '.join(missing)} under {lake.bronze}; run `finlake ingest --lake {lake.root}` first."
            )
        unreadable_bronze(lake)
    if target == "dev":
        if lake.warehouse.exists() and not lake.warehouse.is_file():
            raise ConfigError(
                f"{lake.warehouse} is a folder, not a DuckDB database file; move it out of the "
                "lake and build again."
            )
        lake.gold.mkdir(parents=True, exist_ok=True)  # gold exports for the notebook go here
    if target == "trino":
        env.update(trino_environment(lake))
    return env


def unreadable_bronze(lake: Lake) -> None:
    """Stop, naming the file, when a bronze or ledger Parquet file has no readable footer (a
    truncated copy, a disk that filled up), before dbt fails somewhere less clear."""
    import pyarrow.parquet as pq

    for path in sorted(lake.bronze.rglob("*.parquet")):
        try:
            pq.read_metadata(path)
        except Exception as exc:  # ArrowInvalid, OSError: the file is not readable Parquet
            raise FinlakeError(
                f"Bronze file {path} is not readable Parquet ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:120]}); restore it, or follow 'Repairing bronze' in "
                "ingestion/README.md to load its landing file again."
            ) from None


def trino_environment(lake: Lake) -> dict[str, str]:
    """The trino target: bronze is the server's Hive catalog, and the lake's empty sources.

    The server (tools/trino/) reads the lake folder itself, so it must be local to it. Trino
    cannot create a table over a folder that does not exist: optional sources without files
    (the model's scores before the first `finlake train`) are listed so that the on-run-start
    hook makes them empty views, as on dev.
    """
    host = os.environ.get("FINLAKE_TRINO_HOST", "127.0.0.1")
    port = os.environ.get("FINLAKE_TRINO_PORT", "8080")
    if not trino_answers(host, port):
        raise ConfigError(
            f"No Trino server answers at {host}:{port}; start one with "
            "`python tools/trino/server.py start` (it prints FINLAKE_TRINO_PORT to export) "
            "or run the build through `make trino-build`."
        )
    empty = [name for name, pattern in lake_sources().items() if not any(lake.root.glob(pattern))]
    return {
        "FINLAKE_BRONZE_DATABASE": os.environ.get("FINLAKE_BRONZE_DATABASE", TRINO_BRONZE_CATALOG),
        "FINLAKE_TRINO_EMPTY_SOURCES": ",".join(sorted(empty)),
    }


def trino_answers(host: str, port: str, timeout: float = 5.0) -> bool:
    """True when a Trino server at host:port has finished starting."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/v1/info", timeout=timeout) as reply:
            return json.load(reply).get("starting") is False
    except (OSError, ValueError):
        return False


def lake_sources() -> dict[str, str]:
    """Each dbt source stored in the lake folder: identifier -> its `meta.lake_path` glob."""
    import yaml

    found: dict[str, str] = {}
    for path in sorted((project_root() / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources") or []:
            for table in source.get("tables") or []:
                pattern = (table.get("meta") or {}).get("lake_path")
                if pattern:
                    found[table.get("identifier") or table["name"]] = pattern
    return found


def profiles_dir(lake: Lake) -> Path:
    """A folder holding the project's profile as profiles.yml (dbt needs that file name)."""
    folder = lake.dbt_profiles
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(project_root() / PROFILE_TEMPLATE, folder / "profiles.yml")
    return folder


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run.

    dbt-duckdb holds one database instance per process between invocations; while it is open,
    any other connection to warehouse.duckdb with other settings (read-only, as the summary and
    the tests use) is refused. Closing it costs nothing: the next run opens it again.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-duckdb not installed: nothing held
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def bronze_is_settled(lake: Lake) -> None:
    """Refuse to build over bronze an interrupted ingest left: its staging area, or published
    files of a batch the ledger does not record as loaded (the next ingest removes both)."""
    import pyarrow.parquet as pq

    from ingestion.schemas import batch_of_file

    advice = f"run `finlake ingest --lake {lake.root}` (it cleans up first) and build again."
    staging = lake.bronze_staging
    if staging.exists():
        raise FinlakeError(f"An interrupted ingest left {staging}; {advice}")
    loaded = set()
    for path in lake.load_log.glob("*.parquet"):
        table = pq.read_table(path, columns=["batch_id", "status"]).to_pylist()
        loaded |= {r["batch_id"] for r in table if r["status"] == "loaded"}
    for path in sorted(lake.bronze.rglob("*.parquet")):
        if LOAD_LOG_DIR in path.parts or path.parent.name == PII_KEY_DIR:
            continue
        batch = batch_of_file(path.name)
        if batch is not None and batch not in loaded:
            raise FinlakeError(
                f"Bronze file {path} belongs to batch {batch}, which the ledger does not record "
                f"as loaded (an ingest stopped between publishing and recording); {advice}"
            )


def publish_gold_exports(lake: Lake, staged: Path) -> None:
    """Move each staged export into <lake>/gold, replacing the previous one folder by folder."""
    for folder in sorted(p for p in staged.iterdir() if p.is_dir()):
        target = lake.gold / folder.name
        old = lake.gold / f".{folder.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        folder.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)


def run_dbt(
    lake: Lake,
    target: str = "dev",
    command: str = "build",
    extra_args: list[str] | None = None,
    quiet: bool = False,
) -> BuildResult:
    """Run `dbt <command>` for `target`; raise DbtFailed naming what failed.

    On dev, commands that write (build, run, seed) write-audit-publish: dbt works on a copy of
    warehouse.duckdb and stages the gold exports; the copy replaces the warehouse (one rename)
    and the exports replace <lake>/gold/<model>/ only when every model and test passed. When
    anything failed, consumers keep the previous, consistent warehouse and exports."""
    env = prepare_environment(lake, target)
    writes = command.split()[0] in WRITING_COMMANDS
    if writes and publishes_views(target):
        if target == "trino":  # a local lake: its bronze must be settled, as on dev
            bronze_is_settled(lake)
        return write_audit_publish(Dbt(lake, target, env, quiet), command, extra_args)
    if not (writes and target == "dev"):
        return Dbt(lake, target, env, quiet).invoke(command, extra_args)
    bronze_is_settled(lake)
    staging_db = lake.staging_warehouse
    staging_gold = lake.staging_gold
    staging_db.unlink(missing_ok=True)  # a killed build's leftover: never published
    failed = lake.failed_warehouse
    for kept in (failed, failed.with_name(failed.name + ".wal")):
        kept.unlink(missing_ok=True)
    shutil.rmtree(staging_gold, ignore_errors=True)
    if lake.warehouse.is_file():
        shutil.copyfile(lake.warehouse, staging_db)
        wal = lake.warehouse.with_name(lake.warehouse.name + ".wal")
        if wal.is_file():  # a log not yet checkpointed belongs with its database
            shutil.copyfile(wal, staging_db.with_name(staging_db.name + ".wal"))
    staging_gold.mkdir(parents=True)
    env = {
        **env,
        "FINLAKE_WAREHOUSE": str(staging_db),
        "FINLAKE_GOLD_EXPORT_DIR": str(staging_gold),
    }
    try:
        result = Dbt(lake, target, env, quiet).invoke(command, extra_args)
    except DbtFailed as failed:
        failed_db = lake.failed_warehouse
        for staged_file, kept in (
            (staging_db, failed_db),
            (
                staging_db.with_name(staging_db.name + ".wal"),
                failed_db.with_name(failed_db.name + ".wal"),
            ),
        ):
            kept.unlink(missing_ok=True)
            if staged_file.is_file():
                os.replace(staged_file, kept)
        shutil.rmtree(staging_gold, ignore_errors=True)
        raise DbtFailed(
            f"{str(failed).rstrip('.')}; nothing was published: {lake.warehouse} and "
            f"{lake.gold} still hold the previous build."
        ) from None
    os.replace(staging_db, lake.warehouse)
    stale_wal = lake.warehouse.with_name(lake.warehouse.name + ".wal")
    staged_wal = staging_db.with_name(staging_db.name + ".wal")
    if staged_wal.is_file():
        os.replace(staged_wal, stale_wal)
    else:
        stale_wal.unlink(missing_ok=True)
    publish_gold_exports(lake, staging_gold)
    return result


WRITING_COMMANDS = ("build", "run", "seed")
SLOTS = ("blue", "green")
# Write-audit-publish on trino and prod (macros/publish/): 1 (the default) builds into a slot
# schema and publishes views, 0 builds the published schemas in place (development only; on prod
# the slot databases are Terraform's, terraform/modules/catalog).
PUBLISH_SETTING = "FINLAKE_WRITE_AUDIT_PUBLISH"
PUBLISH_DEFAULTS = {"trino": "1", "prod": "1"}
SELECTION_FLAGS = ("-s", "--select", "-m", "--models", "--model", "--exclude", "--selector")
PUBLICATION_PREFIX = "finlake-publication: "
RESOURCE_TYPE_FLAGS = (
    "--resource-type",
    "--resource-types",
    "--exclude-resource-type",
    "--exclude-resource-types",
)


def publishes_views(target: str) -> bool:
    """True when `target` writes into a slot and publishes views (trino and prod: on unless
    FINLAKE_WRITE_AUDIT_PUBLISH=0; dev swaps files instead)."""
    if target not in PUBLISH_DEFAULTS:
        return False
    value = os.environ.get(PUBLISH_SETTING, PUBLISH_DEFAULTS[target]).strip()
    if value not in ("0", "1"):
        raise ConfigError(f"{PUBLISH_SETTING} is {value!r}; set it to 1 or 0.")
    return value == "1"


def publication_slot(dbt: Dbt, extra_args: list[str] | None = None) -> str | None:
    """The slot consumers read now (None before the first publication), after finishing a
    publication that stopped half-way (`dbt run-operation finlake.publication_slot`)."""
    said: list[str] = []
    given = option_args(extra_args, "--target-path")
    # Its own target folder: the build's run_results.json must survive a failure's second look.
    if given:
        build_target = Path(given[-1].split("=", 1)[-1])
        own = build_target.with_name(build_target.name + "-publication")
    else:
        own = (dbt.project or project_root()) / "target" / "publication"
    quiet = dataclasses.replace(dbt, quiet=True)
    quiet.invoke("run-operation finlake.publication_slot", ["--target-path", str(own)], heard=said)
    slot = next(
        (m[len(PUBLICATION_PREFIX) :] for m in said if m.startswith(PUBLICATION_PREFIX)), ""
    )
    return slot if slot in SLOTS else None


def option_args(args: list[str] | None, name: str) -> list[str]:
    """`name` and its value from a dbt argument list (both spellings: `--x v`, `--x=v`)."""
    args = list(args or [])
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return [name, args[i + 1]]
        if arg.startswith(name + "="):
            return [arg]
    return []


def with_slot_var(args: list[str], slot: str) -> list[str]:
    """The arguments with `finlake_build_slot` added to dbt's --vars (merged if given)."""
    import json

    import yaml

    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--vars" and i + 1 < len(args):
            given = yaml.safe_load(args[i + 1]) or {}
            args[i + 1] = json.dumps({**given, "finlake_build_slot": slot})
            return args
    return [*args, "--vars", json.dumps({"finlake_build_slot": slot})]


def write_audit_publish(dbt: Dbt, command: str, extra_args: list[str] | None) -> BuildResult:
    """Build into the slot consumers do not read; the on-run-end hook publishes it (re-points
    the views of the published schemas) only when every model, seed and test passed."""
    args, target = list(extra_args or []), dbt.target
    verb = command.split()[0]
    if verb != "build":  # `run` has no tests to audit; `seed` would publish stale models
        raise ConfigError(
            f"dbt {verb} cannot write on target {target}, which publishes only a whole build whose "
            f"every test passed; use `finlake build`, or set {PUBLISH_SETTING}=0 to write the "
            "published schemas in place."
        )
    chosen = [a for a in args if a.split("=")[0] in SELECTION_FLAGS]
    if chosen:
        raise ConfigError(
            f"{chosen[0]} cannot be used on target {target}, which builds, tests and publishes "
            f"the whole project at once; leave it out, or set {PUBLISH_SETTING}=0 to build "
            "the published schemas in place."
        )
    live = publication_slot(dbt, args)
    slot = "green" if live == "blue" else "blue"
    try:
        result = dbt.invoke(command, with_slot_var(args, slot))
    except DbtFailed as failed:
        now = publication_slot(dbt, args)
        kept = (
            f"consumers still read slot {live}, the last build that passed"
            if live
            else "no build has passed yet, so there is nothing to read"
        )
        if now == slot:  # the models and tests passed; publishing itself failed half-way
            raise DbtFailed(
                f"{str(failed).rstrip('.')}; the publication of slot {slot} was finished by a "
                "second attempt, so consumers read this build."
            ) from None
        raise DbtFailed(f"{str(failed).rstrip('.')}; nothing was published: {kept}.") from None
    result.published_slot = slot
    return result


@dataclass(frozen=True)
class Dbt:
    """dbt in-process on one target: the lake it builds (None: no local lake, as the offline
    Athena scenarios run prod), the environment the profile reads, whether dbt is quiet, and the
    project and profiles folders (default: this clone's, and the lake's copy of the profile)."""

    lake: Lake | None
    target: str
    env: dict[str, str] = field(default_factory=dict)
    quiet: bool = False
    project: Path | None = None
    profiles: Path | None = None

    def unit_tests_left_out(self, command: str, extra_args: list[str] | None) -> list[str]:
        """`--exclude-resource-type unit_test` for a build on prod, as dbt advises: unit tests
        prove the SQL's logic on fixed inputs, which CI does on dev and trino; on Athena each
        would cost its own tables and queries every day. Nothing when the caller chose the
        resource types (a flag, or DBT_EXCLUDE_RESOURCE_TYPES / DBT_RESOURCE_TYPES)."""
        chosen = {a.split("=")[0] for a in extra_args or []} & set(RESOURCE_TYPE_FLAGS)
        from_env = {"DBT_EXCLUDE_RESOURCE_TYPES", "DBT_RESOURCE_TYPES"} & {
            *os.environ,
            *self.env,
        }
        if self.target != "prod" or command.split()[0] != "build" or chosen or from_env:
            return []
        return ["--exclude-resource-type", "unit_test"]

    def invoke(
        self, command: str, extra_args: list[str] | None = None, heard: list[str] | None = None
    ) -> BuildResult:
        """One dbt invocation; `heard` collects what macros log (`log(...)`)."""
        import time

        from dbt.cli.main import dbtRunner

        root = self.project or project_root()
        extra_args = [*(extra_args or []), *self.unit_tests_left_out(command, extra_args)]
        args = [
            *command.split(),  # "build", or a group and its command: "docs generate"
            "--project-dir",
            str(root),
            "--profiles-dir",
            str(self.profiles or profiles_dir(self.lake)),
            "--target",
            self.target,
            *(["--quiet"] if self.quiet else []),
            *(extra_args or []),
        ]
        started = time.perf_counter()
        with dbt_process(root, self.env):
            callbacks = [_listener(heard)] if heard is not None else None
            outcome = dbtRunner(callbacks=callbacks).invoke(args)
        result = BuildResult(target=self.target, seconds=time.perf_counter() - started)
        if self.lake is not None and self.target in ("dev", "trino"):
            from ingestion.pii import recorded_development_key

            result.development_pii_key = recorded_development_key(str(self.lake.bronze))
        return _outcome(result, outcome, command, root, extra_args)


@contextmanager
def dbt_process(root: Path, env: Mapping[str, str | None]) -> Iterator[None]:
    """This process as dbt in-process needs it: `env` set and `root` the working folder (dbt
    writes target/ and logs/ relative to it) while the block runs; both restored after it, and
    the DuckDB database dbt-duckdb keeps open released."""
    cwd = os.getcwd()
    with environment(env):
        try:
            os.chdir(root)
            yield
        finally:
            os.chdir(cwd)
            release_duckdb()


def _outcome(result: BuildResult, outcome, command: str, root: Path, extra_args) -> BuildResult:
    """The statuses of a dbt invocation's results; DbtFailed naming what failed, if anything."""
    target = result.target
    if outcome.exception is not None:
        raise DbtFailed(f"dbt {command} could not run on target {target}: {outcome.exception}")
    for r in getattr(outcome.result, "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        result.statuses[status] += 1
        if status in ("error", "fail", "runtime error"):
            result.failures.append(r.node.name)
    if not outcome.success:
        named = ", ".join(result.failures[:5]) + (" ..." if len(result.failures) > 5 else "")
        given = option_args(extra_args, "--target-path")  # where dbt wrote, when told
        folder = Path(given[-1].split("=", 1)[-1]) if given else root / "target"
        raise DbtFailed(
            f"dbt {command} failed on target {target}: {named or 'see the log above'}; "
            f"details in {folder / 'run_results.json'}."
        )
    return result


def _listener(heard: list[str]):
    """A dbt event callback keeping the messages macros log."""

    def listen(event) -> None:
        if event.info.name == "JinjaLogInfo":
            heard.append(event.data.msg)

    return listen
