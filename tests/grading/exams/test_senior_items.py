"""The senior exam's items: blueprint rules, form keys from the methods, traps on every variant."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from grading.casegen.pool import generate_pool
from grading.exams import blueprint_problems, exam_truth, senior
from grading.exams.forms import fixed_items
from grading.exams.variants import draw_variant, stratum_sizes
from grading.methods import appraisal
from grading.methods.organisation import must_escalate
from grading.methods.senior_items import ACTION_TEXT, FIRST_ACTION, first_action, signal_weights_differ
from grading.scheme import blueprint_violations, load_scheme

VARIANTS = 60
STATUS_ORDER = {"明示": 0, "潜在": 1}


def test_blueprint_holds_the_rules_and_matches_the_notebook() -> None:
    scheme = load_scheme()
    level = scheme.level("senior")
    assert blueprint_violations(level, scheme) == []
    assert blueprint_problems("senior") == []
    by_competency = level.points_by_competency()
    assert set(by_competency) == {
        "value",
        "management",
        "relationship",
        "needs",
        "role",
        "system",
        "information",
        "report",
    }
    judgment = sum(i.points for i in level.blueprint if i.kind == "judgment")
    auto = sum(i.points for i in level.blueprint if not i.manual)
    assert judgment / auto >= 0.40


FORMS_FILE = Path(senior.__file__).parent / "forms" / "senior.toml"


def _data(question: str) -> list[tuple[Any, dict[str, Any]]]:
    """(key, data) of every form of a data-driven item, as the forms file states them."""
    raw = tomllib.loads(FORMS_FILE.read_text(encoding="utf-8"))
    item = next(i for i in raw["items"] if i["question"] == question)
    assert len(item["forms"]) == len(fixed_items("senior")[question].forms) >= 4
    return [(form["key"], json.loads(form["data"])) for form in item["forms"]]


def test_incentive_keys_follow_the_appraisal_rules() -> None:
    for key, data in _data("q5_incentive"):
        kpis = [appraisal.Kpi(p, n, w, actual=a, target=t) for p, n, w, t, a in data["rows"]]
        score = appraisal.kpi_score(kpis)
        assert key == {
            "KPI得分": score,
            "激励档": appraisal.incentive_band(score),
            "奖金": appraisal.bonus_wan(score, data["base_pay_wan"]),
            "贡献率": appraisal.contribution_rate(data["manager_net_wan"], data["team_net_wan"]),
        }
        assert any(a / t > appraisal.CAP for _, _, _, t, a in data["rows"]), (
            "the cap must matter on every form"
        )


def test_allocation_keys_follow_the_greedy_rule() -> None:
    for key, data in _data("q6_allocation"):
        clients = [appraisal.AllocClient(*c) for c in data["clients"]]
        managers = [appraisal.AllocManager(m[0], m[1], tuple(m[2]), m[3], m[4]) for m in data["managers"]]
        assert key == appraisal.allocate_greedy(clients, managers)


def test_escalation_keys_follow_the_dispute_rule() -> None:
    for key, data in _data("q14_escalation"):
        rows = data["complaints"]
        assert key == sorted(k for k, category, severity in rows if must_escalate(category, severity))
        assert any(category in {"收费争议", "授信审批"} and severity < 3 for _, category, severity in rows)


def test_ranking_keys_put_stated_needs_first_and_drop_held_products() -> None:
    for key, data in _data("q12_rank_recommendations"):
        offered = [r for r in data["rows"] if r[1] != "已持有"]
        assert key == [p for p, _, _ in sorted(offered, key=lambda r: (STATUS_ORDER[r[1]], -r[2]))]


def _sweep(bank_dir: str | None, key_dir: str | None, variants: int) -> dict[str, int]:
    bank, truth = exam_truth(bank_dir, key_dir)
    scored: dict[str, int] = {}
    for i in range(variants):
        variant = draw_variant("senior", f"t{i:04d}", bank, truth, senior.BLUEPRINT)
        right = senior.expected(bank, truth, variant)
        slips = senior.mistakes(bank, truth, variant)
        assert set(slips) == set(right), "every autograded question has typical mistakes"
        for question, named in slips.items():
            assert named, question
            for name, wrong in named.items():
                if right[question].credit(wrong) == 1.0:
                    scored[f"{question}.{name}"] = scored.get(f"{question}.{name}", 0) + 1
    return scored


def test_no_typical_mistake_scores_on_the_canonical_pool() -> None:
    assert _sweep(None, None, VARIANTS) == {}


def test_a_fresh_course_pool_fills_every_stratum_and_keeps_the_traps(tmp_path: Path) -> None:
    pool = generate_pool(tmp_path / "pool")
    bank, truth = exam_truth(str(pool.facts), str(pool.key))
    sizes = stratum_sizes(bank, truth, senior.BLUEPRINT)
    assert min(sizes.values()) >= 1, sizes
    assert _sweep(str(pool.facts), str(pool.key), 30) == {}


@pytest.mark.parametrize("question", ["q1_clv", "q10_latent_products", "q19_crm_fixes"])
def test_case_items_say_which_role_they_are_about(question: str) -> None:
    assert senior.QUESTION_ROLES[question] in {role.name for role in senior.BLUEPRINT.roles}


def test_first_action_follows_the_heaviest_signal() -> None:
    assert first_action(["no_senior_contact_90d", "key_person_left"]) == FIRST_ACTION["key_person_left"]
    assert first_action(["product_closed", "volume_decline_2q"]) == FIRST_ACTION["volume_decline_2q"]
    assert signal_weights_differ("late_payment;volume_decline_2q")
    assert not signal_weights_differ("interactions_halved;complaint_escalated")


def test_the_notebook_lists_the_documented_first_actions() -> None:
    import nbformat

    from grading.exams import source_notebook

    nb = nbformat.read(source_notebook("senior"), as_version=4)
    text = next(c.source for c in nb.cells if c.cell_type == "markdown" and "第 8 题" in c.source)
    for letter, action in ACTION_TEXT.items():
        assert f"- {letter}. {action}" in text
