"""Cheaper equivalents of nbgrader's gradebook work, for cm-academy's grading workers.

nbgrader's `Autograde` converter opens a new `Gradebook` about ten times per notebook, and each
opening builds a database engine, inspects the schema and runs ``create_all``; its
`SaveAutoGrades` commits once per graded or answer cell (about 26 commits, each an fsync on
SQLite). Profiled per notebook (cProfile, 12 submissions of the associate exam): 0.04 s in
``Gradebook.__init__`` and 0.05-0.12 s in `SaveAutoGrades`, out of 0.7-1.0 s.

- `reuse_engines` makes every `Gradebook` in a worker process share one engine per database
  URL and check the schema only the first time; sessions are still opened and closed as nbgrader
  does, so nothing else changes.
- `SaveAutoGradesOnce` is nbgrader's `SaveAutoGrades` (the same grades, needs-manual-grade flags
  and "No response." comments, from nbgrader's own `determine_grade`) written in one
  transaction per notebook.
- `LeanAutograde` runs nbgrader's two conversion passes on one notebook object (no deep copies,
  no intermediate file, validation once per pass), and `OverwriteCellsCached` /
  `SaveAutoGradesOnce` read a notebook's cells and grade rows in a few queries instead of one
  per cell: worker CPU per associate-exam notebook 0.33 -> 0.24 s.

All of them are used only by grading workers (`grading.pipeline.submission`); plain ``nbgrader
autograde`` is untouched. The benchmark checks that scores stay identical to it, and a test
that every cell's grade and the autograded notebook itself are.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import nbjson
from nbformat.v4.rwbase import strip_transient
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells, SaveAutoGrades

_engines: dict[str, Any] = {}
_lock = threading.Lock()
_original_init = Gradebook.__init__


def _shared_init(
    self: Gradebook, db_url: str, course_id: str = "default_course", authenticator: Any = None
) -> None:
    """`Gradebook.__init__` on this process's engine for ``db_url`` (made by nbgrader the first time)."""
    from sqlalchemy.orm import scoped_session, sessionmaker

    with _lock:
        engine = _engines.get(db_url)
        if engine is None:
            _original_init(self, db_url, course_id, authenticator)
            _engines[db_url] = self.engine
            return
    self.engine = engine
    self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
    self.check_course(course_id=course_id)
    self.course_id = course_id
    self.authenticator = authenticator


def reuse_engines() -> None:
    """Have every nbgrader `Gradebook` of this process share one engine per database URL."""
    Gradebook.__init__ = _shared_init


def forget_engines() -> None:
    """Dispose of the shared engines (a Dask worker's new run may grade another gradebook)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


class SaveAutoGradesOnce(SaveAutoGrades):  # type: ignore[misc]  # nbgrader ships no types
    """nbgrader's `SaveAutoGrades`, committing once per notebook instead of once per cell.

    `_add_score` and `_add_comment` are nbgrader's (0.9) without their commit. The notebook's
    grade and comment rows are read in two queries up front, instead of one query (five joins)
    per cell; a row that is not there is looked up as nbgrader does, which raises its error.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        """Save every graded cell's score and every answer cell's comment, then commit once."""
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            self._rows = _submission_rows(
                self.gradebook, self.notebook_id, self.assignment_id, self.student_id
            )
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            self.gradebook.db.commit()
        return nb, resources

    def _add_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        name = cell.metadata["nbgrader"]["grade_id"]
        grade = self._rows.grades.get(name) or self.gradebook.find_grade(
            name, self.notebook_id, self.assignment_id, self.student_id
        )
        grade.auto_score, _ = utils.determine_grade(cell, self.log)
        # A manual grade, or no autograder score, needs a grader's review (as in nbgrader).
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None

    def _add_comment(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        name = cell.metadata["nbgrader"]["grade_id"]
        comment = self._rows.comments.get(name) or self.gradebook.find_comment(
            name, self.notebook_id, self.assignment_id, self.student_id
        )
        unanswered = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
        comment.auto_comment = "No response." if unanswered and not utils.is_task(cell) else None


class _Rows:
    """A submitted notebook's grade and comment rows by cell name."""

    def __init__(self, grades: dict[str, Any], comments: dict[str, Any]) -> None:
        self.grades, self.comments = grades, comments


def _submission_rows(gb: Gradebook, notebook: str, assignment: str, student: str) -> _Rows:
    """The grade and comment rows of one submitted notebook, in two queries."""
    from nbgrader.api import BaseCell, Comment, Grade, MissingEntry

    try:
        submitted = gb.find_submission_notebook(notebook, assignment, student)
    except MissingEntry:
        return _Rows({}, {})
    grades = gb.db.query(Grade, BaseCell.name).join(BaseCell, BaseCell.id == Grade.cell_id)
    comments = gb.db.query(Comment, BaseCell.name).join(BaseCell, BaseCell.id == Comment.cell_id)
    return _Rows(
        {name: row for row, name in grades.filter(Grade.notebook_id == submitted.id)},
        {name: row for row, name in comments.filter(Comment.notebook_id == submitted.id)},
    )


class _NotebookCells:
    """A gradebook whose source- and graded-cell look-ups of one notebook come from two queries."""

    def __init__(self, gb: Gradebook, notebook: str, assignment: str) -> None:
        from nbgrader.api import MissingEntry

        self._gb = gb
        self._missing = MissingEntry
        try:
            found = gb.find_notebook(notebook, assignment)
        except MissingEntry:
            self._source: dict[str, Any] = {}
            self._graded: dict[str, Any] = {}
        else:
            self._source = {cell.name: cell for cell in found.source_cells}
            self._graded = {cell.name: cell for cell in found.grade_cells}

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> Any:
        """The source cell ``name``, as `Gradebook.find_source_cell` finds it."""
        cell = self._source.get(name)
        return cell if cell is not None else self._gb.find_source_cell(name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> Any:
        """The graded cell ``name``, as `Gradebook.find_graded_cell` finds it."""
        cell = self._graded.get(name)
        return cell if cell is not None else self._gb.find_graded_cell(name, notebook, assignment)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gb, name)


class OverwriteCellsCached(OverwriteCells):  # type: ignore[misc]  # nbgrader ships no types
    """nbgrader's `OverwriteCells` (the same checks, restores and warnings), its look-ups read once.

    nbgrader queries the gradebook once or twice per graded cell (four joins each); this reads
    the notebook's source and graded cells once. Cells missing from that read are looked up as
    nbgrader does.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        """Restore every graded cell's type, lock, points and locked source from the exam."""
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        with Gradebook(self.db_url) as gb:
            self.gradebook = _NotebookCells(gb, self.notebook_id, self.assignment_id)
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class LeanAutograde(Autograde):  # type: ignore[misc]  # nbgrader ships no types
    """nbgrader's `Autograde` converter with both of its passes in memory.

    nbgrader converts each notebook twice through nbconvert's exporter: the sanitizing pass
    reads the submission, deep-copies it twice, validates it after every preprocessor and writes
    it to the autograded folder; the autograding pass reads that file back and does the same.
    Here the same preprocessors, built the same way, run on one notebook object: read once,
    validated once after each pass (nbconvert's ``optimistic_validation``), written once. The
    resources each preprocessor sees are nbconvert's, with the path of the file nbgrader would
    have read. ``graded`` holds each notebook that was written, by name.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graded: dict[str, NotebookNode] = {}

    def convert_single_notebook(self, notebook_filename: str) -> None:
        """Sanitize and autograde one submitted notebook; write it to the autograded folder."""
        self.log.info("Sanitizing %s", notebook_filename)
        nb = nbformat.read(notebook_filename, as_version=4)
        self._sanitizing = True
        resources = self.init_single_notebook_resources(notebook_filename)
        nb, resources = self._run_pass(nb, resources, notebook_filename)
        # What nbgrader's write and read between the passes drop (transient metadata).
        strip_transient(nb)
        info = resources["nbgrader"]
        graded_filename = os.path.join(
            self._format_dest(info["assignment"], info["student"]), os.path.basename(notebook_filename)
        )
        self.log.info("Autograding %s", graded_filename)
        self._sanitizing = False
        try:
            resources = self.init_single_notebook_resources(graded_filename)
            with utils.setenv(NBGRADER_EXECUTION="autograde"):
                nb, resources = self._run_pass(nb, resources, graded_filename)
        finally:
            self._sanitizing = True
        resources["output_suffix"] = ".nbconvert"
        # Validated at the end of the pass above; nbformat.writes would validate it again.
        output = nbjson.writes(nb)
        self.write_single_notebook(output if output.endswith("\n") else output + "\n", resources)
        self.graded[resources["unique_key"]] = nb

    def _run_pass(
        self, nb: NotebookNode, resources: dict[str, Any], filename: str
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Run this pass's preprocessors on ``nb`` as nbconvert's exporter would, without its copies."""
        self._init_preprocessors()
        exporter = self.exporter
        path, basename = os.path.split(filename)
        when = os.path.getmtime(filename) if self._sanitizing else time.time()
        resources["metadata"] = ResourcesDict(
            name=os.path.splitext(basename)[0],
            path=path,
            modified_date=dt.datetime.fromtimestamp(when, tz=dt.UTC).strftime("%B %-d, %Y"),
        )
        passed: ResourcesDict = exporter._init_resources(resources)
        if "language" in nb["metadata"]:
            passed["language"] = nb["metadata"]["language"].lower()
        preprocessor = None
        for preprocessor in exporter._preprocessors:
            nb, passed = preprocessor(nb, passed)
        exporter._validate_preprocessor(nb, preprocessor)
        return nb, passed
