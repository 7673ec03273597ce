"""Module 10's completion exercise, completed as intended, passes for every drawable client."""

from __future__ import annotations

from casebank import selfcheck
from casebank.load import load_bank
from grading.practice.m10_appraisal import exercises
from tests.curriculum.completion import run_cells, run_completed
from tests.curriculum.test_notebooks import CURRICULUM

NOTEBOOK = CURRICULUM / "10_考核激励与客户分配.ipynb"
SETUP = ["m10-02", "m10-04", "m10-05", "m10-15"]


def test_intended_completion_passes_for_every_client() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m10"):
        result = run_completed(NOTEBOOK, "m10-x04", ['"manager_id"', '"region"'], names, client)
        assert result.correct, (client, result.message)


def test_swapped_weights_are_named() -> None:
    bank = load_bank()
    exercise = next(e for e in exercises(bank) if e.id == "m10.fit_own_manager")
    named = [
        (client, wrong)
        for client in selfcheck.drawable_clients("m10")
        for wrong, why in exercise.mistakes_for(client)
        if "权重用反了" in why
    ]
    assert named, "some client's fit changes when the weights are swapped"
    client, wrong = named[0]
    result = selfcheck.check("m10.fit_own_manager", wrong, client=client)
    assert not result.correct and "权重用反了" in result.message
