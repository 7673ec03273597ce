"""Module 8 teaches exactly the documented signals, weights, bands and cadence."""

from __future__ import annotations

import json

import pytest

from grading.methods import planning as pl
from grading.methods import relationship as rel
from tests.conftest import ROOT

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
