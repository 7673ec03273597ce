"""Exam format checks accept every reasonable type and name exactly what is wrong."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from casebank.answers import AnswerFormatError, check_answer
from casebank.errors import CmAcademyError


@pytest.mark.parametrize(
    "value", [1, 0.1234, np.float64(0.25), np.int64(3), Decimal("0.1234"), np.float32(0.5)]
)
def test_numbers_of_every_type_pass(value: Any) -> None:
    check_answer("answer_q3", value, "number", low=0, high=5)


@pytest.mark.parametrize("value", [75, 75.0, np.float64(80.0), np.int32(80), Decimal("75")])
def test_whole_numbers_given_as_float_pass(value: Any) -> None:
    check_answer("answer_q6", value, "number", whole=True, low=0, high=100)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("0.12", {}, "answer_q3 是 str（'0.12'），应为数字，如 0.1234"),
        (True, {}, "answer_q3 是 bool（True），应为数字"),
        (float("nan"), {}, "应为有限的数字"),
        (75.5, {"whole": True}, "answer_q3 是 75.5，应为整数"),
        (1.5, {"high": 1}, "answer_q3 是 1.5，应不大于 1"),
        (None, {}, "answer_q3 还没有作答"),
    ],
)
def test_bad_numbers_say_what_is_wrong(value: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AnswerFormatError) as err:
        check_answer("answer_q3", value, "number", **kwargs)
    assert message in str(err.value)
    assert isinstance(err.value, AssertionError) and isinstance(err.value, CmAcademyError)


@pytest.mark.parametrize(
    "value",
    [
        {"关键人离职", "逾期"},
        frozenset({"关键人离职", "逾期"}),
        ["关键人离职", "逾期"],
        ("逾期",),
        pd.Series(["逾期", "关键人离职"]),
        np.array(["逾期"]),
        pd.Index(["逾期"]),
        set(),
    ],
)
def test_collections_of_every_type_pass(value: Any) -> None:
    check_answer("answer_q5", value, "set", choices=["关键人离职", "逾期", "互动减半"])


def test_unknown_names_are_named() -> None:
    with pytest.raises(AnswerFormatError, match="answer_q5 含有不在选项中的名称：'关键人离开'"):
        check_answer("answer_q5", {"关键人离开", "逾期"}, "set", choices=["关键人离职", "逾期"])


def test_a_string_is_not_a_set() -> None:
    with pytest.raises(AnswerFormatError, match=r"answer_q5 是 str.*应为集合或列表"):
        check_answer("answer_q5", "逾期", "set", choices=["逾期"])


def test_rankings_need_each_option_once() -> None:
    check_answer("answer_q8", ("B", "A", "C"), "list", choices="ABC", size=3, ordered=True)
    with pytest.raises(AnswerFormatError, match="'A' 出现了不止一次"):
        check_answer("answer_q8", ["A", "A", "C"], "list", choices="ABC", size=3, ordered=True)
    with pytest.raises(AnswerFormatError, match="answer_q8 有 2 项，应为 3 项"):
        check_answer("answer_q8", ["A", "C"], "list", choices="ABC", size=3, ordered=True)


def test_mappings_name_the_missing_client() -> None:
    keys = ["C0001", "C0012"]
    check_answer("answer_q1", {"C0001": "A", "C0012": "B"}, "mapping", keys=keys, choices="ABC")
    check_answer("answer_q1", pd.Series({"C0001": "A", "C0012": "C"}), "mapping", keys=keys, choices="ABC")
    with pytest.raises(AnswerFormatError, match="answer_q1 缺少客户 C0012"):
        check_answer("answer_q1", {"C0001": "A"}, "mapping", keys=keys, choices="ABC")
    with pytest.raises(AnswerFormatError, match="answer_q1 含有不该有的客户 C0099"):
        check_answer("answer_q1", {"C0001": "A", "C0012": "B", "C0099": "A"}, "mapping", keys=keys)
    with pytest.raises(AnswerFormatError, match=r"answer_q1\['C0012'\] 是 'D'，应为 'A'、'B'、'C' 之一"):
        check_answer("answer_q1", {"C0001": "A", "C0012": "D"}, "mapping", keys=keys, choices="ABC")


def test_numeric_mapping_values_are_checked() -> None:
    check_answer("answer_q2", {"C0001": 3.0, "C0002": np.int64(5)}, "mapping", whole=True, low=1, high=5)
    with pytest.raises(AnswerFormatError, match=r"answer_q2\['C0002'\] 是 str"):
        check_answer("answer_q2", {"C0001": 3, "C0002": "5"}, "mapping", whole=True, low=1, high=5)


def test_text_choices() -> None:
    check_answer("answer_q9", "2", "text", choices=["1", "2", "3", "4"])
    check_answer("answer_q9", 2, "text", choices=["1", "2", "3", "4"])
    with pytest.raises(AnswerFormatError, match="answer_q9 是 '5'，应为 '1'、'2'、'3'、'4' 之一"):
        check_answer("answer_q9", "5", "text", choices=["1", "2", "3", "4"])


def test_an_unknown_kind_is_the_exam_authors_error() -> None:
    with pytest.raises(ValueError, match="unknown kind 'number-ish'"):
        check_answer("answer_q1", 1, "number-ish")
