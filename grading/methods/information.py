"""CRM information quality: the documented rule for stale key-people records.

A key person's record is stale when the person is still with the client (no ``left_on``),
has influence >= 4, and was last contacted more than 180 days before the as-of date.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank

STALE_CONTACT_DAYS: Final = 180
KEY_INFLUENCE_MIN: Final = 4


def stale_key_people(bank: CaseBank) -> pd.DataFrame:
    """Return the people rows whose records are stale under the rule above."""
    people = bank.people
    days = (bank.as_of - people["last_contact"]).dt.days
    mask = people["left_on"].isna() & (people["influence"] >= KEY_INFLUENCE_MIN) & (days > STALE_CONTACT_DAYS)
    stale: pd.DataFrame = people[mask]
    return stale


def stale_names(bank: CaseBank, client_id: str) -> list[str]:
    """Sorted names of one client's stale key people."""
    stale = stale_key_people(bank)
    return sorted(stale.loc[stale["client_id"] == client_id, "name"].astype(str))
