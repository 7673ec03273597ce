"""The demo's simulated reports and its stand-in report scorer (demo only)."""

from __future__ import annotations

import random

from grading.demo import SECTIONS, simulated_report, standin_report_score


def test_a_full_evidence_based_report_scores_high() -> None:
    text = simulated_report("C0026", 1.0, random.Random(1))
    assert all(section in text for section in SECTIONS)
    assert standin_report_score(text) >= 9


def test_an_overstepping_generic_report_scores_low() -> None:
    text = "**业务建议**：我行保证给予客户最优惠的利率并承诺贷款一定获批。"
    assert standin_report_score(text) <= 2


def test_report_quality_follows_skill_on_average() -> None:
    rng = random.Random(7)
    strong = sum(standin_report_score(simulated_report("C0026", 0.95, rng)) for _ in range(20))
    weak = sum(standin_report_score(simulated_report("C0026", 0.4, rng)) for _ in range(20))
    assert strong > weak


def test_the_stand_in_scores_every_rubric_criterion_within_its_points() -> None:
    from grading.demo import standin_criterion_scores
    from grading.scheme import load_scheme

    rubric = load_scheme().rubric("evaluation_report")
    rng = random.Random(3)
    for skill in (0.2, 0.6, 1.0):
        scores = standin_criterion_scores(simulated_report("C0026", skill, rng))
        assert list(scores) == [c.id for c in rubric.criteria]
        assert all(0 <= scores[c.id] <= c.points for c in rubric.criteria), scores
