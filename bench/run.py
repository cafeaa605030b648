"""`make bench`: run every benchmark, print the figures and merge them into bench-results.json.

A benchmark is a function returning {name: number}; register it with @benchmark. Benchmarks that need Django
run their measurement in a worker process on a scratch database (see harness.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

RESULTS = harness.ROOT / "bench-results.json"
BENCHMARKS: list[Callable[[], dict[str, float]]] = []


def benchmark(function: Callable[[], dict[str, float]]) -> Callable[[], dict[str, float]]:
    BENCHMARKS.append(function)
    return function


@benchmark
def residents_import_sqlite() -> dict[str, float]:
    """Issue 7: residents_import of BENCH_SIZE CP932 rows against executemany of the same rows, SQLite."""
    with harness.scratch_sqlite("import") as url:
        return harness.run_worker("residents_import_bench:measure", url, "sqlite")


@benchmark
def residents_import_postgres() -> dict[str, float]:
    """The same on PostgreSQL against COPY, when 127.0.0.1:5432 answers; the acceptance keys of issue 7 come
    from this run (peak memory, unchanged re-import)."""
    if not harness.postgres_answers():
        print("  PostgreSQL does not answer at 127.0.0.1:5432: skipped")
        return {}
    with harness.scratch_postgres() as url:
        figures = harness.run_worker("residents_import_bench:measure", url, "postgres")
    for name in list(figures):
        if name.startswith(("import_peak_rss_mb_", "reimport_unchanged_seconds_")):
            figures[name.removesuffix("_postgres")] = figures[name]
    return figures


import load_bench  # noqa: E402, F401 - registers itself with @benchmark, so after its definition
import map_bench  # noqa: E402, F401 - registers itself with @benchmark, so after its definition
import matching_bench  # noqa: E402, F401 - the same
import roster_bench  # noqa: E402, F401 - the same
import safety_bench  # noqa: E402, F401 - the same
import search_bench  # noqa: E402, F401 - the same


def merge_results(figures: dict[str, float]) -> None:
    existing: dict[str, float] = {}
    if RESULTS.exists():
        try:
            existing = json.loads(RESULTS.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            existing = {}
    existing.update(figures)
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("-k", dest="only", help="run only the benchmarks whose name contains this")
    args, extra = parser.parse_known_args()
    if args.worker:
        harness.worker_main(args.worker, args.database_url, extra)
        return
    figures: dict[str, float] = {}
    for function in BENCHMARKS:
        if args.only and args.only not in function.__name__:
            continue
        print(f"== {function.__name__}", flush=True)
        started = time.perf_counter()
        result = function()
        for name, value in result.items():
            print(f"  {name} = {value}")
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
        figures.update(result)
    merge_results(figures)
    print(f"figures written to {RESULTS.name}")


if __name__ == "__main__":
    main()
