"""Strict checks of one delivered text value against its contract column.

Used by tests to prove that every line the generator did not deliberately spoil is exactly what
the contract promises, and by anyone who wants to know why a value would be rejected.
"""

from __future__ import annotations

import datetime as dt
import re

from finlake.contract import Column

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z?$")
INTEGER = re.compile(r"^-?\d+$")


def decimal_pattern(precision: int, scale: int) -> re.Pattern[str]:
    return re.compile(rf"^-?\d{{1,{precision - scale}}}(\.\d{{1,{scale}}})?$")


def check_value(column: Column, text: str | None) -> str | None:
    """None when `text` is a valid delivery of `column`, else a short reason."""
    if text is None or text == "":
        return "required value missing" if column.required else None
    kind = column.base_type
    if kind == "string":
        return None
    if kind == "enum":
        return (
            None if text in column.values else f"{text!r} is not one of {', '.join(column.values)}"
        )
    if kind == "date":
        if not DATE.match(text):
            return f"{text!r} is not YYYY-MM-DD"
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return f"{text!r} is not a calendar date"
        return None
    if kind == "timestamp":
        match = TIMESTAMP.match(text)
        if not match:
            return f"{text!r} is not an ISO-8601 timestamp"
        try:
            dt.date.fromisoformat(match.group(1))
        except ValueError:
            return f"{text!r} is not a calendar date"
        if int(match.group(2)) > 23 or int(match.group(3)) > 59 or int(match.group(4)) > 59:
            return f"{text!r} has an impossible time of day"
        return None
    if kind == "decimal":
        precision, scale = column.precision_scale
        return (
            None
            if decimal_pattern(precision, scale).match(text)
            else f"{text!r} is not decimal({precision},{scale})"
        )
    if kind == "integer":
        if not INTEGER.match(text):
            return f"{text!r} is not an integer"
        if column.range and not column.range[0] <= int(text) <= column.range[1]:
            return f"{text} is outside {column.range[0]}..{column.range[1]}"
        return None
    return f"unknown contract type {column.type}"
