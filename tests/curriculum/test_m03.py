"""Module 3's completion exercises, completed as intended, pass for every drawable client."""

from __future__ import annotations

import pytest

from casebank import selfcheck
from casebank.load import CaseBank
from tests.curriculum.completion import run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "03_客户开发与信息收集.ipynb"
COMPLETIONS = {
    "m03-x22": ["last - 1", "100"],
    "m03-x24": ["isna", "4"],
}


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(bank: CaseBank, cell: str, fills: list[str]) -> None:
    people = bank.people
    for client in selfcheck.drawable_clients("m03"):
        result = run_completed(NOTEBOOK, cell, fills, {"bank": bank, "people": people}, client)
        assert result.correct, (client, result.message)


def test_blanks_left_are_reported_not_raised(bank: CaseBank) -> None:
    client = selfcheck.drawable_clients("m03")[0]
    result = run_completed(
        NOTEBOOK, "m03-x22", ["____", "____"], {"bank": bank, "people": bank.people}, client
    )
    assert not result.answered and "NameError" in result.message
