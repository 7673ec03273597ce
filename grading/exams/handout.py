"""A trainee's exam handout: their own variant and the facts of their own clients, nothing else.

A handout is the folder ``<exam>/`` that the trainee's kernel finds under
``~/.cmacademy/exams/`` (see `casebank.exam`): ``variant.json`` (neutral role labels) and
``bank/``, a case bank holding only the rows about the trainee's portfolio plus the reference
tables. It is written on the assessor side per trainee and delivered to that trainee alone
(JupyterHub copies it into the trainee's home); the release all trainees fetch carries none.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from casebank.exam import HANDOUT_BANK, HANDOUT_VARIANT, Variant
from casebank.load import CaseBank
from casebank.manifest import bank_version, dump_json, sha256_file
from casebank.schema import MANIFEST_FILE, TABLES, Table

CLIENT_COLUMN: Final = "client_id"


@dataclass(frozen=True)
class _ClientRows:
    """A table's rows (jsonl: one field per row) and where each client's rows are, in file order."""

    header: list[str]
    rows: list[list[str]]
    positions: dict[str, list[int]]

    def about(self, clients: frozenset[str]) -> list[list[str]]:
        """The rows about ``clients``, in the order of the file."""
        found = sorted(i for client in clients for i in self.positions.get(client, ()))
        return [self.rows[i] for i in found]


@lru_cache(maxsize=32)
def _client_rows(path: Path, bank_version: str) -> _ClientRows:
    """A table's rows indexed by client, read once per bank version (each handout then takes its own)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = [[line] for line in text.splitlines() if line]
        header, clients = [], [str(json.loads(row[0])[CLIENT_COLUMN]) for row in rows]
    else:
        header, *rows = list(csv.reader(io.StringIO(text, newline="")))
        column = header.index(CLIENT_COLUMN)
        clients = [row[column] for row in rows]
    positions: dict[str, list[int]] = {}
    for i, client in enumerate(clients):
        positions.setdefault(client, []).append(i)
    return _ClientRows(header, rows, positions)


def _subset_table(bank: CaseBank, table: Table, clients: frozenset[str]) -> tuple[str, int] | None:
    """The table's rows about ``clients`` and their count; None for a reference table (kept whole)."""
    if CLIENT_COLUMN not in table.column_names:
        return None
    indexed = _client_rows(bank.directory / table.file, bank.version)
    kept = indexed.about(clients)
    if table.jsonl:
        return "".join(row[0] + "\n" for row in kept), len(kept)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(indexed.header)
    writer.writerows(kept)
    return out.getvalue(), len(kept)


@lru_cache(maxsize=32)
def _copied_digest(path: Path, bank_version: str) -> str:
    """The SHA-256 of a reference table every handout copies whole, hashed once per bank version."""
    return sha256_file(path)


def write_subset_bank(bank: CaseBank, clients: frozenset[str], target: Path) -> str:
    """Write the part of ``bank`` about ``clients`` (and its reference tables) to ``target``.

    Returns:
        The subset's bank version (its own: it is derived from the subset's files).
    """
    target.mkdir(parents=True)
    files: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        path = target / table.file
        subset = _subset_table(bank, table, clients)
        if subset is None:
            shutil.copyfile(bank.directory / table.file, path)
            digest = _copied_digest(bank.directory / table.file, bank.version)
            rows = int(bank.manifest["files"][table.file]["rows"])
        else:
            data = subset[0].encode("utf-8")
            path.write_bytes(data)
            digest, rows = hashlib.sha256(data).hexdigest(), subset[1]
        files[table.file] = {"sha256": digest, "rows": rows}
    version = bank_version({name: f["sha256"] for name, f in files.items()})
    manifest = {
        "schema_version": bank.manifest["schema_version"],
        "generator_version": bank.manifest["generator_version"],
        "seed": None,
        "as_of": bank.manifest["as_of"],
        "bank_version": version,
        "files": files,
    }
    (target / MANIFEST_FILE).write_text(dump_json(manifest), encoding="utf-8")
    return version


def write_handout(view: Variant, bank: CaseBank, folder: Path) -> Path:
    """Write one trainee's handout of one exam to ``folder`` (replaced whole, never half-written).

    Args:
        view: the variant as the trainee sees it (`grading.exams.assign.trainee_view`).
        bank: the exam pool the variant was drawn from.
        folder: the handout folder, e.g. ``.../<trainee>/<exam>``.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        version = write_subset_bank(bank, frozenset(view.portfolio), staged / HANDOUT_BANK)
        handed = Variant(
            view.exam,
            view.trainee,
            version,
            view.portfolio,
            view.roles,
            forms=view.forms,
            form_texts=view.form_texts,
        )
        (staged / HANDOUT_VARIANT).write_text(handed.to_json() + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staged.rename(folder)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return folder
