"""Trainee feedback never shows hidden tests or expected values."""

from __future__ import annotations

import pytest

from grading.exams import expected_answers
from grading.pipeline.feedback import generate_feedback
from tests.grading.pipeline.conftest import EXAM, Cohort

pytestmark = pytest.mark.slow


def test_feedback_pages_hide_hidden_tests_and_expected_values(cohort: Cohort) -> None:
    pages = {p.parent.parent.name: p for p in generate_feedback(cohort.course, EXAM)}
    assert {"good", "blank"} <= set(pages)
    for trainee in ("good", "blank"):
        html = pages[trainee].read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html and "exam.submit" not in html
        assert "答案" in html
        for question, expected in expected_answers(EXAM, trainee).items():
            if isinstance(expected.value, float) and expected.decimals >= 2:
                assert f"{expected.value:.{expected.decimals}f}" not in html, question
    assert "答案不正确" in pages["blank"].read_text(encoding="utf-8") or "没有收到答案" in pages[
        "blank"
    ].read_text(encoding="utf-8")
