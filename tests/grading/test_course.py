"""`cmacademy course init` and `cmacademy release`: set-up, and refusing leaky releases."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from grading.exams import expected_answers
from grading.pipeline.course import Course, CourseError, create_gradebook, init_course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.release import ReleaseError, release
from tests.conftest import Cli


def test_init_creates_an_nbgrader_course(cli: Cli, tmp_path: Path) -> None:
    result = cli("course", "init", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    course = Course.open(tmp_path / "c")
    assert (course.root / "nbgrader_config.py").is_file()
    assert "grading.pipeline.autograde.JudgeAnswers" in (course.root / "nbgrader_config.py").read_text()
    assert "assoc" in course.exams()
    assert not (course.source("assoc") / "variants.json").exists()
    assert json.loads((course.root / "cmacademy.json").read_text())["key_dir"].startswith(str(course.root))


def test_init_refuses_a_foreign_directory(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "thesis.txt").write_text("keep")
    result = cli("course", "init", str(tmp_path))
    assert result.exit_code == 1
    assert "not a cm-academy course" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.txt"]


def test_release_of_unknown_exam_or_course(cli: Cli, tmp_path: Path) -> None:
    assert cli("release", "assoc", "--course", str(tmp_path)).exit_code == 1
    init_course(tmp_path / "c")
    result = cli("release", "nope", "--course", str(tmp_path / "c"))
    assert result.exit_code == 1 and "exam 'nope' is not in this course" in result.output


def test_init_rejects_an_exam_that_does_not_match_the_scheme(tmp_path: Path) -> None:
    from grading.exams import ASSIGNMENTS_DIR

    assignments = tmp_path / "assignments"
    (assignments / "assoc").mkdir(parents=True)
    nb = nbformat.read(ASSIGNMENTS_DIR / "assoc" / "assoc.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q2_rfm")
    del cell.metadata["cmacademy"]
    nbformat.write(nb, assignments / "assoc" / "assoc.ipynb")
    with pytest.raises(CourseError, match="cell 'q2_rfm': not tagged with a competency"):
        init_course(tmp_path / "c", assignments=assignments)


@pytest.mark.slow
@pytest.mark.parametrize("leak", ["marker", "key-value"])
def test_release_refuses_to_ship_a_leak(tmp_path: Path, leak: str) -> None:
    course = init_course(tmp_path / "c")
    course.write_variants("assoc", ["t001"])

    from grading.pipeline.gradebook import gradebook

    with gradebook(course.db_url) as gb:
        gb.update_or_create_student("t001")
    path = course.source("assoc") / "assoc.ipynb"
    nb = nbformat.read(path, as_version=4)
    if leak == "marker":
        nb.cells[0].source += "\n\n评分时会调用 `exam.submit(...)` 提交答案。"
    else:
        value = expected_answers("assoc", "t001", *course.settings.bank_dirs)["q3_share_of_wallet"].value
        nb.cells[0].source += f"\n\n参考：{value:.4f}"
    nbformat.write(nb, path)
    with pytest.raises(ReleaseError, match="refusing to release assoc"):
        release(course, "assoc")
    assert not (course.root / "release" / "assoc").exists()


def test_an_example_value_of_the_shipped_instructions_is_not_a_leak() -> None:
    from grading.exams import ASSIGNMENTS_DIR
    from grading.pipeline.release import authored_text

    public = authored_text(ASSIGNMENTS_DIR / "assoc")
    assert "answer_q3 = 0.1234" in public
    assert "BEGIN SOLUTION" not in public and "exam.submit(" not in public


def test_a_new_course_gets_a_gradebook_at_nbgraders_schema_head(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text

    course = init_course(tmp_path / "c")
    engine = create_engine(course.db_url)
    with engine.connect() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert head == [ScriptDirectory(ALEMBIC_DIR).get_current_head()]
    assert {"student", "assignment", "grade", "course"} <= tables
    with gradebook(course.db_url) as gb:
        assert gb.students == []
    assert not create_gradebook(course.db_url)  # an existing gradebook is left to nbgrader


def test_init_again_keeps_the_gradebook(tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    with gradebook(course.db_url) as gb:
        gb.add_student("t001", last_name="王伟")
    init_course(tmp_path / "c")
    assert course.trainees() == ["t001"]
