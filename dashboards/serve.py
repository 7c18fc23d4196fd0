"""Serve the dashboard: `python dashboards/serve.py --lake DIR [--port N]` (what `make dashboard`
runs). Streamlit's settings are given here, not in a config file: headless (prints the address,
opens no browser), no usage statistics (nothing leaves the machine), no file watcher, bound to
this machine only."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501


def command(lake: str, port: int = DEFAULT_PORT, address: str = "127.0.0.1") -> list[str]:
    """The streamlit command line serving the dashboard on `lake`'s dev warehouse."""
    streamlit = Path(sys.executable).with_name("streamlit")
    return [
        str(streamlit),
        "run",
        str(APP),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
        "--",
        "--lake",
        str(lake),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dashboards/serve.py")
    parser.add_argument("--lake", default=os.environ.get("FINLAKE_LAKE", "lake"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    warehouse = Path(args.lake) / "warehouse.duckdb"
    if not warehouse.is_file():
        print(
            f"finlake: no warehouse at {warehouse}; run `make demo` (or `finlake build --lake "
            f"{args.lake}`) first.",
            file=sys.stderr,
        )
        return 2
    print(f"dashboard: http://localhost:{args.port}/ (lake {args.lake}; Ctrl-C stops it)")
    cmd = command(args.lake, args.port)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
