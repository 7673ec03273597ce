"""cm-academy's drop-ins for nbgrader preprocessors behave exactly like nbgrader's."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.utils import determine_grade

from grading.exams import Expected
from grading.pipeline.autograde import VERDICT_AMBIGUOUS, FastMetadataValidator, verdict, verdict_outputs

EXAM = Path(__file__).resolve().parents[2] / "assignments" / "assoc" / "assoc.ipynb"


def first_grade_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))


def test_a_valid_exam_passes_both() -> None:
    nb = nbformat.read(EXAM, as_version=4)
    MetadataValidator().validate_nb(nb)
    FastMetadataValidator().validate_nb(nb)


def _points(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["points"] = "lots"


def _version(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["schema_version"] = 99


def _no_points(cell: nbformat.NotebookNode) -> None:
    del cell.metadata.nbgrader["points"]


def _empty_id(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["grade_id"] = ""


@pytest.mark.parametrize("corrupt", [_points, _version, _no_points, _empty_id])
def test_corrupt_metadata_fails_both_with_the_same_message(corrupt: object) -> None:
    nb = nbformat.read(EXAM, as_version=4)
    assert callable(corrupt)
    corrupt(first_grade_cell(nb))
    messages = []
    for validator in (MetadataValidator(), FastMetadataValidator()):
        with pytest.raises(Exception) as raised:
            validator.validate_nb(copy.deepcopy(nb))
        messages.append((type(raised.value), str(raised.value).splitlines()[0]))
    assert messages[0] == messages[1]
    assert issubclass(messages[0][0], ValidationError) or "version" in messages[0][1].lower()


def judged(expected: Expected, answers: list[object], outputs: list[NotebookNode] | None = None) -> float:
    """Points nbgrader itself gives a test cell holding the judge's verdict."""
    earned, message = verdict(expected, answers, 3.0, outputs or [])
    cell = nbformat.v4.new_code_cell("")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 3, "grade_id": "q5"}
    cell.outputs = verdict_outputs("q5", earned, 3.0, message)
    score, _ = determine_grade(cell)
    assert score == earned
    return float(score)


def test_nbgrader_records_full_partial_and_no_credit() -> None:
    right = Expected("set", ["a", "b", "c"], scoring="per_element")
    assert judged(right, [["a", "b", "c"]]) == 3.0
    assert judged(right, [["a", "b"]]) == 2.0
    assert judged(right, [["a", "x"]]) == 0.0
    assert judged(right, []) == 0.0


def test_partial_credit_says_how_it_was_counted() -> None:
    earned, message = verdict(Expected("set", ["a", "b", "c"], scoring="per_element"), [["a"]], 3.0, [])
    assert earned == 1.0
    assert "部分正确" in message and "得 1 分，满分 3 分" in message and "按元素计分" in message


def test_a_failed_format_check_is_reported_as_such() -> None:
    error = NotebookNode(
        output_type="error",
        ename="AnswerFormatError",
        evalue="answer_q3 是 str（'0.12'），应为数字",
        traceback=[],
    )
    earned, message = verdict(Expected("number", 0.12), [], 2.0, [error])
    assert earned == 0.0
    assert message == "答案格式检查未通过，答案未提交：answer_q3 是 str（'0.12'），应为数字"
    undefined = NotebookNode(output_type="error", ename="NameError", evalue="name 'answer_q3' is not defined")
    assert "答案变量未定义" in verdict(Expected("number", 0.12), [], 2.0, [undefined])[1]
    assert verdict(Expected("number", 0.12), [0.12, 0.13], 2.0, [])[1] == VERDICT_AMBIGUOUS
