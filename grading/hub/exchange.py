"""nbgrader's exchange on one machine: publish an exam, gather submissions, hand back feedback.

The exchange root is root's, mode 0777 as nbgrader wants it; nbgrader makes the course's
``inbound`` folder 0733 (trainees drop submissions in, nobody but its owner lists it) and
``outbound`` 0755. Trainees never see the course directory: submissions reach it through
`grading.pipeline.collect` (roster, lateness, audit trail), and feedback pages are copied into
each trainee's own home, owned by the trainee.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
from pathlib import Path
from typing import Final

from grading.hub.spawn import HubError
from grading.pipeline.collect import CollectReport, collect
from grading.pipeline.course import Course
from grading.pipeline.gradebook import run_nbgrader
from grading.pipeline.progress import collect_progress

EXCHANGE_MODE: Final = 0o777
#: Where `gather` lets nbgrader put the exchange's submissions before cm-academy collects them.
INBOX_DIR: Final = "inbound"
FEEDBACK_HOME: Final = "feedback"
log = logging.getLogger(__name__)


def prepare_exchange(root: Path) -> Path:
    """Create nbgrader's exchange root (world-writable, as nbgrader requires)."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(EXCHANGE_MODE)
    return root


def _nbgrader(course: Course, exchange: Path, *args: str) -> str:
    done = run_nbgrader(
        course.root,
        *args,
        f"--Exchange.root={exchange}",
        f"--CourseDirectory.course_id={course.settings.course_id}",
        f"--CourseDirectory.db_url={course.db_url}",
    )
    if done.returncode != 0:
        raise HubError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}".rstrip())
    return done.stdout + done.stderr


def publish(course: Course, exam: str, exchange: Path) -> Path:
    """Put the released ``exam`` (`grading.pipeline.release`) in the exchange's outbound folder.

    Raises:
        HubError: the exam was not released, or nbgrader failed.
    """
    if not (course.root / "release" / exam).is_dir():
        raise HubError(
            f"exam {exam} is not released; run `cmacademy release {exam} --course {course.root}` first."
        )
    _nbgrader(course, exchange, "release_assignment", exam, "--force")
    return exchange / course.settings.course_id / "outbound" / exam


def gather(course: Course, exam: str, exchange: Path) -> CollectReport:
    """Take the exchange's submissions of ``exam`` into the course (newest per trainee).

    The trainees' progress files are collected from their homes too
    (`grading.pipeline.progress`), so that their exam start times and curriculum progress are
    in the course before ``certify`` applies the time limit and the prerequisites.
    """
    _nbgrader(
        course, exchange, "collect", exam, "--update", f"--CourseDirectory.submitted_directory={INBOX_DIR}"
    )
    report = collect(course, exam, course.root / INBOX_DIR)
    progress = collect_progress(course)
    log.info(
        "progress: %d new event(s) from %d trainee(s); %d refused",
        sum(progress.new.values()),
        len(progress.new),
        len(progress.refused),
    )
    return report


def deliver_feedback(course: Course, exam: str) -> list[str]:
    """Copy each trainee's feedback page of ``exam`` into their home (``~/feedback/<exam>/``).

    Returns:
        The trainees who got feedback.
    """
    delivered = []
    for folder in sorted((course.root / "feedback").glob(f"*/{exam}")):
        trainee = folder.parent.name
        try:
            account = pwd.getpwnam(trainee)
        except KeyError:
            continue
        target = Path(account.pw_dir) / FEEDBACK_HOME / exam
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)
        for path in [target.parent, target, *target.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
            path.chmod(0o700 if path.is_dir() else 0o600)
        delivered.append(trainee)
    return delivered
