"""What runs inside Spark's Python workers: surveying a landing file and parsing a byte range.

Both read the file themselves through `io.open_input` (Spark's binaryFile source would hold a
whole file in one row, capped at 2 GB) and stream it in blocks, so memory stays bounded
whatever the file size.

Large files are parsed by several tasks. The survey picks split points (the byte after the
first line feed at or after every `split_bytes`) and counts the line feeds before each, so a
range task knows the physical line it starts on. A line feed inside a quoted field is not a
record boundary, which a survey that reads no quoting cannot know; so every range task checks
its successor's start: it parses past its own end and reports where its last record really
ended. A mismatch (a split inside a multi-line quoted field) is detected by the driver, which
discards that file's staged output and parses it again as one range.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from pyspark.accumulators import AccumulatorParam

from finlake.contract import Entity
from ingestion import rfc4180
from ingestion.pii import PiiKey, with_tokens
from ingestion.storage import input_size, open_input
from ingestion.transforms import HEAD_BYTES, HeaderMatch, shape_malformed, shape_rows

READ_BYTES = 8 * 1024 * 1024  # survey read size
BLOCK_BYTES = 16 * 1024 * 1024  # parse block: bounds a worker's memory to a few hundred MB
SPLIT_BYTES = 64 * 1024 * 1024  # files larger than this are parsed by several tasks


@dataclass(frozen=True)
class Survey:
    """One pass over a file: size, sha256, its first bytes, and where it may be split.

    splits: (byte offset, line feeds before it) of each candidate range start after the first.
    """

    location: str
    size: int
    checksum: str
    head: bytes
    splits: list[tuple[int, int]] = field(default_factory=list)
    error: str | None = None
    lines: int = 0  # physical lines (a last line without a line feed counts)


def survey(location: str, split_bytes: int = SPLIT_BYTES) -> Survey:
    """Hash the file, keep its first HEAD_BYTES and find split candidates, in one read."""
    digest = hashlib.sha256()
    size = newlines = 0
    head = b""
    splits: list[tuple[int, int]] = []
    target = split_bytes
    last = b"\n"
    try:
        with open_input(location) as stream:
            while chunk := stream.read(READ_BYTES):
                digest.update(chunk)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                while target - 1 < size + len(chunk):
                    nl = chunk.find(b"\n", max(target - 1 - size, 0))
                    if nl < 0:
                        break
                    start = size + nl + 1
                    splits.append((start, newlines + chunk.count(b"\n", 0, nl + 1)))
                    target = start + split_bytes
                newlines += chunk.count(b"\n")
                size += len(chunk)
                last = chunk[-1:]
    except OSError as exc:
        return Survey(location, 0, "", b"", error=f"could not be read ({exc})")
    splits = [(start, lines) for start, lines in splits if start < size]
    lines = newlines + (0 if last == b"\n" else 1)
    return Survey(location, size, digest.hexdigest(), head, splits, lines=lines)


@dataclass(frozen=True)
class FilePlan:
    """What a worker needs to parse one file: where it is and how its header maps."""

    index: int
    location: str
    size: int
    bom: bool
    match: HeaderMatch


@dataclass(frozen=True)
class Range:
    """Bytes [start, stop) of a file; records starting there belong to this range.

    lines_before: line feeds before `start` (so its first record is on line lines_before + 1);
    range 0 starts at the top of the file and skips the header.
    """

    file: int
    index: int
    start: int
    stop: int
    lines_before: int


class SideChannel(AccumulatorParam):
    """Accumulates what is not a bronze row: malformed records and per-range statistics.

    Both are small (malformed lines are rare), so they travel back to the driver with the task
    results instead of widening every row. Spark applies a task's accumulator update once,
    when the task succeeds, so a retried task never counts twice.
    """

    def zero(self, value: list) -> list:
        return []

    def addInPlace(self, value1: list, value2: list) -> list:
        value1.extend(value2)
        return value1


# C0 control characters other than tab, line feed and carriage return (which RFC 4180 allows
# inside quoted fields): a NUL or a backspace in a name or a merchant is never data.
CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x0B: "VT",
    0x0C: "FF",
    0x1A: "SUB",
    0x1B: "ESC",
}


def control_characters(records: rfc4180.Records, picked: np.ndarray, well: np.ndarray) -> dict:
    """{index into `picked`: malformed reason} for well-formed records holding a C0 control
    character (not TAB, LF, CR); the reason names the first such byte and its position."""
    b = np.frombuffer(records.data, dtype=np.uint8)
    bad = np.flatnonzero((b < 0x20) & (b != 0x09) & (b != 0x0A) & (b != 0x0D))
    if bad.size == 0 or picked.size == 0:
        return {}
    rec = np.searchsorted(records.starts, bad, side="right") - 1
    inside = (rec >= 0) & (bad < records.ends[np.maximum(rec, 0)])
    found: dict = {}
    first_picked = int(picked[0])
    for pos, r in zip(bad[inside].tolist(), rec[inside].tolist()):
        k = r - first_picked
        if 0 <= k < picked.size and well[k] and k not in found:
            byte = int(b[pos])
            name = CONTROL_NAMES.get(byte, "control character")
            found[k] = (
                f"control character 0x{byte:02X} ({name}) at byte "
                f"{pos - int(records.starts[r]) + 1} of the record"
            )
    return found


def parse_range(
    plan: FilePlan,
    rng: Range,
    entity: Entity,
    side: list[dict],
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[pa.RecordBatch]:
    """Bronze row batches for one range; malformed records and one statistics dict (records
    read, where the range's last record ended, the error that stopped it) go to `side`."""
    ncols = len(plan.match.names)
    records_read = 0
    next_start = -1
    error = None
    try:
        with open_input(plan.location) as stream:
            if input_size(stream) != plan.size:  # e.g. an upload still in progress
                raise OSError(f"changed since it was hashed ({plan.size:,} bytes then)")
            start = rng.start + (len(rfc4180.BOM) if rng.index == 0 and plan.bom else 0)
            stream.seek(start)
            base, read_to, lines_before = start, start, rng.lines_before
            carry = b""
            header_pending = rng.index == 0
            while True:
                want = rng.stop - read_to if read_to < rng.stop else 64 * 1024
                want = max(min(want, block_bytes), 1)
                chunk = stream.read(want)
                read_to += len(chunk)
                final = len(chunk) < want
                data = carry + chunk if carry else chunk
                records = rfc4180.split_records(data, final)
                n = len(records)
                if n == 0 and not final:  # one record longer than the block: read on
                    carry = data
                    continue
                starts = base + records.starts
                mine = int(np.searchsorted(starts, rng.stop))  # records starting before stop
                first = 1 if header_pending and mine else 0
                header_pending = header_pending and not mine
                picked = np.arange(first, mine)
                if picked.size:
                    lines = lines_before + records.line_offsets[picked] + 1
                    well = records.well_formed(ncols)[picked]
                    controlled = control_characters(records, picked, well)
                    for k, reason in controlled.items():
                        well[k] = False
                        side.append(
                            {
                                "_file": plan.index,
                                "_line_number": int(lines[k]),
                                "_raw_line": records.raw(int(picked[k])).decode("utf-8", "replace"),
                                "_reason": reason,
                            }
                        )
                    if well.any():
                        yield shape_rows(
                            records, picked[well], lines[well], plan.index, plan.match, entity
                        )
                    rest = ~well
                    if controlled:
                        rest[list(controlled)] = False
                    if rest.any():
                        side.extend(
                            shape_malformed(records, picked[rest], lines[rest], plan.index, ncols)
                        )
                    records_read += picked.size
                if mine < n:  # the next range's first record is in this block
                    next_start = int(starts[mine])
                    break
                base += records.consumed
                lines_before += records.newlines
                carry = data[records.consumed :]
                if final or base >= rng.stop:
                    next_start = base
                    break
    except Exception as exc:  # reported per file; the rest of the run goes on
        error = f"could not be parsed ({type(exc).__name__}: {exc})"
        next_start = -1
    side.append(
        {
            "_file": plan.index,
            "_range": rng.index,
            "_records": records_read,
            "_next_start": next_start,
            "_error": error,
        }
    )


def parse_partition(
    plans: dict[int, FilePlan],
    groups: list[list[Range]],
    entity: Entity,
    side_channel,
    block_bytes: int = BLOCK_BYTES,
    pii_key: PiiKey | None = None,
):
    """The mapInArrow function. Its input is `spark.range(len(groups))` with one id per
    partition: each id names a group of ranges to parse, so tasks are planned in the driver
    without a Python RDD. The output is bronze row batches (`parsed_arrow_schema`); malformed
    records and statistics are added to `side_channel` (a SideChannel accumulator) at the end.
    The pii columns' tokens are added here (`parsed_spark_schema`), so the key stays in Python."""
    pii_columns = entity.pii_columns
    if pii_columns and pii_key is None:
        raise ValueError(f"entity {entity.name} has personal data and no tokenisation key")

    def parse(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        side: list[dict] = []
        for batch in batches:
            for group in batch.column(0).to_pylist():
                for rng in groups[group]:
                    for rows in parse_range(plans[rng.file], rng, entity, side, block_bytes):
                        yield with_tokens(rows, pii_columns, pii_key) if pii_columns else rows
        side_channel.add(side)

    return parse
