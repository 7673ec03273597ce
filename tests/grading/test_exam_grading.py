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
    partial_question: str
    partial_share: float


def answer_cell(nb: nbformat.NotebookNode, question: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{question}_answer")


def auto_points(exam: str) -> dict[str, float]:
    return {i.question: i.points for i in load_scheme().level_for_exam(exam).blueprint if not i.manual}


def mistake_for(
    course: Course, exam: str, trainee: str, *, partial: bool = False
) -> tuple[str, object, float]:
    """A question with a typical mistake earning no credit (or, with ``partial``, some but not all)
    for this trainee: the question, the wrong answer and the share of points it earns."""
    right, wrong = right_and_wrong(exam, trainee, *course.settings.bank_dirs)
    for question in auto_points(exam):
        for answer in wrong[question].values():
            share = right[question].credit(answer)
            if (0 < share < 1) if partial else share == 0:
                return question, answer, share
    raise AssertionError(f"no typical mistake with {'partial' if partial else 'no'} credit")


def with_answer(course: Course, exam: str, question: str, answer: object) -> nbformat.NotebookNode:
    nb = nbformat.read(course.source(exam) / f"{exam}.ipynb", as_version=4)
    cell = answer_cell(nb, question)
    cell.source += f"\nanswer_{question.split('_')[0]} = {answer!r}"
    return nb


def submit(course: Course, exam: str, trainee: str, nb: nbformat.NotebookNode) -> None:
    target = course.root / "submitted" / trainee / exam
    target.mkdir(parents=True)
    nbformat.write(nb, target / f"{exam}.ipynb")


@pytest.fixture(scope="module", params=EXAMS)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    exam = request.param
    trainees = ("t001", "t002", "t003", "t004", "t005", "t006", "t007", "t008")
    course = init_course(tmp_path_factory.mktemp(f"course-{exam}") / "course", trainees=len(trainees))

    with gradebook(course.db_url) as gb:
        for trainee in trainees:
            gb.update_or_create_student(trainee)
    released = release(course, exam)
    source = nbformat.read(course.source(exam) / f"{exam}.ipynb", as_version=4)
    blank = nbformat.read(released / f"{exam}.ipynb", as_version=4)
    for trainee in FULL_MARKS:
        submit(course, exam, trainee, source)
    submit(course, exam, "t004", blank)

    question, wrong, _ = mistake_for(course, exam, "t005")
    submit(course, exam, "t005", with_answer(course, exam, question, wrong))
    partial_question, partial_wrong, share = mistake_for(course, exam, "t008", partial=True)
    submit(course, exam, "t008", with_answer(course, exam, partial_question, partial_wrong))

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
    return Graded(exam, course, scores, question, partial_question, share)


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
def test_partial_credit_lands_in_the_gradebook(graded: Graded) -> None:
    points = auto_points(graded.exam)
    earned = round(points[graded.partial_question] * graded.partial_share, 2)
    assert 0 < earned < points[graded.partial_question]
    assert graded.scores["t008"][graded.partial_question] == pytest.approx(earned)
    assert auto_total(graded, "t008") == pytest.approx(
        sum(points.values()) - points[graded.partial_question] + earned
    )


@pytest.mark.slow
def test_each_report_criterion_is_a_grade_of_its_own(graded: Graded) -> None:
    manual = [i for i in load_scheme().level_for_exam(graded.exam).blueprint if i.manual]
    assert len(manual) >= 3
    for item in manual:
        assert item.question in graded.scores["t001"]


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
    # The exam's own instructions state method constants ("< 0.10 1, < 0.25 2"; "0.20 行业前景"):
    # a trainee's answer that happens to equal one (q18_staffing's 0.10 or 0.20, about every
    # other drawn pool) is no leak. Any other key value in the release is.
    source = nbformat.read(graded.course.source(graded.exam) / f"{graded.exam}.ipynb", as_version=4)
    instructions = "".join(c.source for c in source.cells if c.cell_type == "markdown")
    for trainee in FULL_MARKS:
        for expected in expected_answers(graded.exam, trainee, *graded.course.settings.bank_dirs).values():
            if isinstance(expected.value, float) and expected.decimals >= 2:
                value = f"{expected.value:.{expected.decimals}f}"
                assert value in instructions or value not in text, (trainee, value)
