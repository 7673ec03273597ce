"""Appraisal: KPI score with cap, contribution rate, incentive bands and allocation."""

from __future__ import annotations

import pytest

from grading.methods import appraisal as ap


def kpis(*ratios: float) -> list[ap.Kpi]:
    weight = 1 / len(ratios)
    return [ap.Kpi("财务", f"k{i}", weight, r * 100, 100) for i, r in enumerate(ratios)]


def test_kpi_ratio_is_capped() -> None:
    assert ap.kpi_score(kpis(2.0, 1.0)) == 110.0


def test_a_negative_actual_counts_as_zero() -> None:
    assert ap.kpi_score(kpis(-0.5, 1.0)) == 50.0


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        ap.kpi_score([ap.Kpi("财务", "k", 0.5, 1, 1)])


def test_targets_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ap.kpi_score([ap.Kpi("财务", "k", 1.0, 1, 0)])


def test_contribution_rate_is_a_share_to_four_decimals() -> None:
    assert ap.contribution_rate(1, 3) == 0.3333


def test_contribution_rate_needs_a_positive_team_total() -> None:
    with pytest.raises(ValueError, match="positive"):
        ap.contribution_rate(5, -1)


@pytest.mark.parametrize(
    ("score", "band", "rate"),
    [
        (89.99, "未达标", 0.0),
        (90, "达标", 0.05),
        (100, "达标", 0.10),
        (110, "优秀", 0.15),
        (120, "优秀", 0.30),
    ],
)
def test_incentive_bands_and_rates(score: float, band: str, rate: float) -> None:
    assert ap.incentive_band(score) == band
    assert ap.bonus_rate(score) == rate


def test_bonus_is_base_pay_times_rate() -> None:
    assert ap.bonus_wan(100, 20) == 2.0


CLIENTS = [
    ap.AllocClient("C1", "新能源", "华北", 100.0),
    ap.AllocClient("C2", "新能源", "华东", 50.0),
]
MANAGERS = [
    ap.AllocManager("M1", "华北", ("新能源",), free_capacity=5, slots=1),
    ap.AllocManager("M2", "华东", (), free_capacity=9, slots=1),
    ap.AllocManager("M3", "华东", ("新能源",), free_capacity=1, slots=1),
]


def test_fit_weighs_expertise_three_and_region_two() -> None:
    assert [ap.fit(CLIENTS[0], m) for m in MANAGERS] == [5, 0, 3]


def test_greedy_serves_the_largest_client_first() -> None:
    assert ap.allocate_greedy(CLIENTS, MANAGERS) == {"C1": "M1", "C2": "M3"}


def test_greedy_ties_go_to_more_free_capacity() -> None:
    twins = [ap.AllocManager("M8", "华南", (), 2, 1), ap.AllocManager("M9", "华南", (), 7, 1)]
    assert ap.allocate_greedy(CLIENTS[:1], twins) == {"C1": "M9"}


def test_optimal_beats_greedy_when_the_first_choice_blocks_a_better_pair() -> None:
    clients = [ap.AllocClient("C1", "新能源", "华北", 100.0), ap.AllocClient("C2", "新能源", "华东", 1.0)]
    managers = [ap.AllocManager("M1", "华东", ("新能源",), 1, 1), ap.AllocManager("M2", "华北", (), 1, 1)]
    greedy = ap.allocate_greedy(clients, managers)
    assert greedy == {"C1": "M1", "C2": "M2"}
    mapping, total = ap.allocate_optimal(clients, managers)
    assert mapping == {"C1": "M2", "C2": "M1"} and total == 7


def test_too_few_slots_is_an_error() -> None:
    with pytest.raises(ValueError, match="fewer free slots"):
        ap.allocate_greedy(CLIENTS, MANAGERS[:1])
