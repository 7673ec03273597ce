"""Loaders return typed DataFrames."""

from __future__ import annotations

import pandas as pd
import pytest

from casebank.errors import BankError
from casebank.load import CaseBank, split_list
from casebank.schema import TABLES


def test_every_table_is_loaded_with_its_columns(bank: CaseBank) -> None:
    for table in TABLES:
        frame = getattr(bank, table.name)
        assert list(frame.columns) == list(table.column_names)
        assert len(frame) == bank.manifest["files"][table.file]["rows"]


def test_dtypes_follow_the_schema(bank: CaseBank) -> None:
    c = bank.clients
    assert c["employees"].dtype == "int64"
    assert c["utilisation_pct"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(c["relationship_since"])
    assert isinstance(c["industry"].dtype, pd.CategoricalDtype)
    assert bank.people["is_primary_contact"].dtype == "bool"
    assert pd.api.types.is_datetime64_any_dtype(bank.people["left_on"])
    assert bank.people["left_on"].isna().any()
    assert c["investment_plan_wan"].isna().any()


def test_client_view_collects_its_rows(bank: CaseBank) -> None:
    view = bank.client("C0001")
    assert len(view["clients"]) == 1
    assert set(view["sales"]["year"]) == {2023, 2024, 2025}
    assert len(view["quarterly"]) == 8


def test_unknown_client_and_pool_are_errors(bank: CaseBank) -> None:
    with pytest.raises(BankError, match="unknown client 'X1'"):
        bank.client("X1")
    with pytest.raises(BankError, match="unknown pool"):
        bank.pool("secret")


def test_split_list() -> None:
    assert split_list("a;b") == ["a", "b"]
    assert split_list(None) == []
