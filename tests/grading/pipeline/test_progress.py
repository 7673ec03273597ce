"""Collecting trainees' progress files into the course and the trainers' per-module table."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

from casebank import progress as recorder
from casebank import selfcheck
from casebank.load import load_bank
from grading.cli.progress_cmds import MARK_COMPLETE, MARK_NONE
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.progress import (
    STATE_COMPLETE,
    STATE_NONE,
    STATE_PARTIAL,
    collect_progress,
    course_progress,
    module_exercises,
)
from grading.pipeline.records import AuditEntry, ProgressRecord, open_engine, session
from grading.practice import module_factories
from grading.scheme import load_scheme
from tests.conftest import Cli
from tests.grading.certification.scripts import bare_course

TRAINEES = ["ann", "ben", "cat", "dan", "eve"]


def as_trainee(monkeypatch: pytest.MonkeyPatch, homes: Path, trainee: str) -> None:
    """Run the trainee-side recorder as if in ``trainee``'s home."""
    monkeypatch.setenv(recorder.HOME_ENV, str(homes / trainee / recorder.DIR_NAME))


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Course, Path]:
    course = bare_course(tmp_path / "course")
    with gradebook(course.db_url) as gb:
        for trainee in TRAINEES:
            gb.update_or_create_student(trainee)
    homes = tmp_path / "homes"
    first = module_exercises()["01"]
    as_trainee(monkeypatch, homes, "ann")
    recorder.record_check(first[0], passed=False)
    for exercise in first:
        recorder.record_check(exercise, passed=True)
    as_trainee(monkeypatch, homes, "ben")
    fourth = module_exercises()["04"]
    recorder.record_check(fourth[0], passed=True)
    recorder.record_check(fourth[1], passed=False)
    with (homes / "ben" / recorder.DIR_NAME / recorder.FILE_NAME).open("ab") as f:
        f.write(b'{"event": "check", "exer\n')
    secret = tmp_path / "secret.txt"
    secret.write_text('{"event": "module_completed", "module": "02", "at": "2026-01-01T00:00:00"}\n')
    (homes / "dan" / recorder.DIR_NAME).mkdir(parents=True)
    (homes / "dan" / recorder.DIR_NAME / recorder.FILE_NAME).symlink_to(secret)
    as_trainee(monkeypatch, homes, "eve")
    recorder.record_module_completed(9)
    return course, homes


def test_collect_stores_each_event_once_and_refuses_links(course: tuple[Course, Path]) -> None:
    course_, homes = course
    report = collect_progress(course_, homes)
    assert report.new == {"ann": len(module_exercises()["01"]) + 1, "ben": 2, "eve": 1}
    assert report.missing == ["cat"]
    assert report.damaged == {"ben": 1}
    assert list(report.refused) == ["dan"] and "link" in report.refused["dan"]
    again = collect_progress(course_, homes)
    assert again.new == {"ann": 0, "ben": 0, "eve": 0}
    engine = open_engine(course_.db_url)
    with session(engine) as s:
        assert s.query(ProgressRecord).count() == sum(report.new.values())
        actions = [(e.action, e.trainee) for e in s.query(AuditEntry)]
    engine.dispose()
    assert actions.count(("progress_collect", "ann")) == 1  # nothing new the second time
    assert ("progress_refused", "dan") in actions


def test_modules_complete_when_all_checks_pass_or_completion_is_recorded(course: tuple[Course, Path]) -> None:
    course_, homes = course
    collect_progress(course_, homes)
    table = course_progress(course_)
    assert table["ann"]["01"].state == STATE_COMPLETE
    assert table["ben"]["04"].state == STATE_PARTIAL and table["ben"]["04"].passed == 1
    assert table["eve"]["09"].state == STATE_COMPLETE and table["eve"]["09"].recorded_complete
    assert {p.state for p in table["cat"].values()} == {STATE_NONE}
    assert table["dan"]["02"].state == STATE_NONE  # the linked file was not read


def test_progress_commands(course: tuple[Course, Path], cli: Cli) -> None:
    course_, homes = course
    collected = cli("progress", "collect", "--course", course_.root, "--homes", homes)
    assert collected.exit_code == 0, collected.output
    assert "from 3 trainees" in collected.output and "dan: not collected" in collected.output
    shown = cli("progress", "--course", course_.root)
    assert shown.exit_code == 0, shown.output
    lines = [line.split() for line in shown.output.splitlines()]
    header = next(cells for cells in lines if cells[:1] == ["trainee"])
    ann, ben = (next(cells for cells in lines if cells[:1] == [t]) for t in ("ann", "ben"))
    assert ann[header.index("01")] == MARK_COMPLETE and ann[header.index("02")] == MARK_NONE
    assert ben[header.index("04")] == f"1/{len(module_exercises()['04'])}"
    assert "…" not in shown.output and header[1 : 1 + len(module_exercises())] == sorted(module_exercises())
    data = json.loads(cli("progress", "--course", course_.root, "--json").output)
    assert data["trainees"]["eve"]["09"]["state"] == STATE_COMPLETE
    associate = load_scheme().level("associate").curriculum_modules
    assert data["missing_prerequisites"]["cat"]["associate"] == associate
    assert data["missing_prerequisites"]["ann"]["associate"] == [m for m in associate if m != "01"]
    assert cli("progress").exit_code != 0


def add_user(name: str) -> pwd.struct_passwd:
    subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True, capture_output=True)
    return pwd.getpwnam(name)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("useradd") is None, reason="needs root and useradd")
def test_collect_reads_real_homes_and_only_files_the_trainee_owns(tmp_path: Path) -> None:
    """On the hub: each account's own home; a file the trainee does not own is refused."""
    names = ["cmaprogx1", "cmaprogx2"]
    try:
        owner, other = (add_user(n) for n in names)
        course = bare_course(tmp_path / "course")
        with gradebook(course.db_url) as gb:
            for name in names:
                gb.update_or_create_student(name)
        for account, chown_to in ((owner, owner), (other, owner)):
            folder = Path(account.pw_dir) / recorder.DIR_NAME
            folder.mkdir()
            line = {"v": 1, "event": "module_completed", "module": "01", "at": "2026-11-01T08:00:00"}
            copied = line | {"module": "02", "user": "someone_else"}
            text = "".join(json.dumps(x) + "\n" for x in (line | {"user": account.pw_name}, copied))
            (folder / recorder.FILE_NAME).write_text(text, encoding="utf-8")
            for path in (folder, folder / recorder.FILE_NAME):
                os.chown(path, chown_to.pw_uid, chown_to.pw_gid)
        report = collect_progress(course)
        assert report.new == {names[0]: 1} and report.foreign == {names[0]: 1}
        assert list(report.refused) == [names[1]] and "not by the trainee" in report.refused[names[1]]
    finally:
        for name in names:
            subprocess.run(["userdel", "-r", name], capture_output=True, check=False)


def test_self_checks_a_trainee_passes_show_as_a_completed_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """The whole path: the notebook's self-checks, the home file, collection, the trainers' table."""
    course = bare_course(tmp_path / "course")
    with gradebook(course.db_url) as gb:
        gb.update_or_create_student("fay")
    homes = tmp_path / "homes"
    as_trainee(monkeypatch, homes, "fay")
    for exercise in module_factories()["m01"](load_bank()):
        client = sorted(exercise.cases)[0] if exercise.cases else selfcheck.SHARED
        assert selfcheck.check(exercise.id, exercise.answer_for(client), client=client or None).correct
    assert cli("progress", "collect", "--course", course.root, "--homes", homes).exit_code == 0
    data = json.loads(cli("progress", "--course", course.root, "--json").output)
    assert data["trainees"]["fay"]["01"]["state"] == STATE_COMPLETE
    assert "01" not in data["missing_prerequisites"]["fay"]["associate"]
