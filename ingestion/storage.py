"""Storage: the only module that lists, reads, writes, renames or deletes files.

Two implementations behind one interface, `LakeIO`, chosen by the location's form:

* `LocalIO` for plain paths (`lake/bronze`, `/data/lake/bronze`): the local default and what
  the tests exercise.
* `HadoopIO` for URIs (`s3://bucket/prefix`, `s3a://…`, `hdfs://…`, `file:///…`): Hadoop's
  FileSystem API through the running SparkSession, so S3 works on Glue and EMR through their
  own configuration (EMRFS or S3A, the job's IAM role), with no bucket or credential here.

Spark's Python workers cannot call the JVM, so they read landing bytes with `open_input`:
built-in files for paths and `file:` URIs, and pyarrow's filesystems (S3 through the AWS
default credential chain, i.e. the Glue job's role) for the rest.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Entry:
    """One directory entry: its name, its full location, whether it is a folder, its size."""

    name: str
    uri: str
    is_dir: bool
    size: int


class LakeIO(Protocol):
    """Storage operations the ingestion driver needs, on local paths or Hadoop URIs."""

    def join(self, base: str, *parts: str) -> str: ...

    def spark_path(self, location: str) -> str:
        """The location as Spark's readers and writers want it."""
        ...

    def list_dir(self, location: str) -> list[Entry]:
        """Entries directly inside `location`, sorted by name; [] when it does not exist."""
        ...

    def exists(self, location: str) -> bool: ...

    def delete(self, location: str) -> None:
        """Remove a file or a folder with everything in it; no error when absent."""
        ...

    def rename(self, source: str, target: str) -> None:
        """Move a file into place, creating the target folder and replacing an existing file."""
        ...

    def write_bytes(self, location: str, data: bytes) -> None:
        """Write a whole file so that readers see either nothing or all of it."""
        ...

    def read_parquet(self, location: str, schema: pa.Schema) -> pa.Table:
        """Every Parquet file directly inside `location` as one table (empty when none)."""
        ...

    def read_parquet_file(self, location: str, schema: pa.Schema) -> pa.Table:
        """One Parquet file as a table (raises when it is not readable Parquet)."""
        ...

    def parquet_rows(self, location: str) -> int:
        """Rows in the Parquet files directly inside `location`, from their footers (0: none)."""
        ...


def has_scheme(location: str) -> bool:
    scheme = urlparse(location).scheme
    return len(scheme) > 1  # a Windows drive letter is not a scheme


def lake_io(location: str, spark: SparkSession | None = None) -> LakeIO:
    """LocalIO for plain paths, HadoopIO (through `spark`) for URIs."""
    if not has_scheme(location):
        return LocalIO()
    if spark is None:
        raise ValueError(f"{location} is a URI; a SparkSession is needed to reach it.")
    return HadoopIO(spark)


# ---------------------------------------------------------------------------------------------
# Local files


class LocalIO:
    """LakeIO on the local file system (atomic renames within one file system)."""

    def join(self, base: str, *parts: str) -> str:
        return os.path.join(base, *parts)

    def spark_path(self, location: str) -> str:
        # Not Path.as_uri(): it percent-encodes '=' in partition folders, which Hadoop keeps.
        return "file://" + os.path.abspath(location)

    def list_dir(self, location: str) -> list[Entry]:
        try:
            with os.scandir(location) as entries:
                found = [
                    Entry(e.name, e.path, e.is_dir(), 0 if e.is_dir() else e.stat().st_size)
                    for e in entries
                ]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(found, key=lambda e: e.name)

    def exists(self, location: str) -> bool:
        return os.path.exists(location)

    def delete(self, location: str) -> None:
        if os.path.isdir(location) and not os.path.islink(location):
            shutil.rmtree(location, ignore_errors=True)
        elif os.path.lexists(location):
            os.remove(location)

    def rename(self, source: str, target: str) -> None:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(source, target)

    def write_bytes(self, location: str, data: bytes) -> None:
        folder = os.path.dirname(location)
        os.makedirs(folder, exist_ok=True)
        temp = os.path.join(folder, f".{os.path.basename(location)}.{uuid.uuid4().hex}.tmp")
        with open(temp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, location)

    def read_parquet(self, location: str, schema: pa.Schema) -> pa.Table:
        files = [e.uri for e in self.list_dir(location) if e.name.endswith(".parquet")]
        if not files:
            return schema.empty_table()
        return pa.concat_tables(pq.read_table(f, schema=schema) for f in files)

    def read_parquet_file(self, location: str, schema: pa.Schema) -> pa.Table:
        return pq.read_table(location, schema=schema)

    def parquet_rows(self, location: str) -> int:
        files = [e.uri for e in self.list_dir(location) if e.name.endswith(".parquet")]
        return sum(pq.read_metadata(f).num_rows for f in files)


# ---------------------------------------------------------------------------------------------
# Hadoop FileSystem (S3 on Glue/EMR, HDFS, and file:// URIs)


class HadoopIO:
    """LakeIO through Hadoop's FileSystem API in the SparkSession's JVM."""

    def __init__(self, spark: SparkSession):
        self.spark = spark
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, location: str):
        path = self._jvm.org.apache.hadoop.fs.Path(location)
        return path, path.getFileSystem(self._conf)

    def join(self, base: str, *parts: str) -> str:
        return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts)])

    def spark_path(self, location: str) -> str:
        return location

    def list_dir(self, location: str) -> list[Entry]:
        path, fs = self._path(location)
        if not fs.exists(path):
            return []
        found = [
            Entry(
                s.getPath().getName(),
                s.getPath().toString(),
                s.isDirectory(),
                0 if s.isDirectory() else s.getLen(),
            )
            for s in fs.listStatus(path)
        ]
        return sorted(found, key=lambda e: e.name)

    def exists(self, location: str) -> bool:
        path, fs = self._path(location)
        return bool(fs.exists(path))

    def delete(self, location: str) -> None:
        path, fs = self._path(location)
        if fs.exists(path):
            fs.delete(path, True)

    def rename(self, source: str, target: str) -> None:
        src, fs = self._path(source)
        dst, _ = self._path(target)
        if fs.exists(dst):
            fs.delete(dst, False)
        fs.mkdirs(dst.getParent())
        if not fs.rename(src, dst):
            raise OSError(f"could not move {source} to {target}")

    def write_bytes(self, location: str, data: bytes) -> None:
        # On object stores a single PUT is already all-or-nothing; elsewhere the rename is.
        temp = f"{location}.{uuid.uuid4().hex}.tmp"
        path, fs = self._path(temp)
        out = fs.create(path, True)
        try:
            out.write(bytearray(data))
        finally:
            out.close()
        self.rename(temp, location)

    def read_parquet(self, location: str, schema: pa.Schema) -> pa.Table:
        files = [e.uri for e in self.list_dir(location) if e.name.endswith(".parquet")]
        if not files:
            return schema.empty_table()
        from ingestion.schemas import spark_schema_of

        rows = self.spark.read.schema(spark_schema_of(schema)).parquet(*files).collect()
        return pa.Table.from_pylist([r.asDict() for r in rows], schema=schema)

    def read_parquet_file(self, location: str, schema: pa.Schema) -> pa.Table:
        from ingestion.schemas import spark_schema_of

        rows = self.spark.read.schema(spark_schema_of(schema)).parquet(location).collect()
        return pa.Table.from_pylist([r.asDict() for r in rows], schema=schema)

    def parquet_rows(self, location: str) -> int:
        files = [e.uri for e in self.list_dir(location) if e.name.endswith(".parquet")]
        return self.spark.read.parquet(*files).count() if files else 0


# ---------------------------------------------------------------------------------------------
# Reading landing bytes inside Spark's Python workers


def local_path(location: str) -> str:
    """A plain path or `file:` URI as a local path."""
    parsed = urlparse(location)
    return unquote(parsed.path) if parsed.scheme == "file" else location


def open_input(location: str) -> BinaryIO:
    """A seekable binary stream over a landing file, for use in Spark's Python workers."""
    parsed = urlparse(location)
    if not has_scheme(location) or parsed.scheme == "file":
        return open(local_path(location), "rb")
    from pyarrow import fs as pafs

    scheme = "s3" if parsed.scheme in ("s3a", "s3n") else parsed.scheme
    filesystem, path = pafs.FileSystem.from_uri(f"{scheme}://{parsed.netloc}{parsed.path}")
    return filesystem.open_input_file(path)


def input_size(stream: BinaryIO) -> int:
    """Size in bytes of a stream from `open_input` (to notice a file that changed)."""
    if hasattr(stream, "size"):  # pyarrow's NativeFile
        return int(stream.size())
    return os.fstat(stream.fileno()).st_size
