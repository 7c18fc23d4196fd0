"""Progress for long work: a bar on a terminal, a line every few seconds in logs and CI."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(
    items: Iterable[T], total: int, desc: str, unit: str = "it", enabled: bool = True
) -> Iterator[T]:
    if not enabled:
        yield from items
        return
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, total=total, desc=desc, unit=unit, leave=False, file=sys.stderr)
        return
    start = last = time.monotonic()
    for i, item in enumerate(items, 1):
        yield item
        now = time.monotonic()
        if now - last >= 10 or (i == total and now - start >= 10):
            print(f"{desc}: {i}/{total} {unit} ({now - start:.0f}s)", file=sys.stderr, flush=True)
            last = now
