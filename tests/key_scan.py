"""Find key material in files: the tokenisation key and its XOR with the HMAC pads.

The old SQL tokeniser inlined the key (Athena: from_hex('<key>')) or the key XOR 0x36 / 0x5c
(DuckDB's hand-made HMAC) into SQL text, so it leaked into dbt's artefacts and logs. A file
holds key material when it contains any of: the key's bytes, or the hex (either case) of the
key, of key XOR 0x36.. (ipad) or of key XOR 0x5c.. (opad).
"""

from __future__ import annotations

from pathlib import Path


def needles(key: bytes) -> dict[str, bytes]:
    inner = bytes(b ^ 0x36 for b in key)
    outer = bytes(b ^ 0x5C for b in key)
    found = {"key bytes": key, "inner pad bytes": inner, "outer pad bytes": outer}
    for name, value in (("key", key), ("inner pad", inner), ("outer pad", outer)):
        found[f"{name} hex"] = value.hex().encode()
        found[f"{name} HEX"] = value.hex().upper().encode()
    return found


def scan(roots: list[Path], key: bytes) -> tuple[int, list[tuple[str, str]]]:
    """(files read, [(file, what was found)]) over every file under `roots`."""
    wanted = needles(key)
    count, hits = 0, []
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            data = path.read_bytes()
            count += 1
            for what, needle in wanted.items():
                if needle in data:
                    hits.append((str(path), what))
    return count, hits
