"""What a course's own records say, once its audit trail backs them: `check_trail`, `course_revocation`."""

from __future__ import annotations

from pathlib import Path

from grading.pipeline.audit import verify_trail
from grading.pipeline.course import Course
from grading.pipeline.records import Decision, open_engine, session
from grading.reports.errors import ReportError


def course_revocation(course_dir: Path, certificate_id: str) -> tuple[bool | None, str]:
    """(revoked?, how it was checked) from the course's records.

    (None, "tampered: ...") when the audit trail does not back the records: they cannot be
    relied on either way.
    """
    course = Course.open(course_dir)
    engine = open_engine(course.db_url)
    try:
        with session(engine) as s:
            findings = verify_trail(s)
            if findings:
                return None, (
                    f"tampered: the course's audit trail does not back its records ({findings[0]}; "
                    f"`cmacademy audit verify --course {course_dir}` lists all {len(findings)})"
                )
            decision = s.query(Decision).filter(Decision.certificate_id == certificate_id).one_or_none()
            where = f"checked against the records of the course {course.root} (audit trail intact)"
            if decision is None:
                return True, f"withdrawn: the course's records no longer hold it; {where}"
            if decision.revoked:
                when = f" on {decision.revoked_at:%Y-%m-%d}" if decision.revoked_at else ""
                return True, f"revoked{when} ({decision.revoked_reason or 'no reason recorded'}); {where}"
            return False, where
    finally:
        engine.dispose()


def check_trail(course: Course) -> None:
    """Refuse to report decisions that the course's audit trail does not back.

    Raises:
        ReportError: naming every finding; nothing is rendered, signed or published.
    """
    engine = open_engine(course.db_url)
    try:
        with session(engine) as s:
            findings = verify_trail(s)
    finally:
        engine.dispose()
    if findings:
        raise ReportError(
            f"{course.root}: the audit trail does not back the course's records; nothing was reported, "
            "signed or published. Restore the gradebook from a backup, or find out who changed it:\n  "
            + "\n  ".join(str(f) for f in findings)
        )
