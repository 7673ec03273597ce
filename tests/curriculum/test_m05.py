"""Module 5: the stated churn-risk band matches the module 8 rule; completion exercises are fair."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from casebank.load import CaseBank
from grading.practice.m05_profitability import WORKED_EXAMPLE, risk_band_of
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "05_客户价值二_盈利性CLV与钱包份额.ipynb"
SETUP = ["m05-02", "m05-04", "m05-05", "m05-09"]
COMPLETIONS = {
    "m05-x23": ["since", '"投诉处理"', "cost_to_serve"],
    "m05-x25": ['"profit_wan"', '"中"'],
}


@pytest.mark.parametrize("client_id", WORKED_EXAMPLE)
def test_stated_risk_band_matches_the_rule(bank: CaseBank, client_id: str) -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells)
    assert f"{client_id} 的流失风险等级为“{risk_band_of(bank, client_id)}”" in text


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m05"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)


def test_forgetting_cost_to_serve_is_named() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    client = selfcheck.drawable_clients("m05")[0]
    result = run_completed(NOTEBOOK, "m05-x23", ["since", '"投诉处理"', "0"], names, client)
    assert not result.correct and "服务成本" in result.message
