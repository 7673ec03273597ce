"""The senior source notebook's solutions earn full credit on variants that cover every form."""

from __future__ import annotations

import os
from collections.abc import Iterator

import nbformat
import pytest
from nbclient import NotebookClient

from casebank.exam import ANSWER_MIME, ENV_VARIANT
from grading.exams import exam_truth, expected_answers, kernel_variant, source_notebook
from grading.exams.forms import draw_forms, fixed_items

MAX_TRAINEES = 40


def covering_trainees() -> list[str]:
    """Trainee ids whose drawn forms together include every form of every fixed-text item."""
    bank, _ = exam_truth(None, None)
    missing = {(q, f.id) for q, item in fixed_items("senior").items() for f in item.forms}
    chosen = []
    for i in range(MAX_TRAINEES):
        trainee = f"cover{i:03d}"
        drawn = set(draw_forms("senior", trainee, bank.version).items())
        if drawn & missing:
            chosen.append(trainee)
            missing -= drawn
        if not missing:
            return chosen
    raise AssertionError(f"no {MAX_TRAINEES} trainees cover the forms {sorted(missing)}")


@pytest.fixture
def variant_env(request: pytest.FixtureRequest) -> Iterator[str]:
    trainee = request.param
    before = os.environ.get(ENV_VARIANT)
    os.environ[ENV_VARIANT] = kernel_variant("senior", trainee).to_json()
    yield trainee
    if before is None:
        os.environ.pop(ENV_VARIANT, None)
    else:
        os.environ[ENV_VARIANT] = before


@pytest.mark.parametrize("variant_env", covering_trainees(), indirect=True)
def test_solutions_earn_full_credit(variant_env: str) -> None:
    nb = nbformat.read(source_notebook("senior"), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    answers = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if ANSWER_MIME in data:
                answers[data[ANSWER_MIME]["question"]] = data[ANSWER_MIME]["answer"]
    expected = expected_answers("senior", variant_env)
    assert set(answers) == set(expected)
    wrong = {q: (answers[q], e.value) for q, e in expected.items() if e.credit(answers[q]) != 1.0}
    assert wrong == {}
