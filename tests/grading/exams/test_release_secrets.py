"""The released exam folder: the same for everyone, no key, no variants, no pool truth."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grading.pipeline.course import Course, init_course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.release import ReleaseError, release

EXAM = "assoc"


def course_with(root: Path, trainees: list[str]) -> Course:
    course = init_course(root)
    with gradebook(course.db_url) as gb:
        for trainee in trainees:
            gb.update_or_create_student(trainee)
    return course


@pytest.mark.slow
def test_the_release_carries_no_truth_and_no_variant(tmp_path: Path) -> None:
    course = course_with(tmp_path / "c", ["t1", "t2"])
    released = release(course, EXAM)
    names = {p.name for p in released.rglob("*")}
    assert names == {f"{EXAM}.ipynb"}
    text = (released / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    assert course.settings.key_dir is not None
    for row in (course.settings.key_dir / "truth.csv").read_text(encoding="utf-8").splitlines()[1:]:
        assert row not in text
    assert (course.handouts / "t1" / EXAM / "variant.json").is_file()


@pytest.mark.slow
def test_a_row_of_the_pools_key_in_the_exam_is_refused(tmp_path: Path) -> None:
    course = course_with(tmp_path / "c", ["t1"])
    assert course.settings.key_dir is not None
    row = (course.settings.key_dir / "truth.csv").read_text(encoding="utf-8").splitlines()[3]
    path = course.source(EXAM) / f"{EXAM}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += f"\n\n{row}"
    nbformat.write(nb, path)
    with pytest.raises(ReleaseError, match="contains a row of the assessor key"):
        release(course, EXAM)
    assert not (course.root / "release" / EXAM).exists()


@pytest.mark.slow
def test_a_variant_file_in_the_exam_folder_is_refused(tmp_path: Path) -> None:
    course = course_with(tmp_path / "c", ["t1"])
    (course.source(EXAM) / "variants.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"variants\.json: assessor key or exam variant file"):
        release(course, EXAM)
