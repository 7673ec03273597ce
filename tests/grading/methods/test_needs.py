"""Stated and latent needs read from the notes and the data."""

from __future__ import annotations

import pandas as pd

from casebank.load import CaseBank, default_bank_dir, load_bank
from grading.methods import needs


def bank_with_notes(texts: list[str]) -> CaseBank:
    bank = load_bank(default_bank_dir(), validate=False)
    cid = str(bank.clients["client_id"].iloc[0])
    notes = pd.DataFrame(
        {
            "note_id": [f"N{i}" for i in range(len(texts))],
            "client_id": cid,
            "date": bank.as_of,
            "author": "M01",
            "kind": "拜访纪要",
            "text": texts,
        }
    )
    bank.tables["notes"] = notes
    return bank


def test_a_request_phrase_states_a_need() -> None:
    bank = bank_with_notes(["财务总监直接询问我行贸易融资的办理条件。"])
    cid = str(bank.clients["client_id"].iloc[0])
    assert needs.stated_needs(bank)[cid] == ["trade_finance"]


def test_a_product_merely_mentioned_is_not_stated() -> None:
    bank = bank_with_notes(["客户已将代发工资业务转到其他银行办理。"])
    cid = str(bank.clients["client_id"].iloc[0])
    assert needs.stated_needs(bank)[cid] == []


def test_a_stated_need_is_not_latent(bank: CaseBank) -> None:
    stated, latent = needs.stated_needs(bank), needs.latent_needs(bank)
    assert all(not set(stated[c]) & set(latent[c]) for c in stated)
