"""`ebbflow bench`: the benchmarks, on throwaway instances of their own (no settings,
no keys). The bench package is imported only when the command runs: nothing else
here needs it, and it needs nothing from the web."""

from __future__ import annotations

import click


@click.command("bench")
@click.option("--quick", is_flag=True, help="a scaled-down run (a smoke test, about a minute)")
@click.option("--only", multiple=True, metavar="CASE", help="run only this case (repeatable)")
@click.option("--write", is_flag=True,
              help="write bench/RESULTS.md even for a quick or partial run")
def bench(quick: bool, only: tuple[str, ...], write: bool) -> int:
    """run the benchmarks on throwaway instances; print and record the results"""
    from bench.runner import CASES, main

    unknown = [name for name in only if name not in CASES]
    if unknown:
        raise click.BadParameter(f"{unknown[0]!r} is not one of "
                                 + ", ".join(repr(case) for case in CASES) + ".",
                                 param_hint="'--only'")
    return main(quick=quick, only=list(only) or None, write=write or None)
