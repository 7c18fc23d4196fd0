"""An AWS account on this machine: moto (S3, Glue, STS, KMS, IAM), Trino as Athena's engine on
moto's Glue catalog and S3, and the Athena API facade in front of Trino.

    with offline_athena(state) as account:
        account.load_bronze(lake)              # as the Glue job and Terraform leave it
        account.dbt("build")                   # dbt-athena's own materialisations, for real

What each piece is:
- moto's server mode on a free port, recording every request it answers
  (MOTO_ENABLE_RECORDING) so that the IAM check (iam.py) can read who called what.
- Trino (tools/trino/server.py, the release Athena engine v3 follows) with two catalogs on
  moto's Glue: `awsdatacatalog`, the Iceberg connector (`iceberg.catalog.type=glue`), named as
  Athena's default catalog so that dbt-athena's SQL runs as written; and a Hive connector on the
  same Glue for the bronze tables and dbt-athena's CSV staging tables, which the Iceberg catalog
  redirects to (one catalog holds both, as on Athena). Both use Trino's native S3 client at
  moto's endpoint; the Hive connector reads Athena's partition projection properties, so the
  bronze tables work exactly as Terraform declares them.
- the facade (facade.py), the endpoint of boto3's Athena client (AWS_ENDPOINT_URL_ATHENA).

Callers are told apart by their access key (moto accepts any): dbt and the Athena engine act
as the transformation role, the bronze upload as the ingestion role, the scores write as the ML
role, the Terraform stand-in (databases, buckets, bronze tables) as the deployer.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.athena_check.moto_server import DUMMY_CREDENTIALS, DbtDirs, MotoServer
from tools.athena_run.facade import Facade
from tools.athena_run.translate import HIVE_CATALOG, ICEBERG_CATALOG
from tools.sql_lint.project import QUIET_DBT_ENV, REPO, child_environment, write_profiles_dir

# Access keys that name the actor of each call (see iam.py). Not secrets: moto takes any key.
ACTOR_KEYS = {
    "transformation": "AKIAFINLAKETRANSFORM",
    "ingestion": "AKIAFINLAKEINGESTION",
    "ml": "AKIAFINLAKEMLNOTEBOOK",
    "deployer": "AKIAFINLAKEDEPLOYER0",
}
PROJECT, ENVIRONMENT = "finlake", "ci"
LAYERS = ("bronze", "silver", "gold", "reference")
# The zone of the lake each database's tables live in (terraform/modules/catalog: database_zones).
ZONES = {"bronze": "bronze", "silver": "silver", "gold": "gold", "reference": "silver"}


def load_trino_server() -> Any:
    """tools/trino/server.py, a script beside the package rather than a module of it."""
    name = "finlake_trino_server"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "trino" / "server.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Names(DbtDirs):
    """The resources' names, built as Terraform builds them (local.name_prefix)."""

    region: str
    account: str = "123456789012"  # moto's default account

    @property
    def prefix(self) -> str:
        return f"{PROJECT}-{ENVIRONMENT}"

    def bucket(self, purpose: str) -> str:
        """A bucket's name as the secure_bucket module builds it (one rule for every bucket)."""
        return f"{self.prefix}-{purpose}-{self.account}-{self.region}"

    lake_bucket = property(lambda self: self.bucket("lake"))
    results_bucket = property(lambda self: self.bucket("athena-results"))

    @property
    def workgroup(self) -> str:
        return f"{self.prefix}-dbt"

    def database(self, layer: str) -> str:
        return f"{PROJECT}_{ENVIRONMENT}_{layer}"

    def slot_database(self, layer: str, slot: str) -> str:
        """A write-audit-publish slot of a layer (macros/schema/generate_schema_name.sql)."""
        return f"{self.database(layer)}__{slot}"

    staging_bucket = results_bucket  # dbt's staging_dir is in the results bucket (DbtDirs)


def trino_catalogs(moto_endpoint: str, region: str, glue_endpoint: str) -> dict[str, str]:
    """The two catalogs on moto's Glue (through the facade, see facade.py) and S3, acting with
    the transformation role's key."""
    key = ACTOR_KEYS["transformation"]
    secret = DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    common = [
        "hive.metastore.glue.region=" + region,
        "hive.metastore.glue.endpoint-url=" + glue_endpoint,
        "hive.metastore.glue.aws-access-key=" + key,
        "hive.metastore.glue.aws-secret-key=" + secret,
        "fs.native-s3.enabled=true",
        "s3.endpoint=" + moto_endpoint,
        "s3.region=" + region,
        "s3.path-style-access=true",
        "s3.aws-access-key=" + key,
        "s3.aws-secret-key=" + secret,
    ]
    return {
        ICEBERG_CATALOG: "\n".join(
            [
                "connector.name=iceberg",
                "iceberg.catalog.type=glue",
                "iceberg.file-format=PARQUET",
                f"iceberg.hive-catalog-name={HIVE_CATALOG}",
                # Athena's limit: at most 100 partitions written by one statement.
                "iceberg.max-partitions-per-writer=100",
                # Athena's VACUUM honours any vacuum_max_snapshot_age_seconds a table sets;
                # Trino refuses retentions under 7 days unless told otherwise.
                "iceberg.expire-snapshots.min-retention=0s",
                "iceberg.remove-orphan-files.min-retention=0s",
                *common,
            ]
        )
        + "\n",
        HIVE_CATALOG: "\n".join(
            [
                "connector.name=hive",
                "hive.metastore=glue",
                f"hive.iceberg-catalog-name={ICEBERG_CATALOG}",
                "hive.non-managed-table-writes-enabled=true",
                "hive.partition-projection-enabled=true",
                "hive.timestamp-precision=MICROSECONDS",
                # Athena does not read Glue column statistics per partition; Trino would ask
                # for every projected partition's.
                "hive.table-statistics-enabled=false",
                # moto has no Glue column statistics API for tables.
                "hive.collect-column-statistics-on-write=false",
                *common,
            ]
        )
        + "\n",
    }


@dataclass
class Account:
    moto: MotoServer
    facade: Facade
    facade_port: int
    trino: Any  # tools/trino/server.py ServerInfo
    names: Names
    state: Path
    pii_key: str = field(default_factory=lambda: secrets.token_hex(32))

    # -- clients ----------------------------------------------------------------------------

    def client(self, service: str, actor: str = "deployer") -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=self.moto.region,
            endpoint_url=self.moto.endpoint,
            aws_access_key_id=ACTOR_KEYS[actor],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def recording(self) -> Path:
        return self.state / "moto-recording.jsonl"

    def reset_recording(self) -> None:
        import urllib.request

        request = urllib.request.Request(
            f"{self.moto.endpoint}/moto-api/recorder/reset-recording", method="POST", data=b""
        )
        urllib.request.urlopen(request, timeout=10).close()
        self.facade.calls.clear()

    # -- what Terraform creates ---------------------------------------------------------------

    def create_resources(self) -> None:
        """Buckets, workgroup and Glue databases, named and located as Terraform makes them."""
        s3 = self.client("s3")
        for bucket in (self.names.lake_bucket, self.names.results_bucket):
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.moto.region}
            )
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.client("athena").create_work_group(
            Name=self.names.workgroup,
            Configuration={
                "ResultConfiguration": {"OutputLocation": self.names.staging_dir},
                "EnforceWorkGroupConfiguration": True,
            },
        )
        glue = self.client("glue")
        for layer in LAYERS:
            glue.create_database(
                DatabaseInput={
                    "Name": self.names.database(layer),
                    "LocationUri": f"s3://{self.names.lake_bucket}/{ZONES[layer]}/",
                }
            )
        # The write-audit-publish slot databases, as terraform/modules/catalog declares them.
        for layer, slot in slot_databases():
            glue.create_database(
                DatabaseInput={
                    "Name": self.names.slot_database(layer, slot),
                    "LocationUri": f"s3://{self.names.lake_bucket}/{ZONES[layer]}/",
                }
            )

    def load_bronze(self, lake_root: Path, dates: set[str] | None = None) -> int:
        """Upload <lake>/bronze as the Glue job writes it (only the loads of extract `dates`,
        when given: a delivery), and register the bronze tables as terraform/modules/catalog
        declares them the first time, with `projection_start_date` set to the oldest extract
        date in the lake (the Terraform variable a bank sets to its history's start). Returns
        the number of files uploaded."""
        from tools.athena_run.terraform_catalog import bronze_table_inputs

        s3 = self.client("s3", actor="ingestion")
        count = 0
        for path in bronze_files(lake_root, dates):
            key = path.relative_to(lake_root).as_posix()
            s3.upload_file(str(path), self.names.lake_bucket, key)
            count += 1
        glue = self.client("glue")
        database = self.names.database("bronze")
        if glue.get_tables(DatabaseName=database)["TableList"]:
            return count
        start = extract_dates(lake_root)[0]
        for table in bronze_table_inputs(self.names.lake_bucket, start_date=start):
            glue.create_table(DatabaseName=database, TableInput=table)
        return count

    # -- dbt ---------------------------------------------------------------------------------

    def dbt_environment(self, workdir: Path) -> dict[str, str]:
        """The prod profile's variables (profiles.yml.example), at this account."""
        env = {
            **QUIET_DBT_ENV,
            "AWS_ACCESS_KEY_ID": ACTOR_KEYS["transformation"],
            "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "AWS_ENDPOINT_URL": self.moto.endpoint,
            "AWS_ENDPOINT_URL_ATHENA": f"http://127.0.0.1:{self.facade_port}",
            # Glue through the facade too, for one emulation gap (facade.py).
            "AWS_ENDPOINT_URL_GLUE": f"http://127.0.0.1:{self.facade_port}",
            "AWS_REGION": self.moto.region,
            "AWS_DEFAULT_REGION": self.moto.region,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
            "DBT_PROFILES_DIR": str(write_profiles_dir(workdir / "profiles")),
            "DBT_LOG_PATH": str(workdir / "logs"),
            "FINLAKE_TARGET": "prod",
            "FINLAKE_ATHENA_WORKGROUP": self.names.workgroup,
            "FINLAKE_ATHENA_STAGING_DIR": self.names.staging_dir,
            "FINLAKE_S3_DATA_DIR": self.names.data_dir,
            "FINLAKE_PII_KEY": self.pii_key,
            # Trino answers in milliseconds: at dbt-athena's 1 s between polls every one of a
            # build's ~3,000 statements would wait a second for nothing.
            "FINLAKE_ATHENA_POLL_SECONDS": "0.05",
            **{f"FINLAKE_{layer.upper()}_SCHEMA": self.names.database(layer) for layer in LAYERS},
        }
        return child_environment(env)

    def dbt(
        self,
        args: list[str],
        workdir: Path,
        target_path: Path,
        on_start: Any = None,
        publish: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """`dbt <args> --target prod` in a subprocess (so that it can be interrupted); with
        `publish`, `dbt build <args>` through the runner `finlake build --target prod` uses,
        write-audit-publish (publish_build.py)."""
        if publish:
            command = [sys.executable, "-m", "tools.athena_run.publish_build", *args]
        else:
            command = [
                str(Path(sys.executable).parent / "dbt"),
                *args,
                "--target",
                "prod",
                "--project-dir",
                str(REPO),
            ]
        command += ["--target-path", str(target_path)]
        process = subprocess.Popen(
            command,
            env=self.dbt_environment(workdir),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if on_start is not None:
            on_start(process)
        output, _ = process.communicate()
        return subprocess.CompletedProcess(command, process.returncode, output, "")


@contextlib.contextmanager
def offline_athena(state: Path, log=print) -> Iterator[Account]:
    """moto, Trino and the facade for the duration of the block, stopped whatever happens."""
    trino_server = load_trino_server()
    state = state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    recording = state / "moto-recording.jsonl"
    moto = MotoServer(
        extra_env={"MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(recording)}
    )
    with moto:
        facade = Facade("127.0.0.1", 0, moto.endpoint, moto.region, ACTOR_KEYS["transformation"])
        port = facade.serve()
        catalogs = trino_catalogs(moto.endpoint, moto.region, f"http://127.0.0.1:{port}")
        try:
            with trino_server.running_server(state / "trino", log=log, catalogs=catalogs) as trino:
                facade.trino_host, facade.trino_port = trino.host, trino.port
                account = Account(
                    moto=moto,
                    facade=facade,
                    facade_port=port,
                    trino=trino,
                    names=Names(region=moto.region),
                    state=state,
                )
                account.create_resources()
                yield account
        finally:
            facade.close()


def slot_databases() -> list[tuple[str, str]]:
    """(layer, slot) of every write-audit-publish slot database terraform/modules/catalog
    creates (its locals published_layers and publication_slots)."""
    from tests.terraform.tfconfig import MODULES, load_module

    catalog = load_module(MODULES / "catalog")
    layers = catalog.value(catalog.locals["published_layers"])
    slots = catalog.value(catalog.locals["publication_slots"])
    return [(layer, slot) for layer in layers for slot in slots]


def extract_dates(lake_root: Path) -> list[str]:
    """Every extract date in <lake>/bronze, oldest first."""
    return sorted({p.name.split("=", 1)[1] for p in (lake_root / "bronze").rglob("extract_date=*")})


def bronze_files(lake_root: Path, dates: set[str] | None = None) -> list[Path]:
    """The bronze files the Glue job wrote for the extracts of `dates` (all when None): the
    partitions extract_date=<date> of each entity and of _malformed, and the load ledger's
    entries for those extracts; files of no extract date (the token key's table) always."""
    import pyarrow.parquet as pq

    chosen = []
    for path in sorted((lake_root / "bronze").rglob("*.parquet")):
        if dates is not None:
            partition = next((p for p in path.parts if p.startswith("extract_date=")), None)
            if partition is not None:
                date = partition.split("=", 1)[1]
            elif path.parent.name == "_load_log":
                date = {
                    str(d) for d in pq.read_table(path, columns=["extract_date"])[0].to_pylist()
                }
                date = next(iter(date)) if len(date) == 1 else None
            else:
                date = None
            if date is not None and date not in dates:
                continue
        chosen.append(path)
    return chosen


def glue_tables(account: Account, layer: str) -> dict[str, dict[str, Any]]:
    """Every Glue table of a layer's database, by name."""
    glue = account.client("glue")
    tables: dict[str, dict[str, Any]] = {}
    for page in glue.get_paginator("get_tables").paginate(
        DatabaseName=account.names.database(layer)
    ):
        for table in page["TableList"]:
            tables[table["Name"]] = table
    return tables


def s3_keys(account: Account, prefix: str = "") -> set[str]:
    s3 = account.client("s3")
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=account.names.lake_bucket, Prefix=prefix
    ):
        keys.update(item["Key"] for item in page.get("Contents", []))
    return keys


def dump(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=2, default=str)
