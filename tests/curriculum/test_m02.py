"""Module 2 prints the actions as the authority rule classifies them; its practice is fair."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from grading.methods.organisation import ACTIONS, DISPUTE_STEPS
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "02_职能定位与权限.ipynb"
SETUP = ["m02-02", "m02-12"]
COMPLETIONS = {"m02-20": ["-1", '"category"']}


def cells() -> list[dict[str, object]]:
    return list(json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


def test_every_action_of_exercise_2_1_is_printed_verbatim() -> None:
    text = "".join("".join(c["source"]) for c in cells())  # type: ignore[arg-type]
    assert [a.code for a in ACTIONS if f"| {a.code} | {a.text} |" not in text] == []


def test_objectives_and_summary_do_not_print_the_dispute_steps_key() -> None:
    first, last = ("".join(c["source"]) for c in (cells()[0], cells()[-1]))  # type: ignore[arg-type]
    for part in (first, last):
        positions = [part.find(step) for step in DISPUTE_STEPS]
        assert not all(p >= 0 for p in positions) or positions != sorted(positions)


@pytest.mark.parametrize(("cell", "fills"), COMPLETIONS.items())
def test_intended_completion_passes_for_every_client(cell: str, fills: list[str]) -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m02"):
        result = run_completed(NOTEBOOK, cell, fills, names, client)
        assert result.correct, (client, result.message)
