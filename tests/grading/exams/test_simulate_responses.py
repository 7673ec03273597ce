"""The simulated trainees' response model and the shared psychometrics (no sitting)."""

from __future__ import annotations

import pytest

from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_SET, KIND_TEXT
from grading.exams import Expected
from grading.exams.psychometrics import (
    METHOD_ALPHA,
    METHOD_KR20,
    ItemStatistics,
    StratumIndex,
    reliability_method,
    strata_index,
    target_failures,
)
from grading.exams.responses import handed_in, mixed_answer, probability, rater_score
from grading.exams.simulate import SINGLE_MISTAKE, named_mistakes


def test_named_mistakes_reads_both_shapes() -> None:
    raw = {"q1": 3.5, "q2": {"ignores_wallet": 0.1, "uses_rank": 0.2}, "q3": ["A", "C"]}
    assert named_mistakes(raw) == {
        "q1": {SINGLE_MISTAKE: 3.5},
        "q2": {"ignores_wallet": 0.1, "uses_rank": 0.2},
        "q3": {SINGLE_MISTAKE: ["A", "C"]},
    }


def test_a_wrong_mapping_in_the_old_shape_is_one_mistake() -> None:
    expected = {"q1": Expected(KIND_MAPPING, {"C1": "A", "C2": "B"})}
    assert named_mistakes({"q1": {"C1": "B", "C2": "B"}}, expected) == {
        "q1": {SINGLE_MISTAKE: {"C1": "B", "C2": "B"}}
    }
    named = {"q1": {"lower_tier": {"C1": "B", "C2": "B"}}}
    assert named_mistakes(named, expected) == named


def test_answers_reach_the_judge_as_plain_json() -> None:
    assert handed_in(frozenset({"b", "a"})) == ["a", "b"]
    assert handed_in((1, 2.5)) == [1, 2.5]


def test_mixed_mapping_takes_wrong_parts_from_the_mistake() -> None:
    right = Expected(KIND_MAPPING, {"C1": "A", "C2": "B", "C3": "C"})
    wrong = {"C1": "B", "C2": "B", "C3": "A"}
    # keys in sorted order C1, C2, C3: right, wrong, wrong
    assert mixed_answer(right, wrong, [True, False, False]) == {"C1": "A", "C2": "B", "C3": "A"}


def test_mixed_set_draws_only_where_right_and_mistake_differ() -> None:
    right = Expected(KIND_SET, ["a", "b", "c"])
    wrong = ["a", "b", "x"]  # differ on c (missing) and x (extra): draws in order c, x
    assert mixed_answer(right, wrong, [True, False]) == ["a", "b", "c", "x"]
    assert mixed_answer(right, wrong, [False, True]) == ["a", "b"]


def test_mixed_list_by_position_and_whole_answers() -> None:
    right = Expected(KIND_LIST, ["B", "D", "A"])
    assert mixed_answer(right, ["B", "A", "D"], [True, False, True]) == ["B", "A", "A"]
    text = Expected(KIND_TEXT, "2")
    assert mixed_answer(text, "3", [False]) == "3"
    assert mixed_answer(text, "3", [True]) == "2"


def test_probability_and_rater_follow_ability() -> None:
    assert probability(0.0, 0.0) == pytest.approx(0.5)
    assert probability(2.0, 0.0) > 0.95 > 0.05 > probability(-2.0, 0.0)
    assert rater_score(4, 10.0, 0.0, 0.0) == 4
    assert rater_score(4, -10.0, 0.0, 0.0) == 0


def test_strata_index_scales_the_overall_mean_to_100() -> None:
    rows = strata_index({"a": 0.5, "b": 0.7, "c": 0.6, "d": 0.6}, {"a": "X", "b": "X", "c": "Y"}, "dim")
    by = {r.stratum: r for r in rows}
    assert by["X"].index == pytest.approx(100.0)  # mean .6 = overall .6
    assert by["Y"].index == pytest.approx(100.0) and by["?"].n == 1
    skewed = strata_index({"a": 0.5, "b": 0.7}, {"a": "X", "b": "Y"})
    assert [round(r.index, 3) for r in sorted(skewed, key=lambda r: r.stratum)] == [83.333, 116.667]


def test_target_failures_name_each_missed_target() -> None:
    items = [
        ItemStatistics("q1", 2, 100, 0.5, 0.40, ()),
        ItemStatistics("q2", 2, 100, 0.5, 0.10, ("low",)),
        ItemStatistics("q3", 2, 100, 1.0, None, ("constant",)),
    ]
    strata = [
        StratumIndex("role A: industry", "IT", 30, 0.6, 103.5),
        StratumIndex("role A: industry", "X", 9, 0.5, 98),
    ]
    failures = target_failures(0.79, items, strata)
    assert failures == [
        "reliability 0.790 < 0.80",
        "item q2: point-biserial 0.100 < 0.15",
        "item q3: point-biserial undefined < 0.15",
        "stratum role A: industry = IT (n=30): index 103.5, more than 3 points from 100",
    ]
    assert target_failures(0.85, items[:1], strata[1:]) == []


def test_reliability_method_is_kr20_only_for_right_wrong_scores() -> None:
    assert reliability_method([[0, 2], [1, 0]], [1, 2]) == METHOD_KR20
    assert reliability_method([[0, 1], [1, 0]], [1, 2]) == METHOD_ALPHA
