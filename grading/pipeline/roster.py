"""Importing the roster: trainees with id, name, email and org unit.

The file is checked whole before anything is written; every bad row is reported with its line
number, and the import then writes nbgrader's students and cm-academy's trainees in one
transaction, so a bad file imports nothing.

Every field is cleaned and checked the same way whatever the database: Unicode normalised to
NFC, spaces at either end stripped, and refused when too long or when it holds a control
character (NUL, line breaks, ...) or an invisible format character (text-direction overrides
that make a name display as something else, zero-width characters). Names and org units reach
certificates, the register and the HR portal, so they must read as what they are.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
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
#: Longest value of each field, in characters (after NFC normalisation).
MAX_LENGTH: Final = {"id": 64, "name": 100, "email": 254, "org_unit": 100}
#: Unicode categories refused anywhere: control (Cc) and format (Cf, incl. the bidi controls).
REFUSED_CATEGORIES: Final = {"Cc": "a control character", "Cf": "an invisible format character"}
#: Format characters that reorder displayed text (a subset of Cf, named apart in messages).
BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


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


def clean_text(raw: str) -> str:
    """A field as stored: NFC-normalised, spaces at either end stripped."""
    return unicodedata.normalize("NFC", raw).strip()


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def text_problem(field: str, value: str) -> str | None:
    """What makes a cleaned field unacceptable (refused characters, length, empty), or None.

    The message never repeats an over-long value or the refused character itself.
    """
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS:
            kind = "a text-direction control"
        elif category in REFUSED_CATEGORIES:
            kind = REFUSED_CATEGORIES[category]
        else:
            continue
        return f"{field} holds {kind} {_describe(char)} at character {position}; remove it"
    limit = MAX_LENGTH[field]
    if len(value) > limit:
        return f"{field} is {len(value)} characters long; at most {limit} are allowed"
    if not value:
        return f"{field} is empty"
    return None


def _row_problems(entry: RosterEntry) -> list[str]:
    """Every problem of one cleaned row (the duplicate check is the caller's)."""
    problems = []
    for field in COLUMNS:
        value = getattr(entry, field)
        problem = text_problem(field, value)
        if problem is None and field == "id" and not ID_PATTERN.match(value):
            problem = f"id {value!r} must be 1-64 letters, digits, '_', '.' or '-'"
        if problem is None and field == "email" and not EMAIL_PATTERN.match(value):
            problem = f"email {value!r} is not an e-mail address"
        if problem:
            problems.append(problem)
    return problems


def read_roster(path: Path) -> list[RosterEntry]:
    """Parse, clean and check a roster CSV (UTF-8, optional BOM).

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
            row = {h: clean_text(f) for h, f in zip(header, fields, strict=True)}
            entry = RosterEntry(row["id"], row["name"], row["email"], row["org_unit"])
            bad = _row_problems(entry)
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
    trainees = course.trainees()  # the whole roster, earlier imports included
    for exam in course.exams():
        course.write_variants(exam, trainees)
    return entries
