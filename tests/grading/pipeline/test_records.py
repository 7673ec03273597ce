"""cm-academy's tables: a damaged gradebook is refused, an older one gains the new columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from grading.pipeline.gradebook import GradebookError
from grading.pipeline.records import open_engine, session


def test_an_empty_gradebook_file_is_refused_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.db"
    path.write_bytes(b"")
    with pytest.raises(GradebookError, match="restore it from a backup"):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == b""


def test_an_older_database_gains_the_audit_columns(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE cma_audit (id INTEGER PRIMARY KEY, at DATETIME, actor VARCHAR(128), action "
            "VARCHAR(64), exam VARCHAR(128), trainee VARCHAR(128), details TEXT, reason TEXT)"
        )
        db.execute(
            "INSERT INTO cma_audit VALUES (1, '2026-01-01 00:00:00', 'a', 'roster_import', '', 't', '{}', '')"
        )
    engine = open_engine(f"sqlite:///{path}")
    columns = {c["name"] for c in inspect(engine).get_columns("cma_audit")}
    assert {"seq", "prev_hash", "hash"} <= columns
    from grading.pipeline.audit import verify_trail

    with session(engine) as s:
        findings = [str(f) for f in verify_trail(s)]
    engine.dispose()
    assert findings and "not part of the chain" in findings[0]
