"""Every competency of the scheme points trainees to curriculum modules that exist."""

from __future__ import annotations

from grading.reports.modules import MODULES, modules_for
from grading.scheme import load_scheme
from tests.conftest import ROOT


def test_every_competency_has_a_module() -> None:
    for competency in load_scheme().competencies:
        assert modules_for(competency.id), competency.id


def test_module_titles_are_the_curriculum_notebooks() -> None:
    names = sorted(p.stem for p in (ROOT / "curriculum").glob("*.ipynb"))
    assert names == [f"{m.number:02d}_{m.title_zh}" for m in MODULES]


def test_value_is_taught_in_modules_four_and_five() -> None:
    assert [m.number for m in modules_for("value")] == [4, 5]


def test_titles_people_read_have_no_underscores() -> None:
    for module in MODULES:
        assert "_" not in module.title("zh") and "_" not in module.title("en")
    assert modules_for("value")[0].title("zh") == "客户价值（一）：业务量、RFM 与 ABC"
