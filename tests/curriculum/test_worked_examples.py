"""The worked examples of modules 1-5 state what the shipped bank shows.

The narrative around a worked example quotes facts of one client; when the bank is regenerated,
these tests name the sentence that no longer holds.
"""

from __future__ import annotations

import json
from pathlib import Path

from casebank.load import CaseBank
from grading.methods import crm_quality, information, organisation, value
from tests.curriculum.test_notebooks import CURRICULUM


def text_of(prefix: str) -> str:
    notebook: Path = next(CURRICULUM.glob(f"{prefix}_*.ipynb"))
    return "".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def test_module_1_example_recommends_the_stated_model(bank: CaseBank) -> None:
    row = bank.clients[bank.clients["client_id"] == "C0168"].iloc[0]
    assert organisation.recommend_model(organisation.firm_profile(row)) == organisation.MODEL_POST
    assert "增设独立的大客户经理岗位**（第二种）" in text_of("01")


def test_module_2_example_complaint_is_an_open_fee_dispute_past_sixty_days(bank: CaseBank) -> None:
    k = bank.complaints.set_index("complaint_id").loc["C0064-K02"]
    assert (k["category"], k["status"], bool(k["escalated"])) == ("收费争议", "处理中", True)
    assert (bank.as_of - k["received_on"]).days > 60
    assert "投诉到分行" in bank.client("C0064")["notes"]["text"].iloc[-1]


def test_module_3_examples_have_the_stated_defects(bank: CaseBank) -> None:
    assert len(information.stale_names(bank, "C0053")) == 3
    assert len(crm_quality.records_to_fix(bank, "C0208")) == 4
    defects = crm_quality.record_defects(bank)
    c0208 = defects.loc[[p for p in defects.index if p.startswith("C0208-")]]
    assert c0208.sum().to_dict() == {
        "stale_key_contact": 2,
        "reports_to_departed": 1,
        "contact_after_departure": 1,
    }


def test_module_4_example_scores_and_tiers(bank: CaseBank) -> None:
    practice = bank.pool("practice")
    north = sorted(practice.loc[practice["region"] == "华北", "client_id"])
    rfm = value.rfm(bank, north)
    assert [int(rfm[s]["C0053"]) for s in ("r_score", "f_score", "m_score")] == [2, 3, 4]
    assert value.abc_tiers(value.our_revenue(bank)[north])["C0053"] == "A"
    assert value.abc_tiers(value.our_revenue(bank)[sorted(practice["client_id"])])["C0053"] == "B"
    assert "RFM 为 2-3-4" in text_of("04")


def test_module_5_example_wallet_and_potential(bank: CaseBank) -> None:
    c = bank.clients.set_index("client_id")
    assert (int(c["n_banks"]["C0053"]), int(c["our_bank_rank"]["C0053"])) == (3, 2)
    assert value.development_potential(bank).loc["C0053", "potential_score"] == 65
    assert "合作银行 3 家、我行排第 2" in text_of("05")
