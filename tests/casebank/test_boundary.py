"""The information boundary: no assessor key column or value anywhere under casebank/."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from casebank.load import CaseBank
from grading.methods.needs import NEEDS
from grading.methods.relationship import SIGNALS
from tests.conftest import KEY_DIR, ROOT

CASEBANK = ROOT / "casebank"


def casebank_texts() -> list[tuple[Path, str]]:
    out = []
    for path in sorted(CASEBANK.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            out.append((path, path.read_text(encoding="utf-8")))
    return out


def key_columns() -> list[str]:
    with (KEY_DIR / "truth.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    return [c for c in header if c != "client_id"]


def test_key_lives_on_the_assessor_side() -> None:
    assert (KEY_DIR / "truth.csv").is_file()
    assert not list(CASEBANK.rglob("truth.csv"))
    assert not list(CASEBANK.rglob("key_manifest.json"))


@pytest.mark.parametrize("column", key_columns())
def test_no_key_column_under_casebank(column: str) -> None:
    pattern = re.compile(rf"\b{re.escape(column)}\b")
    hits = [str(p.relative_to(ROOT)) for p, text in casebank_texts() if pattern.search(text)]
    assert hits == []


@pytest.mark.parametrize("code", [n.code for n in NEEDS] + [s.code for s in SIGNALS])
def test_no_key_value_under_casebank(code: str) -> None:
    pattern = re.compile(rf"\b{re.escape(code)}\b", re.IGNORECASE)
    hits = [str(p.relative_to(ROOT)) for p, text in casebank_texts() if pattern.search(text)]
    assert hits == []


def test_no_key_row_under_casebank() -> None:
    truth = pd.read_csv(KEY_DIR / "truth.csv", dtype=str, keep_default_na=False)
    rows = [",".join(r[1:]) for r in truth.itertuples(index=False) if r.latent_needs]
    texts = "\n".join(text for _, text in casebank_texts())
    assert rows and not [r for r in rows if r in texts]


def test_practice_and_exam_pools_are_disjoint_and_cover_the_bank(bank: CaseBank) -> None:
    practice = set(bank.pool("practice")["client_id"])
    exam = set(bank.pool("exam")["client_id"])
    assert practice and exam
    assert practice.isdisjoint(exam)
    assert practice | exam == set(bank.clients["client_id"])


def test_pools_are_split_within_strata(bank: CaseBank) -> None:
    strata = bank.clients.groupby(["industry", "size"], observed=True)["pool"]
    for (industry, size), pools in strata:
        if len(pools) >= 3:
            assert set(pools) == {"practice", "exam"}, (industry, size)
