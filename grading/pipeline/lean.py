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

Both are used only by grading workers (`grading.pipeline.submission`); plain ``nbgrader
autograde`` is untouched, and the benchmark checks that scores stay identical to it.
"""

from __future__ import annotations

import threading
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

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

    `_add_score` and `_add_comment` are nbgrader's (0.9) without their commit; the session
    autoflushes, so each lookup sees the cells saved before it.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        """Save every graded cell's score and every answer cell's comment, then commit once."""
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            self.gradebook.db.commit()
        return nb, resources

    def _add_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        grade = self.gradebook.find_grade(
            cell.metadata["nbgrader"]["grade_id"], self.notebook_id, self.assignment_id, self.student_id
        )
        grade.auto_score, _ = utils.determine_grade(cell, self.log)
        # A manual grade, or no autograder score, needs a grader's review (as in nbgrader).
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None

    def _add_comment(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        comment = self.gradebook.find_comment(
            cell.metadata["nbgrader"]["grade_id"], self.notebook_id, self.assignment_id, self.student_id
        )
        unanswered = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
        comment.auto_comment = "No response." if unanswered and not utils.is_task(cell) else None
