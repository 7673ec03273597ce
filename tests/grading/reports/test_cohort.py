"""Item statistics against values computed by hand on a tiny fixed cohort."""

from __future__ import annotations

import pytest

from grading.reports.cohort import (
    FLAG_CONSTANT,
    FLAG_EASY,
    FLAG_HARD,
    FLAG_LOW,
    FLAG_NEGATIVE,
    cronbach_alpha,
    fairness,
    item_statistics,
    pass_rate,
)

# Five trainees, four items; i4 is worth 2 points (partial credit).
#
#        i1 i2 i3 i4 | total
#   A     1  1  0  1 |  3
#   B     1  0  1  0 |  2
#   C     1  0  0  0 |  1
#   D     1  0  0  0 |  1
#   E     1  0  0  0 |  1
#
# Difficulty p = mean / max: i1 5/5 = 1.0, i2 1/5 = 0.2, i3 1/5 = 0.2, i4 1/(5*2) = 0.1.
#
# Discrimination: Pearson r of the item with the rest-score (total minus the item).
# i2: rest = [2,2,1,1,1], mean 1.4; item deviations [.8,-.2,-.2,-.2,-.2], rest deviations
#     [.6,.6,-.4,-.4,-.4]; Sxy = .48-.12+.08+.08+.08 = .60; Sxx = .64+4*.04 = .80;
#     Syy = .36+.36+3*.16 = 1.20; r = .60/sqrt(.80*1.20) = .60/.97980 = 0.61237.
#     Check with (M_p - M_q)/S * sqrt(p q): M_p = 2, M_q = 1.25, S = sqrt(1.2/5) = .48990,
#     sqrt(.2*.8) = .4 -> .75/.48990*.4 = 0.61237.
# i3: rest = [3,1,1,1,1], mean 1.4; item deviations [-.2,.8,-.2,-.2,-.2], rest deviations
#     [1.6,-.4,-.4,-.4,-.4]; Sxy = -.32-.32+.08+.08+.08 = -.40; Sxx = .80; Syy = 2.56+4*.16 = 3.20;
#     r = -.40/sqrt(.80*3.20) = -.40/1.6 = -0.25 (negative: flagged).
# i4: scores [1,0,0,0,0], rest = [2,2,1,1,1] as for i2 -> r = 0.61237.
# i1: everyone right, no variance -> r undefined; p = 1.0 > 0.9 -> too easy.
#
# Cronbach's alpha: population item variances i1 0, i2 .16, i3 .16, i4 [1,0,0,0,0] -> .16;
#     sum .48; totals [3,2,1,1,1], mean 1.6, variance (1.96+.16+3*.36)/5 = .64;
#     alpha = 4/3 * (1 - .48/.64) = 4/3 * .25 = 0.33333.
MATRIX = [[1, 1, 0, 1], [1, 0, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]
ITEMS = ["i1", "i2", "i3", "i4"]
MAXIMA = [1, 1, 1, 2]


def stats() -> dict[str, tuple[float, float | None, tuple[str, ...]]]:
    return {s.item: (s.difficulty, s.discrimination, s.flags) for s in item_statistics(MATRIX, ITEMS, MAXIMA)}


def test_difficulty_is_mean_score_over_max() -> None:
    assert [v[0] for v in stats().values()] == pytest.approx([1.0, 0.2, 0.2, 0.1])


def test_discrimination_is_point_biserial_with_the_rest_score() -> None:
    got = stats()
    assert got["i2"][1] == pytest.approx(0.61237, abs=1e-5)
    assert got["i3"][1] == pytest.approx(-0.25, abs=1e-9)
    assert got["i4"][1] == pytest.approx(0.61237, abs=1e-5)
    assert got["i1"][1] is None


def test_flags_negative_constant_easy_and_hard_items() -> None:
    got = stats()
    assert got["i1"][2] == (FLAG_CONSTANT, FLAG_EASY)
    assert got["i2"][2] == ()
    assert got["i3"][2] == (FLAG_NEGATIVE,)
    assert got["i4"][2] == (FLAG_HARD,)


def test_low_discrimination_is_flagged() -> None:
    # item x = [1,0,1,0], rest = [2,2,1,1]: Sxy = .5*.5 + (-.5*.5) + .5*(-.5) + (-.5)(-.5) = 0 -> r = 0.
    rows = [[1, 1, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]]
    first = item_statistics(rows, ["x", "y", "z"], [1, 1, 1])[0]
    assert first.discrimination == pytest.approx(0.0, abs=1e-12)
    assert first.flags == (FLAG_LOW,)


def test_cronbach_alpha_with_a_partial_credit_item() -> None:
    assert cronbach_alpha(MATRIX) == pytest.approx(1 / 3)


def test_alpha_of_right_wrong_items_is_kr20() -> None:
    # Items i1-i3 only: sum p*q = 0 + .16 + .16 = .32; totals [2,2,1,1,1], mean 1.4, variance
    # (.36+.36+3*.16)/5 = .24; KR-20 = 3/2 * (1 - .32/.24) = -0.5.
    assert cronbach_alpha([row[:3] for row in MATRIX]) == pytest.approx(-0.5)


def test_alpha_is_undefined_without_spread_or_with_one_trainee() -> None:
    assert cronbach_alpha([[1, 1], [1, 1]]) is None
    assert cronbach_alpha([[1, 0]]) is None


def test_pass_rate_counts_decided_trainees_only() -> None:
    assert pass_rate(["certified", "failed", "pending", "certified"]) == pytest.approx(2 / 3)
    assert pass_rate(["pending"]) is None


def test_variant_fairness_by_stratum() -> None:
    # X: .5, .7 -> mean .6, sd sqrt(.02) = .14142; Y: .9, .6 -> mean .75, sd sqrt(.045) = .21213;
    # all: 2.7/4 = .675. ANOVA: SS_between = 2*.075**2*2 = .0225 (df 1); SS_within = .02+.045 = .065
    # (df 2); F = .0225 / .0325 = 0.69231.
    result = fairness({"a": 0.5, "b": 0.7, "c": 0.9, "d": 0.6}, {"a": "X", "b": "X", "c": "Y", "d": "Y"})
    x, y = result.strata
    assert (x.stratum, x.n, x.mean, x.difference) == ("X", 2, pytest.approx(0.6), pytest.approx(-0.075))
    assert x.sd == pytest.approx(0.14142, abs=1e-5) and y.sd == pytest.approx(0.21213, abs=1e-5)
    assert result.f_statistic == pytest.approx(0.69231, abs=1e-5)
    assert result.p_value is not None and 0 < result.p_value < 1


def test_fairness_has_no_test_when_every_stratum_has_one_trainee() -> None:
    result = fairness({"a": 0.5, "b": 0.9}, {"a": "X", "b": "Y"})
    assert result.f_statistic is None and [s.sd for s in result.strata] == [None, None]
