"""A table's rows about some clients come from an index of client rows, as a scan would find them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casebank import load as load_module
from casebank.load import CaseBank, ClientRows, default_bank_dir, load_bank, preload

SOME: tuple[str, ...] = ("C0003", "C0001", "C0003", "X-none")


def scanned(frame: pd.DataFrame, client_ids: tuple[str, ...]) -> pd.DataFrame:
    return frame[frame["client_id"].isin(client_ids)]


@pytest.mark.parametrize("name", ["clients", "people", "transactions", "notes", "holdings"])
def test_rows_about_clients_equal_a_scan_of_the_table(bank: CaseBank, name: str) -> None:
    # Duplicated and unknown ids are allowed, as in isin; order and index labels are the table's.
    pd.testing.assert_frame_equal(bank.rows_about(name, SOME), scanned(bank.tables[name], SOME))


def test_no_known_client_gives_no_rows_with_the_tables_columns(bank: CaseBank) -> None:
    rows = bank.rows_about("visits", ["X-none"])
    assert rows.empty
    assert list(rows.columns) == list(bank.visits.columns)


def test_the_index_is_rebuilt_when_the_tables_rows_change() -> None:
    bank = load_bank(validate=False)
    bank.rows_about("holdings", SOME)
    before = bank.client_rows["holdings"]
    bank.tables["holdings"] = bank.tables["holdings"].iloc[::-1]
    pd.testing.assert_frame_equal(bank.rows_about("holdings", SOME), scanned(bank.tables["holdings"], SOME))
    holdings = bank.tables["holdings"]
    holdings.loc[holdings.index.max() + 1] = holdings.loc[holdings["client_id"] == "C0003"].iloc[0]
    pd.testing.assert_frame_equal(bank.rows_about("holdings", SOME), scanned(bank.tables["holdings"], SOME))
    assert bank.client_rows["holdings"] is not before


def test_a_preloaded_bank_is_indexed_and_shared_without_copying_its_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(load_module, "_PRELOADED", {})
    preload()
    first, second = load_bank(validate=False), load_bank(validate=False)
    shared = load_module._PRELOADED[default_bank_dir().resolve()]
    assert set(first.client_rows) == {n for n, f in first.tables.items() if "client_id" in f.columns}
    assert all(
        isinstance(rows, ClientRows) and rows.holds(first.tables[n]) for n, rows in first.client_rows.items()
    )
    # New frames on the same data: columns added to one are not in the other.
    first.tables["clients"]["mine"] = 1
    assert "mine" not in second.clients.columns and "mine" not in shared.clients.columns
    assert np.shares_memory(
        np.asarray(first.clients["client_id"].array), np.asarray(shared.clients["client_id"].array)
    )
    pd.testing.assert_frame_equal(second.rows_about("notes", SOME), scanned(shared.notes, SOME))
