"""Module 9's fact list uses the letters the assessor side grades by."""

from __future__ import annotations

import json

from grading.practice import m09_report
from tests.conftest import ROOT

NOTEBOOK = ROOT / "curriculum" / "09_客户评价报告与业务建议.ipynb"
FACT_OPENINGS = {
    "A": "产能利用率",
    "B": "上年营收增长",
    "C": "上年出口占比",
    "D": "员工",
    "E": "最近一季存款日均",
    "F": "原",
}


def test_fact_letters_match_the_assessor_side() -> None:
    text = "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    assert sorted(FACT_OPENINGS) == sorted(m09_report.FACT_LETTERS)
    for letter, opening in FACT_OPENINGS.items():
        assert f'"{letter}": f"{opening}' in text, letter
