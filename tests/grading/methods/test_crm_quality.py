"""CRM record defects: stale key people, reporting lines to departed people, contacts after leaving."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casebank.load import CaseBank
from grading.methods import crm_quality

AS_OF = pd.Timestamp("2026-06-30")


def people_bank(rows: list[dict[str, object]]) -> CaseBank:
    frame = pd.DataFrame(rows)
    for column in ("last_contact", "left_on"):
        frame[column] = pd.to_datetime(frame[column])
    return CaseBank(Path("tiny"), {"as_of": "2026-06-30", "bank_version": "tiny"}, {"people": frame})


def person(
    pid: str, *, influence: int = 4, days_ago: int = 10, left: str | None = None, boss: str | None = None
) -> dict[str, object]:
    return {
        "person_id": pid,
        "client_id": "C1",
        "influence": influence,
        "last_contact": AS_OF - pd.Timedelta(days=days_ago),
        "left_on": left,
        "reports_to": boss,
    }


def test_reporting_line_to_a_departed_person_needs_fixing() -> None:
    bank = people_bank([person("P1", left="2026-01-01", days_ago=400), person("P2", influence=2, boss="P1")])
    assert crm_quality.records_to_fix(bank, "C1") == ["P2"]


def test_contact_logged_after_departure_needs_fixing() -> None:
    bank = people_bank([person("P1", left="2026-01-01", days_ago=30)])
    assert crm_quality.record_defects(bank).loc["P1", "contact_after_departure"]


def test_stale_key_person_uses_the_180_day_rule() -> None:
    bank = people_bank(
        [person("P1", days_ago=181), person("P2", days_ago=180), person("P3", influence=3, days_ago=400)]
    )
    assert crm_quality.records_to_fix(bank, "C1") == ["P1"]


def test_key_people_are_active_with_influence_four_or_more() -> None:
    bank = people_bank(
        [person("P1"), person("P2", left="2026-01-01", days_ago=400), person("P3", influence=3)]
    )
    assert crm_quality.key_people(bank, "C1") == ["P1"]
