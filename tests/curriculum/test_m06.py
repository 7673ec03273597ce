"""Module 6 teaches the documented portfolio weights and the 3.00 boundary."""

from __future__ import annotations

import json

from grading.methods import portfolio as pf
from tests.conftest import ROOT

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
