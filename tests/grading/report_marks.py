"""The evaluation report's manual marks, recorded as the formgrader records them.

An exam's report is one answer cell plus one manually graded task cell per rubric criterion
(``q21_report_structure``, ...; `grading.exams.report_cells`). A grader saving a score in the
formgrader sets the criterion's ``manual_score`` and clears ``needs_manual_grade``; these
helpers do the same for every criterion, so a test states "the report at 7 of 10" once and
holds however the report's points are spread over its criteria.
"""

from __future__ import annotations

from nbgrader.api import Gradebook

from grading.scheme import BlueprintItem, load_scheme


def report_criteria(exam: str) -> list[BlueprintItem]:
    """The manually graded items (the report's criteria) of ``exam``'s blueprint."""
    return [item for item in load_scheme().level_for_exam(exam).blueprint if item.manual]


def report_points(exam: str) -> float:
    """The report's points in ``exam``: the sum over its criteria."""
    return sum(item.points for item in report_criteria(exam))


def report_scores(exam: str, share: float) -> dict[str, float]:
    """Grade id -> score of every report criterion at ``share`` (0-1) of its points."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"report share {share!r}: give a share of the report's points from 0 to 1")
    return {item.question: share * item.points for item in report_criteria(exam)}


def mark_report(gb: Gradebook, exam: str, trainee: str, share: float) -> dict[str, float]:
    """Score every report criterion of ``trainee`` at ``share`` of its points, as a grader saving.

    The caller commits (``gb.db.commit()``), so that several trainees go in one transaction.

    Returns:
        The scores written, by grade id.
    """
    scores = report_scores(exam, share)
    for question, score in scores.items():
        grade = gb.find_grade(question, exam, exam, trainee)
        grade.manual_score = score
        grade.needs_manual_grade = False  # what the formgrader does when a grader saves
    return scores
