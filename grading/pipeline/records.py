"""cm-academy's own tables in the gradebook database, beside nbgrader's.

- ``cma_trainee``: the roster's fields nbgrader has no column for (org unit);
- ``cma_grading``: one row per (exam, trainee) submission: its grading status and reason;
- ``cma_decision``: the current certification decision per (exam, trainee);
- ``cma_progress``: trainees' collected self-check and module events (`grading.pipeline.progress`);
- ``cma_sitting``: each sitting of an exam per trainee, for the retake and time rules;
- ``cma_marking``: first, second and adjudicated per-criterion marks of manual items
  (`grading.pipeline.marking`);
- ``cma_audit``: an append-only trail of every change (who, when, what, why), chained by hash
  with its head signed in ``cma_audit_head`` (`grading.pipeline.audit`). Triggers make UPDATE and
  DELETE on it fail in SQLite and PostgreSQL alike; the chain detects what gets past them.

Columns added since a database was created are added when it is opened (all nullable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import DateTime, Float, Integer, String, Text, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from grading.pipeline.gradebook import GradebookError, check_gradebook_file

SQLITE_BUSY_MS: Final = 60_000


class Base(DeclarativeBase):
    """Declarative base of cm-academy's tables (kept apart from nbgrader's)."""


class Trainee(Base):
    """Roster fields beyond nbgrader's student table."""

    __tablename__ = "cma_trainee"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    email: Mapped[str] = mapped_column(String(256))
    org_unit: Mapped[str] = mapped_column(String(256))


class GradingRecord(Base):
    """The grading state of one submission."""

    __tablename__ = "cma_grading"
    exam: Mapped[str] = mapped_column(String(128), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    late_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Decision(Base):
    """The current certification decision of one trainee for one exam."""

    __tablename__ = "cma_decision"
    exam: Mapped[str] = mapped_column(String(128), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float] = mapped_column(Float)
    competencies: Mapped[str] = mapped_column(Text)
    certificate_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    issued_on: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    expires_on: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    audit_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Hash of the audit entry that made this state (`grading.pipeline.audit`)."""


class ProgressRecord(Base):
    """One collected event of a trainee's progress file (`casebank.progress`)."""

    __tablename__ = "cma_progress"
    trainee: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the event's canonical JSON: collecting the same file twice adds nothing."""
    event: Mapped[str] = mapped_column(String(32))
    module: Mapped[str] = mapped_column(String(8), default="")
    exercise: Mapped[str] = mapped_column(String(128), default="")
    exam: Mapped[str] = mapped_column(String(128), default="")
    passed: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    collected_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Sitting(Base):
    """One sitting of an exam by a trainee: a gradebook submission that certify decided on."""

    __tablename__ = "cma_sitting"
    exam: Mapped[str] = mapped_column(String(128), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(128), primary_key=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    level: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    """The decision for this sitting: pending, certified, failed or refused (retake rules)."""
    reason: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    start_source: Mapped[str] = mapped_column(String(64), default="")
    time_waived: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)


class MarkRecord(Base):
    """One marker's score for one criterion of one trainee's script (round: first, second, final)."""

    __tablename__ = "cma_marking"
    exam: Mapped[str] = mapped_column(String(128), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(128), primary_key=True)
    round: Mapped[str] = mapped_column(String(16), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(128), primary_key=True)
    marker: Mapped[str] = mapped_column(String(256))
    score: Mapped[float] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One line of the append-only audit trail."""

    __tablename__ = "cma_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    exam: Mapped[str] = mapped_column(String(128))
    trainee: Mapped[str] = mapped_column(String(128))
    details: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditHead(Base):
    """The signed head of the audit chain: its last sequence number and hash (one row)."""

    __tablename__ = "cma_audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(256))
    key_fingerprint: Mapped[str] = mapped_column(String(64))


_TRIGGERS: Final = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS cma_audit_no_update BEFORE UPDATE ON cma_audit "
        "BEGIN SELECT RAISE(ABORT, 'cma_audit is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS cma_audit_no_delete BEFORE DELETE ON cma_audit "
        "BEGIN SELECT RAISE(ABORT, 'cma_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION cma_audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'cma_audit is append-only'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS cma_audit_no_change ON cma_audit",
        "CREATE TRIGGER cma_audit_no_change BEFORE UPDATE OR DELETE ON cma_audit "
        "FOR EACH ROW EXECUTE FUNCTION cma_audit_append_only()",
    ],
}


def _sqlite_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.close()


def _add_missing_columns(engine: Engine) -> None:
    """Add the columns of cm-academy's tables that an older database lacks (all nullable)."""
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))


def open_engine(db_url: str) -> Engine:
    """Connect to the gradebook database and make sure cm-academy's tables exist.

    Raises:
        GradebookError: an SQLite gradebook that is empty, truncated or damaged (it is never
            recreated), or a database that cannot be reached.
    """
    check_gradebook_file(db_url)
    engine = create_engine(db_url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_busy_timeout)
    try:
        Base.metadata.create_all(engine)
        _add_missing_columns(engine)
        with engine.begin() as conn:
            for statement in _TRIGGERS.get(engine.dialect.name, []):
                conn.execute(text(statement))
    except DatabaseError as exc:
        engine.dispose()
        raise GradebookError(
            f"gradebook {make_url(db_url).render_as_string(hide_password=True)}: cannot be opened "
            f"({type(exc.orig).__name__}: {str(exc.orig).strip()[:200]}); if it is an SQLite file, restore "
            "it from a backup; if it is a server, check that it runs and that this user may connect."
        ) from None
    return engine


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A session whose changes commit together at the end, or not at all."""
    with Session(engine, future=True) as s, s.begin():
        yield s


def now() -> dt.datetime:
    """The current time (UTC, naive, as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def audit(
    s: Session, action: str, exam: str, trainee: str, details: dict[str, Any], reason: str = ""
) -> AuditEntry:
    """Append one entry to the chained audit trail (in the caller's transaction)."""
    from grading.pipeline.audit import append

    return append(s, action, exam, trainee, details, reason)
