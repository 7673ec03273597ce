"""A damaged SQLite gradebook is refused with a message that says to restore it; never recreated."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from grading.pipeline.course import init_course
from grading.pipeline.gradebook import GradebookError, check_gradebook_file, environment, gradebook
from grading.pipeline.roster import import_roster
from tests.conftest import Cli
from tests.grading.pipeline.conftest import write_roster


@pytest.fixture(scope="module")
def real_gradebook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a real gradebook: a new course with one trainee."""
    root = tmp_path_factory.mktemp("real")
    course = init_course(root / "c")
    import_roster(course, write_roster(root / "r.csv", ["t1"]))
    return (course.root / "gradebook.db").read_bytes()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def refused(path: Path, content: bytes) -> str:
    """Write ``content`` to ``path``, open it as a gradebook and return the error message."""
    path.write_bytes(content)
    with pytest.raises(GradebookError) as caught:
        gradebook(sqlite_url(path))
    assert path.read_bytes() == content, "the damaged file must be left as it was"
    return str(caught.value)


def test_zero_byte_gradebook_is_refused_not_recreated(tmp_path: Path) -> None:
    message = refused(tmp_path / "gradebook.db", b"")
    assert str(tmp_path / "gradebook.db") in message
    assert "empty (0 bytes)" in message and "restore it from a backup" in message


def test_truncated_gradebook_is_refused(tmp_path: Path, real_gradebook: bytes) -> None:
    message = refused(tmp_path / "gradebook.db", real_gradebook[: len(real_gradebook) // 2])
    assert "truncated" in message and "restore it from a backup" in message


def test_random_bytes_are_not_a_gradebook(tmp_path: Path) -> None:
    noise = random.Random(13).randbytes(8192)
    message = refused(tmp_path / "gradebook.db", noise)
    assert "is not an SQLite database" in message and "restore it from a backup" in message


def test_damaged_pages_behind_a_good_header_are_reported_not_raised_raw(
    tmp_path: Path, real_gradebook: bytes
) -> None:
    header_only = real_gradebook[:100] + b"\xff" * (len(real_gradebook) - 100)
    message = refused(tmp_path / "gradebook.db", header_only)
    assert "is damaged (database disk image is malformed)" in message


def test_check_passes_a_missing_file_a_real_gradebook_and_server_urls(
    tmp_path: Path, real_gradebook: bytes
) -> None:
    check_gradebook_file(sqlite_url(tmp_path / "new.db"))
    (tmp_path / "good.db").write_bytes(real_gradebook)
    check_gradebook_file(sqlite_url(tmp_path / "good.db"))
    check_gradebook_file("postgresql://user@/gradebook?host=/nonexistent")
    check_gradebook_file("sqlite://")
    assert not (tmp_path / "new.db").exists()


def test_an_unreachable_server_names_the_url_without_its_password() -> None:
    with pytest.raises(GradebookError, match=r"postgresql://user:\*\*\*@/gradebook.*--db-url") as caught:
        gradebook("postgresql://user:secret@/gradebook?host=/nonexistent-socket-dir")
    assert "secret" not in str(caught.value)


def test_cli_reports_an_emptied_gradebook_without_traceback(cli: Cli, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    database = course.root / "gradebook.db"
    database.write_bytes(b"")
    result = cli("roster", "import", write_roster(tmp_path / "r.csv", ["t1"]), "--course", course.root)
    assert result.exit_code == 1
    assert "error: gradebook" in result.output and "restore it from a backup" in result.output
    assert "Traceback" not in result.output
    assert database.read_bytes() == b""


def test_a_short_file_with_a_journal_beside_it_is_left_to_sqlite(
    tmp_path: Path, real_gradebook: bytes
) -> None:
    database = tmp_path / "gradebook.db"
    database.write_bytes(real_gradebook[: len(real_gradebook) // 2])
    (tmp_path / "gradebook.db-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7")
    check_gradebook_file(sqlite_url(database))


def test_opening_a_gradebook_leaves_path_as_it_was(tmp_path: Path, real_gradebook: bytes) -> None:
    before = os.environ.get("PATH")
    gradebook(sqlite_url(tmp_path / "new.db")).close()
    assert os.environ.get("PATH") == before
    refused(tmp_path / "damaged.db", real_gradebook[:100] + b"\xff" * (len(real_gradebook) - 100))
    assert os.environ.get("PATH") == before


def test_environment_restores_set_and_unset_variables() -> None:
    os.environ.pop("CMACADEMY_TEST_UNSET", None)
    before = os.environ["PATH"]
    with pytest.raises(RuntimeError), environment(PATH="/nowhere", CMACADEMY_TEST_UNSET="1"):
        assert os.environ["PATH"] == "/nowhere" and os.environ["CMACADEMY_TEST_UNSET"] == "1"
        raise RuntimeError("an error inside")
    assert os.environ["PATH"] == before and "CMACADEMY_TEST_UNSET" not in os.environ
