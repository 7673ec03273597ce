"""Answer sharing: pairs of free-text evaluation reports that are suspiciously alike.

Variants make copying computed answers fail by construction; the evaluation report is free
text, so the cohort report lists pairs of reports whose character 4-gram sets overlap beyond a
threshold (Jaccard similarity), for a trainer to review. Text that comes from the exam itself
(the released stub and headings) is removed first, so empty or template-only reports do not
match each other.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Final

import nbformat

from grading.pipeline.course import Course
from grading.scheme import load_scheme

NGRAM: Final = 4
THRESHOLD: Final = 0.6
MIN_CHARS: Final = 80


@dataclass(frozen=True)
class SimilarPair:
    """Two trainees whose reports overlap."""

    first: str
    second: str
    similarity: float
    """Jaccard similarity of the reports' character 4-grams (0-1)."""


def _normalise(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def ngrams(text: str) -> set[str]:
    """Character n-grams of a normalised text."""
    clean = _normalise(text)
    return {clean[i : i + NGRAM] for i in range(max(0, len(clean) - NGRAM + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def report_texts(course: Course, exam: str) -> dict[str, str]:
    """Trainee -> the text of their report's answer cell, template removed.

    The answer cell is the one a trainee writes in: ``q21_report`` when the report is marked per
    rubric criterion (its task cells ``q21_report_<criterion>`` hold the exam's own descriptors),
    else the manually graded cell itself.
    """
    level = load_scheme().level_for_exam(exam)
    manual = {
        item.question.removesuffix(f"_{item.criterion}") if item.criterion else item.question
        for item in level.blueprint
        if item.manual
    }
    release = course.root / "release" / exam / f"{exam}.ipynb"
    template = ""
    if release.is_file():
        nb = nbformat.read(release, as_version=4)
        template = " ".join(
            c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in manual
        )
    out: dict[str, str] = {}
    for path in sorted((course.root / "submitted").glob(f"*/{exam}/{exam}.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # unreadable submissions are reported by grading, not here
            continue
        text = " ".join(
            c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in manual
        )
        out[path.parent.parent.name] = text.replace(template, " ") if template else text
    return out


def pairs_from_texts(texts: dict[str, str], threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Pairs of texts at least ``threshold`` alike, most similar first (short texts skipped)."""
    grams = {t: ngrams(s) for t, s in texts.items() if len(_normalise(s)) >= MIN_CHARS}
    pairs = [
        SimilarPair(a, b, round(jaccard(grams[a], grams[b]), 3))
        for a, b in itertools.combinations(sorted(grams), 2)
    ]
    return sorted(
        (p for p in pairs if p.similarity >= threshold), key=lambda p: (-p.similarity, p.first, p.second)
    )


def similar_reports(course: Course, exam: str, threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Pairs of trainees whose evaluation reports are at least ``threshold`` alike."""
    return pairs_from_texts(report_texts(course, exam), threshold)
