"""Taking in one offered submission: links, special files, caps, damaged and hostile zips refused."""

from __future__ import annotations

import datetime as dt
import os
import struct
import zipfile
from pathlib import Path

import pytest

from grading.pipeline.intake import (
    MAX_SUBMISSION_BYTES,
    MAX_SUBMISSION_FILES,
    IntakeError,
    take_folder,
    take_zip,
)

EXAM = "assoc"
NOTEBOOK = b'{"cells": []}'
SECRET = "PRIVATE KEY of the assessor"


def folder(tmp_path: Path) -> Path:
    """A trainee's submission folder ``inbox/t1/assoc`` holding a notebook."""
    exam = tmp_path / "inbox" / "t1" / EXAM
    exam.mkdir(parents=True)
    (exam / f"{EXAM}.ipynb").write_bytes(NOTEBOOK)
    return exam


def secret(tmp_path: Path) -> Path:
    path = tmp_path / "signing.key"
    path.write_text(SECRET)
    return path


def take(tmp_path: Path) -> Path:
    """Take in ``inbox/t1/assoc``; return the staging folder."""
    staging = tmp_path / "staging"
    staging.mkdir()
    take_folder(tmp_path / "inbox", ("t1", EXAM), staging)
    return staging


def zipped(tmp_path: Path, entries: dict[str | zipfile.ZipInfo, bytes], name: str = "t1.zip") -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    with zipfile.ZipFile(inbox / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return inbox / name


def unzip(tmp_path: Path, name: str = "t1.zip") -> Path:
    staging = tmp_path / "staging"
    staging.mkdir()
    take_zip(tmp_path / "inbox", name, staging)
    return staging


def test_a_plain_folder_is_copied_with_its_received_time(tmp_path: Path) -> None:
    exam = folder(tmp_path)
    (exam / "data").mkdir()
    (exam / "data" / "notes.csv").write_text("a,b\n")
    staging = tmp_path / "staging"
    staging.mkdir()
    intake = take_folder(tmp_path / "inbox", ("t1", EXAM), staging)
    assert (staging / "data" / "notes.csv").read_text() == "a,b\n"
    assert intake.files == 2
    newest = max(os.lstat(p).st_ctime for p in [exam, *exam.rglob("*")])
    assert intake.received_at == dt.datetime.fromtimestamp(newest, dt.UTC).replace(tzinfo=None)


def test_symlink_in_folder_is_refused(tmp_path: Path) -> None:
    (folder(tmp_path) / "key.txt").symlink_to(secret(tmp_path))
    with pytest.raises(IntakeError, match=r"t1/assoc/key.txt: a symbolic link"):
        take(tmp_path)


def test_symlinked_subfolder_is_refused(tmp_path: Path) -> None:
    (folder(tmp_path) / "data").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(IntakeError, match=r"assoc/data: a symbolic link"):
        take(tmp_path)


def test_symlinked_trainee_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = folder(tmp_path / "elsewhere").parent
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "t1").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(IntakeError, match=r"inbox/t1: a symbolic link"):
        take(tmp_path)


def test_symlinked_exam_folder_is_refused(tmp_path: Path) -> None:
    real = folder(tmp_path / "elsewhere")
    (tmp_path / "inbox" / "t1").mkdir(parents=True)
    (tmp_path / "inbox" / "t1" / EXAM).symlink_to(real, target_is_directory=True)
    with pytest.raises(IntakeError, match=r"t1/assoc: a symbolic link"):
        take(tmp_path)


def test_fifo_in_folder_is_refused(tmp_path: Path) -> None:
    os.mkfifo(folder(tmp_path) / "pipe")
    with pytest.raises(IntakeError, match=r"assoc/pipe: a fifo"):
        take(tmp_path)


def test_hard_link_in_folder_is_refused(tmp_path: Path) -> None:
    os.link(secret(tmp_path), folder(tmp_path) / "key.txt")
    with pytest.raises(IntakeError, match=r"key.txt: has 2 hard links"):
        take(tmp_path)


def test_folder_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    with (folder(tmp_path) / "big.bin").open("wb") as sparse:
        sparse.truncate(MAX_SUBMISSION_BYTES + 1)
    with pytest.raises(IntakeError, match=r"declares 50.0 MB .* over the limit of 50.0 MB"):
        take(tmp_path)


def test_folder_with_too_many_files_is_refused(tmp_path: Path) -> None:
    exam = folder(tmp_path)
    for i in range(MAX_SUBMISSION_FILES):
        (exam / f"f{i}.txt").write_text("x")
    with pytest.raises(IntakeError, match=rf"more than {MAX_SUBMISSION_FILES} files"):
        take(tmp_path)


def test_zip_with_one_top_folder_is_flattened(tmp_path: Path) -> None:
    zipped(tmp_path, {f"{EXAM}/{EXAM}.ipynb": NOTEBOOK, f"{EXAM}/data/a.csv": b"a\n"})
    staging = unzip(tmp_path)
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == [
        f"{EXAM}.ipynb",
        "data/a.csv",
    ]


def test_zip_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    real = zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK}, name="real.zip")
    (tmp_path / "inbox" / "t1.zip").symlink_to(real)
    with pytest.raises(IntakeError, match=r"t1.zip: a symbolic link"):
        unzip(tmp_path)


def test_symlink_entry_in_zip_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("key.txt")
    link.external_attr = (0o120777 << 16) | 0
    zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK, link: b"/work/main/grading/key/truth.csv"})
    with pytest.raises(IntakeError, match=r"entry 'key.txt': a symbolic link"):
        unzip(tmp_path)


def test_zip_bomb_by_declared_size_is_refused(tmp_path: Path) -> None:
    zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK, "zeros.bin": bytes(MAX_SUBMISSION_BYTES + 1)})
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(IntakeError, match=r"declares 50.0 MB .* over the limit of 50.0 MB"):
        take_zip(tmp_path / "inbox", "t1.zip", staging)
    assert list(staging.iterdir()) == []


def _lie_about_size(path: Path, entry: str, size: int) -> None:
    """Rewrite the uncompressed size of ``entry`` in both its headers, as a forged zip would."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(entry)
    struct.pack_into("<I", data, info.header_offset + 22, size)  # local file header
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == entry.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_zip_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    path = zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK, "zeros.bin": bytes(MAX_SUBMISSION_BYTES + 1)})
    _lie_about_size(path, "zeros.bin", 1000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("zeros.bin").file_size == 1000
    with pytest.raises(
        IntakeError, match=r"entry 'zeros.bin' cannot be read .* does not match its declared sizes"
    ):
        unzip(tmp_path)
    assert (tmp_path / "staging" / "zeros.bin").stat().st_size <= 1000


def test_zip_with_too_many_files_is_refused(tmp_path: Path) -> None:
    zipped(tmp_path, {f"f{i}.txt": b"x" for i in range(MAX_SUBMISSION_FILES + 1)})
    with pytest.raises(IntakeError, match=rf"more than {MAX_SUBMISSION_FILES} files"):
        unzip(tmp_path)


def test_encrypted_zip_is_refused(tmp_path: Path) -> None:
    path = zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK})
    data = bytearray(path.read_bytes())  # Python cannot write encrypted zips: set the flag bit
    data[6] |= 0x1  # local file header
    data[data.find(b"PK\x01\x02") + 8] |= 0x1  # central directory
    path.write_bytes(bytes(data))
    with pytest.raises(IntakeError, match=r"is encrypted; ask the trainee for a zip without a password"):
        unzip(tmp_path)


def test_truncated_zip_is_refused(tmp_path: Path) -> None:
    path = zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK * 100})
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(IntakeError, match=r"t1.zip: not a readable zip file .*damaged or truncated"):
        unzip(tmp_path)


@pytest.mark.parametrize(
    "name", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "..\\evil.py", "C:/evil.py"]
)
def test_zip_entry_leaving_the_submission_is_refused(tmp_path: Path, name: str) -> None:
    zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK, name: b"print('pwned')"})
    with pytest.raises(IntakeError, match=r"points outside the submission \(path traversal\)"):
        unzip(tmp_path)
    assert not (tmp_path / "evil.py").exists()


def test_zip_entry_twice_is_refused(tmp_path: Path) -> None:
    path = zipped(tmp_path, {f"{EXAM}.ipynb": NOTEBOOK})
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"{EXAM}.ipynb", b"{}")
    with pytest.raises(IntakeError, match=r"assoc.ipynb appear\(s\) more than once"):
        unzip(tmp_path)
