"""Supporter matching: pair persons who need help to evacuate with volunteers and neighbours nearby.

Pure algorithm (numpy, scipy, OR-Tools), no Django: the services in proposals.py feed it coordinates and store
what it proposes. Two methods share one candidate graph (each person's k nearest supporters within a distance):

- `match_optimal`: a minimum-cost maximum flow, i.e. first as many persons covered as possible, then the least
  total walking distance among all assignments that cover that many.
- `match_greedy`: the baseline — the nearest pair first, as long as the person is free and the supporter has room.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_MAX_DISTANCE_M = 1000.0
DEFAULT_K_NEAREST = 10
# Arc costs are whole centimetres: OR-Tools needs integers, and whole metres would let rounding decide between
# assignments that differ by less than a metre per pair.
_COST_SCALE = 100


@dataclass(frozen=True)
class Matching:
    pairs: list[tuple[int, int, float]]  # (person index, supporter index, distance in metres)
    coverage: float  # share of persons with a supporter, 0–1
    total_distance_m: float

    @property
    def covered(self) -> int:
        return len(self.pairs)


def project_to_metres(points: np.ndarray, *, origin_latitude: float) -> np.ndarray:
    """(lat, lon) in degrees → (x, y) in metres, equirectangular around `origin_latitude`. At ward scale (a few
    km) the error against great-circle distance is far below a metre."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    scale = math.pi / 180 * EARTH_RADIUS_M
    x = points[:, 1] * scale * math.cos(math.radians(origin_latitude))
    y = points[:, 0] * scale
    return np.column_stack([x, y])


@dataclass(frozen=True)
class _Candidates:
    person: np.ndarray  # int64, one entry per candidate pair
    supporter: np.ndarray
    distance: np.ndarray  # float64 metres


def _candidates(
    persons: np.ndarray,
    supporters: np.ndarray,
    capacities: np.ndarray,
    *,
    max_distance_m: float,
    k_nearest: int,
    excluded_pairs: Iterable[tuple[int, int]] = (),
) -> _Candidates:
    """Each person's k nearest supporters with room, within max_distance_m (and not in excluded_pairs)."""
    persons = np.asarray(persons, dtype=float).reshape(-1, 2)
    supporters = np.asarray(supporters, dtype=float).reshape(-1, 2)
    capacities = np.asarray(capacities, dtype=np.int64).reshape(-1)
    if len(capacities) != len(supporters):
        raise ValueError("capacities must have one entry per supporter")
    empty = _Candidates(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float))
    usable = np.flatnonzero(capacities > 0)
    if len(persons) == 0 or len(usable) == 0 or k_nearest < 1:
        return empty
    origin = float(np.concatenate([persons[:, 0], supporters[:, 0]]).mean())
    person_xy = project_to_metres(persons, origin_latitude=origin)
    supporter_xy = project_to_metres(supporters[usable], origin_latitude=origin)
    k = min(k_nearest, len(usable))
    tree = cKDTree(supporter_xy)
    distance, index = tree.query(person_xy, k=k, distance_upper_bound=max_distance_m)
    distance = np.asarray(distance).reshape(len(persons), k)
    index = np.asarray(index).reshape(len(persons), k)
    # cKDTree marks "fewer than k within the bound" with an infinite distance and index == len(tree).
    found = np.isfinite(distance) & (distance <= max_distance_m)
    person = np.repeat(np.arange(len(persons), dtype=np.int64), k).reshape(len(persons), k)[found]
    supporter = usable[index[found]].astype(np.int64)
    dist = distance[found].astype(float)
    excluded = {(int(p), int(s)) for p, s in excluded_pairs}
    if excluded:
        keep = np.fromiter(
            ((int(p), int(s)) not in excluded for p, s in zip(person, supporter, strict=True)), bool, len(person)
        )
        person, supporter, dist = person[keep], supporter[keep], dist[keep]
    return _Candidates(person, supporter, dist)


def _result(pairs: list[tuple[int, int, float]], n_persons: int) -> Matching:
    pairs.sort()
    return Matching(
        pairs=pairs,
        coverage=len(pairs) / n_persons if n_persons else 0.0,
        total_distance_m=float(sum(d for _p, _s, d in pairs)),
    )


def match_optimal(
    persons: np.ndarray,
    supporters: np.ndarray,
    capacities: np.ndarray,
    *,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    k_nearest: int = DEFAULT_K_NEAREST,
    excluded_pairs: Iterable[tuple[int, int]] = (),
) -> Matching:
    """Maximum coverage, then minimum total distance, over each person's k nearest supporters."""
    from ortools.graph.python import min_cost_flow  # imported here: OR-Tools is slow to load and pages rarely run it

    persons = np.asarray(persons, dtype=float).reshape(-1, 2)
    capacities = np.asarray(capacities, dtype=np.int64).reshape(-1)
    cand = _candidates(
        persons,
        supporters,
        capacities,
        max_distance_m=max_distance_m,
        k_nearest=k_nearest,
        excluded_pairs=excluded_pairs,
    )
    n, m = len(persons), len(capacities)
    if len(cand.person) == 0:
        return _result([], n)
    # Network: source → person (capacity 1, cost 0) → supporter (capacity 1, cost = distance) → sink (capacity
    # = how many persons the supporter can help). A flow unit is one person helped by one supporter.
    # solve_max_flow_with_min_cost() first finds the maximum flow value (= the most persons that can be covered)
    # and then, among all flows of that value, one of minimum cost (= least total distance). That is exactly the
    # lexicographic objective "coverage first, distance second"; no weighting of the two can trade one covered
    # person for shorter walks. Unlike solve(), it accepts supplies the network cannot carry in full, so a partial
    # cover (more persons than supporter places) is fine.
    source, sink = 0, n + m + 1
    persons_used = np.unique(cand.person)
    supporters_used = np.unique(cand.supporter)
    tails = np.concatenate([np.zeros(len(persons_used), np.int64), cand.person + 1, supporters_used + 1 + n])
    heads = np.concatenate([persons_used + 1, cand.supporter + 1 + n, np.full(len(supporters_used), sink, np.int64)])
    caps = np.concatenate(
        [np.ones(len(persons_used), np.int64), np.ones(len(cand.person), np.int64), capacities[supporters_used]]
    )
    costs = np.concatenate(
        [
            np.zeros(len(persons_used), np.int64),
            np.rint(cand.distance * _COST_SCALE).astype(np.int64),
            np.zeros(len(supporters_used), np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    # Offer every person as supply; the solver sends as much of it as the network can carry.
    flow.set_node_supply(source, len(persons_used))
    flow.set_node_supply(sink, -len(persons_used))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    pair_arcs = arcs[len(persons_used) : len(persons_used) + len(cand.person)]
    used = np.asarray(flow.flows(pair_arcs)) > 0
    pairs = [
        (int(p), int(s), float(d))
        for p, s, d in zip(cand.person[used], cand.supporter[used], cand.distance[used], strict=True)
    ]
    return _result(pairs, n)


def match_greedy(
    persons: np.ndarray,
    supporters: np.ndarray,
    capacities: np.ndarray,
    *,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    k_nearest: int = DEFAULT_K_NEAREST,
    excluded_pairs: Iterable[tuple[int, int]] = (),
) -> Matching:
    """Nearest pair first: take it if the person has no supporter yet and the supporter has room."""
    persons = np.asarray(persons, dtype=float).reshape(-1, 2)
    capacities = np.asarray(capacities, dtype=np.int64).reshape(-1)
    cand = _candidates(
        persons,
        supporters,
        capacities,
        max_distance_m=max_distance_m,
        k_nearest=k_nearest,
        excluded_pairs=excluded_pairs,
    )
    n = len(persons)
    order = np.lexsort((cand.supporter, cand.person, cand.distance))  # ties broken by index: deterministic
    matched = bytearray(n)
    room = capacities.tolist()
    pairs: list[tuple[int, int, float]] = []
    for p, s, d in zip(
        cand.person[order].tolist(), cand.supporter[order].tolist(), cand.distance[order].tolist(), strict=True
    ):
        if matched[p] or room[s] <= 0:
            continue
        matched[p] = 1
        room[s] -= 1
        pairs.append((p, s, d))
    return _result(pairs, n)
