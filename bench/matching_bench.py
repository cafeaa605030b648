"""Issue 3, acceptance 7: supporter matching, optimal (min-cost max-flow) against greedy nearest-first.

Synthetic persons and supporters spread uniformly over a 大正区-sized box (about 3.3 km × 4.4 km) with a fixed
seed, every supporter able to help 2 persons. Pure numpy / OR-Tools: no database, so no worker process."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# run.py defines `benchmark` before it imports this module; it is "__main__" under `make bench`.
_runner = sys.modules.get("run") or sys.modules["__main__"]

BOX = ((34.640, 34.680), (135.455, 135.485))
SEED = 20260401
CASES = ((5_000, 3_000, "5k"), (50_000, 20_000, "50k"))
CAPACITY = 2
MAX_DISTANCE_M = 1000.0
K_NEAREST = 10


def _points(rng: np.random.Generator, count: int) -> np.ndarray:
    (south, north), (west, east) = BOX
    return np.column_stack([rng.uniform(south, north, count), rng.uniform(west, east, count)])


def measure_case(persons: int, supporters: int, label: str) -> dict[str, float]:
    from tsunagu.evacuation.matching import match_greedy, match_optimal

    rng = np.random.default_rng(SEED + persons)
    person_points, supporter_points = _points(rng, persons), _points(rng, supporters)
    capacities = np.full(supporters, CAPACITY, dtype=np.int64)
    options = {"max_distance_m": MAX_DISTANCE_M, "k_nearest": K_NEAREST}
    started = time.perf_counter()
    optimal = match_optimal(person_points, supporter_points, capacities, **options)
    optimal_seconds = time.perf_counter() - started
    started = time.perf_counter()
    greedy = match_greedy(person_points, supporter_points, capacities, **options)
    greedy_seconds = time.perf_counter() - started
    ratio = optimal.total_distance_m / greedy.total_distance_m if greedy.total_distance_m else 1.0
    mean_optimal = optimal.total_distance_m / max(optimal.covered, 1)
    mean_greedy = greedy.total_distance_m / max(greedy.covered, 1)
    print(
        f"  {persons:,} persons × {supporters:,} supporters (capacity {CAPACITY}, k={K_NEAREST}, "
        f"≤{MAX_DISTANCE_M:.0f} m): optimal covers {optimal.coverage:.4f} in {optimal_seconds:.2f} s, "
        f"greedy {greedy.coverage:.4f} in {greedy_seconds:.2f} s; mean distance "
        f"{mean_optimal:.0f} m vs {mean_greedy:.0f} m",
        flush=True,
    )
    return {
        f"matching_coverage_optimal_{label}": round(optimal.coverage, 4),
        f"matching_coverage_greedy_{label}": round(greedy.coverage, 4),
        f"matching_seconds_{label}": round(optimal_seconds + greedy_seconds, 3),
        f"matching_seconds_optimal_{label}": round(optimal_seconds, 3),
        f"matching_seconds_greedy_{label}": round(greedy_seconds, 3),
        # Optimal covers more persons, so its total may exceed greedy's even though each walk is short.
        f"matching_distance_ratio_{label}": round(ratio, 4),
    }


@_runner.benchmark
def supporter_matching() -> dict[str, float]:
    """Issue 3: supporter matching for 5,000 × 3,000 and 50,000 × 20,000."""
    figures: dict[str, float] = {}
    for persons, supporters, label in CASES:
        figures.update(measure_case(persons, supporters, label))
    return figures
