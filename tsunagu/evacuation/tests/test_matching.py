"""The matching algorithms on hand-made and random instances (no database)."""

from collections import Counter

import numpy as np
import pytest

from tsunagu.evacuation.matching import match_greedy, match_optimal, project_to_metres

LAT0, LON0 = 34.66, 135.47
METRE_LAT = 1 / 111_195.0  # degrees of latitude per metre (mean earth radius)


def at(north_m: float, east_m: float) -> tuple[float, float]:
    """A point so many metres north and east of the ward's middle."""
    lon_per_m = METRE_LAT / np.cos(np.radians(LAT0))
    return (LAT0 + north_m * METRE_LAT, LON0 + east_m * lon_per_m)


def check_valid(result, persons, supporters, capacities, max_distance_m):
    people = [p for p, _s, _d in result.pairs]
    assert len(people) == len(set(people))  # one supporter per person
    load = Counter(s for _p, s, _d in result.pairs)
    assert all(load[s] <= capacities[s] for s in load)
    origin = float(np.concatenate([persons[:, 0], supporters[:, 0]]).mean())
    pxy = project_to_metres(persons, origin_latitude=origin)
    sxy = project_to_metres(supporters, origin_latitude=origin)
    for p, s, d in result.pairs:
        assert d <= max_distance_m
        assert d == pytest.approx(float(np.hypot(*(pxy[p] - sxy[s]))), abs=1e-6)
    assert result.coverage == pytest.approx(len(result.pairs) / len(persons))
    assert result.total_distance_m == pytest.approx(sum(d for _p, _s, d in result.pairs))


def test_projection_matches_known_distances():
    north = project_to_metres(np.array([at(0, 0), at(500, 0), at(0, 300)]), origin_latitude=LAT0)
    assert np.hypot(*(north[1] - north[0])) == pytest.approx(500, abs=0.5)
    assert np.hypot(*(north[2] - north[0])) == pytest.approx(300, abs=0.5)


def test_greedy_gives_the_shared_nearest_supporter_away_and_optimal_covers_both():
    # Person 0 is next to supporter 0 (10 m) and 300 m from supporter 1. Person 1 is 100 m from supporter 0
    # and beyond reach of supporter 1. Greedy hands supporter 0 to person 0 first; person 1 is left alone.
    persons = np.array([at(0, 0), at(0, 110)])
    supporters = np.array([at(0, 10), at(0, -300)])
    capacities = np.array([1, 1])

    greedy = match_greedy(persons, supporters, capacities, max_distance_m=350)
    optimal = match_optimal(persons, supporters, capacities, max_distance_m=350)

    assert [(p, s) for p, s, _d in greedy.pairs] == [(0, 0)]
    assert greedy.coverage == 0.5
    assert [(p, s) for p, s, _d in optimal.pairs] == [(0, 1), (1, 0)]
    assert optimal.coverage == 1.0
    assert optimal.total_distance_m == pytest.approx(300 + 100, abs=1)


def test_with_equal_coverage_optimal_walks_less():
    # Both persons can be covered either way; greedy takes the 1 m pair first and pays 500 m for the other.
    persons = np.array([at(0, 0), at(0, 2)])
    supporters = np.array([at(0, 1), at(0, 300)])
    capacities = np.array([1, 1])

    greedy = match_greedy(persons, supporters, capacities)
    optimal = match_optimal(persons, supporters, capacities)

    assert greedy.coverage == optimal.coverage == 1.0
    assert optimal.total_distance_m <= greedy.total_distance_m + 1e-6


def test_capacity_limits_how_many_one_supporter_takes_and_distance_limits_who():
    persons = np.array([at(0, 0), at(10, 0), at(20, 0), at(5000, 0)])
    supporters = np.array([at(0, 5)])
    for match in (match_greedy, match_optimal):
        result = match(persons, supporters, np.array([2]), max_distance_m=1000)
        assert result.covered == 2, match.__name__
        assert 3 not in {p for p, _s, _d in result.pairs}
        assert match(persons, supporters, np.array([0])).pairs == []


def test_empty_inputs_give_an_empty_matching():
    none = np.empty((0, 2))
    for match in (match_greedy, match_optimal):
        assert match(none, np.array([at(0, 0)]), np.array([2])).coverage == 0.0
        result = match(np.array([at(0, 0)]), none, np.empty(0, int))
        assert (result.pairs, result.coverage, result.total_distance_m) == ([], 0.0, 0.0)


def test_excluded_pairs_are_never_proposed():
    persons = np.array([at(0, 0)])
    supporters = np.array([at(0, 10), at(0, 50)])
    for match in (match_greedy, match_optimal):
        result = match(persons, supporters, np.array([1, 1]), excluded_pairs=[(0, 0)])
        assert [(p, s) for p, s, _d in result.pairs] == [(0, 1)], match.__name__


@pytest.mark.parametrize("seed", range(12))
def test_random_instances_optimal_covers_at_least_greedy_and_walks_no_more_at_equal_coverage(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 120)), int(rng.integers(2, 60))
    box = 1500.0
    persons = np.array([at(*xy) for xy in rng.uniform(0, box, (n, 2))])
    supporters = np.array([at(*xy) for xy in rng.uniform(0, box, (m, 2))])
    capacities = rng.integers(0, 4, m)
    max_distance_m = float(rng.uniform(150, 600))
    k = int(rng.integers(1, 8))

    greedy = match_greedy(persons, supporters, capacities, max_distance_m=max_distance_m, k_nearest=k)
    optimal = match_optimal(persons, supporters, capacities, max_distance_m=max_distance_m, k_nearest=k)

    check_valid(greedy, persons, supporters, capacities, max_distance_m)
    check_valid(optimal, persons, supporters, capacities, max_distance_m)
    assert optimal.covered >= greedy.covered
    if optimal.covered == greedy.covered:
        # Costs are whole centimetres, so the optimum may be off by half a centimetre per pair.
        assert optimal.total_distance_m <= greedy.total_distance_m + 0.005 * optimal.covered


def test_random_instances_optimal_reaches_the_true_maximum_coverage():
    # Brute-force check on tiny instances: no assignment within reach covers more persons.
    from itertools import product

    rng = np.random.default_rng(99)
    for _ in range(20):
        n, m = 4, 3
        persons = np.array([at(*xy) for xy in rng.uniform(0, 600, (n, 2))])
        supporters = np.array([at(*xy) for xy in rng.uniform(0, 600, (m, 2))])
        capacities = rng.integers(1, 3, m)
        origin = float(np.concatenate([persons[:, 0], supporters[:, 0]]).mean())
        pxy = project_to_metres(persons, origin_latitude=origin)
        sxy = project_to_metres(supporters, origin_latitude=origin)
        reach = np.hypot(*(pxy[:, None, :] - sxy[None, :, :]).transpose(2, 0, 1)) <= 300
        best = 0
        for choice in product(range(-1, m), repeat=n):  # -1: no supporter
            load = Counter(s for s in choice if s >= 0)
            if all(load[s] <= capacities[s] for s in load) and all(s < 0 or reach[p, s] for p, s in enumerate(choice)):
                best = max(best, sum(s >= 0 for s in choice))
        assert match_optimal(persons, supporters, capacities, max_distance_m=300, k_nearest=m).covered == best
