"""Strict RFC 4180 record splitting over raw bytes, vectorised with NumPy.

Input: a buffer of landing-file bytes that starts at a record boundary. Output: where each
record starts and ends, the physical line it starts on, how many fields it has, why it is
malformed (if it is), and, on request, every field's text as one Arrow array.

The grammar is the strict one of RFC 4180, per record:

    field   = quoted | bare          quoted = '"' (any byte but '"' | '""')* '"'
    bare    = (any byte but , " CR LF)*
    record  = field (',' field)* [CR] LF      (the last record may lack its line ending)

A quote inside a bare field (`ab"c`), text after a closing quote (`"abc"x`), a quoted field
still open at the end of the file, bytes that are not UTF-8 and a blank line make a record
malformed. Recovery is that of a state machine that, on an error, skips to the end of the
physical line: the malformed record ends there and the next record starts on the next line.
An unclosed quote therefore swallows at most the rest of its own line.

Why it is fast: the only state that crosses a byte is "inside a quoted field". In well-formed
quoting the n-th quote of a record run opens a field when n is even and closes it when n is
odd (a doubled quote closes and reopens). So every quote is classified at once by its parity
and its neighbours, and the few invalid quotes are found with one vector test per window of
quotes; only an error restarts the parity, from the next line. Delimiters are then the commas
and line feeds outside quoted spans, found with one `flatnonzero` and one `searchsorted`.
Field text comes from one boolean compaction of the buffer (delimiters removed) whose
offsets are the delimiter positions minus their rank, so no Python loop runs per record.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

QUOTE, COMMA, LF, CR = 0x22, 0x2C, 0x0A, 0x0D
BOM = b"\xef\xbb\xbf"

# Why a record is malformed; OK = well-formed so far (the field count is checked per file).
OK, BAD_CLOSE, STRAY_QUOTE, UNTERMINATED, BAD_UTF8, BLANK, FIELD_COUNT = range(7)

_FIRST_WINDOW = 64  # quotes examined after a restart; doubles while the quoting stays valid
_MAX_WINDOW = 1 << 20
_EMPTY = np.zeros(0, dtype=np.int64)


def reason(code: int, fields: int = 0, expected: int = 0, byte: int | None = None) -> str:
    """The `_reason` text for a malformed record."""
    if code == BAD_CLOSE:
        return "text after a closing quote"
    if code == STRAY_QUOTE:
        return "quote inside an unquoted field"
    if code == UNTERMINATED:
        return "quoted field not closed before the end of the file"
    if code == BAD_UTF8:
        return "not UTF-8" + ("" if byte is None else f" (byte 0x{byte:02X})")
    if code == BLANK:
        return "blank line"
    if code == FIELD_COUNT:
        return f"wrong field count: {fields} fields, expected {expected}"
    raise ValueError(code)


@dataclass(frozen=True)
class QuoteScan:
    """Quoted spans and quoting errors of one buffer.

    opens/closes: byte offsets of each span's opening and closing quote (a span still open at
    the end of a non-final buffer closes at len(buffer)); error_at/error_code: where a
    record's quoting went wrong and how.
    """

    opens: np.ndarray
    closes: np.ndarray
    error_at: np.ndarray
    error_code: np.ndarray


def scan_quotes(data: bytes, limit: int, final: bool) -> QuoteScan:
    """Classify every quote in data[:limit] (which starts at a record boundary)."""
    b = np.frombuffer(data, dtype=np.uint8, count=limit)
    q = np.flatnonzero(b == QUOTE)
    if q.size == 0:
        return QuoteScan(_EMPTY, _EMPTY, _EMPTY, np.zeros(0, np.int8))
    n = limit
    prev = np.where(q > 0, b[np.maximum(q - 1, 0)], LF)  # the start of the buffer acts as LF
    nxt = np.where(q + 1 < n, b[np.minimum(q + 1, n - 1)], 0)
    nxt2 = np.where(q + 2 < n, b[np.minimum(q + 2, n - 1)], LF)  # CR at the end ends the line
    at_end = q + 1 >= n
    # An opening quote starts a field (or is the second half of a doubled quote); a closing
    # quote ends one (or is the first half of a doubled quote).
    open_ok = (prev == COMMA) | (prev == LF) | (prev == QUOTE)
    close_ok = (nxt == COMMA) | (nxt == LF) | (nxt == QUOTE) | at_end | ((nxt == CR) & (nxt2 == LF))
    opens: list[np.ndarray] = []
    closes: list[np.ndarray] = []
    err_at: list[int] = []
    err_code: list[int] = []
    m, i, width = len(q), 0, _FIRST_WINDOW
    while i < m:
        j = min(m, i + width)
        opening = (np.arange(j - i) & 1) == 0
        bad = np.flatnonzero(~np.where(opening, open_ok[i:j], close_ok[i:j]))
        if bad.size:
            f = int(bad[0])
            paired = i + f + (f & 1)  # a bad closing quote still closes its span
            opens.append(q[i:paired:2])
            closes.append(q[i + 1 : paired : 2])
            err_at.append(int(q[i + f]))
            err_code.append(BAD_CLOSE if f & 1 else STRAY_QUOTE)
            i = _after_line(data, q, int(q[i + f]), limit)
            width = _FIRST_WINDOW
            continue
        if j < m:  # a whole even window of valid quotes: outside quotes again at its end
            opens.append(q[i:j:2])
            closes.append(q[i + 1 : j : 2])
            i, width = j, min(width * 2, _MAX_WINDOW)
            continue
        if (j - i) % 2 == 0:
            opens.append(q[i:j:2])
            closes.append(q[i + 1 : j : 2])
            break
        last = j - 1  # an opening quote with no closing quote in this buffer
        if not final:  # the field goes on in the next buffer
            opens.append(q[i : last + 1 : 2])
            closes.append(np.append(q[i + 1 : last : 2], n))
            break
        while last - 2 >= i and q[last - 1] == q[last] - 1:
            last -= 2  # a doubled quote inside the unclosed field: its real opener is earlier
        opens.append(q[i:last:2])
        closes.append(q[i + 1 : last : 2])
        err_at.append(int(q[last]))
        err_code.append(UNTERMINATED)
        i = _after_line(data, q, int(q[last]), limit)
    return QuoteScan(
        np.concatenate(opens) if opens else _EMPTY,
        np.concatenate(closes) if closes else _EMPTY,
        np.array(err_at, dtype=np.int64),
        np.array(err_code, dtype=np.int8),
    )


def _after_line(data: bytes, q: np.ndarray, pos: int, limit: int) -> int:
    """Index of the first quote after the end of the physical line holding byte `pos`."""
    nl = data.find(b"\n", pos + 1, limit)
    return len(q) if nl < 0 else int(np.searchsorted(q, nl + 1))


def _inside(positions: np.ndarray, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """Indices of the (sorted) positions that fall strictly inside a quoted span.

    Spans are sorted and disjoint; the work is per span, not per position, because most
    delimiters are outside quotes.
    """
    lo = np.searchsorted(positions, opens, side="right")
    hi = np.searchsorted(positions, closes, side="left")
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        return _EMPTY
    first = np.cumsum(counts) - counts
    return np.repeat(lo - first, counts) + np.arange(total)


def invalid_utf8(data: bytes | memoryview, limit: int) -> list[int]:
    """Offsets of the bytes in data[:limit] that do not decode as UTF-8 (one per bad sequence)."""
    view = memoryview(data)[:limit]
    bad, pos = [], 0
    while pos < limit:
        try:
            codecs.utf_8_decode(view[pos:], "strict", True)
            break
        except UnicodeDecodeError as exc:  # each byte is decoded once: resume past the error
            bad.append(pos + exc.start)
            pos += exc.end
    return bad


@dataclass(frozen=True)
class Records:
    """The records of one buffer; offsets are relative to the buffer's first byte.

    consumed: bytes covered by these records, line endings included (the rest of a non-final
    buffer belongs to a record that goes on in the next one); newlines: LF bytes among them;
    starts/ends: each record's first byte and the end of its text (line ending excluded);
    line_offsets: LF bytes before each record's start; fields: fields per record (1 + commas
    outside quotes); problem/problem_at: the malformation code and the offending byte.
    """

    data: bytes
    consumed: int
    newlines: int
    starts: np.ndarray
    ends: np.ndarray
    line_offsets: np.ndarray
    fields: np.ndarray
    problem: np.ndarray
    problem_at: np.ndarray
    delims: np.ndarray  # commas and record-ending LFs outside quotes (the tail record's end too)
    last_elem: np.ndarray  # index into delims of each record's last field
    stripped_cr: np.ndarray  # bool per record: a CR before its LF was removed from its text
    delim_mask: np.ndarray  # bool per byte: a delimiter outside quotes
    quote_opens: np.ndarray  # opening quotes of quoted spans (fields that need unquoting)

    def __len__(self) -> int:
        return len(self.starts)

    def well_formed(self, ncols: int) -> np.ndarray:
        """Records with valid quoting, valid UTF-8 and exactly `ncols` fields."""
        return (self.problem == OK) & (self.fields == ncols)

    def problems(self, ncols: int) -> np.ndarray:
        """Malformation code per record once the field count is checked against `ncols`."""
        out = self.problem.copy()
        out[(out == OK) & (self.fields != ncols)] = FIELD_COUNT
        return out

    def raw(self, r: int) -> bytes:
        """Record `r` as delivered, without its line ending."""
        return self.data[int(self.starts[r]) : int(self.ends[r])]

    def reason(self, r: int, ncols: int) -> str:
        """Why record `r` is malformed, given the file's field count."""
        code = int(self.problem[r])
        if code == OK and self.fields[r] != ncols:
            code = FIELD_COUNT
        at = int(self.problem_at[r])
        byte = self.data[at] if code == BAD_UTF8 and at >= 0 else None
        return reason(code, int(self.fields[r]), ncols, byte)

    @cached_property
    def _elements(self) -> pa.Array:
        """Every field of every record as one binary array (empty fields null).

        The bytes are the buffer without its delimiters (and without the CR of CR LF line
        endings); element e then starts at delims[e-1] + 1 - e (minus the CRs before it).
        """
        b = np.frombuffer(self.data, dtype=np.uint8, count=self.consumed)
        d = self.delims
        offsets = np.empty(len(d) + 1, dtype=np.int64)
        offsets[0] = 0
        np.subtract(d, np.arange(len(d)), out=offsets[1:])
        keep = ~self.delim_mask[: self.consumed]
        if self.stripped_cr.any():
            cr_flag = np.zeros(len(d), dtype=np.int64)
            cr_flag[self.last_elem[self.stripped_cr]] = 1
            offsets[1:] -= np.cumsum(cr_flag)
            keep[self.ends[self.stripped_cr]] = False
        compact = b[keep]
        present = offsets[1:] > offsets[:-1]
        validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little"))
        kind = pa.large_binary() if len(compact) >= 2**31 else pa.binary()
        offsets = offsets if kind == pa.large_binary() else offsets.astype(np.int32)
        return pa.Array.from_buffers(
            kind, len(d), [validity, pa.py_buffer(offsets), pa.py_buffer(compact)]
        )

    @cached_property
    def _quoted(self) -> np.ndarray:
        """Per element: does it start with an opening quote (and so need unquoting)?"""
        flags = np.zeros(len(self.delims) + 1, dtype=bool)
        flags[np.searchsorted(self.delims, self.quote_opens)] = True
        return flags[:-1]

    def columns(self, rows: np.ndarray, ncols: int, positions: list[int]) -> list[pa.Array]:
        """Fields at the given positions (0-based, file order) of well-formed records `rows`.

        One array per position, as strings: enclosing quotes removed, doubled quotes undone,
        empty fields null. Only well-formed records may be asked for: their bytes are UTF-8.
        """
        if not positions:
            return []
        first = self.last_elem[rows] - ncols + 1
        index = (first[None, :] + np.asarray(positions)[:, None]).ravel()  # column-major
        taken = self._elements.take(pa.array(index, type=pa.int64()))
        string = pa.large_string() if taken.type == pa.large_binary() else pa.string()
        taken = taken.view(string)
        is_quoted = self._quoted[index] if self.quote_opens.size else None
        n = len(rows)
        out = []
        for k in range(len(positions)):
            values = taken.slice(k * n, n)
            if is_quoted is not None and is_quoted[k * n : (k + 1) * n].any():
                values = _unquote(values, is_quoted[k * n : (k + 1) * n], string)
            out.append(values)
        return out

    def texts(self, r: int) -> list[str]:
        """The fields of one well-formed record as Python strings (headers)."""
        ncols = int(self.fields[r])
        values = self.columns(np.array([r]), ncols, list(range(ncols)))
        return [v[0].as_py() or "" for v in values]


def _unquote(values: pa.Array, flags: np.ndarray, string: pa.DataType) -> pa.Array:
    """Strip the enclosing quotes of the flagged values and undo doubled quotes."""
    inner = pc.replace_substring(pc.utf8_slice_codeunits(values, 1, -1), '""', '"')
    values = pc.if_else(pa.array(flags), inner, values)
    return pc.if_else(pc.equal(pc.binary_length(values), 0), pa.scalar(None, string), values)


def split_records(data: bytes, final: bool) -> Records:
    """Split `data` (starting at a record boundary) into records.

    When `final` is false the buffer may end inside a record: only records that end with a
    line feed inside it are returned, and `consumed` tells where the next buffer must start.
    """
    limit = len(data) if final else data.rfind(b"\n") + 1
    b = np.frombuffer(data, dtype=np.uint8, count=limit)
    quotes = scan_quotes(data, limit, final)
    delim_mask = (b == COMMA) | (b == LF)
    d = np.flatnonzero(delim_mask)
    quoted_lf = _EMPTY
    if quotes.opens.size:
        inside = _inside(d, quotes.opens, quotes.closes)
        if inside.size:
            quoted = d[inside]
            quoted_lf = quoted[b[quoted] == LF]
            delim_mask[quoted] = False  # commas and line feeds inside quotes are data
            d = np.delete(d, inside)
    term_idx = np.flatnonzero(b[d] == LF)
    last_end = int(d[term_idx[-1]]) + 1 if term_idx.size else 0
    tail = final and limit > last_end  # a last record without a line ending
    if tail:
        d = np.append(d, limit)
        term_idx = np.append(term_idx, len(d) - 1)
    if not final:  # delimiters of the unfinished last record belong to the next buffer
        d = d[: int(term_idx[-1]) + 1 if term_idx.size else 0]
    terms = d[term_idx]
    consumed = limit if final else last_end
    nrec = len(terms)
    starts = np.zeros(nrec, dtype=np.int64)
    starts[1:] = terms[:-1] + 1
    stripped_cr = (terms > starts) & (b[np.clip(terms - 1, 0, max(limit - 1, 0))] == CR)
    ends = terms - stripped_cr
    fields = np.diff(term_idx, prepend=-1)
    line_offsets = np.arange(nrec, dtype=np.int64) + np.searchsorted(quoted_lf, starts)
    newlines = nrec - int(tail) + int(np.searchsorted(quoted_lf, consumed))

    problem = np.zeros(nrec, dtype=np.int8)
    problem_at = np.full(nrec, -1, dtype=np.int64)
    if quotes.error_at.size:
        r = np.searchsorted(terms, quotes.error_at)
        keep = r < nrec
        problem[r[keep]] = quotes.error_code[keep]
        problem_at[r[keep]] = quotes.error_at[keep]
    problem[(ends == starts) & (problem == OK)] = BLANK
    if consumed and int(b[:consumed].max()) >= 0x80:
        bad = _invalid_utf8_bytes(b[:consumed])
        if bad.size:
            r, first = np.unique(np.searchsorted(terms, bad), return_index=True)
            fresh = problem[r] == OK
            problem[r[fresh]] = BAD_UTF8
            problem_at[r[fresh]] = bad[first][fresh]
    return Records(
        data=data,
        consumed=consumed,
        newlines=newlines,
        starts=starts,
        ends=ends,
        line_offsets=line_offsets,
        fields=fields,
        problem=problem,
        problem_at=problem_at,
        delims=d,
        last_elem=term_idx,
        stripped_cr=stripped_cr,
        delim_mask=delim_mask,
        quote_opens=quotes.opens[quotes.opens < consumed],
    )


def _invalid_utf8_bytes(b: np.ndarray) -> np.ndarray:
    """Offsets of bytes that do not decode as UTF-8, looking only at the non-ASCII bytes.

    A multi-byte character is made of bytes >= 0x80 only, so each run of such bytes must decode
    on its own. The runs are joined with a NUL between them and decoded at once; only when
    that fails are the bad bytes located (mapped back through `origin`).
    """
    high = np.flatnonzero(b >= 0x80)
    if high.size == 0:
        return _EMPTY
    breaks = np.flatnonzero(np.diff(high) > 1) + 1  # where a new run starts
    joined = np.insert(b[high], breaks, 0)
    origin = np.insert(high, breaks, -1)
    try:
        joined.tobytes().decode("utf-8")
        return _EMPTY
    except UnicodeDecodeError:
        pass
    return origin[np.array(invalid_utf8(joined.tobytes(), len(joined)), dtype=np.int64)]
