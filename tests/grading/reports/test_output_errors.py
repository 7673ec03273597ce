"""An output folder that is read-only or full gives a clear error and leaves no temporary files.

Tests run as root, who ignores permission bits, so the folders are real small file systems: a
tmpfs mounted read-only, and one of 64 KiB that a large file fills. Without the right to mount,
these tests are skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from grading.reports.errors import ReportError
from grading.reports.messages import Messages
from grading.reports.pdf import ChromiumPrinter
from grading.reports.public_site import write_public_site
from grading.reports.register import RegisterRow, write_csv, write_xlsx
from grading.reports.render import find_chromium, write_text
from grading.scheme import load_scheme

TINY_FS = "size=64k"
TOO_BIG = "报" * 100_000  # 300 kB of UTF-8, more than the tiny file system holds
OLD = "old content\n"


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """``folder`` as a fresh tmpfs mounted with ``options``; skips the test when mounting is not allowed."""
    folder.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("needs root and mount(8) to make a read-only or full file system")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run([umount, "-l", str(folder)], check=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "ro", f"ro,{TINY_FS}") as folder:
        yield folder


@pytest.fixture
def full(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system already holding ``old.html`` (the previous version of an output)."""
    with tmpfs(tmp_path / "full", TINY_FS) as folder:
        (folder / "old.html").write_text(OLD, encoding="utf-8")
        yield folder


def refused(write: Callable[[], object]) -> str:
    with pytest.raises(ReportError) as caught:
        write()
    return str(caught.value)


def register_rows() -> list[RegisterRow]:
    day = dt.date(2026, 1, 15)
    return [
        RegisterRow(
            "t1", "张三", "t1@bank.example", "杭州分行", "初级客户经理认证考试", "assoc", "初级", "certified",
            "总分 90%", 30.0, 34.0, "valid", day, day, "CMA-1", None, "",
        )
    ]  # fmt: skip


def test_read_only_folder_names_the_path_and_the_reason(read_only: Path) -> None:
    target = read_only / "index.html"
    message = refused(lambda: write_text(target, "<p>report</p>"))
    assert f"cannot write {target}: read-only file system" in message
    assert "choose another output folder (--out)" in message


def test_read_only_folder_refuses_a_new_subfolder_with_the_same_error(read_only: Path) -> None:
    message = refused(lambda: write_text(read_only / "trainees" / "t1.html", "<p>t1</p>"))
    assert "read-only file system" in message
    assert os.listdir(read_only) == []


def test_register_csv_and_xlsx_into_a_read_only_folder(read_only: Path) -> None:
    msg = Messages.for_language("zh")
    assert "read-only file system" in refused(lambda: write_csv(register_rows(), read_only / "r.csv", msg))
    assert "read-only file system" in refused(lambda: write_xlsx(register_rows(), read_only / "r.xlsx", msg))


def test_full_disk_keeps_the_old_file_and_leaves_no_temporary_file(full: Path) -> None:
    message = refused(lambda: write_text(full / "old.html", TOO_BIG))
    assert f"cannot write {full / 'old.html'}: no space left on device" in message
    assert "free space on that disk" in message
    assert os.listdir(full) == ["old.html"]
    assert (full / "old.html").read_text(encoding="utf-8") == OLD


def test_public_site_on_a_full_disk_leaves_no_temporary_file(full: Path) -> None:
    msg = Messages.for_language("zh")
    public = full / "public"
    key = (TOO_BIG, "SHA256:00", "did:key:z6Mk")
    base = "https://certificates.example.invalid/"
    message = refused(
        lambda: write_public_site(public, [], msg, load_scheme(), base, dt.date(2026, 1, 15), key)
    )
    assert "no space left on device" in message
    assert not [p for p in public.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def test_new_file_has_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    write_text(tmp_path / "page.html", "<p>ok</p>")
    assert (tmp_path / "page.html").stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["page.html"]


def test_a_file_standing_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "reports").write_text("not a folder", encoding="utf-8")
    message = refused(lambda: write_text(tmp_path / "reports" / "t1.html", "<p>t1</p>"))
    assert f"cannot write {tmp_path / 'reports' / 't1.html'}" in message
    assert "a file stands where a folder is needed" in message


def fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to the last byte."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as f:
        while True:
            f.write(b"\0" * 1024)
            f.flush()


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_pdf_on_a_full_disk_is_an_error_and_the_browser_keeps_printing(full: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><body><h1>客户经理资格认证报告</h1></body></html>", encoding="utf-8"
    )
    fill(full)
    printer = ChromiumPrinter(str(find_chromium()), tmp_path / "profile")
    try:
        message = refused(lambda: printer.print_pdf(page, full / "report.pdf"))
        assert f"cannot write {full / 'report.pdf'}: no space left on device" in message
        assert printer.print_pdf(page, tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    finally:
        printer.close()
    assert sorted(os.listdir(full)) == ["filler", "old.html"]
