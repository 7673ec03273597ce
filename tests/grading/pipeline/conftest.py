from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading.pipeline.collect import collect
from grading.pipeline.course import Course, init_course
from grading.pipeline.grade import grade_exam
from grading.pipeline.gradebook import gradebook
from grading.pipeline.release import release
from grading.pipeline.roster import import_roster
from grading.pipeline.submission import Outcome
from tests.pg import postgres_server

EXAM = "assoc"


def write_roster(path: Path, ids: list[str]) -> Path:
    lines = ["id,name,email,org_unit"] + [
        f"{t},学员{t},{t}@bank.example,{'杭州分行' if i % 2 else '宁波分行'}" for i, t in enumerate(ids)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def grade_id(cell: nbformat.NotebookNode) -> str:
    """The cell's nbgrader grade id ('' for a cell nbgrader does not track)."""
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def answer_cell(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The cell of grade id ``name``; ``q1_abc_tiers-answer`` names the answer cell ``q1_abc_tiers_answer``.

    By grade id, not cell id: the exam's cell ids are opaque and change when it is rewritten.
    """
    wanted = name.replace("-answer", "_answer")
    cell: nbformat.NotebookNode = next(c for c in nb.cells if grade_id(c) == wanted)
    return cell


def put(inbox: Path, trainee: str, nb: nbformat.NotebookNode | None = None, raw: str | None = None) -> None:
    folder = inbox / trainee / EXAM
    folder.mkdir(parents=True)
    if raw is not None:
        (folder / f"{EXAM}.ipynb").write_text(raw, encoding="utf-8")
    else:
        assert nb is not None
        nbformat.write(nb, folder / f"{EXAM}.ipynb")


def make_course(
    root: Path, ids: list[str], db_url: str | None = None
) -> tuple[Course, nbformat.NotebookNode, nbformat.NotebookNode]:
    # Sized for the roster: the import would otherwise grow the pool again (one more draw).
    course = init_course(root / "course", trainees=len(ids)).but(db_url=db_url)
    import_roster(course, write_roster(root / "roster.csv", ids))
    release(course, EXAM)
    source = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
    blank = nbformat.read(course.root / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    return course, source, blank


def auto_points(course: Course, without: tuple[str, ...] = ()) -> float:
    """The exam's autograded points (its code grade cells), less those of the ``without`` cells.

    What a model solution scores; read from the gradebook, so that a redesigned exam needs no edit here.
    """
    with gradebook(course.db_url) as gb:
        cells = [c for nb in gb.find_assignment(EXAM).notebooks for c in nb.grade_cells]
        return float(sum(c.max_score for c in cells if c.cell_type == "code" and c.name not in without))


@dataclass
class Cohort:
    course: Course
    outcomes: dict[str, Outcome]


BAD_CLASSES = ["good", "blank", "corrupt", "deleted", "edited", "retyped", "loop", "crash", "memory"]


@pytest.fixture(scope="package")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    """One course whose eight submissions are graded once: a good one, a blank and six bad ones."""
    root = tmp_path_factory.mktemp("cohort")
    course, source, blank = make_course(root, BAD_CLASSES)
    inbox = root / "inbox"
    put(inbox, "good", source)
    put(inbox, "blank", blank)
    put(inbox, "corrupt", raw=nbformat.writes(source)[:4000])
    nb = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if grade_id(c) != "q2_rfm"]
    put(inbox, "deleted", nb)
    nb = nbformat.read(course.root / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    answer_cell(nb, "q1_abc_tiers").source = "pass  # the checks are gone"
    put(inbox, "edited", nb)
    nb = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
    cell = answer_cell(nb, "q3_share_of_wallet")
    retyped = nbformat.v4.new_markdown_cell(cell.source)
    retyped.id, retyped.metadata = cell.id, cell.metadata
    nb.cells[nb.cells.index(cell)] = retyped
    put(inbox, "retyped", nb)
    for trainee, code in (
        ("loop", "\nwhile True:\n    pass\n"),
        ("crash", "\nimport os\nos._exit(3)\n"),
        ("memory", "\nhog = bytearray(16 * 1024**3)\n"),
    ):
        nb = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
        answer_cell(nb, "q1_abc_tiers-answer").source += code
        put(inbox, trainee, nb)
    collect(course, EXAM, inbox)
    outcomes = grade_exam(course.but(workers=2, timeout=5), EXAM)
    return Cohort(course, {o.trainee: o for o in outcomes})


@pytest.fixture(scope="package")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url
