"""Module 9 teaches the exams' report rubric, and its model report meets it with the bank's own figures."""

from __future__ import annotations

import json
import re

import pytest

from casebank import selfcheck
from casebank.load import load_bank
from casebank.teaching import report_rubric
from grading.methods import portfolio as pf
from grading.methods import relationship as rel
from grading.methods import value
from grading.scheme import load_scheme
from tests.conftest import ROOT
from tests.curriculum.completion import cell_source, run_cells, run_completed

NOTEBOOK = ROOT / "curriculum" / "09_客户评价报告与业务建议.ipynb"
CLIENT = "C0064"


def model_report() -> str:
    source = cell_source(NOTEBOOK, "m09-08a")
    match = re.search(r'MODEL_REPORT = """(.*?)"""', source, re.S)
    assert match, "the model report is a string the checklist can read"
    return match[1]


def test_the_notebook_renders_the_exams_rubric_file() -> None:
    assert "rubric_markdown()" in cell_source(NOTEBOOK, "m09-10")
    scheme = next(r for r in load_scheme().rubrics if r.id == "evaluation_report")
    from_file = report_rubric.load_rubric()
    assert [(c.id, c.name, c.points) for c in from_file] == [
        (c.id, c.name_zh, c.points) for c in scheme.criteria
    ]
    table = report_rubric.rubric_markdown()
    for criterion in from_file:
        assert criterion.exemplar in table and all(d in table for d in criterion.levels.values())


def test_model_report_passes_the_outline_checklist() -> None:
    rows = report_rubric.outline_checklist(model_report())
    assert [item for item, passed, _ in rows if not passed] == []


def test_model_report_cites_the_banks_own_figures() -> None:
    bank = load_bank()
    text = model_report()
    profit = value.profitability(bank).loc[CLIENT]
    for column in ("revenue_wan", "direct_cost_wan", "cost_to_serve_wan", "profit_wan"):
        assert f"{profit[column]:.2f}" in text, column
    book = pf.portfolio(bank).loc[CLIENT]
    assert f"{book['attractiveness']:.2f}" in text and f"{book['position']:.2f}" in text
    assert str(book["quadrant"]) in text and str(book["stage"]) in text
    signals = rel.churn_signals(bank)
    assert f"健康分 {int(rel.health_score(signals)[CLIENT])}" in text
    for s in rel.SIGNALS:
        assert (s.label_zh in text) == bool(signals.at[CLIENT, s.code]), s.label_zh
    for part in report_rubric.REPORT_PARTS:
        assert f"**{'一二三四五'[report_rubric.REPORT_PARTS.index(part)]}、{part}**" in text


def test_checklist_catches_a_missing_part_and_a_promise() -> None:
    draft = cell_source(NOTEBOOK, "m09-24")
    failed = [item for item, passed, _ in report_rubric.outline_checklist(draft) if not passed]
    assert failed == ["有“风险提示”部分", "没有替机构作出的承诺"]
    refused = "客户概况 价值评价 需求分析 风险提示 业务建议：额度报授信审批，不承诺利率。"
    assert all(passed for _, passed, _ in report_rubric.outline_checklist(refused))


@pytest.mark.parametrize("client", selfcheck.drawable_clients("m09")[:40])
def test_intended_completion_passes(client: str) -> None:
    names = run_cells(NOTEBOOK, ["m09-02"])
    result = run_completed(NOTEBOOK, "m09-15", ['"交易"', '"direct_cost_wan"'], names, client)
    assert result.correct, (client, result.message)


def test_report_parts_are_taught_in_the_rubrics_order() -> None:
    text = "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    assert "八段" not in text
    rows = [f"| {'一二三四五'[i]}、{p} |" for i, p in enumerate(report_rubric.REPORT_PARTS)]
    assert all(r in text for r in rows)
