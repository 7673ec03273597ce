"""Loaders: the case bank as pandas DataFrames with proper dtypes.

>>> from casebank import load_bank
>>> bank = load_bank()
>>> bank.clients.loc[bank.clients["pool"] == "practice", ["client_id", "name"]].head()
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casebank import vocab
from casebank.errors import BankError
from casebank.manifest import read_manifest
from casebank.schema import TABLES, Column, Kind, Table
from casebank.validate import validate_bank


def default_bank_dir() -> Path:
    """Return the directory of the canonical bank shipped with the package."""
    return Path(__file__).resolve().parent / "data"


def _convert(column: Column, raw: pd.Series) -> pd.Series:
    values = raw.replace("", None)
    if column.kind is Kind.INT:
        return values.astype("int64") if column.required else values.astype("Int64")
    if column.kind is Kind.FLOAT:
        return values.astype("float64")
    if column.kind is Kind.DATE:
        return pd.to_datetime(values, format="%Y-%m-%d")
    if column.kind is Kind.BOOL:
        return values.map({"true": True, "false": False}).astype("bool")
    if column.choices and not column.is_list:
        return values.astype(pd.CategoricalDtype(list(column.choices)))
    return values.astype("string")


def read_frame(directory: Path, table: Table) -> pd.DataFrame:
    """Read one table into a DataFrame typed by the schema (no validation)."""
    path = directory / table.file
    if table.jsonl:
        lines = path.read_text(encoding="utf-8").splitlines()
        raw = pd.DataFrame([json.loads(line) for line in lines if line], columns=table.column_names)
        raw = raw.astype(str)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = pd.DataFrame({c.name: _convert(c, raw[c.name]) for c in table.columns})
    frame.attrs["description"] = table.description
    return frame


def _client_ids(frame: pd.DataFrame) -> np.ndarray:
    """A table's client ids as an array on the table's own data (no copy for string columns)."""
    return np.asarray(frame["client_id"].array)


@dataclass(frozen=True)
class ClientRows:
    """Where each client's rows are in one table: a lookup instead of a scan of the whole table."""

    column: np.ndarray
    """The client ids the positions were read from; kept, so that its memory is not reused."""
    positions: dict[str, np.ndarray]
    """Client id -> positions of its rows, ascending."""

    @classmethod
    def of(cls, frame: pd.DataFrame) -> ClientRows:
        """Index a table with a ``client_id`` column."""
        groups = frame.groupby("client_id", sort=False).indices
        return cls(_client_ids(frame), {str(k): np.asarray(v) for k, v in groups.items()})

    def holds(self, frame: pd.DataFrame) -> bool:
        """Whether the positions still describe ``frame``: its client ids are the same array in memory.

        A shallow copy of the table shares it; a table re-ordered, filtered or extended has a new
        one. (Client ids changed in place, one by one, are not noticed.)
        """
        ids = _client_ids(frame)
        return len(ids) == len(self.column) and _address(ids) == _address(self.column)


def _address(values: np.ndarray) -> int:
    return int(values.__array_interface__["data"][0])


@dataclass
class CaseBank:
    """The whole case bank: one DataFrame per table plus the manifest."""

    directory: Path
    """Where the bank was read from."""
    manifest: dict[str, Any]
    """The parsed ``manifest.json`` (seed, versions, checksums)."""
    tables: dict[str, pd.DataFrame] = field(repr=False)
    """Table name -> DataFrame."""
    client_rows: dict[str, ClientRows] = field(default_factory=dict, repr=False, compare=False)
    """Table name -> where each client's rows are (built on first use; see `rows_about`)."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables: dict[str, pd.DataFrame] = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def version(self) -> str:
        """The bank version (changes whenever any file changes)."""
        return str(self.manifest["bank_version"])

    @property
    def as_of(self) -> pd.Timestamp:
        """The date at which the bank's facts are stated."""
        return pd.Timestamp(self.manifest["as_of"])

    def pool(self, pool: str) -> pd.DataFrame:
        """Return the clients of one pool: ``"practice"`` or ``"exam"``."""
        if pool not in vocab.POOLS:
            raise BankError(f"unknown pool {pool!r}; choose one of {', '.join(vocab.POOLS)}")
        return self.clients[self.clients["pool"] == pool].reset_index(drop=True)

    def rows_about(self, name: str, client_ids: Iterable[str]) -> pd.DataFrame:
        """Return the rows of table ``name`` about ``client_ids``, in the table's order, index kept.

        The same rows as ``frame[frame["client_id"].isin(client_ids)]``, found through an index of
        each client's row positions (built on first use, and again whenever the table's
        ``client_id`` column was replaced or rows were added or dropped). An exam kernel forked
        from the grader's kernel host finds the index built: it reads no whole table, so it
        copies none of the host's memory to look up its portfolio.
        """
        frame = self.tables[name]
        rows = self.client_rows.get(name)
        if rows is None or not rows.holds(frame):
            rows = self.client_rows[name] = ClientRows.of(frame)
        parts = [rows.positions[c] for c in dict.fromkeys(client_ids) if c in rows.positions]
        positions = np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.intp)
        return frame.take(positions)

    def index_clients(self) -> None:
        """Build every table's index of client rows now (see `rows_about`)."""
        for name, frame in self.tables.items():
            if "client_id" in frame.columns and name not in self.client_rows:
                self.client_rows[name] = ClientRows.of(frame)

    def client(self, client_id: str) -> dict[str, pd.DataFrame]:
        """Return every table's rows about one client (``clients`` has one row)."""
        if client_id not in set(self.clients["client_id"]):
            raise BankError(f"unknown client {client_id!r}; ids look like C0001")
        return {
            name: frame[frame["client_id"] == client_id].reset_index(drop=True)
            for name, frame in self.tables.items()
            if "client_id" in frame.columns
        }


def load_bank(directory: Path | str | None = None, *, validate: bool = True) -> CaseBank:
    """Load a case bank.

    Args:
        directory: bank directory; the canonical bank shipped with the package by default.
        validate: check schema, references and checksums first (raise on any problem).

    Returns:
        The bank, every table typed by the schema.

    Raises:
        BankValidationError: ``validate`` is true and the bank has problems.
    """
    path = Path(directory) if directory is not None else default_bank_dir()
    if validate:
        validate_bank(path)
    elif (preloaded := _PRELOADED.get(path.resolve())) is not None:
        # New frames on the preloaded data, not copies of it: a deep copy touched every value, and
        # in a kernel forked from the grader's host that copied most of the host's memory pages.
        tables = {name: frame.copy(deep=False) for name, frame in preloaded.tables.items()}
        return CaseBank(path, copy.deepcopy(preloaded.manifest), tables, dict(preloaded.client_rows))
    manifest = read_manifest(path)
    tables = {t.name: read_frame(path, t) for t in TABLES}
    return CaseBank(path, manifest, tables)


#: Banks read ahead of time by `preload`: resolved directory -> bank.
_PRELOADED: dict[Path, CaseBank] = {}


def preload(directory: Path | str | None = None) -> None:
    """Read and index a bank now; later ``load_bank(directory, validate=False)`` calls share it.

    The grader's kernel host calls this once before it forks kernels, whose bank files are
    read-only. Each later call returns new DataFrames on the preloaded data (shallow copies): a
    column added to one is not seen by another, but a value changed in place is. That is safe
    where preloading is used: each grading kernel is a fresh fork of the host, so no change
    outlives one kernel.
    """
    path = Path(directory) if directory is not None else default_bank_dir()
    bank = load_bank(path, validate=False)
    bank.index_clients()
    _PRELOADED[path.resolve()] = bank


def split_list(value: object) -> list[str]:
    """Split a ``;``-separated list field into its items (empty for a missing value)."""
    if value is None or value is pd.NA or value == "":
        return []
    return str(value).split(";")
