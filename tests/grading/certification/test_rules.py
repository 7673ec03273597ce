"""The scheme's sitting rules in `certify`: retakes, the time limit and curriculum prerequisites."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from grading.certification.certify import certify
from grading.certification.rules import SITTING_REFUSED, SITTING_SUPERSEDED, START_RECORDED, retake_refusal
from grading.pipeline.course import Course
from grading.pipeline.progress import collect_progress
from grading.pipeline.records import AuditEntry, Decision, Sitting, open_engine, session
from grading.status import DecisionStatus
from tests.conftest import Cli
from tests.grading.certification.conftest import Submit
from tests.grading.certification.scripts import EXAM, LEVEL, T0, bare_course, write_script

DAY = dt.timedelta(days=1)


def decide(course: Course, today: dt.date = dt.date(2026, 12, 1)) -> dict[str, tuple[str, str]]:
    return {r.trainee: (r.status, r.reason) for r in certify(course, EXAM, today=today)}


def sittings(course: Course, trainee: str) -> list[tuple[dt.datetime, str]]:
    engine = open_engine(course.db_url)
    with session(engine) as s:
        rows = [(x.submitted_at, x.status) for x in s.query(Sitting).filter(Sitting.trainee == trainee)]
    engine.dispose()
    return sorted(rows)


def write_progress(homes: Path, trainee: str, lines: list[dict[str, object]]) -> None:
    folder = homes / trainee / ".cmacademy"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "progress.jsonl").open("a", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps({"v": 1, "user": trainee} | line, ensure_ascii=False) + "\n")


def modules_done(modules: list[str]) -> list[dict[str, object]]:
    return [{"event": "module_completed", "module": m, "at": "2026-02-01T08:00:00"} for m in modules]


def test_a_first_passing_sitting_is_certified_and_recorded(course: Course, submit: Submit) -> None:
    submit("ana", T0, manual=0.8)
    assert decide(course)["ana"] == (DecisionStatus.CERTIFIED, "")
    assert sittings(course, "ana") == [(T0, DecisionStatus.CERTIFIED)]


def test_a_retake_before_the_waiting_period_is_refused_in_one_line(course: Course, submit: Submit) -> None:
    submit("bo", T0, auto=0.3, manual=0.3)
    assert decide(course)["bo"][0] == DecisionStatus.FAILED
    early = T0 + (LEVEL.retake_wait_days - 1) * DAY
    submit("bo", early, manual=0.9)
    status, why = decide(course)["bo"]
    assert status == DecisionStatus.FAILED
    assert why.startswith("补考间隔不足：上次未通过的考试交于 2026-03-02") and "\n" not in why
    assert sittings(course, "bo") == [(T0, DecisionStatus.FAILED), (early, SITTING_REFUSED)]
    # The refused sitting is no failure: a retake after the wait counts from the first one.
    later = T0 + LEVEL.retake_wait_days * DAY
    submit("bo", later, manual=0.9)
    assert decide(course)["bo"] == (DecisionStatus.CERTIFIED, "")


def test_attempts_per_cycle_are_capped(course: Course, submit: Submit) -> None:
    when = T0
    for _ in range(LEVEL.max_attempts):
        submit("cy", when, auto=0.2, manual=0.2)
        assert decide(course)["cy"][0] == DecisionStatus.FAILED
        when += (LEVEL.retake_wait_days + 1) * DAY
    submit("cy", when, manual=1.0)
    status, why = decide(course)["cy"]
    assert status == DecisionStatus.FAILED and why.startswith("考试次数已用完")
    assert f"已考 {LEVEL.max_attempts} 次" in why
    # A new cycle (a validity period after the first sitting) allows a sitting again.
    submit("cy", T0.replace(year=T0.year + LEVEL.validity_years) + DAY, manual=1.0)
    assert decide(course)["cy"] == (DecisionStatus.CERTIFIED, "")


def test_a_refused_sitting_leaves_an_earlier_certificate_alone(course: Course, submit: Submit) -> None:
    when = T0
    for _ in range(LEVEL.max_attempts):
        submit("iv", when, manual=0.9)
        assert decide(course)["iv"][0] == DecisionStatus.CERTIFIED
        when += DAY
    submit("iv", when, auto=0.1, manual=0.1)
    status, why = decide(course)["iv"]
    assert status == DecisionStatus.CERTIFIED
    assert why.startswith("考试次数已用完") and why.endswith("不变") and "CMA-ASSOCIATE-" in why
    engine = open_engine(course.db_url)
    with session(engine) as s:
        held = s.get_one(Decision, (EXAM, "iv"))
        assert held.status == DecisionStatus.CERTIFIED and held.certificate_id
    engine.dispose()
    assert sittings(course, "iv")[-1] == (when, SITTING_REFUSED)


def test_a_resubmission_before_the_decision_is_the_same_attempt(course: Course, submit: Submit) -> None:
    submit("di", T0)  # report not graded yet: pending
    assert decide(course)["di"][0] == DecisionStatus.PENDING
    submit("di", T0 + dt.timedelta(minutes=20), manual=0.9)
    assert decide(course)["di"] == (DecisionStatus.CERTIFIED, "")
    assert [s for _, s in sittings(course, "di")] == [SITTING_SUPERSEDED, DecisionStatus.CERTIFIED]


def test_over_time_is_pending_for_a_trainer_until_accepted(
    course: Course, submit: Submit, tmp_path: Path, cli: Cli
) -> None:
    homes = tmp_path / "homes"
    started = T0 - dt.timedelta(minutes=LEVEL.time_limit_minutes + 45)
    submit("ed", T0, manual=0.9)
    submit("fa", T0, manual=0.9)
    write_progress(homes, "ed", [{"event": "exam_started", "exam": EXAM, "at": started.isoformat()}])
    write_progress(homes, "ed", modules_done(LEVEL.curriculum_modules))
    write_progress(homes, "fa", modules_done(LEVEL.curriculum_modules))
    collect_progress(course, homes)
    decided = decide(course)
    assert decided["fa"] == (DecisionStatus.CERTIFIED, "")
    status, why = decided["ed"]
    assert status == DecisionStatus.PENDING
    assert f"用时 {LEVEL.time_limit_minutes + 45} 分钟超过限时 {LEVEL.time_limit_minutes} 分钟" in why
    listed = json.loads(cli("mark", "sittings", EXAM, "--course", course.root, "--json").output)
    ed = next(row for row in listed if row["trainee"] == "ed")
    assert (ed["minutes"], ed["start_source"], ed["status"]) == (
        LEVEL.time_limit_minutes + 45,
        START_RECORDED,
        DecisionStatus.PENDING,
    )
    assert cli("mark", "waive-time", EXAM, "ed", "--course", course.root, "--reason", " ").exit_code == 1
    waived = cli(
        "mark", "waive-time", EXAM, "ed", "--course", course.root, "--reason", "a 45-minute power cut"
    )
    assert waived.exit_code == 0, waived.output
    assert decide(course)["ed"] == (DecisionStatus.CERTIFIED, "")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        assert s.query(AuditEntry).filter(AuditEntry.action == "time_limit_waived").count() == 1
    engine.dispose()


def test_missing_curriculum_refuses_certification_once_progress_is_recorded(
    course: Course, submit: Submit, tmp_path: Path, cli: Cli
) -> None:
    homes = tmp_path / "homes"
    submit("gu", T0, manual=0.9)
    submit("hu", T0, manual=0.9)
    assert decide(course)["gu"][0] == DecisionStatus.CERTIFIED  # nothing recorded: not enforced
    done = [m for m in LEVEL.curriculum_modules if m not in ("03", "07")]
    write_progress(homes, "gu", modules_done(done))
    write_progress(homes, "hu", modules_done(LEVEL.curriculum_modules))
    collect_progress(course, homes)
    decided = decide(course)
    assert decided["gu"] == (DecisionStatus.FAILED, "先修课程未完成：模块 03、07")
    assert decided["hu"] == (DecisionStatus.CERTIFIED, "")
    shown = cli("certify", EXAM, "--course", course.root, "--date", "2026-12-01")
    assert (
        shown.exit_code == 0 and "先修课程未完成" in shown.output and "1 certified, 1 failed" in shown.output
    )


def test_retake_rules_count_only_decided_sittings_in_the_cycle() -> None:
    failed = Sitting(submitted_at=T0, status=DecisionStatus.FAILED.value)
    old = Sitting(submitted_at=T0.replace(year=T0.year - 3), status=DecisionStatus.FAILED.value)
    assert retake_refusal(LEVEL, [failed, old], T0 + LEVEL.retake_wait_days * DAY) == ""
    assert retake_refusal(LEVEL, [failed], T0 + DAY).startswith("补考间隔不足")


def test_retake_rules_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    course = bare_course(tmp_path / "course", pg_url)
    write_script(course, "pg-bo", T0, auto=0.3, manual=0.3)
    assert decide(course)["pg-bo"][0] == DecisionStatus.FAILED
    write_script(course, "pg-bo", T0 + DAY, manual=0.9)
    assert decide(course)["pg-bo"][1].startswith("补考间隔不足")
    write_script(course, "pg-bo", T0 + LEVEL.retake_wait_days * DAY, manual=0.9)
    assert decide(course)["pg-bo"] == (DecisionStatus.CERTIFIED, "")
    assert [s for _, s in sittings(course, "pg-bo")] == [
        DecisionStatus.FAILED,
        SITTING_REFUSED,
        DecisionStatus.CERTIFIED,
    ]
