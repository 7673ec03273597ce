"""Typical mistakes swept over drawn variants: none may earn full marks on any variant.

`sweep` draws variants of an exam from the canonical exam pool (trainee ids ``sweep0000``,
``sweep0001``, ...), hands in each typical mistake of the exam module's ``mistakes`` and counts,
per question and mistake, the variants on which it earned full credit and its mean credit.
``scripts/sweep_mistakes.py`` prints it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from grading.exams import exam_definition, exam_truth
from grading.exams.variants import draw_variant


def sweep(exam: str, variants: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Question -> mistake -> {"variants", "full_credit", "mean_credit"} over drawn variants."""
    definition = exam_definition(exam)
    bank, truth = exam_truth(None, None)
    full: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    credit: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i in range(variants):
        variant = draw_variant(exam, f"sweep{i:04d}", bank, truth, definition.blueprint)
        right = definition.expected(bank, truth, variant)
        for question, slips in definition.mistakes(bank, truth, variant).items():
            for name, wrong in slips.items():
                share = right[question].credit(wrong)
                seen[question][name] += 1
                credit[question][name] += share
                full[question][name] += share == 1.0
        for question in right:
            seen[question]  # a question without mistakes shows up with none
    return {
        q: {
            m: {"variants": n, "full_credit": full[q][m], "mean_credit": round(credit[q][m] / n, 4)}
            for m, n in sorted(seen[q].items())
        }
        for q in seen
    }
