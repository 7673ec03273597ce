"""Organisational model, authority and dispute rules of modules 1 and 2."""

from __future__ import annotations

import pandas as pd
import pytest

from grading.methods import organisation as org
from grading.methods.organisation import FirmProfile


def test_special_client_group_wins_over_everything() -> None:
    assert org.recommend_model(FirmProfile("小型", False, "单一", special_group=True)) == "第四种"


def test_large_firm_with_complex_needs_gets_a_department() -> None:
    assert org.recommend_model(FirmProfile("大型", True, "复杂")) == "第三种"


def test_medium_firm_with_complex_needs_gets_posts_not_a_department() -> None:
    assert org.recommend_model(FirmProfile("中型", True, "复杂")) == "第二种"


def test_elastic_staffing_and_varied_needs_get_independent_posts() -> None:
    assert org.recommend_model(FirmProfile("大型", True, "多样")) == "第二种"


@pytest.mark.parametrize("profile", [FirmProfile("中型", False, "多样"), FirmProfile("中型", True, "单一")])
def test_otherwise_existing_staff_take_key_clients_on(profile: FirmProfile) -> None:
    assert org.recommend_model(profile) == "第一种"


@pytest.mark.parametrize(
    ("subsidiaries", "markets", "needs"), [(5, 3, "复杂"), (5, 2, "多样"), (4, 3, "多样"), (4, 2, "单一")]
)
def test_needs_complexity_from_subsidiaries_and_markets(subsidiaries: int, markets: int, needs: str) -> None:
    assert org.needs_complexity(subsidiaries, markets) == needs


def test_firm_profile_reads_a_client_record() -> None:
    row = pd.Series(
        {"size": "中型", "employees": 300, "subsidiaries": 0, "main_markets": "华东市场;华南市场;东南亚"}
    )
    assert org.firm_profile(row) == FirmProfile("中型", True, "多样")


def test_decisions_are_outside_a_managers_authority() -> None:
    within = {a.code for a in org.ACTIONS if org.within_authority(a)}
    decisions = {a.code for a in org.ACTIONS if a.power == org.POWER_DECISION}
    assert within and decisions and within.isdisjoint(decisions)
    assert within | decisions == set(org.ACTIONS_BY_CODE)


@pytest.mark.parametrize(
    ("category", "severity", "escalate"),
    [("收费争议", 1, True), ("授信审批", 1, True), ("系统故障", 3, True), ("系统故障", 2, False)],
)
def test_must_escalate(category: str, severity: int, escalate: bool) -> None:
    assert org.must_escalate(category, severity) is escalate


@pytest.mark.parametrize(
    ("days", "status", "overdue"), [(16, "已升级", True), (15, "处理中", False), (200, "已关闭", False)]
)
def test_follow_up_overdue_after_more_than_15_days(days: int, status: str, overdue: bool) -> None:
    assert org.follow_up_overdue(status, days) is overdue
