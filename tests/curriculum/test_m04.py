"""Module 4's completion exercises, completed as intended, pass for every drawable client."""

from __future__ import annotations

import pytest

from casebank import selfcheck
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "04_客户价值一_业务量RFM与ABC.ipynb"
SETUP = ["m04-02", "m04-08", "m04-09"]
COMPLETIONS = {
    "m04-x19": ["client_id", '"revenue_wan"'],
    "m04-x21": ["False", '"M"'],
}


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m04"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)


def test_r_not_reversed_is_named() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    client = selfcheck.drawable_clients("m04")[0]
    result = run_completed(NOTEBOOK, "m04-x21", ["True", '"M"'], names, client)
    assert not result.correct and "R 没有反向" in result.message
