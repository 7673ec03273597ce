"""Key-account portfolio: factor bands, weighted scores, quadrants and relationship stages."""

from __future__ import annotations

import pytest

from casebank.load import CaseBank
from grading.methods import portfolio as pf


@pytest.mark.parametrize(("value", "score"), [(999.99, 1), (1_000.0, 2), (19_999.0, 3), (100_000.0, 5)])
def test_a_threshold_is_the_lower_bound_of_its_score(value: float, score: int) -> None:
    assert pf.banded_score(value, pf.REVENUE_BOUNDS_WAN) == score


def test_negative_growth_scores_one() -> None:
    assert pf.banded_score(-0.1, pf.GROWTH_BOUNDS_PCT) == 1


@pytest.mark.parametrize(("rank", "score"), [(1, 5), (4, 2), (5, 1), (9, 1)])
def test_rank_score(rank: int, score: int) -> None:
    assert pf.rank_score(rank) == score


@pytest.mark.parametrize(("count", "score"), [(1, 1), (2, 1), (3, 2), (5, 4), (6, 5), (9, 5)])
def test_product_count_score(count: int, score: int) -> None:
    assert pf.product_count_score(count) == score


def test_weights_sum_to_one_hundred() -> None:
    assert sum(pf.ATTRACTIVENESS_WEIGHTS.values()) == 100
    assert sum(pf.POSITION_WEIGHTS.values()) == 100


def test_weighted_score_is_exact_to_two_decimals() -> None:
    scores = {"规模": 4, "成长性": 3, "行业前景": 5, "行业地位": 2}
    assert pf.weighted_score(scores, pf.ATTRACTIVENESS_WEIGHTS) == 3.45


@pytest.mark.parametrize(
    ("attr", "pos", "quad"),
    [
        (3.0, 3.0, "投资发展"),
        (3.0, 2.99, "选择性投资"),
        (2.99, 3.0, "维持巩固"),
        (2.99, 2.99, "管理现金流"),
    ],
)
def test_three_is_high_on_both_axes(attr: float, pos: float, quad: str) -> None:
    assert pf.quadrant(attr, pos) == quad


@pytest.mark.parametrize(
    ("rank", "lines", "stage"),
    [(1, 6, "整合型"), (1, 5, "相互依赖型"), (2, 6, "合作型"), (1, 3, "基础型"), (1, 2, "探索型")],
)
def test_relationship_stage_first_rule_that_holds(rank: int, lines: int, stage: str) -> None:
    assert pf.relationship_stage(rank, lines) == stage


def test_portfolio_covers_every_client(bank: CaseBank) -> None:
    frame = pf.portfolio(bank)
    assert len(frame) == len(bank.clients)
    assert set(frame["quadrant"]) <= set(pf.QUADRANTS)
    assert frame["attractiveness"].between(1, 5).all() and frame["position"].between(1, 5).all()
