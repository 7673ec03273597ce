"""Importing the roster: trainees with id, name, email and org unit.

The file is checked whole before anything is written; every bad row is reported with its line
number, and the import then writes nbgrader's students and cm-academy's trainees in one
transaction, so a bad file imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from casebank.errors import CmAcademyError
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import Trainee, audit, open_engine, session

COLUMNS: Final = ("id", "name", "email", "org_unit")
ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EMAIL_PATTERN: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RosterError(CmAcademyError):
    """The roster file has problems; nothing was imported."""


@dataclass(frozen=True)
class RosterEntry:
    """One trainee of the roster."""

    id: str
    """Trainee id; becomes the nbgrader student id (letters, digits, ``_.-``)."""
    name: str
    """Full name."""
    email: str
    """E-mail address."""
    org_unit: str
    """Organisation unit (branch, department)."""


def read_roster(path: Path) -> list[RosterEntry]:
    """Parse and check a roster CSV (UTF-8, optional BOM).

    Raises:
        RosterError: listing every bad row as ``FILE line N: ...``.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: roster file not found.") from None
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: not UTF-8 text ({exc.reason}); save the roster as UTF-8 CSV.") from None
    problems: list[str] = []
    entries: list[RosterEntry] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(
            f"{path} line 1: missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}."
        )
    seen: dict[str, int] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                problems.append(
                    f"{path.name} line {line}: expected {len(header)} fields, found {len(fields)}"
                )
                continue
            row = {h: f.strip() for h, f in zip(header, fields, strict=True)}
            entry = RosterEntry(row["id"], row["name"], row["email"], row["org_unit"])
            bad = []
            if not ID_PATTERN.match(entry.id):
                bad.append(f"id {entry.id!r} must be 1-64 letters, digits, '_', '.' or '-'")
            if not entry.name:
                bad.append("name is empty")
            if not EMAIL_PATTERN.match(entry.email):
                bad.append(f"email {entry.email!r} is not an e-mail address")
            if not entry.org_unit:
                bad.append("org_unit is empty")
            if entry.id in seen:
                bad.append(f"id {entry.id!r} repeats line {seen[entry.id]}")
            if bad:
                problems.append(f"{path.name} line {line}: " + "; ".join(bad))
                continue
            seen[entry.id] = line
            entries.append(entry)
    except csv.Error as exc:
        problems.append(f"{path.name} line {reader.line_num}: malformed CSV ({exc})")
    if problems:
        raise RosterError(
            f"{path}: {len(problems)} bad row(s); nothing was imported:\n  " + "\n  ".join(problems)
        )
    if not entries:
        raise RosterError(f"{path}: no trainees in the file.")
    return entries


def import_roster(course: Course, path: Path) -> list[RosterEntry]:
    """Import a roster into the course's gradebook and refresh every exam's variants.

    Returns:
        The imported entries.

    Raises:
        RosterError: the file has problems (nothing is written).
    """
    from nbgrader.api import Student

    entries = read_roster(path)
    url = course.db_url
    gradebook(url).close()
    engine = open_engine(url)
    with session(engine) as s:
        for e in entries:
            s.merge(Student(id=e.id, first_name="", last_name=e.name, email=e.email))
            s.merge(Trainee(id=e.id, name=e.name, email=e.email, org_unit=e.org_unit))
            audit(s, "roster_import", "", e.id, {"name": e.name, "org_unit": e.org_unit}, reason=str(path))
    engine.dispose()
    for exam in course.exams():
        course.write_variants(exam)
    return entries
