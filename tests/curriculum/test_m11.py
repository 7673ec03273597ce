"""Module 11's self-checks replace the folded reference answers, and its completion passes for every client."""

from __future__ import annotations

import json

from casebank import selfcheck
from grading.practice import m11_credit_compliance as m11
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "11_授信基础_反洗钱与消保.ipynb"


def test_no_answer_is_printed_in_the_notebook() -> None:
    text = "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    assert "<details>" not in text and "参考答案" not in text
    for owner in m11.beneficial_owners():
        assert f"{{{owner}" not in text


def test_intended_completion_passes_for_every_client() -> None:
    names = run_cells(NOTEBOOK, ["m11-02", "m11-04", "m11-11"])
    for client in selfcheck.drawable_clients("m11"):
        result = run_completed(NOTEBOOK, "m11-15b", ['"year"', '"export_share_pct"'], names, client)
        assert result.correct, (client, result.message)


def test_beneficial_owner_threshold_includes_25_percent() -> None:
    assert m11.beneficial_owners() == ["周立群", "夏明远"]
    assert m11.beneficial_owners(threshold_inclusive=False) == ["夏明远"]
