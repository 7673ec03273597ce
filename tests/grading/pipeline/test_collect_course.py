"""Collecting into a course: bad submissions refused one by one, lateness by the received time."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading.pipeline.collect import collect
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import AuditEntry, GradingRecord, now, open_engine, session
from tests.conftest import Cli
from tests.grading.pipeline.conftest import EXAM, make_course, put

SECRET = "-----BEGIN PRIVATE KEY----- assessor"
BACKDATED = "2026-01-05 09:00:00 UTC"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A released course with trainees t1-t3, made once; each test works on a copy."""
    root = tmp_path_factory.mktemp("template")
    course, source, _ = make_course(root, ["t1", "t2", "t3"])
    return course.root, nbformat.writes(source)


@pytest.fixture
def course(template: tuple[Path, str], tmp_path: Path) -> Course:
    return Course.open(shutil.copytree(template[0], tmp_path / "course"))


@pytest.fixture
def notebook(template: tuple[Path, str]) -> nbformat.NotebookNode:
    return nbformat.reads(template[1], as_version=4)


def set_due(course: Course, due: dt.datetime) -> None:
    with gradebook(course.db_url) as gb:
        gb.update_or_create_assignment(EXAM, duedate=due)


def zip_submission(inbox: Path, name: str, notebook: nbformat.NotebookNode, **extra: bytes) -> Path:
    inbox.mkdir(exist_ok=True)
    with zipfile.ZipFile(inbox / name, "w") as archive:
        archive.writestr(f"{EXAM}/{EXAM}.ipynb", nbformat.writes(notebook))
        for entry, data in extra.items():
            archive.writestr(f"{EXAM}/{entry}", data)
    return inbox / name


def audits(course: Course, action: str) -> list[AuditEntry]:
    with session(open_engine(course.db_url)) as s:
        entries = s.query(AuditEntry).filter_by(action=action).all()
        s.expunge_all()
        return entries


def everything_in(course: Course) -> str:
    return "".join(p.read_text(errors="replace") for p in course.root.rglob("*") if p.is_file())


def test_one_bad_submission_does_not_stop_the_others(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    put(inbox, "t1", notebook)
    put(inbox, "t2", notebook)
    key = tmp_path / "signing.key"
    key.write_text(SECRET)
    (inbox / "t2" / EXAM / "key.txt").symlink_to(key)
    (inbox / "t3.zip").write_bytes(zip_submission(tmp_path / "made", "t3.zip", notebook).read_bytes()[:-30])
    report = collect(course, EXAM, inbox)
    assert list(report.collected) == ["t1"]
    assert "key.txt: a symbolic link" in report.rejected["t2"]
    assert "not a readable zip file" in report.rejected["t3"]
    assert sorted(p.name for p in (course.root / "submitted").iterdir()) == ["t1"]
    assert not list(course.root.glob(".collect-*"))
    assert SECRET not in everything_in(course)
    assert {e.trainee for e in audits(course, "collect_refused")} == {"t2", "t3"}


def test_several_submissions_for_one_trainee_collect_none(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    put(inbox, "t1", notebook)
    zip_submission(inbox, "t1.zip", notebook)
    zip_submission(inbox, f"t1_{EXAM}.zip", notebook)
    put(inbox, "t2", notebook)
    report = collect(course, EXAM, inbox)
    assert list(report.collected) == ["t2"]
    reason = report.rejected["t1"]
    assert reason.startswith("3 submissions offered") and "none collected" in reason
    for name in (f"t1/{EXAM}", "t1.zip", f"t1_{EXAM}.zip"):
        assert str(inbox / name) in reason
    assert not (course.root / "submitted" / "t1").exists()


def test_backdated_timestamp_txt_in_zip_is_still_late(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    set_due(course, now() - dt.timedelta(hours=2))
    zip_submission(tmp_path / "inbox", "t1.zip", notebook, **{"timestamp.txt": BACKDATED.encode()})
    report = collect(course, EXAM, tmp_path / "inbox")
    reason = report.rejected["t1"]
    assert reason.startswith("120 minutes late") and "does not accept late work" in reason
    assert f"claimed time {BACKDATED} (from timestamp.txt) is " in reason
    assert not (course.root / "submitted" / "t1").exists()
    with session(open_engine(course.db_url)) as s:
        record = s.get(GradingRecord, (EXAM, "t1"))
        assert record is not None and record.status == "rejected_late"
        assert record.late_seconds is not None and record.late_seconds >= 7200 - 5


def test_backdated_zip_entry_dates_are_still_late(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    set_due(course, now() - dt.timedelta(hours=2))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "t1.zip", "w") as archive:
        archive.writestr(
            zipfile.ZipInfo(f"{EXAM}.ipynb", date_time=(2026, 1, 5, 9, 0, 0)), nbformat.writes(notebook)
        )
    report = collect(course, EXAM, inbox)
    assert report.rejected["t1"].startswith("120 minutes late")
    assert f"claimed time {BACKDATED} (from the files' dates)" in report.rejected["t1"]


def test_backdated_submission_is_on_time_when_due_is_in_the_future(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    set_due(course, now() + dt.timedelta(days=1))
    zip_submission(tmp_path / "inbox", "t1.zip", notebook, **{"timestamp.txt": BACKDATED.encode()})
    report = collect(course, EXAM, tmp_path / "inbox")
    assert list(report.collected) == ["t1"] and report.late == {} and report.ok


def test_late_resubmission_leaves_the_earlier_one_in_place(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    put(tmp_path / "first", "t1", notebook)
    assert list(collect(course, EXAM, tmp_path / "first").collected) == ["t1"]
    set_due(course, now() - dt.timedelta(hours=1))
    put(tmp_path / "second", "t1", notebook)
    report = collect(course, EXAM, tmp_path / "second")
    assert report.rejected["t1"].endswith("the submission collected earlier stands")
    assert (course.root / "submitted" / "t1" / EXAM / f"{EXAM}.ipynb").is_file()
    with session(open_engine(course.db_url)) as s:
        assert s.get(GradingRecord, (EXAM, "t1")) is None


def test_late_within_the_grace_period_is_collected_and_reported(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    set_due(course, now() - dt.timedelta(minutes=10))
    put(tmp_path / "inbox", "t1", notebook)
    report = collect(course, EXAM, tmp_path / "inbox")
    assert list(report.collected) == ["t1"]
    assert 600 - 5 <= report.late["t1"] <= 600 + 60


def test_claimed_time_far_from_the_received_time_is_reported(
    course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    put(inbox, "t1", notebook)
    (inbox / "t1" / EXAM / "timestamp.txt").write_text(BACKDATED)
    put(inbox, "t2", notebook)
    (inbox / "t2" / EXAM / "timestamp.txt").write_text(now().strftime("%Y-%m-%d %H:%M:%S UTC"))
    report = collect(course, EXAM, inbox)
    received = report.collected["t1"]
    assert report.claims["t1"].startswith(f"claimed time {BACKDATED} (from timestamp.txt) is ")
    assert f"minutes before the received time {received:%Y-%m-%d %H:%M:%S} UTC" in report.claims["t1"]
    assert "t2" not in report.claims
    stamp = (course.root / "submitted" / "t1" / EXAM / "timestamp.txt").read_text()
    assert stamp.startswith(f"{received:%Y-%m-%d %H:%M:%S}")
    details = json.loads(next(e for e in audits(course, "collect") if e.trainee == "t1").details)
    assert details["claimed_at"] == "2026-01-05 09:00:00" and details["submitted_at"] == str(received)
    assert details["rule"].startswith("received = newest ctime")


def test_cli_names_each_rejected_trainee_as_text_and_exits_1(
    cli: Cli, course: Course, notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    put(inbox, "t1", notebook)
    (inbox / "t2.zip").write_bytes(b"not a zip")
    put(inbox, "[red]x", notebook)
    result = cli("collect", EXAM, "--from", inbox, "--course", course.root)
    assert result.exit_code == 1
    assert "collected 1 (0 late), unchanged 0, rejected 2" in result.output
    assert "  t2: rejected: " in result.output and "not a readable zip file" in result.output
    assert "  [red]x: rejected: not in the roster" in result.output
    assert "Traceback" not in result.output
    (inbox / "t2.zip").unlink()
    shutil.rmtree(inbox / "[red]x")
    result = cli("collect", EXAM, "--from", inbox, "--course", course.root)
    assert result.exit_code == 0 and "unchanged 1, rejected 0" in result.output
