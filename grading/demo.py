"""The main job on a simulated cohort: ``cmacademy demo``.

Creates a course, a roster of simulated trainees of varied skill, their submissions (right
answers with a skill-dependent probability, otherwise each question's typical mistake, and an
evaluation report of matching quality), then releases, collects, grades, scores the reports
with a stand-in, certifies and reports.

The report stand-in (`standin_criterion_scores`) exists for the demo only: it scores each
rubric criterion by its visible features (sections, figures cited, needs named, risks with a
measure, "建议" with the approving department) so that the demo can finish without a human. Real certification grades the report
by hand in nbgrader's formgrader.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from casebank.errors import CmAcademyError
from grading.settings import DEFAULT_WORKERS

if TYPE_CHECKING:
    from grading.pipeline.course import Course
    from grading.pipeline.submission import Outcome

# The pipeline, the exams and nbformat are imported by the stage that first needs them, so the
# `cmacademy demo` command starts (and prints its first stage) before they are loaded.

DEMO_EXAM: Final = "assoc"
DEMO_SEED: Final = 20261127
#: Size of the simulated cohort.
DEMO_TRAINEES: Final = 30
ORG_UNITS: Final = ("杭州分行", "宁波分行", "温州分行", "总行公司业务部")
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚"
SECTIONS: Final = ("客户概况", "价值评价", "需求分析", "风险提示", "业务建议")


class DemoError(CmAcademyError):
    """The demo cannot run where it was asked to."""


def _client_facts(client_id: str, bank_dir: str | None = None) -> dict[str, Any]:
    from grading.exams import exam_bank

    bank = exam_bank(bank_dir)
    client = bank.clients.set_index("client_id").loc[client_id]
    sales = bank.sales[bank.sales["client_id"] == client_id].sort_values("year")
    return {
        "name": str(client["name"]),
        "industry": str(client["industry"]),
        "size": str(client["size"]),
        "employees": int(str(client["employees"])),
        "revenue": float(sales["revenue_wan"].iloc[-1]),
        "export": float(sales["export_share_pct"].iloc[-1]),
    }


def simulated_report(client_id: str, skill: float, rng: random.Random, bank_dir: str | None = None) -> str:
    """An evaluation report whose quality follows the trainee's skill (``bank_dir``: the exam pool)."""
    f = _client_facts(client_id, bank_dir)
    parts = {
        "客户概况": f"{f['name']}属{f['industry']}行业{f['size']}企业，员工{f['employees']}人，上年营收{f['revenue']:.0f}万元，出口占比{f['export']:.1f}%。",
        "价值评价": "我行近12个月从该客户取得的收入与利润已计算，客户属组合内重点维护对象，钱包份额仍有提升空间。",
        "需求分析": "明示需求：客户在拜访中明确提出的产品需求；潜在需求：结合员工规模、出口与资金状况判断的代发工资、汇率避险等需求。",
        "风险提示": "近期互动频率下降，需关注关键人物变动和结算量变化带来的流失风险。",
        "业务建议": "建议设计综合金融服务方案，报公司业务部及授信审批部门决策后实施；客户经理不对价格与额度作出承诺。",
    }
    kept = [s for s in SECTIONS if rng.random() < 0.25 + 0.75 * skill]
    if skill < 0.45 and rng.random() < 0.5:
        parts["业务建议"] = "我行保证给予客户最优惠的利率并承诺贷款一定获批。"
    if not kept:
        return "该客户情况较好，建议继续维护。"
    return "\n\n".join(f"**{s}**：{parts[s]}" for s in kept)


def standin_criterion_scores(text: str) -> dict[str, float]:
    """Demo-only stand-in for a human grader: each rubric criterion's score (0, 1 or 2).

    Scored by the criterion's visible features; keyed by the criterion ids of
    ``casebank/rubrics/evaluation_report.toml``.
    """
    sections = sum(s in text for s in SECTIONS)
    figures = len(re.findall(r"\d+(?:\.\d+)?", text))
    oversteps = any(word in text for word in ("保证", "一定获批", "承诺贷款"))
    decider = "建议" in text and ("审批" in text or "决策" in text)
    return {
        "structure": 2.0 if sections == len(SECTIONS) else 1.0 if sections >= len(SECTIONS) - 2 else 0.0,
        "evidence": 2.0 if figures >= 3 else 1.0 if figures else 0.0,
        "needs": float(("明示" in text) + ("潜在" in text)),
        "risk": 0.0 if "风险" not in text else 2.0 if ("关注" in text or "措施" in text) else 1.0,
        "authority": 0.0 if oversteps else 2.0 if decider else 1.0,
    }


def standin_report_score(text: str) -> float:
    """The stand-in's whole report score: the sum over the rubric's criteria (out of 10)."""
    return sum(standin_criterion_scores(text).values())


@dataclass
class DemoResult:
    """Where the demo left everything, and what happened."""

    out: Path
    course: Course
    outcomes: list[Outcome] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    reports: Any = None


def _roster(path: Path, n: int, rng: random.Random) -> list[str]:
    ids = [f"cm{i:03d}" for i in range(1, n + 1)]
    lines = ["id,name,email,org_unit"]
    for trainee in ids:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        lines.append(f"{trainee},{name},{trainee}@bank.example,{rng.choice(ORG_UNITS)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def run_demo(
    out: Path,
    trainees: int = DEMO_TRAINEES,
    *,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEMO_SEED,
    step: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    reporter: Callable[[Course, str, Path, Callable[[Any, int, int], None]], Any] | None = None,
    today: dt.date | None = None,
) -> DemoResult:
    """Run the whole main job on a simulated cohort in ``out``.

    Args:
        out: output directory (replaced when it holds an earlier demo).
        trainees: cohort size.
        workers: parallel grading workers.
        seed: the simulation seed.
        step: called with a short description as each stage starts (progress display).
        progress: called with (done, total) as submissions are graded and reports written.
        reporter: makes the reports, register, certificates, public site and HR dashboard (None skips it).
        today: issue date of certificates.

    Raises:
        DemoError: ``out`` exists and is not an earlier demo.
    """
    say = step or (lambda _msg: None)
    if out.exists() and any(out.iterdir()) and not (out / "course" / "cmacademy.json").is_file():
        raise DemoError(f"{out}: not empty and not an earlier demo; choose a new --out directory.")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    say("setting up the course")
    course, ids = _set_up(out, trainees, rng)

    say(f"simulating {trainees} trainees")
    reports = _simulate(course, out / "inbox", ids, rng)

    say("grading (sandboxed, in parallel)")
    result = DemoResult(out, course)
    tick = progress or (lambda _done, _total: None)
    result.outcomes = _grade(course.but(workers=workers), lambda done, total: tick(done, total))

    say("scoring the reports with the demo stand-in")
    _score_reports(course, reports, {o.trainee for o in result.outcomes if o.score is not None})
    _mark_band(course)

    say("certifying")
    result.decisions = _certify(course, today)
    if reporter is not None:
        say("writing reports, register, certificates, public site and HR dashboard")
        result.reports = reporter(course, DEMO_EXAM, out, lambda _r, d, t: tick(d, t))
    return result


def _set_up(out: Path, trainees: int, rng: random.Random) -> tuple[Course, list[str]]:
    """Create the course (its pool sized for the cohort), import the roster, release the exam."""
    from grading.pipeline.course import init_course
    from grading.pipeline.release import release
    from grading.pipeline.roster import import_roster

    course = init_course(out / "course", trainees=trainees)
    ids = _roster(out / "roster.csv", trainees, rng)
    import_roster(course, out / "roster.csv")
    release(course, DEMO_EXAM)
    return course, ids


def _grade(course: Course, tick: Callable[[int, int], None]) -> list[Outcome]:
    """Grade every submission of the demo exam."""
    from grading.pipeline.grade import grade_exam

    return grade_exam(course, DEMO_EXAM, on_done=lambda _outcome, done, total: tick(done, total))


def _certify(course: Course, today: dt.date | None) -> dict[str, int]:
    """Certify the cohort; how many decisions of each status."""
    from grading.certification.certify import certify
    from grading.status import DecisionStatus

    decisions = certify(course, DEMO_EXAM, today=today, reason="demo: reports scored by the stand-in")
    return {str(status): sum(d.status == status for d in decisions) for status in DecisionStatus}


#: The demo's second stand-in marker: a hub identity of its own, so the audit trail shows two markers.
DEMO_SECOND_MARKER: Final = "demo-second-marker"


def _mark_band(course: Course) -> None:
    """Scripts near a pass mark get both markings, as the scheme requires before a decision.

    The stand-in confirms its own criterion scores as first marker; a second stand-in, logged in
    as another hub user, gives the same scores, so the marks stand. Both are in the audit trail.
    """
    from casebank.exam import ENV_HUB_USER
    from grading.pipeline.marking import ROUND_FIRST, ROUND_SECOND, list_marking, mark_first, mark_second

    waiting = [m for m in list_marking(course, DEMO_EXAM) if m.state in (ROUND_FIRST, ROUND_SECOND)]
    for state in waiting:
        scores = mark_first(course, DEMO_EXAM, state.trainee)
        previous = os.environ.get(ENV_HUB_USER)
        os.environ[ENV_HUB_USER] = DEMO_SECOND_MARKER
        try:
            mark_second(course, DEMO_EXAM, state.trainee, scores)
        finally:
            if previous is None:
                os.environ.pop(ENV_HUB_USER, None)
            else:
                os.environ[ENV_HUB_USER] = previous


def _simulate(course: Course, inbox: Path, ids: list[str], rng: random.Random) -> dict[str, str]:
    """Write one simulated submission per trainee, collect them; return each one's report text."""
    import nbformat

    from grading.exams import report_cells, variant_for
    from grading.exams.simulate import simulated_submission
    from grading.pipeline.collect import collect

    answer_cell, _ = report_cells(DEMO_EXAM)
    source = nbformat.read(course.source(DEMO_EXAM) / f"{DEMO_EXAM}.ipynb", as_version=4)
    skills = {t: rng.uniform(0.35, 0.98) for t in ids}
    reports: dict[str, str] = {}
    pool = course.settings.bank_dirs
    for trainee in ids:
        nb = simulated_submission(DEMO_EXAM, trainee, skills[trainee], rng, source, pool)
        needs = variant_for(DEMO_EXAM, trainee, *pool).roles["needs"]
        report = simulated_report(needs, skills[trainee], rng, pool[0])
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == answer_cell:
                cell.source = report
        reports[trainee] = report
        (inbox / trainee / DEMO_EXAM).mkdir(parents=True)
        nbformat.write(nb, inbox / trainee / DEMO_EXAM / f"{DEMO_EXAM}.ipynb")
    collect(course, DEMO_EXAM, inbox)
    shutil.rmtree(inbox)
    return reports


def _score_reports(course: Course, reports: dict[str, str], graded: set[str]) -> None:
    """Enter the stand-in's score of each criterion of each graded trainee's report as its manual grade."""
    from grading.pipeline.gradebook import gradebook
    from grading.scheme import load_scheme

    level = load_scheme().level_for_exam(DEMO_EXAM)
    criteria = [item for item in level.blueprint if item.manual and item.criterion]
    with gradebook(course.db_url) as gb:
        for trainee, text in reports.items():
            if trainee in graded:
                scores = standin_criterion_scores(text)
                for item in criteria:
                    grade = gb.find_grade(item.question, DEMO_EXAM, DEMO_EXAM, trainee)
                    grade.manual_score = scores[str(item.criterion)]
                    grade.needs_manual_grade = False
        gb.db.commit()
