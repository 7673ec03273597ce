"""CRM record quality (curriculum module 3): which people records need fixing.

The staleness rule is `grading.methods.information`'s (an active key person, influence >= 4,
last contacted more than 180 days before the as-of date). Two more defects come from people
who left the client, all as of the bank's date:

- ``reports_to_departed``: an active person reports to someone who has left (the reporting
  line, and with it the decision chain, was not updated);
- ``contact_after_departure``: a person who left has a last contact dated after ``left_on``
  (the contact was logged against the wrong person).

A person is *active* when ``left_on`` is empty; key people are the active people with
influence >= 4.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods.information import KEY_INFLUENCE_MIN, stale_key_people

DEFECTS: Final = ("stale_key_contact", "reports_to_departed", "contact_after_departure")


def key_people(bank: CaseBank, client_id: str) -> list[str]:
    """Return the person ids of a client's key people (active, influence >= 4), in id order."""
    p = bank.people
    chosen = p[(p["client_id"] == client_id) & p["left_on"].isna() & (p["influence"] >= KEY_INFLUENCE_MIN)]
    return sorted(chosen["person_id"].astype(str))


def record_defects(bank: CaseBank) -> pd.DataFrame:
    """Return one row per person (index person_id), one boolean column per defect in `DEFECTS`."""
    p = bank.people.set_index(bank.people["person_id"].astype(str))
    active = p["left_on"].isna()
    departed = set(p.index[~active])
    frame = pd.DataFrame(
        {
            "stale_key_contact": p.index.isin(stale_key_people(bank)["person_id"].astype(str)),
            "reports_to_departed": active & p["reports_to"].astype(object).isin(departed),
            "contact_after_departure": ~active & (p["last_contact"] > p["left_on"]),
        },
        index=p.index,
    )
    return frame.astype(bool)


def records_to_fix(bank: CaseBank, client_id: str) -> list[str]:
    """Return the person ids of a client with at least one defect, in id order."""
    of_client = bank.people.loc[bank.people["client_id"] == client_id, "person_id"].astype(str)
    flagged = record_defects(bank).loc[list(of_client)].any(axis=1)
    return sorted(flagged[flagged].index)
