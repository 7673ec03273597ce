"""Roster import and collection: every bad row named, nothing half-imported or half-copied."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading.pipeline.collect import collect
from grading.pipeline.course import init_course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import Trainee, now, open_engine, session
from grading.pipeline.release import release
from grading.pipeline.roster import RosterError, import_roster
from tests.conftest import Cli
from tests.grading.pipeline.conftest import EXAM, put, write_roster


def test_roster_import_writes_students_trainees_and_variants(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    result = cli("roster", "import", write_roster(tmp_path / "r.csv", ["t1", "t2"]), "--course", course.root)
    assert result.exit_code == 0, result.output
    assert course.trainees() == ["t1", "t2"]
    assert (course.handouts / "t2" / EXAM / "variant.json").is_file()
    with session(open_engine(course.db_url)) as s:
        assert s.get(Trainee, "t1").org_unit == "宁波分行"


def test_roster_with_bad_rows_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = tmp_path / "r.csv"
    roster.write_text(
        "id,name,email,org_unit\n"
        "t1,张三,t1@bank.cn,杭州分行\n"
        "bad id,李四,t2@bank.cn,杭州分行\n"
        "t3,王五,not-an-email,宁波分行\n"
        "t4,,t4@bank.cn,\n"
        "t1,张三,t1@bank.cn,杭州分行\n"
        "t6,赵六\n",
        encoding="utf-8",
    )
    result = cli("roster", "import", roster, "--course", course.root)
    assert result.exit_code == 1
    for expected in ("line 3: id 'bad id'", "line 4: email 'not-an-email'", "line 5: name is empty; org_unit is empty",
                     "line 6: id 't1' repeats line 2", "line 7: expected 4 fields, found 2", "nothing was imported"):  # fmt: skip
        assert expected in result.output
    assert course.trainees() == []


def test_roster_without_required_column(tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,email\nt1,张三,t1@bank.cn\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 1: missing column"):
        import_roster(course, roster)


def test_roster_with_excel_bom_is_read(tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    roster = write_roster(tmp_path / "r.csv", ["t1"])
    roster.write_bytes(b"\xef\xbb\xbf" + roster.read_bytes())
    assert [e.id for e in import_roster(course, roster)] == ["t1"]


@pytest.fixture
def released(tmp_path: Path):  # type: ignore[no-untyped-def]
    course = init_course(tmp_path / "c")
    import_roster(course, write_roster(tmp_path / "r.csv", ["t1", "t2", "t3"]))
    release(course, EXAM, due=now() + dt.timedelta(days=1))
    return course, nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)


def test_collect_from_a_submitted_folder_records_received_times(released, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    course, source = released
    inbox = tmp_path / "inbox"
    before = now() - dt.timedelta(seconds=1)  # file times use a coarser clock
    put(inbox, "t1", source)
    (inbox / "t1" / EXAM / "timestamp.txt").write_text("2026-01-01 17:59:00 UTC")
    put(inbox, "t2", source)
    put(inbox, "stranger", source)
    report = collect(course, EXAM, inbox)
    assert sorted(report.collected) == ["t1", "t2"] and report.late == {}
    assert all(before <= when <= now() for when in report.collected.values())
    assert "not in the roster" in report.rejected["stranger"]
    stamp = (course.root / "submitted" / "t1" / EXAM / "timestamp.txt").read_text()
    assert stamp == report.collected["t1"].strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def test_collect_from_zips(released, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    course, source = released
    inbox = tmp_path / "zips"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "t1.zip", "w") as z:
        z.writestr(
            zipfile.ZipInfo(f"{EXAM}/{EXAM}.ipynb", date_time=(2026, 12, 1, 12, 0, 0)),
            nbformat.writes(source),
        )
    (inbox / f"t2_{EXAM}.zip").write_bytes(b"this is not a zip")
    report = collect(course, EXAM, inbox)
    received = dt.datetime.fromtimestamp((inbox / "t1.zip").stat().st_ctime, dt.UTC).replace(tzinfo=None)
    assert report.collected == {"t1": received}
    assert "not a readable zip" in report.rejected["t2"]
    assert (course.root / "submitted" / "t1" / EXAM / f"{EXAM}.ipynb").is_file()
    assert not (course.root / "submitted" / "t2").exists()


def test_collect_keeps_a_newer_submission(released, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    course, source = released
    for folder in ("old", "new"):  # received in this order
        put(tmp_path / folder, "t1", source)
    assert list(collect(course, EXAM, tmp_path / "new").collected) == ["t1"]
    assert collect(course, EXAM, tmp_path / "old").unchanged == ["t1"]


def test_collect_from_a_missing_place_is_an_error(cli: Cli, released, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    course, _ = released
    result = cli("collect", EXAM, "--from", tmp_path / "nowhere", "--course", course.root)
    assert result.exit_code == 1 and "not a folder" in result.output
    with gradebook(course.db_url) as gb:
        assert gb.assignment_submissions(EXAM) == []
