"""Module 8 teaches exactly the documented signals, weights, bands and cadence."""

from __future__ import annotations

import json

import pytest

from casebank import selfcheck
from grading.methods import planning as pl
from grading.methods import relationship as rel
from tests.conftest import ROOT
from tests.curriculum.completion import run_cells, run_completed

NOTEBOOK = ROOT / "curriculum" / "08_客户拜访与关系维护.ipynb"


def notebook_text() -> str:
    return "".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


@pytest.mark.parametrize("signal", rel.SIGNALS, ids=lambda s: s.code)
def test_signal_weight_is_taught_as_documented(signal: rel.Signal) -> None:
    assert f'"{signal.label_zh}": {signal.weight}' in notebook_text()


def test_risk_bands_are_taught_as_documented() -> None:
    text = notebook_text()
    assert f"s < {rel.HIGH_RISK_BELOW}" in text and f"s < {rel.MEDIUM_RISK_BELOW}" in text


def test_cadence_table_is_taught_as_documented() -> None:
    text = notebook_text()
    visits = [pl.VISITS_PER_YEAR[t] for t in pl.TIERS]
    days = [pl.INTERVAL_DAYS[t] for t in pl.TIERS]
    hours = [pl.HOURS_PER_VISIT[t] for t in pl.TIERS]
    assert f'"年拜访次数": {visits}' in text
    assert f'"间隔天数": {days}' in text
    assert f'"每次小时": {hours}' in text


SETUP = ["m08-02", "m08-04", "m08-05", "m08-07", "m08-08", "m08-09"]


def test_intended_completions_pass_for_every_client() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    for client in selfcheck.drawable_clients("m08"):
        health = run_completed(NOTEBOOK, "m08-x04", ["s", "present"], names, client)
        assert health.correct, (client, health.message)
        names["health_score"] = lambda c: int(names["health"][c])
        band = run_completed(NOTEBOOK, "m08-x06", ["60", "80"], names, client)
        assert band.correct, (client, band.message)


def test_swapped_band_boundaries_are_named() -> None:
    names = run_cells(NOTEBOOK, SETUP)
    names["health_score"] = lambda c: int(names["health"][c])
    results = [
        run_completed(NOTEBOOK, "m08-x06", ["61", "81"], names, c) for c in selfcheck.drawable_clients("m08")
    ]
    wrong = [r for r in results if not r.correct]
    assert wrong and all("边界" in r.message for r in wrong)
