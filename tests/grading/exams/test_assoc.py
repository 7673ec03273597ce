"""The associate exam: its blueprint holds, its model solution earns full marks on every drawn
variant, no typical mistake earns full marks on any, and its fixed-text items have parallel forms."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import nbformat
import pytest

from casebank.exam import ENV_VARIANT, ExamSession, _plain
from grading.exams import blueprint_problems, exam_definition, exam_truth, report_cells, source_notebook
from grading.exams.assign import trainee_view
from grading.exams.blueprint import blueprint_report
from grading.exams.forms import MIN_FORMS, fixed_items
from grading.exams.sweep import sweep
from grading.exams.variants import draw_variant

VARIANTS = 40
SOLUTION_VARIANTS = 25


@dataclass
class Recording(ExamSession):
    """An exam session that keeps what the notebook hands in instead of displaying it."""

    answers: dict[str, Any] = field(default_factory=dict)

    def submit(self, question: str, answer: Any) -> None:
        self.answers[question] = _plain(answer)


def code_cells() -> list[str]:
    nb = nbformat.read(source_notebook("assoc"), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def cells() -> list[str]:
    return code_cells()


def run_notebook(cells: list[str], trainee: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Hand in the model solution of ``trainee``'s variant; return its answers and the key."""
    definition = exam_definition("assoc")
    bank, truth = exam_truth(None, None)
    variant = draw_variant("assoc", trainee, bank, truth, definition.blueprint)
    view = trainee_view(variant, definition.blueprint)
    namespace: dict[str, Any] = {}
    os.environ[ENV_VARIANT] = view.to_json()
    try:
        exec(cells[0], namespace)  # the setup cell
        session = namespace["exam"]
        recording = Recording(session.variant, session.bank)
        namespace["exam"] = recording
        for source in cells[1:]:
            exec(source, namespace)
    finally:
        del os.environ[ENV_VARIANT]
    return recording.answers, definition.expected(bank, truth, variant)


def trainees(n: int) -> Iterator[str]:
    return (f"model{i:03d}" for i in range(n))


def test_blueprint_holds_the_rules() -> None:
    report = blueprint_report("assoc")
    assert report["violations"] == []
    assert report["judgment_share"] >= 0.4
    assert all(c["items"] >= 3 and c["points"] >= 6 for c in report["competencies"].values())
    assert all(i["pool_size"] >= MIN_FORMS for i in report["items"])
    assert blueprint_problems("assoc") == []


@pytest.mark.slow
def test_model_solution_earns_full_marks_on_every_variant(cells: list[str]) -> None:
    for trainee in trainees(SOLUTION_VARIANTS):
        answers, right = run_notebook(cells, trainee)
        wrong = {q: (answers.get(q), e.value) for q, e in right.items() if not e.accepts(answers.get(q))}
        assert not wrong, f"{trainee}: {wrong}"


def test_no_typical_mistake_earns_full_marks() -> None:
    result = sweep("assoc", VARIANTS)
    scored = {
        f"{q}.{m}": r["full_credit"]
        for q, slips in result.items()
        for m, r in slips.items()
        if r["full_credit"]
    }
    assert not scored
    assert all(result[q] for q in result), "every question names a typical mistake"


def test_every_fixed_text_item_has_parallel_forms_drawn_per_trainee() -> None:
    items = fixed_items("assoc")
    assert items and all(len(item.forms) >= MIN_FORMS for item in items.values())
    bank, truth = exam_truth(None, None)
    blueprint = exam_definition("assoc").blueprint
    drawn = {q: set() for q in items}
    for trainee in trainees(60):
        for q, form in draw_variant("assoc", trainee, bank, truth, blueprint).forms.items():
            drawn[q].add(form)
    assert all(len(forms) == len(items[q].forms) for q, forms in drawn.items())


def test_the_trainee_view_carries_form_texts_but_no_keys() -> None:
    bank, truth = exam_truth(None, None)
    blueprint = exam_definition("assoc").blueprint
    view = trainee_view(draw_variant("assoc", "t001", bank, truth, blueprint), blueprint)
    text = view.to_json()
    assert set(view.form_texts) == set(fixed_items("assoc"))
    assert '"key"' not in text and "mistakes" not in text


def test_the_report_is_one_answer_cell_and_a_task_cell_per_criterion() -> None:
    answer, criteria = report_cells("assoc")
    assert answer == "q21_report"
    assert criteria == [f"q21_report_{c}" for c in ("structure", "evidence", "needs", "risk", "authority")]
    nb = nbformat.read(source_notebook("assoc"), as_version=4)
    meta = {c.metadata.get("nbgrader", {}).get("grade_id"): c.metadata.get("nbgrader", {}) for c in nb.cells}
    assert meta[answer]["solution"] and meta[answer]["points"] == 0
    assert all(meta[c]["task"] and meta[c]["points"] == 2 for c in criteria)
