"""The vectorised RFC 4180 splitter against hand-written cases and a byte-at-a-time oracle."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ingestion import rfc4180
from ingestion.rfc4180 import (
    BAD_CLOSE,
    BAD_UTF8,
    BLANK,
    OK,
    STRAY_QUOTE,
    UNTERMINATED,
    split_records,
)
from tests.ingestion.reference_csv import reference_split


def fields(data: bytes) -> list[list[str] | int]:
    """Each record's fields, or its problem code when it is malformed."""
    rec = split_records(data, final=True)
    return [rec.texts(r) if rec.problem[r] == OK else int(rec.problem[r]) for r in range(len(rec))]


def test_plain_records_and_empty_fields():
    assert fields(b"a,b,c\n1,,3\n") == [["a", "b", "c"], ["1", "", "3"]]


def test_empty_fields_are_null_in_columns():
    rec = split_records(b"1,,3\n,x,\n", final=True)
    (a, b, c) = rec.columns(np.arange(2), 3, [0, 1, 2])
    assert (a.to_pylist(), b.to_pylist(), c.to_pylist()) == (["1", None], [None, "x"], ["3", None])


def test_quoted_fields_hold_commas_doubled_quotes_and_newlines():
    data = b'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,""\n'
    assert fields(data) == [
        ["id", "text"],
        ["1", "a, b"],
        ["2", 'say "hi"'],
        ["3", "two\nlines"],
        ["4", ""],
    ]
    rec = split_records(data, final=True)
    assert (rec.line_offsets + 1).tolist() == [1, 2, 3, 4, 6]  # record 4 starts on line 6
    assert rec.columns(np.array([4]), 2, [1])[0].to_pylist() == [None]  # "" is empty: null


def test_crlf_line_endings_are_not_data():
    assert fields(b"a,b\r\n1,2\r\n3,\r\n") == [["a", "b"], ["1", "2"], ["3", ""]]
    assert fields(b'a,"x\r\ny"\r\n') == [["a", "x\r\ny"]]  # inside quotes, CR LF is data


def test_last_record_without_line_ending():
    rec = split_records(b"a,b\n1,2", final=True)
    assert [rec.texts(r) for r in range(len(rec))] == [["a", "b"], ["1", "2"]]
    assert rec.consumed == 7


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b'1,"abc"x,3', BAD_CLOSE),
        (b'1,ab"c,3', STRAY_QUOTE),
        (b"1,caf\xe9,3", BAD_UTF8),
        (b"", BLANK),
    ],
)
def test_malformed_line_is_caught_and_the_next_line_parses(line, problem):
    rec = split_records(b"a,b,c\n" + line + b"\n4,5,6\n", final=True)
    assert rec.problem.tolist() == [OK, problem, OK]
    assert rec.raw(1) == line
    assert rec.texts(2) == ["4", "5", "6"]


def test_unclosed_quote_swallows_only_its_own_line():
    rec = split_records(b'a,b\n1,"open\n2,3\n', final=True)
    assert rec.problem.tolist() == [OK, UNTERMINATED, OK]
    assert rec.texts(2) == ["2", "3"]


def test_wrong_field_count_is_judged_against_the_header():
    rec = split_records(b"a,b,c\n1,2\n1,2,3,4\n1,2,3\n", final=True)
    assert rec.well_formed(3).tolist() == [True, False, False, True]
    assert rec.reason(1, 3) == "wrong field count: 2 fields, expected 3"
    assert rec.reason(2, 3) == "wrong field count: 4 fields, expected 3"


def test_utf8_reason_names_the_byte():
    rec = split_records(b"a\nx\xe9y\n", final=True)
    assert rec.reason(1, 1) == "not UTF-8 (byte 0xE9)"


def test_valid_multibyte_utf8_is_kept():
    assert fields("a,b\nJosé,Zoë\n".encode()) == [["a", "b"], ["José", "Zoë"]]


def test_a_non_final_buffer_stops_before_an_unfinished_record():
    data = b'a,b\n1,"x\ny"\n2,"still open\n'
    rec = split_records(data, final=False)
    assert len(rec) == 2 and rec.consumed == len(b'a,b\n1,"x\ny"\n')
    assert rec.newlines == 3


TOKENS = [b"a", b"b", b",", b'"', b"\n", b"\r\n", b"\r", b"\xe9", "é".encode(), b'""', b'x,"y"']
TOKENS += [b'"q,\nr"', b"\r\n\r\n"]


def random_buffers(seed: int, count: int, max_tokens: int = 14):
    rng = random.Random(seed)
    for _ in range(count):
        yield b"".join(rng.choice(TOKENS) for _ in range(rng.randint(0, max_tokens)))


def test_matches_the_byte_at_a_time_oracle_on_random_input():
    for data in random_buffers(7, 2500):
        expected = reference_split(data)
        rec = split_records(data, final=True)
        got = [
            (int(rec.starts[r]), int(rec.ends[r]), int(rec.line_offsets[r]), int(rec.problem[r]))
            for r in range(len(rec))
        ]
        assert got == [(x.start, x.end, x.line, x.problem) for x in expected], data
        for r, x in enumerate(expected):
            if x.problem == OK:
                assert rec.texts(r) == x.fields, data
        assert rec.newlines == data.count(b"\n")


def records_of(rec, base: int) -> list[tuple]:
    return [
        (
            base + int(rec.starts[r]),
            base + int(rec.ends[r]),
            int(rec.problem[r]),
            rec.texts(r) if rec.problem[r] == OK else None,
        )
        for r in range(len(rec))
    ]


def test_buffers_cut_anywhere_give_the_same_records():
    for data in random_buffers(11, 80, max_tokens=20):
        expect = records_of(split_records(data, final=True), 0)
        for cut in range(len(data) + 1):
            first = split_records(data[:cut], final=False)  # a first buffer cut at `cut`
            rest = split_records(data[first.consumed :], final=True)
            got = records_of(first, 0) + records_of(rest, first.consumed)
            assert got == expect, (data, cut)


def test_fully_quoted_files_stay_vectorised():
    row = b'"T1","A 1","2024-01-01","12.50","say ""hi""","x,y"\n'
    data = row * 20_000
    rec = split_records(data, final=True)
    assert len(rec) == 20_000 and (rec.problem == OK).all()
    assert rec.texts(19_999) == ["T1", "A 1", "2024-01-01", "12.50", 'say "hi"', "x,y"]


def test_reason_texts_are_sentences_a_reader_understands():
    assert rfc4180.reason(BAD_CLOSE) == "text after a closing quote"
    assert rfc4180.reason(UNTERMINATED) == "quoted field not closed before the end of the file"
