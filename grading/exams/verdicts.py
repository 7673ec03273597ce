"""The judge's verdict on one handed-in answer: points earned and a message saying why.

Pure functions over plain data and the test cell's outputs, shared by the autograder
(`grading.pipeline.autograde.JudgeAnswers`, which writes the points into nbgrader) and the
simulated sittings (`cmacademy exam simulate`), so both score exactly alike.
"""

from __future__ import annotations

from typing import Any, Final

from nbformat import NotebookNode

from grading.exams import Expected

VERDICT_OK: Final = "答案正确"
VERDICT_PARTIAL: Final = "答案部分正确"
VERDICT_WRONG: Final = "答案不正确"
VERDICT_MISSING: Final = "没有收到答案：检查单元格没有运行到提交这一步"
VERDICT_FORMAT: Final = "答案格式检查未通过，答案未提交"
VERDICT_UNDEFINED: Final = "没有收到答案：答案变量未定义（答案单元格未运行或运行出错）"
VERDICT_NOT_RUN: Final = "没有收到答案：检查单元格运行出错"
#: The scheme's scoring rules as the verdict explains them.
SCORING_ZH: Final = {
    "all": "全对才得分",
    "per_element": "按元素计分：答对的项数减去多答的项数，除以应答项数",
    "per_key": "按客户或字段计分：答对的比例",
    "per_position": "按位置计分：排对位置的比例",
}
#: Points earned are written with this many decimals.
POINT_DECIMALS: Final = 2
FORMAT_ERROR: Final = "AnswerFormatError"
VERDICT_AMBIGUOUS: Final = "收到多个不同的答案：每题只能提交一个答案"


def missing_reason(outputs: list[NotebookNode]) -> str:
    """Why a test cell handed in nothing: its format check failed, the variable is undefined, or it did not run."""
    for output in outputs:
        if output.get("output_type") != "error":
            continue
        name, text = str(output.get("ename", "")), str(output.get("evalue", "")).strip()
        if name == FORMAT_ERROR:
            return f"{VERDICT_FORMAT}：{text}"
        if name == "NameError":
            return f"{VERDICT_UNDEFINED}（{text}）"
        return f"{VERDICT_NOT_RUN}（{name}: {text}）" if text else f"{VERDICT_NOT_RUN}（{name}）"
    return VERDICT_MISSING


def verdict(
    expected: Expected, answers: list[Any], points: float, outputs: list[NotebookNode]
) -> tuple[float, str]:
    """Judge the handed-in answers of one question: the points earned and a message saying why."""
    if not answers:
        return 0.0, missing_reason(outputs)
    distinct = {repr(a) for a in answers}
    if len(distinct) > 1:
        return 0.0, VERDICT_AMBIGUOUS
    earned = min(points, round(expected.credit(answers[0]) * points, POINT_DECIMALS))
    if earned >= points:
        return points, f"{VERDICT_OK}（{points:g} 分）"
    if earned > 0:
        return (
            earned,
            f"{VERDICT_PARTIAL}：得 {earned:g} 分，满分 {points:g} 分（{SCORING_ZH[expected.scoring]}）",
        )
    return 0.0, f"{VERDICT_WRONG}（0 分，满分 {points:g} 分）"
