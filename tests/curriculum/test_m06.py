"""Module 6 teaches the documented portfolio weights and the 3.00 boundary."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from grading.methods import portfolio as pf
from tests.conftest import ROOT
from tests.curriculum.completion import run_cells, run_completed

NOTEBOOK = ROOT / "curriculum" / "06_重点客户选择与VIP锁定.ipynb"


def notebook_text() -> str:
    return "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


def test_notebook_weights_are_the_documented_weights() -> None:
    text = notebook_text()
    for weights in (pf.ATTRACTIVENESS_WEIGHTS, pf.POSITION_WEIGHTS):
        for factor, weight in weights.items():
            assert f'"{factor}": {weight / 100:.2f}' in text, factor


def test_notebook_states_the_high_boundary() -> None:
    assert f">= {pf.HIGH_MIN}" in notebook_text()


SETUP = ["m06-03", "m06-05", "m06-07", "m06-08", "m06-12"]
COMPLETIONS = {
    "m06-x04": ["w", "W_ATTR"],
    "m06-x06": ["attr", "pos"],
}


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m06"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)


def test_swapped_axes_are_named() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    messages = {
        run_completed(NOTEBOOK, "m06-x06", ["pos", "attr"], names, c).message
        for c in selfcheck.drawable_clients("m06")
    }
    assert any("两条轴用反了" in m for m in messages)
