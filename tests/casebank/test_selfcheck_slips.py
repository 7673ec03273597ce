"""Self-checks name the actual slip (type, format, sign, rounding, unit, set vs list) first.

Each test builds a tiny digest file with `grading.practice.exercise_spec`, points the checker
at it and hands in one kind of slip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from casebank import selfcheck
from casebank.errors import CmAcademyError
from casebank.practice_pool import Practice
from casebank.progress import read_progress
from grading.practice import Case, Exercise, exercise_spec, module_clients
from grading.practice import slips as slip_texts

CLIENTS = [f"C{n:04d}" for n in range(1, 13)]
R_HINT = "R 要反向：天数越少越好。"


def per_client(value: object, mistakes: list[tuple[object, str]] | None = None) -> dict[str, Case]:
    return {c: Case(value, list(mistakes or [])) for c in CLIENTS}


EXERCISES = [
    Exercise("m91.growth", "number", None, "正确。最近一年比上一年。", "用 revenue_wan。", decimals=1,
             unit="%", cases=per_client(1.83)),
    Exercise("m91.revenue", "number", None, "正确。各产品收入之和。", "把 revenue_wan 加总。", decimals=2,
             unit="万元", cases=per_client(123.456)),
    Exercise("m91.r_score", "number", None, "正确。", R_HINT, decimals=0, cases=per_client(4, mistakes=[(2, R_HINT)])),
    Exercise("m91.rfm", "mapping", None, "正确。", R_HINT, decimals=0, keys=("R", "F", "M"),
             cases=per_client({"R": 4, "F": 3, "M": 5}, mistakes=[({"R": 2, "F": 3, "M": 5}, R_HINT)])),
    Exercise("m91.steps", "list", None, "正确。", "按处理流程排列。", cases=per_client(["记录", "确认", "跟踪"])),
    Exercise("m91.people", "set", None, "正确。", "在职且影响力 ≥ 4。", item_pattern=r"C\d{4}-P\d{2}",
             item_example="C0001-P01", cases=per_client(["C0001-P01", "C0001-P03"])),
    Exercise("m91.loss_makers", "number", 7, "正确。利润 < 0 的户数。", "数一数利润为负的客户。", decimals=0),
]  # fmt: skip


@pytest.fixture(autouse=True)
def digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    doc = {
        "module": "m91",
        "format": selfcheck.FORMAT,
        "clients": module_clients("m91", EXERCISES),
        "exercises": {e.id: exercise_spec(e) for e in EXERCISES},
    }
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "m91.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(selfcheck, "CHECKS_DIR", tmp_path / "checks")
    monkeypatch.setenv("CMACADEMY_HOME", str(tmp_path / "home"))
    selfcheck._documents.cache_clear()
    selfcheck._catalogue.cache_clear()
    yield tmp_path
    selfcheck._documents.cache_clear()
    selfcheck._catalogue.cache_clear()


def check(exercise: str, answer: object) -> selfcheck.CheckResult:
    return selfcheck.check(exercise, answer, client="C0003")


@pytest.mark.parametrize(
    ("answer", "right"),
    [(1.83, True), (1.8, True), (1.849, True), (1.7, False), (1.95, False), (1.75, True), (1.74, False)],
)
def test_numbers_are_right_within_half_a_unit_of_the_stated_decimal(answer: float, right: bool) -> None:
    assert check("m91.growth", answer).correct is right


def test_a_text_number_is_a_type_slip() -> None:
    result = check("m91.growth", "1.83")
    assert not result.correct and "类型不对" in result.message and "去掉引号" in result.message


def test_a_dict_for_an_r_score_is_a_type_slip_not_the_r_hint() -> None:
    result = check("m91.r_score", {"R": 4})
    assert not result.correct and "类型不对" in result.message and "dict" in result.message
    assert "反向" not in result.message
    assert check("m91.r_score", 2).message == R_HINT  # the content mistake still gets its text


def test_a_one_row_series_says_how_to_take_the_number() -> None:
    assert ".iloc[0]" in check("m91.growth", pd.Series([1.83])).message


@pytest.mark.parametrize("answer", ["4-3-5", (4, 3, 5), 4])
def test_rfm_not_given_as_a_dict_is_a_format_slip(answer: object) -> None:
    result = check("m91.rfm", answer)
    assert "格式不对" in result.message and '"R"' in result.message and "反向" not in result.message


def test_rfm_with_other_keys_names_them() -> None:
    result = check("m91.rfm", {"r": 4, "F": 3, "M": 5})
    assert "缺少键 R" in result.message and "多了键 r" in result.message


def test_rfm_right_and_content_mistake() -> None:
    assert check("m91.rfm", {"R": 4, "F": 3, "M": 5}).correct
    assert check("m91.rfm", pd.Series({"R": 4.0, "F": 3.0, "M": 5.0})).correct
    assert check("m91.rfm", {"R": 2, "F": 3, "M": 5}).message == R_HINT


def test_sign_slip() -> None:
    assert check("m91.growth", -1.83).message == slip_texts.SIGN


def test_unit_slips() -> None:
    assert check("m91.growth", 0.0183).message == slip_texts.PERCENT_AS_RATIO
    assert check("m91.revenue", 1_234_560).message == slip_texts.YUAN
    assert check("m91.revenue", 0.0123456).message == slip_texts.WAN_SMALL


def test_rounding_slips() -> None:
    assert check("m91.revenue", 123.46).correct
    assert check("m91.revenue", 123.5).message == slip_texts.FEWER_DECIMALS.format(d=2)
    assert check("m91.revenue", 123.45).message == slip_texts.TRUNCATED.format(d=2)


def test_set_given_for_an_ordered_list() -> None:
    result = check("m91.steps", {"记录", "确认", "跟踪"})
    assert "集合与列表" in result.message and not result.correct
    assert check("m91.steps", ["记录", "确认", "跟踪"]).correct
    assert check("m91.steps", ("记录", "确认", "跟踪")).correct
    assert check("m91.steps", ["跟踪", "确认", "记录"]).message == slip_texts.REVERSED


def test_several_items_typed_as_one_text() -> None:
    result = check("m91.steps", "记录-确认-跟踪")
    assert "格式不对" in result.message and "一个文本" in result.message


def test_items_in_another_column_are_a_format_slip() -> None:
    result = check("m91.people", {"张伟", "李娜"})
    assert "格式不对" in result.message and "C0001-P01" in result.message
    assert check("m91.people", ["C0001-P03", "C0001-P01"]).correct
    assert check("m91.people", {"C0001-P01"}).message == "在职且影响力 ≥ 4。"


def test_unfinished_code_is_reported_not_raised() -> None:
    result = check("m91.growth", lambda: ____ * 100)  # type: ignore[name-defined]  # noqa: F821
    assert not result.answered and "NameError" in result.message and "____" in result.message


def test_code_that_runs_is_checked() -> None:
    assert check("m91.growth", lambda: (1.0183 - 1) * 100).correct


def test_shared_exercise_needs_no_client() -> None:
    assert selfcheck.check("m91.loss_makers", 7).correct
    assert not selfcheck.check("m91.loss_makers", 8).correct


def test_a_client_without_a_check_is_a_clear_error() -> None:
    with pytest.raises(selfcheck.SelfCheckError, match=r"no self-check for client 'C0999'"):
        selfcheck.check("m91.growth", 1.83, client="C0999")


def test_checks_are_recorded_in_the_progress_file(digests: Path) -> None:
    check("m91.growth", 1.83)
    check("m91.growth", 1.7)
    check("m91.growth", None)
    events, bad = read_progress()
    assert [(e.exercise, e.passed) for e in events] == [("m91.growth", True), ("m91.growth", False)]
    assert bad == 0


def test_draw_is_deterministic_per_trainee_and_another_moves_on() -> None:
    first = Practice("m91", trainee="alice").client
    assert Practice(91, trainee="alice").client == first
    assert len({Practice("m91", trainee=f"t{n}").client for n in range(8)}) > 1
    second = Practice("m91", trainee="alice").another()
    assert second != first and Practice("m91", trainee="alice").client == second


def test_check_without_client_uses_the_drawn_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    assert selfcheck.check("m91.growth", 1.83).client == Practice("m91", trainee="bob").client


def test_feedback_that_states_the_answer_is_refused() -> None:
    leaky = Exercise("m91.x", "number", 1.83, "正确，答案是 1.8。", "提示", decimals=1)
    with pytest.raises(CmAcademyError, match=r"states the answer '1\.8'"):
        exercise_spec(leaky)
    ids = Exercise("m91.y", "set", ["C0001-P01"], "正确。", "提示", mistakes=[([], "漏了 C0001-P01。")])
    with pytest.raises(CmAcademyError, match="C0001-P01"):
        exercise_spec(ids)


def test_a_whole_table_is_named_for_any_kind() -> None:
    table = pd.DataFrame({"person_id": ["C0001-P01"], "name": ["张伟"]})
    for exercise in ("m91.people", "m91.growth", "m91.rfm"):
        assert "整张表" in check(exercise, table).message


def test_a_number_in_brackets_is_named() -> None:
    assert "去掉括号" in check("m91.growth", [1.83]).message


def test_the_another_client_button_draws_and_remembers() -> None:
    first = Practice("m91", trainee="carol").client
    box = Practice("m91", trainee="carol").button()
    box.children[0].click()
    assert Practice("m91", trainee="carol").client != first


def test_an_error_in_finished_code_is_not_called_a_blank() -> None:
    empty: dict[str, float] = {}
    result = check("m91.growth", lambda: empty["revenue_wan"])
    assert not result.answered and "KeyError" in result.message and "____" not in result.message
