"""`finlake demo`: every stage that exists, in order, then one summary."""

from __future__ import annotations

import argparse
import time

from finlake.lake import Lake


def run_demo(args: argparse.Namespace) -> int:
    from finlake.cli import _generator_config
    from finlake.generator.run import DEFAULT_WORKERS, generate
    from finlake.summary import print_generation

    lake = Lake.resolve(args.lake)
    started = time.perf_counter()
    print(f"== finlake demo: preset {args.preset}, lake {lake.root}")
    print("-- 1/1 generate landing extracts")
    report = generate(
        _generator_config(args),
        lake,
        force=args.force,
        show_progress=not args.quiet,
        workers=args.workers or DEFAULT_WORKERS,
    )
    print_generation(report, lake)
    print(f"== demo finished in {time.perf_counter() - started:.0f}s")
    return 0
