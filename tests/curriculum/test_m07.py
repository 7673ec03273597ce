"""Module 7 teaches the documented need evidence rules, and reading notes rather than matching cues."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from casebank import selfcheck
from casebank.load import CaseBank, load_bank
from grading.keys import load_truth, truth_codes
from grading.methods import needs
from tests.conftest import ROOT
from tests.curriculum.completion import run_cells, run_completed

NOTEBOOK = ROOT / "curriculum" / "07_需求分析与个性化方案.ipynb"


def notebook_text() -> str:
    return "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


@pytest.mark.parametrize("need", needs.NEEDS, ids=lambda n: n.code)
def test_rule_table_row_matches_the_reference(need: needs.Need) -> None:
    assert f"| {need.label_zh} | {need.product} | {need.rule_zh} |" in notebook_text()


@cache
def shipped_truth() -> pd.DataFrame:
    """The shipped key, checked against the shipped bank's version (loaded once: a bank load
    takes most of a second, and the completion tests ask for every drawable client)."""
    return load_truth(bank_version=load_bank().version)


def labels(client: str, column: str) -> list[str]:
    return [needs.NEEDS_BY_CODE[c].label_zh for c in truth_codes(shipped_truth(), client, column)]


def test_worked_example_reads_the_notes_as_the_key_does() -> None:
    assert (
        f"STATED_C0064 = {json.dumps(sorted(labels('C0064', 'stated_needs')), ensure_ascii=False)}"
        in notebook_text()
    )
    assert "CUES" not in notebook_text(), "stated needs are read, not matched against fixed phrases"


SETUP = ["m07-02", "m07-04", "m07-05", "m07-07", "m07-08"]


def test_intended_completion_passes_for_every_client() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m07"):
        names["answer_7_1"] = labels(client, "stated_needs")
        result = run_completed(NOTEBOOK, "m07-x06", ['"已持有产品"', '"客户已明示"'], names, client)
        assert result.correct, (client, result.message)


def test_stated_needs_found_by_cues_only_are_a_named_slip(bank: CaseBank) -> None:
    cue_stated = needs.stated_needs(bank)
    missed = [
        c for c in selfcheck.drawable_clients("m07")
        if sorted(needs.NEEDS_BY_CODE[x].label_zh for x in cue_stated[c]) != sorted(labels(c, "stated_needs"))
    ]  # fmt: skip
    assert missed, "the bank phrases some requests without the old cues"
    result = selfcheck.check(
        "m07.stated", [needs.NEEDS_BY_CODE[x].label_zh for x in cue_stated[missed[0]]], client=missed[0]
    )
    assert not result.correct and "固定说法" in result.message
