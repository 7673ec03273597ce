"""The bank is internally consistent and its planted truth shows in the facts."""

from __future__ import annotations

import pandas as pd

from casebank.load import CaseBank
from grading.methods import needs, relationship
from grading.methods.needs import NEEDS_BY_CODE
from tests.conftest import KEY_DIR


def truth() -> pd.DataFrame:
    return pd.read_csv(KEY_DIR / "truth.csv", dtype=str, keep_default_na=False).set_index("client_id")


def test_latent_needs_in_the_key_are_exactly_those_the_data_shows(bank: CaseBank) -> None:
    shown = needs.needs_shown_in_data(bank)
    key = truth()
    for cid, codes in shown.items():
        assert ";".join(codes) == key.at[cid, "latent_needs"], cid


def test_churn_signals_in_the_key_are_exactly_those_the_data_shows(bank: CaseBank) -> None:
    signals = relationship.churn_signals(bank)
    scores = relationship.health_score(signals)
    key = truth()
    for cid in signals.index:
        found = [s.code for s in relationship.SIGNALS if signals.at[cid, s.code]]
        assert ";".join(found) == key.at[cid, "churn_signals"], cid
        assert str(scores[cid]) == key.at[cid, "health_score"]
        assert relationship.risk_band(int(scores[cid])) == key.at[cid, "churn_risk"]


def test_stated_needs_are_said_in_the_notes(bank: CaseBank) -> None:
    key = truth()
    text = bank.notes.groupby("client_id")["text"].apply("".join)
    for cid, row in key.iterrows():
        for code in filter(None, row["stated_needs"].split(";")):
            assert NEEDS_BY_CODE[code].product in text[cid], (cid, code)


def test_every_risk_band_and_many_latent_needs_occur(bank: CaseBank) -> None:
    key = truth()
    assert set(key["churn_risk"]) == {"高", "中", "低"}
    assert (key["latent_needs"] != "").sum() >= 100
    assert {c for v in key["latent_needs"] for c in v.split(";") if c} == set(NEEDS_BY_CODE)


def test_size_and_revenue_are_heavy_tailed(bank: CaseBank) -> None:
    revenue = bank.sales.loc[bank.sales["year"] == 2025, "revenue_wan"]
    assert revenue.max() > 100 * revenue.median()
    assert revenue.mean() > 2 * revenue.median()
    assert set(bank.clients["size"]) == {"大型", "中型", "小型", "微型"}


def test_visits_match_people_and_interactions(bank: CaseBank) -> None:
    visits = bank.visits.merge(bank.people[["person_id", "client_id"]], on="person_id", suffixes=("", "_p"))
    assert (visits["client_id"] == visits["client_id_p"]).all()
    per_q = bank.visits.assign(quarter=bank.visits["date"].dt.to_period("Q").astype(str))
    counts = per_q.groupby(["client_id", "quarter"], observed=True).size()
    q = bank.quarterly.set_index(["client_id", "quarter"])["interactions"]
    assert (counts <= q.reindex(counts.index)).all()


def test_last_contact_is_not_before_any_visit(bank: CaseBank) -> None:
    latest = bank.visits.groupby("person_id")["date"].max()
    people = bank.people.set_index("person_id")
    assert (people.loc[latest.index, "last_contact"] >= latest).all()
