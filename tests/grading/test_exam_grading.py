"""Exams graded by plain `nbgrader autograde` in a course made by `cmacademy course init`."""

from __future__ import annotations

import json
from dataclasses import dataclass

import nbformat
import pytest

from grading.exams import EXAMS, expected_answers
from grading.exams.simulate import right_and_wrong
from grading.pipeline.course import Course, init_course
from grading.pipeline.gradebook import gradebook, run_nbgrader
from grading.pipeline.release import release
from grading.scheme import load_scheme

FULL_MARKS = ("t001", "t002", "t003")
SILENCE_TRACEBACKS = """
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
"""
REWRITE_LATER_CELLS = """
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])
"""


@dataclass
class Graded:
    exam: str
    course: Course
    scores: dict[str, dict[str, float]]
    mistake_question: str


def answer_cell(nb: nbformat.NotebookNode, question: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{question}_answer")


def auto_points(exam: str) -> dict[str, float]:
    return {i.question: i.points for i in load_scheme().level_for_exam(exam).blueprint if not i.manual}


def mistake_for(course: Course, exam: str, trainee: str) -> tuple[str, object]:
    """A question whose typical mistake is wrong for this trainee, and that wrong answer."""
    right, wrong = right_and_wrong(exam, trainee, *course.settings.bank_dirs)
    for question in auto_points(exam):
        if not right[question].accepts(wrong[question]):
            return question, wrong[question]
    raise AssertionError("no typical mistake differs from the right answer")


def submit(course: Course, exam: str, trainee: str, nb: nbformat.NotebookNode) -> None:
    target = course.root / "submitted" / trainee / exam
    target.mkdir(parents=True)
    nbformat.write(nb, target / f"{exam}.ipynb")


@pytest.fixture(scope="module", params=EXAMS)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    exam = request.param
    course = init_course(tmp_path_factory.mktemp(f"course-{exam}") / "course")

    with gradebook(course.db_url) as gb:
        for trainee in ("t001", "t002", "t003", "t004", "t005", "t006", "t007"):
            gb.update_or_create_student(trainee)
    released = release(course, exam)
    source = nbformat.read(course.source(exam) / f"{exam}.ipynb", as_version=4)
    blank = nbformat.read(released / f"{exam}.ipynb", as_version=4)
    for trainee in FULL_MARKS:
        submit(course, exam, trainee, source)
    submit(course, exam, "t004", blank)

    question, wrong = mistake_for(course, exam, "t005")
    one_mistake = nbformat.read(course.source(exam) / f"{exam}.ipynb", as_version=4)
    cell = answer_cell(one_mistake, question)
    cell.source += f"\nanswer_{question.split('_')[0]} = {wrong!r}"
    submit(course, exam, "t005", one_mistake)

    first_question = next(iter(auto_points(exam)))
    for trainee, hostile in (("t006", SILENCE_TRACEBACKS), ("t007", REWRITE_LATER_CELLS)):
        nb = nbformat.read(released / f"{exam}.ipynb", as_version=4)
        answer_cell(nb, first_question).source = hostile
        submit(course, exam, trainee, nb)

    done = run_nbgrader(course.root, "autograde", exam)
    assert done.returncode == 0, done.stdout + done.stderr
    scores: dict[str, dict[str, float]] = {}
    with gradebook(course.db_url) as gb:
        for submission in gb.assignment_submissions(exam):
            scores[submission.student_id] = {
                g.name: float(g.score) for nb in submission.notebooks for g in nb.grades
            }
    return Graded(exam, course, scores, question)


def auto_total(graded: Graded, trainee: str) -> float:
    return sum(graded.scores[trainee][q] for q in auto_points(graded.exam))


@pytest.mark.slow
@pytest.mark.parametrize("trainee", FULL_MARKS)
def test_source_notebook_scores_all_autograded_points(graded: Graded, trainee: str) -> None:
    assert auto_total(graded, trainee) == sum(auto_points(graded.exam).values())


@pytest.mark.slow
def test_blank_release_scores_zero(graded: Graded) -> None:
    assert auto_total(graded, "t004") == 0


@pytest.mark.slow
def test_one_typical_mistake_loses_exactly_that_question(graded: Graded) -> None:
    points = auto_points(graded.exam)
    assert auto_total(graded, "t005") == sum(points.values()) - points[graded.mistake_question]
    assert graded.scores["t005"][graded.mistake_question] == 0


@pytest.mark.slow
@pytest.mark.parametrize("trainee", ["t006", "t007"], ids=["silenced-tracebacks", "rewritten-later-cells"])
def test_hostile_blank_submission_scores_zero(graded: Graded, trainee: str) -> None:
    assert auto_total(graded, trainee) == 0


@pytest.mark.slow
def test_feedback_in_autograded_notebook_names_no_expected_value(graded: Graded) -> None:
    autograded = graded.course.root / "autograded" / "t005" / graded.exam / f"{graded.exam}.ipynb"
    text = autograded.read_text(encoding="utf-8")
    expected = expected_answers(graded.exam, "t005", *graded.course.settings.bank_dirs)[
        graded.mistake_question
    ]
    assert json.dumps(expected.value, ensure_ascii=False) not in text


@pytest.mark.slow
def test_release_has_no_solution_hidden_test_or_key_value(graded: Graded) -> None:
    released = graded.course.root / "release" / graded.exam
    text = "".join(p.read_text(encoding="utf-8") for p in released.rglob("*") if p.is_file())
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "exam.submit("):
        assert marker not in text
    for trainee in FULL_MARKS:
        for expected in expected_answers(graded.exam, trainee, *graded.course.settings.bank_dirs).values():
            if isinstance(expected.value, float) and expected.decimals >= 2:
                assert f"{expected.value:.{expected.decimals}f}" not in text
