"""Taking one offered submission into a staging folder, safely.

An offer is a trainee's folder (``SOURCE/<trainee>/<exam>/``) or zip (``SOURCE/<name>.zip``). What
a trainee hands in is hostile until shown otherwise, so taking it in:

- never follows a symbolic link at any level (the trainee folder, the exam folder, anything inside
  it, the zip itself, a zip entry carrying the unix symlink mode) and refuses fifos, devices,
  sockets and files with several hard links (a link could name a file the trainee may not read
  but the assessor may, such as the signing key);
- caps a submission at `MAX_SUBMISSION_BYTES` expanded and `MAX_SUBMISSION_FILES` files: the
  sizes a folder's files or a zip's headers declare are checked first, and bytes are counted
  while copying, since declared sizes can lie;
- refuses encrypted, damaged or truncated zips and entries whose path leaves the submission.

A refusal raises `IntakeError` naming the place and what to do; the caller removes the staging
folder, so nothing of a refused submission is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import zipfile
import zlib
from collections.abc import Generator, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final, cast

from casebank.errors import CmAcademyError

MAX_SUBMISSION_BYTES: Final = 50 * 1024 * 1024
"""Largest expanded size of one submission (all its files together)."""
MAX_SUBMISSION_FILES: Final = 200
"""Most files in one submission."""
COPY_CHUNK_BYTES: Final = 1024 * 1024
ZIP_JUNK_FOLDER: Final = "__MACOSX"
"""Resource forks macOS adds to zips it makes; skipped."""
ZIP_ENCRYPTED_FLAG: Final = 0x1
ZIP_UNIX_MODE_SHIFT: Final = 16

_OPEN_DIR: Final = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE: Final = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE_FILE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_KIND_NAMES: Final = {
    stat.S_IFIFO: "fifo (named pipe)",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFSOCK: "socket",
}
_ZIP_READ_ERRORS: Final = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    ValueError,
)
_MEGABYTE: Final = 1024 * 1024
_Walk = Generator[tuple[str, list[str], list[str], int], None, None]


class IntakeError(CmAcademyError):
    """An offered submission is refused; nothing of it is kept."""


@dataclass(frozen=True)
class Intake:
    """What was taken in from one offer."""

    received_at: dt.datetime
    """Newest change time (ctime) of the zip, or of the folder and everything in it (naive UTC).

    A user cannot set a ctime back: it is when the content last changed on this machine."""
    written_at: dt.datetime | None
    """Newest time the trainee's files carry (zip entry dates, modification times): a claim."""
    files: int
    """Files taken in."""
    size: int
    """Bytes taken in."""


@dataclass
class _Budget:
    """Files and bytes of one submission so far, against the caps."""

    where: Path
    files: int = 0
    declared: int = 0
    copied: int = 0

    def declare(self, name: str, size: int) -> None:
        self.files += 1
        self.declared += size
        if self.files > MAX_SUBMISSION_FILES:
            raise IntakeError(
                f"{self.where}: more than {MAX_SUBMISSION_FILES} files (at {name}); a submission "
                "holds the exam notebook and its own files, so it is refused"
            )
        if self.declared > MAX_SUBMISSION_BYTES:
            raise IntakeError(
                f"{self.where}: declares {_mb(self.declared)} (at {name}), over the limit of "
                f"{_mb(MAX_SUBMISSION_BYTES)} per submission; refused"
            )

    def count(self, name: str, size: int) -> None:
        self.copied += size
        if self.copied > MAX_SUBMISSION_BYTES:
            raise IntakeError(
                f"{self.where}: expands past {_mb(MAX_SUBMISSION_BYTES)} while copying {name} "
                f"though it declared {_mb(self.declared)}; refused"
            )


def _mb(size: int) -> str:
    return f"{size / _MEGABYTE:.1f} MB ({size:,} bytes)"


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(tzinfo=None)


def _refuse_kind(where: Path | str, mode: int, links: int = 1) -> None:
    """Refuse anything but a plain directory or a regular file with one name."""
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise IntakeError(
            f"{where}: a symbolic link; collect never follows links, so this submission is "
            "refused. Ask the trainee to hand in the files themselves."
        )
    if kind not in (stat.S_IFREG, stat.S_IFDIR):
        what = _KIND_NAMES.get(kind, "special file")
        raise IntakeError(f"{where}: a {what}, not a regular file; this submission is refused")
    if kind == stat.S_IFREG and links > 1:
        raise IntakeError(
            f"{where}: has {links} hard links; collect takes only files that are their own copy "
            "(copy it with cp, do not link it), so this submission is refused"
        )


def _open_beneath(base: Path, parts: Iterable[str], flags: int) -> int:
    """Open ``base/parts...`` without following a link at any of the ``parts``."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    where = base
    try:
        *dirs, last = list(parts)
        for part in dirs:
            where = where / part
            _refuse_kind(where, os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode)
            inner = os.open(part, _OPEN_DIR, dir_fd=fd)
            os.close(fd)
            fd = inner
        where = where / last
        st = os.stat(last, dir_fd=fd, follow_symlinks=False)
        _refuse_kind(where, st.st_mode, st.st_nlink)
        return os.open(last, flags, dir_fd=fd)
    finally:
        os.close(fd)


def _copy_from(dir_fd: int, name: str, seen: os.stat_result, target: Path, budget: _Budget) -> None:
    """Copy one regular file, counting its bytes; refuse it if it changed since ``seen``."""
    fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (seen.st_dev, seen.st_ino) or not stat.S_ISREG(now.st_mode):
            raise IntakeError(f"{budget.where}: {name} changed while being collected; collect again")
        with os.fdopen(os.open(target, _CREATE_FILE, 0o644), "wb") as sink:
            while chunk := os.read(fd, COPY_CHUNK_BYTES):
                budget.count(name, len(chunk))
                sink.write(chunk)
    finally:
        os.close(fd)


def _raise(error: OSError) -> None:
    raise error


def take_folder(source: Path, parts: tuple[str, ...], staging: Path) -> Intake:
    """Copy the folder ``source/parts...`` into the empty folder ``staging``.

    Raises:
        IntakeError: the folder, or anything in it, is refused (see the module's docstring).
    """
    where = source.joinpath(*parts)
    budget = _Budget(where)
    try:
        top = _open_beneath(source, parts, _OPEN_DIR)
        try:
            newest_change = os.fstat(top).st_ctime
            newest_write: float | None = None
            walk = cast(_Walk, os.fwalk(".", dir_fd=top, follow_symlinks=False, onerror=_raise))
            with closing(walk) as folders:  # closed at once on a refusal: its folders' descriptors too
                for folder, dirnames, filenames, dir_fd in folders:
                    for name in sorted([*dirnames, *filenames]):
                        relative = Path(folder, name)
                        seen = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                        _refuse_kind(where / relative, seen.st_mode, seen.st_nlink)
                        newest_change = max(newest_change, seen.st_ctime)
                        if stat.S_ISDIR(seen.st_mode):
                            (staging / relative).mkdir()
                            continue
                        budget.declare(str(relative), seen.st_size)
                        _copy_from(dir_fd, name, seen, staging / relative, budget)
                        newest_write = max(newest_write or seen.st_mtime, seen.st_mtime)
        finally:
            os.close(top)
    except OSError as exc:
        raise IntakeError(
            f"{exc.filename or where}: cannot be read ({exc.strerror}); this submission is refused, "
            "fix the file's permissions or ask the trainee to hand it in again"
        ) from None
    written = _utc(newest_write) if newest_write is not None else None
    return Intake(_utc(newest_change), written, budget.files, budget.copied)


def _safe_relative(where: Path, name: str) -> PurePosixPath:
    """The entry's path, refused when it could land outside the submission."""
    path = PurePosixPath(name)
    first = path.parts[0] if path.parts else ""
    if not path.parts:
        raise IntakeError(f"{where}: an entry has an empty name; the zip is damaged, refused")
    if "\\" in name or "\0" in name or path.is_absolute() or ".." in path.parts or first.endswith(":"):
        raise IntakeError(
            f"{where}: entry {name!r} points outside the submission (path traversal); refused. "
            "Ask the trainee to zip the exam folder itself."
        )
    return path


def _members(archive: zipfile.ZipFile, where: Path) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The zip's files with their paths in the submission; every entry checked before any is read."""
    files: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    budget = _Budget(where)
    for info in archive.infolist():
        path = _safe_relative(where, info.filename)
        if path.parts and path.parts[0] == ZIP_JUNK_FOLDER:
            continue
        mode = info.external_attr >> ZIP_UNIX_MODE_SHIFT
        if not stat.S_IFMT(mode):  # made without unix modes (Windows): a plain file or folder
            mode |= stat.S_IFDIR if info.is_dir() else stat.S_IFREG
        _refuse_kind(f"{where}: entry {info.filename!r}", mode)
        if info.flag_bits & ZIP_ENCRYPTED_FLAG:
            raise IntakeError(
                f"{where}: entry {info.filename!r} is encrypted; ask the trainee for a zip without a password"
            )
        if not info.is_dir():
            budget.declare(info.filename, info.file_size)
            files.append((info, path))
    if not files:
        raise IntakeError(f"{where}: the zip holds no files; ask the trainee to zip the exam folder")
    tops = {path.parts[0] for _, path in files}
    if len(tops) == 1 and all(len(path.parts) > 1 for _, path in files):
        files = [(info, PurePosixPath(*path.parts[1:])) for info, path in files]
    names = [str(path) for _, path in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise IntakeError(f"{where}: {', '.join(twice)} appear(s) more than once in the zip; refused")
    return files


def _entry_time(info: zipfile.ZipInfo) -> dt.datetime | None:
    """An entry's date (local time of the machine that made it, taken as this machine's)."""
    try:
        return dt.datetime(*info.date_time).astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:  # a crafted or zeroed date
        return None


def _extract(archive: zipfile.ZipFile, where: Path, staging: Path) -> tuple[dt.datetime | None, _Budget]:
    """Extract the checked members; return the newest entry date and what was copied."""
    members = _members(archive, where)
    budget = _Budget(where, declared=sum(info.file_size for info, _ in members))
    for info, path in members:
        target = staging / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            sink = os.fdopen(os.open(target, _CREATE_FILE, 0o644), "wb")
        except OSError as exc:
            raise IntakeError(
                f"{where}: entry {info.filename!r} cannot be written ({exc.strerror}): it clashes with "
                "another entry or its name is not usable; refused"
            ) from None
        try:
            with archive.open(info) as stream, sink:
                while chunk := stream.read(COPY_CHUNK_BYTES):
                    budget.count(info.filename, len(chunk))
                    sink.write(chunk)
        except _ZIP_READ_ERRORS as exc:
            raise IntakeError(
                f"{where}: entry {info.filename!r} cannot be read ({exc}): the zip is damaged or does "
                "not match its declared sizes; ask the trainee to make it again"
            ) from None
        budget.files += 1
    times = [t for t in (_entry_time(info) for info, _ in members) if t is not None]
    return max(times, default=None), budget


def take_zip(source: Path, name: str, staging: Path) -> Intake:
    """Extract the zip ``source/name`` into the empty folder ``staging`` (one top folder flattened).

    Raises:
        IntakeError: the zip, or an entry of it, is refused (see the module's docstring).
    """
    where = source / name
    try:
        fd = _open_beneath(source, (name,), _OPEN_FILE)
        with os.fdopen(fd, "rb") as handle:
            seen = os.fstat(handle.fileno())
            _refuse_kind(where, seen.st_mode, seen.st_nlink)
            if not stat.S_ISREG(seen.st_mode):
                raise IntakeError(f"{where}: a folder named like a zip; hand in a zip file or a folder")
            try:
                archive = zipfile.ZipFile(handle)
            except _ZIP_READ_ERRORS as exc:
                raise IntakeError(
                    f"{where}: not a readable zip file ({exc}): damaged or truncated; ask the trainee "
                    "to make it again"
                ) from None
            with archive:
                written, budget = _extract(archive, where, staging)
    except OSError as exc:
        raise IntakeError(
            f"{exc.filename or where}: cannot be read ({exc.strerror}); this submission is refused"
        ) from None
    return Intake(_utc(seen.st_ctime), written, budget.files, budget.copied)
