"""Flagging suspiciously similar free-text reports."""

from __future__ import annotations

from pathlib import Path

import nbformat

from grading.certification.similarity import jaccard, ngrams, pairs_from_texts, similar_reports
from grading.exams import report_cells
from tests.grading.pipeline.conftest import EXAM, make_course, put

REPORT = (
    "客户概况：该客户为中型制造企业，员工六百余人，近三年营收稳步增长，出口占比超过三成。"
    "需求分析：财务总监明确提出贸易融资需求；员工超过五百人而工资由他行代发，存在代发工资需求。"
    "业务建议：建议设计贸易融资与代发工资组合方案，报授信审批部门决策。"
)
OTHER = (
    "该物流企业近两个季度结算量持续下降，关键联系人已离职，流失风险为高。"
    "建议尽快安排高层拜访，梳理新的决策链，并评估现金管理方案的可行性，由公司业务部决策。"
)


def test_jaccard_of_ngrams() -> None:
    assert jaccard(ngrams("abcdef"), ngrams("abcdef")) == 1.0
    assert jaccard(ngrams("abcd"), ngrams("wxyz")) == 0.0
    assert jaccard(set(), set()) == 0.0


def test_a_lightly_edited_copy_is_flagged_and_an_independent_report_is_not() -> None:
    copied = REPORT.replace("六百余人", "约六百人").replace("稳步", "持续")
    pairs = pairs_from_texts({"t1": REPORT, "t2": copied, "t3": OTHER})
    assert [(p.first, p.second) for p in pairs] == [("t1", "t2")]
    assert pairs[0].similarity > 0.6


def test_short_or_template_only_reports_are_not_compared() -> None:
    assert pairs_from_texts({"t1": "在这里写你的答案", "t2": "在这里写你的答案"}) == []


def test_similar_reports_reads_the_submissions(tmp_path: Path) -> None:
    course, _, blank = make_course(tmp_path, ["a", "b", "c", "d"])
    answer, _ = report_cells(EXAM)  # the cell a trainee writes the report in
    for trainee, text in (("a", REPORT), ("b", REPORT + "（完）"), ("c", OTHER), ("d", None)):
        nb = nbformat.from_dict(nbformat.from_dict(blank))
        if text is not None:
            cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answer)
            cell.source = text
        put(tmp_path / "inbox", trainee, nb)
        (course.root / "submitted" / trainee / EXAM).mkdir(parents=True)
        nbformat.write(nb, course.root / "submitted" / trainee / EXAM / f"{EXAM}.ipynb")
    pairs = similar_reports(course, EXAM)
    assert [(p.first, p.second) for p in pairs] == [("a", "b")]
