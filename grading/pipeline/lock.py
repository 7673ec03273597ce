"""One run at a time per course and exam: `collect`, `grade`, `certify` and `report` take one lock.

The lock is an advisory ``flock`` on ``COURSE/.cmacademy/locks/EXAM.lock``; the file also says
who holds it (command, pid, host, user, since when), for the message a second run gets. The
kernel releases a flock when its process dies, so the lock of a killed run is taken over by
the next one at once; that run says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from casebank.errors import CmAcademyError
from grading.pipeline.audit import actor
from grading.pipeline.course import Course

LOCK_DIR: Final = Path(".cmacademy") / "locks"


class CourseBusy(CmAcademyError):
    """Another run holds the course's lock for this exam."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def exclusive(course: Course, exam: str, command: str) -> Iterator[str]:
    """Hold the course's lock for ``exam`` while ``command`` runs.

    Yields:
        A note for the operator when a killed run's lock was taken over ('' otherwise).

    Raises:
        CourseBusy: another run holds it; the message names that run.
    """
    path = course.root / LOCK_DIR / f"{exam}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with os.fdopen(os.dup(fd), "r+", encoding="utf-8") as handle:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held = _holder(handle.read())
                raise CourseBusy(
                    f"{course.root}: `cmacademy {held.get('command', '?')} {exam}` is running (pid "
                    f"{held.get('pid', '?')} on {held.get('host', '?')}, by {held.get('user', '?')}, since "
                    f"{held.get('since', '?')}); wait for it to finish, or stop it, then run this again."
                ) from None
            previous = _holder(handle.read())
            pid = previous.get("pid")
            note = (
                f"took over the lock of `cmacademy {previous.get('command')} {exam}` (pid {pid}), which "
                "ended without releasing it"
                if isinstance(pid, int) and pid != os.getpid() and not _alive(pid)
                else ""
            )
            handle.seek(0)
            handle.truncate()
            since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            info = {
                "command": command,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "user": actor(),
                "since": since,
            }
            handle.write(json.dumps(info))
            handle.flush()
            if note:
                logging.getLogger(__name__).warning("%s: %s", course.root, note)
            try:
                yield note
            finally:
                handle.seek(0)
                handle.truncate()
                handle.flush()
    finally:
        os.close(fd)
