"""Trainee feedback: nbgrader's feedback pages without hidden tests or expected values.

The course configuration adds nbgrader's `ClearHiddenTests` to `GenerateFeedback`, so even plain
`nbgrader generate_feedback` leaves the hidden tests out; the test cells' outputs are the
grader's verdicts, which say right or wrong and never the expected value. `generate_feedback`
checks the written pages for both before reporting success, and deletes any page that leaks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from casebank.errors import CmAcademyError
from grading.exams import expected_answers
from grading.pipeline.course import Course
from grading.pipeline.gradebook import run_nbgrader
from grading.pipeline.release import distinctive_values

#: What only the grader may see; a trainee's own answers may contain anything.
HIDDEN_MARKERS: Final = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "exam.submit(")


class FeedbackError(CmAcademyError):
    """Feedback could not be generated, or would have leaked; no leaking page is left."""


def feedback_leaks(course: Course, exam: str, page: Path, trainee: str) -> list[str]:
    """What a feedback page shows that it must not (empty when safe)."""
    text = page.read_text(encoding="utf-8")
    problems = [f"{page.name}: contains {m!r}" for m in HIDDEN_MARKERS if m in text]
    for question, expected in expected_answers(exam, trainee, *course.settings.bank_dirs).items():
        if any(needle in text for needle in distinctive_values(expected.value, expected.decimals)):
            problems.append(f"{page.name}: shows the expected answer of {question}")
    return problems


def generate_feedback(course: Course, exam: str) -> list[Path]:
    """Write one HTML feedback page per autograded trainee; return the pages.

    Raises:
        FeedbackError: nbgrader failed, or a page leaked (it is deleted).
    """
    done = run_nbgrader(
        course.root, "generate_feedback", exam, "--force", f"--CourseDirectory.db_url={course.db_url}"
    )
    if done.returncode != 0:
        raise FeedbackError(f"nbgrader generate_feedback {exam} failed:\n{done.stdout}{done.stderr}".rstrip())
    pages = sorted((course.root / "feedback").glob(f"*/{exam}/*.html"))
    problems = []
    for page in pages:
        trainee = page.parent.parent.name
        leaks = feedback_leaks(course, exam, page, trainee)
        if leaks:
            page.unlink()
            problems += [f"{trainee}: {leak}" for leak in leaks]
    if problems:
        raise FeedbackError("feedback would leak; the pages were deleted:\n  " + "\n  ".join(problems))
    return pages
