"""The mock exams state the certification rules, key what they print, and score a perfect sitting as a pass."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from casebank import selfcheck
from casebank.load import load_bank
from casebank.practice_pool import Practice
from grading.methods import organisation as org
from grading.practice import mock_items as mi
from grading.practice import module_factories
from grading.scheme import load_scheme
from tests.curriculum.completion import cell_source
from tests.curriculum.test_notebooks import CURRICULUM

ASSOCIATE = CURRICULUM / "12_模拟考试_初级.ipynb"
SENIOR = CURRICULUM / "13_模拟考试_中级.ipynb"
MOCKS = {"associate": (ASSOCIATE, "m12"), "senior": (SENIOR, "m13")}


@pytest.fixture(autouse=True)
def progress_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMACADEMY_HOME", str(tmp_path / "home"))


def text(notebook: Path) -> str:
    return "".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])


@pytest.mark.parametrize("level", MOCKS)
def test_mock_states_the_levels_rules(level: str) -> None:
    rules = next(lv for lv in load_scheme().levels if lv.id == level)
    body = text(MOCKS[level][0])
    assert f"**{rules.time_limit_minutes} 分钟**" in body
    assert f"总分 ≥ **{rules.overall_min:.0%}**" in body
    assert f"得分 ≥ **{rules.competency_min:.0%}**" in body
    assert (
        f"mock_score(overall_min={rules.overall_min:.2f}, competency_min={rules.competency_min:.2f}, "
        f"minutes={rules.time_limit_minutes})"
    ) in body


def visit_table(body: str, clients: tuple[tuple[str, str, str, int], ...]) -> None:
    for name, tier, risk, days in clients:
        assert f"| {name} | {tier} | {risk} | {days} |" in body, name


def test_fixed_scenarios_are_the_ones_keyed() -> None:
    assoc, senior = text(ASSOCIATE), text(SENIOR)
    visit_table(assoc, mi.VISITS_ASSOCIATE)
    visit_table(senior, mi.VISITS_SENIOR)
    assert org.needs_complexity(3, 4) == mi.FIRM_ASSOCIATE.needs and "员工 420 人" in assoc
    assert "有 3 家子公司、主要市场 4 个" in assoc and "没有需要隔离或保密的特殊客户群" in assoc
    assert org.needs_complexity(23, 6) == mi.FIRM_SENIOR.needs and "需要单独的团队和信息隔离" in senior
    case = mi.ALLOCATION_SENIOR
    for client, scores in case.scores.items():
        assert f"| {client} | " + " | ".join(str(scores[m]) for m in sorted(scores)) + " |" in senior
    assert (
        "| **还能接** | " + " | ".join(str(case.capacity[m]) for m in sorted(case.capacity)) + " |" in senior
    )


def test_judgment_keys_are_digests_only() -> None:
    for _, module in MOCKS.values():
        published = (selfcheck.CHECKS_DIR / f"{module}.json").read_text(encoding="utf-8")
        for exercise in module_factories()[module](load_bank()):
            if exercise.cases:
                continue
            if exercise.kind == selfcheck.KIND_TEXT:
                assert exercise.answer in exercise.choices and len(exercise.choices) >= 4, exercise.id
                continue  # the public options name every answer; none is marked
            assert json.dumps(exercise.answer, ensure_ascii=False) not in published, exercise.id


def sit(notebook: Path, module: str, client: str, answers: dict[str, Any]) -> str:
    """Run the mock's setup and scoring cells with the given answers; return what the score printed."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    setup = next(c["id"] for c in cells if "Practice(" in "".join(c["source"]))
    scoring = next(c["id"] for c in cells if "def mock_score" in "".join(c["source"]))

    class Fixed(Practice):
        @property
        def client(self) -> str:
            return client

    namespace: dict[str, Any] = {}
    source = cell_source(notebook, setup).replace(f'my = Practice("{module}")', f'my = Fixed("{module}")')
    namespace["Fixed"] = Fixed
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(source.replace("display(my, my.button())", ""), setup, "exec"), namespace)
        namespace.update(answers)
        namespace["display"] = lambda *_: None
        exec(compile(cell_source(notebook, scoring), scoring, "exec"), namespace)
    return out.getvalue()


@pytest.mark.parametrize("level", MOCKS)
def test_a_perfect_sitting_passes_and_an_empty_one_fails(level: str) -> None:
    notebook, module = MOCKS[level]
    client = selfcheck.drawable_clients(module)[0]
    exercises = module_factories()[module](load_bank())
    ids = re.findall(
        r'"(\d\d_\d)": \("(m\d\d\.\w+)"', cell_source(notebook, f"{module}-{_scoring_index(notebook):02d}")
    )
    by_id = {e.id: e for e in exercises}
    answers = {
        f"answer_{q}": by_id[ex].answer_for(client if by_id[ex].cases else selfcheck.SHARED) for q, ex in ids
    }
    assert len(answers) == len(exercises), "every item is scored"
    assert "按正式考试的规则：达到通过线" in sit(notebook, module, client, answers)
    assert "按正式考试的规则：未达到通过线" in sit(notebook, module, client, {})


def _scoring_index(notebook: Path) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return next(i for i, c in enumerate(cells, 1) if "def mock_score" in "".join(c["source"]))
