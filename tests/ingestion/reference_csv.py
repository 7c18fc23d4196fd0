"""A byte-at-a-time RFC 4180 state machine: slow, obviously correct, the oracle for rfc4180.py."""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.rfc4180 import BAD_CLOSE, BAD_UTF8, BLANK, OK, STRAY_QUOTE, UNTERMINATED

FIELD_START, BARE, QUOTED, QUOTE_SEEN, ERROR = range(5)


@dataclass
class RefRecord:
    start: int
    end: int  # end of the record's text, line ending excluded
    line: int  # LF bytes before start
    problem: int
    fields: list[str]


def reference_split(data: bytes) -> list[RefRecord]:
    records: list[RefRecord] = []
    n, i = len(data), 0
    while i < n:
        start, state, problem = i, FIELD_START, OK
        fields: list[bytearray] = [bytearray()]
        quote_at = -1
        term = None
        while i < n:
            c = data[i]
            if state == ERROR:
                if c == 0x0A:
                    term = i
                    break
            elif state == QUOTED:
                if c == 0x22:
                    state = QUOTE_SEEN
                else:
                    fields[-1].append(c)
            elif c == 0x0A:
                term = i
                break
            elif state == QUOTE_SEEN:
                if c == 0x22:
                    fields[-1].append(c)
                    state = QUOTED
                elif c == 0x2C:
                    fields.append(bytearray())
                    state = FIELD_START
                elif c == 0x0D and (i + 1 == n or data[i + 1] == 0x0A):
                    pass
                else:
                    problem, state = BAD_CLOSE, ERROR
            elif c == 0x2C:
                fields.append(bytearray())
                state = FIELD_START
            elif c == 0x22:
                if state == FIELD_START:
                    state, quote_at = QUOTED, i
                else:
                    problem, state = STRAY_QUOTE, ERROR
            else:
                fields[-1].append(c)
                state = BARE
            i += 1
        if term is None and state == QUOTED:  # unclosed at the end: the opener's line is the record
            problem = UNTERMINATED
            nl = data.find(b"\n", quote_at)
            term = n if nl < 0 else nl
        end = n if term is None else term
        text_end = end - 1 if end > start and data[end - 1] == 0x0D else end
        if problem == OK and text_end == start:
            problem = BLANK
        if problem == OK:
            try:
                data[start:end].decode("utf-8")
            except UnicodeDecodeError:
                problem = BAD_UTF8
        if text_end < end and state != QUOTE_SEEN and fields[-1][-1:] == b"\r":
            fields[-1] = fields[-1][:-1]  # the CR of a CR LF line ending is not data
        texts = [bytes(f).decode("utf-8", "replace") for f in fields] if problem == OK else []
        records.append(RefRecord(start, text_end, data.count(b"\n", 0, start), problem, texts))
        i = end + 1
    return records
