"""Module 7 teaches exactly the documented need evidence rules and stated-need cues."""

from __future__ import annotations

import json

import pytest

from grading.methods import needs
from tests.conftest import ROOT

NOTEBOOK = ROOT / "curriculum" / "07_需求分析与个性化方案.ipynb"


def notebook_text() -> str:
    return "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


@pytest.mark.parametrize("need", needs.NEEDS, ids=lambda n: n.code)
def test_rule_table_row_matches_the_reference(need: needs.Need) -> None:
    assert f"| {need.label_zh} | {need.product} | {need.rule_zh} |" in notebook_text()


def test_stated_cues_match_the_reference() -> None:
    cues = [cue.replace("{product}", "{}") for cue in needs.STATED_CUES]
    assert f"CUES = {json.dumps(cues, ensure_ascii=False)}" in notebook_text()
