"""Module 5 states churn-risk bands as given; they must match the module 8 rule."""

from __future__ import annotations

import json

import pytest

from casebank.load import CaseBank
from grading.practice.m05_profitability import FOCUS, risk_band_of
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "05_客户价值二_盈利性CLV与钱包份额.ipynb"


@pytest.mark.parametrize("client_id", ["C0053", FOCUS])
def test_stated_risk_band_matches_the_rule(bank: CaseBank, client_id: str) -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells)
    assert f"{client_id} 的流失风险等级为“{risk_band_of(bank, client_id)}”" in text
