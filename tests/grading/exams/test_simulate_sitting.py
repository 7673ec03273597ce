"""A simulated sitting scored by the real judge, and `cmacademy exam simulate`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from grading.certification.sitting import (
    ItemModel,
    Simulation,
    VariantKey,
    _answer_score,
    _expected_share,
    item_models,
    simulate,
    variant_key,
)
from grading.certification.sitting_decisions import decisions
from grading.cli import main
from grading.exams import EXAMS, exam_definition, exam_truth, variant_for
from grading.exams.psychometrics import strata_index
from grading.scheme import BlueprintItem, load_scheme

TRAINEES = 60


@pytest.fixture(scope="module", params=EXAMS)
def sitting(request: pytest.FixtureRequest) -> Simulation:
    return simulate(request.param, TRAINEES, seed=7)


def test_every_item_is_scored_within_its_points(sitting: Simulation) -> None:
    level = load_scheme().level_for_exam(sitting.exam)
    assert [s.item for s in sitting.statistics] == [i.question for i in level.blueprint]
    for s in sitting.statistics:
        assert 0.0 <= s.difficulty <= 1.0
        assert s.n == TRAINEES
    assert sitting.reliability is not None and -1.0 < sitting.reliability <= 1.0
    assert 0.0 < sitting.mean_share < 1.0


def test_strata_cover_every_role_and_average_to_100(sitting: Simulation) -> None:
    roles = exam_definition(sitting.exam).blueprint.labels()
    dimensions = {s.dimension for s in sitting.strata}
    assert {f"role {r}: industry" for r in roles} <= dimensions
    for dimension in dimensions:
        rows = [s for s in sitting.strata if s.dimension == dimension]
        assert sum(r.n for r in rows) == TRAINEES
        weighted = sum(r.n * r.index for r in rows) / TRAINEES
        assert weighted == pytest.approx(100.0)


def test_the_same_seed_gives_the_same_evidence(sitting: Simulation) -> None:
    again = simulate(sitting.exam, TRAINEES, seed=7)
    assert again.reliability == sitting.reliability
    assert [s.difficulty for s in again.statistics] == [s.difficulty for s in sitting.statistics]
    other = simulate(sitting.exam, TRAINEES, seed=8)
    assert other.reliability != sitting.reliability


@pytest.mark.parametrize("exam", EXAMS)
def test_an_able_trainee_earns_every_autograded_point_from_the_judge(exam: str) -> None:
    level = load_scheme().level_for_exam(exam)
    bank, truth = exam_truth(None, None)
    items = item_models(level, np.random.default_rng(0))
    variant = variant_for(exam, "sim0001")
    module = __import__(f"grading.exams.{exam}", fromlist=["mistakes"])
    key = variant_key(exam, bank, truth, variant, items, module.mistakes)
    rng = np.random.default_rng(1)
    for item in items:
        if item.manual:
            continue
        assert _answer_score(item, key, 40.0, rng) == pytest.approx(item.points)
        weak = _answer_score(item, key, -40.0, rng)
        assert (
            weak <= item.points * max(key.mistake_credit[item.question].values()) + 0.005
        )  # judge rounds to 0.01


def test_cli_prints_the_evidence_as_json_and_exits_by_the_targets() -> None:
    result = CliRunner().invoke(
        main, ["exam", "simulate", "assoc", "--trainees", "40", "--seed", "3", "--json"]
    )
    data = json.loads(result.output)
    assert result.exit_code == (0 if data["passed"] else 1)
    assert data["trainees"] == 40 and data["seed"] == 3
    assert {"item", "difficulty", "point_biserial", "kind"} <= set(data["items"][0])
    assert data["reliability"]["method"] in ("KR-20", "Cronbach's alpha")
    assert bool(data["failures"]) != data["passed"]


def test_cli_rejects_an_unknown_exam() -> None:
    result = CliRunner().invoke(main, ["exam", "simulate", "nope", "--trainees", "10"])
    assert result.exit_code == 1
    assert "unknown exam 'nope'" in result.output


def test_decisions_apply_the_scheme_rules_and_find_one_item_failures() -> None:
    base = load_scheme().level("associate")  # overall_min 0.70, competency_min 0.50
    spec = [
        ("a", "x", 4.0),
        ("b", "x", 1.0),
        ("c", "x", 1.0),
        ("d", "y", 2.0),
        ("e", "y", 2.0),
        ("f", "y", 2.0),
    ]
    spec.append(("g", "z", 6.0))
    level = base.model_copy(
        update={"blueprint": [BlueprintItem(question=q, competency=c, points=p) for q, c, p in spec]}
    )
    items = [ItemModel(q, c, "computation", p, False, 0.0) for q, c, p in spec]
    one_item = [0.0, 1, 1, 2, 2, 2, 6]  # x: 2/6 < 50 % on item a alone; overall 14/18 = 78 %
    two_small = [4.0, 0, 0, 2, 2, 2, 6]  # x: 4/6 = 67 %: certified
    two_items = [4.0, 1, 1, 0, 0, 2, 6]  # y: 2/6 < 50 % on two items; overall 78 %
    got = decisions(level, items, [one_item, two_small, two_items], [one_item, two_small, two_small])
    assert got.pass_rate == pytest.approx(1 / 3)
    assert got.consistency == pytest.approx(2 / 3)
    assert (got.failed_on_a_floor, got.failed_by_one_item) == (2, 1)


def test_the_sitting_reports_the_scheme_decisions(sitting: Simulation) -> None:
    d = sitting.decisions
    assert d is not None
    assert 0.0 <= d.pass_rate <= 1.0 and 0.5 <= d.consistency <= 1.0
    assert 0 <= d.failed_by_one_item <= d.failed_on_a_floor <= TRAINEES


def test_a_variant_where_a_mistake_scores_moves_its_stratum_off_100() -> None:
    items = [
        ItemModel("q1", "x", "computation", 2.0, False, 0.0),
        ItemModel("q2", "x", "manual", 2.0, True, 0.0),
    ]
    fair = VariantKey({}, {}, {"q1": {"slip": 0.0, "other": 0.0}}, {"form of q1": "a"})
    lucky = VariantKey({}, {}, {"q1": {"slip": 1.0, "other": 0.0}}, {"form of q1": "b"})
    p_right, manual = {"q1": 0.5}, {"q2": 1.0}
    # fair: (2 * .5 + 1) / 4 = .5; lucky: (2 * (.5 + .5 * .5) + 1) / 4 = .625
    assert _expected_share(items, fair, p_right, manual) == pytest.approx(0.5)
    assert _expected_share(items, lucky, p_right, manual) == pytest.approx(0.625)
    keys = {"t1": fair, "t2": lucky}
    shares = {t: _expected_share(items, k, p_right, manual) for t, k in keys.items()}
    rows = {
        r.stratum: r.index for r in strata_index(shares, {t: k.strata["form of q1"] for t, k in keys.items()})
    }
    assert rows == {"a": pytest.approx(88.889, abs=1e-3), "b": pytest.approx(111.111, abs=1e-3)}
