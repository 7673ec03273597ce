"""Scoring rules: all or nothing, per element, per key and per position."""

from __future__ import annotations

from typing import Any

import pytest

from grading.exams import Expected


@pytest.mark.parametrize(
    ("expected", "answer", "credit"),
    [
        (Expected("number", 0.1234, 4), 0.1235, 1.0),
        (Expected("number", 0.1234, 4), 0.1236, 0.0),
        (Expected("number", 75, 0), 75.0, 1.0),
        (Expected("number", 75, 0), 76, 0.0),
        (Expected("number", 75, 0), "abc", 0.0),
        (Expected("text", "2"), 2, 1.0),
        (Expected("text", "2"), ["2"], 0.0),
        (Expected("set", ["a", "b"]), ["b", "a"], 1.0),
        (Expected("set", ["a", "b"]), ["a"], 0.0),
        (Expected("set", ["a", "b", "c"], scoring="per_element"), ["a", "b"], 2 / 3),
        (Expected("set", ["a", "b", "c"], scoring="per_element"), ["a", "b", "x"], 1 / 3),
        (Expected("set", ["a", "b"], scoring="per_element"), ["a", "x", "y"], 0.0),
        (Expected("set", ["a", "b"], scoring="per_element"), {"0": "a", "1": "b"}, 1.0),
        (Expected("set", [], scoring="per_element"), [], 1.0),
        (Expected("set", [], scoring="per_element"), ["a"], 0.0),
        (Expected("list", ["A", "B", "C", "D"], scoring="per_position"), ["A", "B", "D", "C"], 0.5),
        (Expected("list", ["A", "B", "C"]), ["A", "C", "B"], 0.0),
        (Expected("mapping", {"C1": "A", "C2": "B"}, scoring="per_key"), {"C1": "A", "C2": "C"}, 0.5),
        (Expected("mapping", {"C1": "A", "C2": "B"}, scoring="per_key"), {"C1": "A"}, 0.5),
        (Expected("mapping", {"C1": 1.25, "C2": 3}, scoring="per_key"), {"C1": 1.26, "C2": 3.0}, 1.0),
        (Expected("mapping", {"C1": "A", "C2": "B"}), {"C1": "A", "C2": "B", "C3": "A"}, 0.0),
        (Expected("mapping", {"C1": "A"}), ["A"], 0.0),
    ],
)
def test_credit(expected: Expected, answer: Any, credit: float) -> None:
    assert expected.credit(answer) == pytest.approx(credit)
    assert expected.accepts(answer) == (credit == 1.0)


def test_a_rule_that_does_not_fit_the_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="does not apply to number answers"):
        Expected("number", 1, scoring="per_key")
    with pytest.raises(ValueError, match="unknown scoring rule 'half'"):
        Expected("set", [], scoring="half")
