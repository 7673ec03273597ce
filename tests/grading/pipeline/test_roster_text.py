"""Roster text is cleaned and checked before any database sees it: same rules on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from grading.pipeline.course import init_course
from grading.pipeline.records import Trainee, open_engine, session
from grading.pipeline.roster import RosterError, import_roster, read_roster

HEADER = "id,name,email,org_unit\n"
LONG_NAME = "张" * 100_000


def roster(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    return str(caught.value)


def test_hundred_thousand_character_name_is_refused_without_echoing_it(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, f"t1,{LONG_NAME},t1@bank.cn,杭州分行"))
    assert "roster.csv line 2: name is 100000 characters long; at most 100 are allowed" in message
    assert len(message) < 500


def test_name_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    (entry,) = read_roster(roster(tmp_path, f"t1,{'张' * 100},t1@bank.cn,杭州分行"))
    assert len(entry.name) == 100


def test_nul_byte_is_refused(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, "t1,张\x00三,t1@bank.cn,杭州分行"))
    assert "line 2: name holds a control character U+0000 at character 2; remove it" in message


def test_line_break_inside_a_quoted_name_is_refused(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, 't1,"张\n三",t1@bank.cn,杭州分行'))
    assert "name holds a control character U+000A" in message


def test_right_to_left_override_is_refused_by_name(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, "t1,Ali\u202egnp.exe,t1@bank.cn,杭州分行"))
    assert "name holds a text-direction control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4" in message


def test_zero_width_space_in_org_unit_is_refused(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, "t1,张三,t1@bank.cn,杭州\u200b分行"))
    assert "org_unit holds an invisible format character U+200B (ZERO WIDTH SPACE)" in message


def test_over_long_email_and_org_unit_are_refused(tmp_path: Path) -> None:
    email = "a" * 250 + "@b.cn"
    message = refusal(roster(tmp_path, f"t1,张三,{email},{'部' * 101}"))
    assert "email is 255 characters long; at most 254 are allowed" in message
    assert "org_unit is 101 characters long; at most 100 are allowed" in message


def test_over_long_id_is_refused_without_echoing_it(tmp_path: Path) -> None:
    message = refusal(roster(tmp_path, f"{'t' * 65},张三,t1@bank.cn,杭州分行"))
    assert "id is 65 characters long; at most 64 are allowed" in message
    assert "t" * 65 not in message


def test_spaces_are_stripped_and_text_normalised_to_nfc(tmp_path: Path) -> None:
    decomposed = "Zoe\u0301 Li"
    course = init_course(tmp_path / "c")
    import_roster(course, roster(tmp_path, f" t1 ,\u3000{decomposed}  , t1@bank.cn ,杭州分行 "))
    with session(open_engine(course.db_url)) as s:
        trainee = s.get(Trainee, "t1")
        assert trainee is not None
        assert trainee.name == unicodedata.normalize("NFC", decomposed) == "Zoé Li"
        assert (trainee.email, trainee.org_unit) == ("t1@bank.cn", "杭州分行")


def test_same_refusal_on_sqlite_and_postgresql_and_nothing_imported(tmp_path: Path, pg_url: str) -> None:
    path = roster(tmp_path, f"huge1,{LONG_NAME},h@bank.cn,杭州分行", "nul1,张\x00三,n@bank.cn,杭州分行")
    messages = []
    for course in (init_course(tmp_path / "lite"), init_course(tmp_path / "pg").but(db_url=pg_url)):
        with pytest.raises(RosterError) as caught:
            import_roster(course, path)
        messages.append(str(caught.value))
        assert not {"huge1", "nul1"} & set(course.trainees())
    assert messages[0] == messages[1]
    assert "line 2: name is 100000 characters long" in messages[0]
    assert "line 3: name holds a control character U+0000" in messages[0]
