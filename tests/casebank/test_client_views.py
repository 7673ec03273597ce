"""Trainee-side client views show practice clients only and mark departures."""

from __future__ import annotations

import pytest

from casebank.errors import BankError
from casebank.load import CaseBank
from casebank.teaching.client_views import client_card, org_chart, practice_clients


def test_dropdown_offers_practice_clients_only(bank: CaseBank) -> None:
    ids = {cid for _, cid in practice_clients(bank)}
    assert ids == set(bank.pool("practice")["client_id"])


def test_views_refuse_exam_pool_clients(bank: CaseBank) -> None:
    exam_client = str(bank.pool("exam")["client_id"].iloc[0])
    with pytest.raises(BankError, match="not in the practice set"):
        client_card(bank, exam_client)
    with pytest.raises(BankError, match="not in the practice set"):
        org_chart(bank, exam_client)


def test_org_chart_lists_every_person_and_marks_departures(bank: CaseBank) -> None:
    people = bank.people[bank.people["client_id"] == "C0053"]
    chart = org_chart(bank, "C0053")
    assert all(pid in chart for pid in people["person_id"])
    assert chart.count("【已离职") == int(people["left_on"].notna().sum())
