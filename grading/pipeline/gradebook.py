"""nbgrader's gradebook and command line, called with this interpreter's tools on PATH.

An SQLite gradebook is checked before it is opened (`check_gradebook_file`): SQLite would
silently turn an empty file into a new, empty gradebook, and a damaged one fails deep inside
nbgrader. Both become a `GradebookError` that names the file and says to restore it from a
backup; cm-academy never recreates a gradebook that holds, or held, grades.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from casebank.errors import CmAcademyError

if TYPE_CHECKING:
    from nbgrader.api import Gradebook

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_MAGIC: Final = b"SQLite format 3\x00"
#: Length of the SQLite database header (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER_SIZE: Final = 100
#: Files beside an SQLite database from which SQLite finishes or undoes an interrupted write.
RECOVERY_SUFFIXES: Final = ("-wal", "-journal")
RESTORE_ADVICE: Final = (
    "restore it from a backup (cm-academy never recreates a gradebook, so no grades are lost silently)"
)


class GradebookError(CmAcademyError):
    """The gradebook cannot be opened: missing server, empty, damaged or not a database."""


def tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts first on PATH (nbgrader calls alembic)."""
    bin_dir = str(Path(sys.executable).parent)
    return os.environ | {
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "PYTHONUNBUFFERED": "1",
    }


def sqlite_path(db_url: str) -> Path | None:
    """The file of an SQLite gradebook URL; None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # an SQLite URI filename (``?uri=true``)
        database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:":
            return None
    return Path(database)


def _header_problem(header: bytes, size: int) -> str | None:
    """What is wrong with an SQLite file of ``size`` bytes whose header is ``header``, or None."""
    if size == 0:
        return "is empty (0 bytes), not a gradebook"
    if size < SQLITE_HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        return f"is not an SQLite database ({size} bytes that do not start with 'SQLite format 3')"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    pages_valid = header[24:28] == header[92:96]  # the page count is trusted only then (file format §1.3.8)
    if pages_valid and pages and size < page_size * pages:
        return f"is truncated ({size} bytes; its header says {page_size * pages})"
    return None


def _has_recovery_file(path: Path) -> bool:
    """Whether a write-ahead log or a hot journal beside ``path`` may complete or undo a write."""
    return any(
        (side := path.with_name(path.name + suffix)).is_file() and side.stat().st_size > 0
        for suffix in RECOVERY_SUFFIXES
    )


def check_gradebook_file(db_url: str) -> None:
    """Refuse an SQLite gradebook file that is empty, truncated or not a database.

    A no-op for server databases (PostgreSQL, ...), for in-memory SQLite and for a file that
    does not exist yet (a new course creates it).

    Raises:
        GradebookError: naming the file, what is wrong and that it must be restored from a backup.
    """
    path = sqlite_path(db_url)
    if path is None or not path.exists():
        return
    try:
        with path.open("rb") as f:
            header = f.read(SQLITE_HEADER_SIZE)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise GradebookError(
            f"gradebook {path}: cannot be read ({exc.strerror}); check that it is a file this user may read."
        ) from None
    problem = _header_problem(header, size)
    if problem and problem.startswith("is truncated") and _has_recovery_file(path):
        return  # SQLite replays or rolls back an interrupted write from it when the file is opened
    if problem:
        raise GradebookError(f"gradebook {path} {problem}; {RESTORE_ADVICE}.")


def gradebook(db_url: str) -> Gradebook:
    """Open nbgrader's gradebook (creating its tables; nbgrader calls alembic from PATH).

    Raises:
        GradebookError: the SQLite file is empty, truncated or damaged, or the database cannot
            be reached.
    """
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import DatabaseError

    check_gradebook_file(db_url)
    try:
        with environment(PATH=tool_env()["PATH"]):
            return Gradebook(db_url)
    except DatabaseError as exc:
        raise _open_error(db_url, exc) from None


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration, then restore each exactly as it was.

    Use this instead of ``nbgrader.utils.setenv``, which deletes every variable it set
    afterwards (it looks up the old value under the wrong key) and restores nothing after an
    error: PATH disappeared from the process after the first gradebook was opened.
    """
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _open_error(db_url: str, exc: Exception) -> GradebookError:
    """The error to report when the database driver refused to open the gradebook."""
    from sqlalchemy.engine import make_url

    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    path = sqlite_path(db_url)
    if path is not None:
        return GradebookError(f"gradebook {path} is damaged ({reason}); {RESTORE_ADVICE}.")
    shown = make_url(db_url).render_as_string(hide_password=True)
    return GradebookError(
        f"gradebook {shown} cannot be opened ({reason}); check that the server runs and the URL "
        "(--db-url) names an existing database this user may write."
    )


def run_nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the course root ``root`` with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=tool_env(),
    )


def create_gradebook(db_url: str) -> bool:
    """Create nbgrader's gradebook tables in an empty database, stamped with nbgrader's schema head.

    nbgrader's `Gradebook` creates the same tables itself but asks the ``alembic`` command for
    the schema head (a new interpreter, about 2 s); here alembic is asked in-process. A
    database that already holds tables is left alone: opening it with `gradebook` keeps
    nbgrader's own handling of existing gradebooks.

    Returns:
        Whether the gradebook was created (False: it held tables, or the server is unreachable).
    """
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    path = sqlite_path(db_url)
    if path is not None and path.exists():
        return False  # an existing gradebook: `gradebook` checks it and opens it
    engine = create_engine(db_url, future=True)
    try:
        if inspect(engine).get_table_names():
            return False
    except SQLAlchemyError:
        engine.dispose()
        return False  # unreachable server: the first `gradebook` call reports it with advice
    try:
        head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
        with engine.begin() as conn:
            Base.metadata.create_all(bind=conn)
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})
    finally:
        engine.dispose()
    return True
