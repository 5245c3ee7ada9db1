"""Turn detection by the exact binomial evidence, on hand-made and simulated couples."""

from __future__ import annotations

import random
import statistics
from datetime import date, timedelta

from projections.turns import (
    TURN_CONFIDENCE,
    TURN_WINDOW_WEEKS,
    carries_more,
    detect_turns,
    evidence_of_carrying_more,
)

START = date(2026, 1, 5)  # a Monday
PARTNERS = ("alex", "sam")


def weeks_of(counts: list[tuple[int, int]]) -> list[tuple[date, int, int]]:
    return [(START + timedelta(weeks=i), a, b) for i, (a, b) in enumerate(counts)]


def test_evidence_is_the_exact_binomial_tail() -> None:
    assert evidence_of_carrying_more(0, 0) == 0.5
    assert evidence_of_carrying_more(5, 0) == 1 - 1 / 64
    assert evidence_of_carrying_more(10, 2) == 1 - (1 + 13 + 78) / 2**13


def test_the_fast_decision_equals_the_exact_tail_for_every_count_up_to_400_trials() -> None:
    for trials in range(1, 401):
        favourable, coefficient = 0, 1  # running sum of C(trials, k), and C(trials, k)
        for mine in range(trials):
            favourable += coefficient
            coefficient = coefficient * (trials - mine) // (mine + 1)
            exact = favourable * 1000 >= round(TURN_CONFIDENCE * 1000) * 2**trials
            assert carries_more(mine, trials - 1 - mine) is exact, (mine, trials)


def test_ten_weeks_of_a_then_ten_of_b_make_exactly_one_turn_a_to_b() -> None:
    turns = detect_turns(weeks_of([(1, 0)] * 10 + [(0, 1)] * 10), PARTNERS)
    assert len(turns) == 1
    assert (turns[0].from_partner, turns[0].to_partner) == ("alex", "sam")
    # B's evidence over the last six weeks first reaches 0.975 with six of six: week 16.
    assert turns[0].at == START + timedelta(weeks=15)
    assert turns[0].at.weekday() == 0


def test_a_single_odd_week_makes_no_turn() -> None:
    counts = [(2, 0)] * 8 + [(0, 4)] + [(2, 0)] * 8
    assert detect_turns(weeks_of(counts), PARTNERS) == []


def test_establishing_the_first_leader_is_not_a_turn() -> None:
    assert detect_turns(weeks_of([(3, 0)] * 12), PARTNERS) == []


def simulate(rng: random.Random, weekly: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Each week each partner gives Poisson-ish care at their rate."""
    def draw(rate: float) -> int:
        return sum(1 for _ in range(6) if rng.random() < rate / 6)
    return [(draw(a), draw(b)) for a, b in weekly]


def moving_average_turns(counts: list[tuple[int, int]]) -> int:
    side, turns = None, 0
    for i in range(len(counts)):
        window = counts[max(0, i - TURN_WINDOW_WEEKS + 1) : i + 1]
        a, b = sum(w[0] for w in window), sum(w[1] for w in window)
        if a == b:
            continue
        now = a > b
        if side is not None and now != side:
            turns += 1
        side = now
    return turns


def test_balanced_couples_see_few_spurious_turns_and_fewer_than_a_moving_average() -> None:
    rng = random.Random(7)
    ours, naive = [], []
    for _ in range(200):
        counts = simulate(rng, [(1.5, 1.5)] * 104)
        ours.append(len(detect_turns(weeks_of(counts), PARTNERS)))
        naive.append(moving_average_turns(counts))
    assert statistics.mean(ours) < 1.0
    assert statistics.mean(naive) > 5 * statistics.mean(ours)


def test_a_real_switch_from_3_to_1_to_1_to_3_is_found_within_weeks() -> None:
    rng = random.Random(7)
    delays = []
    for _ in range(200):
        counts = simulate(rng, [(2.25, 0.75)] * 52 + [(0.75, 2.25)] * 52)
        after = [t for t in detect_turns(weeks_of(counts), PARTNERS)
                 if t.at >= START + timedelta(weeks=52) and t.to_partner == "sam"]
        if after:
            delays.append((after[0].at - (START + timedelta(weeks=52))).days // 7 + 1)
    assert len(delays) >= 190
    assert statistics.median(delays) <= 6
