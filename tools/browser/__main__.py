"""python3 -m tools.browser {find,ensure}: print the Chromium executable (see __init__.py)."""

from __future__ import annotations

import argparse
import sys

from tools.browser.chromium import ChromiumMissing, ensure, find, version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.browser")
    parser.add_argument("command", choices=("find", "ensure"))
    args = parser.parse_args(argv)
    try:
        if args.command == "find":
            path, seconds = find(), None
        else:
            path, seconds = ensure()
    except ChromiumMissing as missing:
        print(f"finlake: {missing}", file=sys.stderr)
        return 2
    if seconds is not None:
        print(f"chromium: installed from the Debian packages in {seconds:.0f} s", file=sys.stderr)
    print(f"chromium: {path} ({version(path)})", file=sys.stderr)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
