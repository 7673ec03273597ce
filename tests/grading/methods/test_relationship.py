"""Health score and risk bands."""

from __future__ import annotations

import pandas as pd
import pytest

from grading.methods import relationship as rel


@pytest.mark.parametrize(
    ("score", "band"), [(100, "低"), (80, "低"), (79, "中"), (60, "中"), (59, "高"), (0, "高")]
)
def test_risk_band_boundaries(score: int, band: str) -> None:
    assert rel.risk_band(score) == band


def test_health_score_subtracts_weights_of_present_signals() -> None:
    signals = pd.DataFrame(
        [[True, False, True, False, False, False, False], [False] * 7],
        columns=[s.code for s in rel.SIGNALS],
        index=["C1", "C2"],
    )
    assert rel.health_score(signals).to_dict() == {"C1": 55, "C2": 100}


def test_weights_add_up_to_100() -> None:
    assert sum(s.weight for s in rel.SIGNALS) == 100
