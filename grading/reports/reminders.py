"""Reminders for HR: certificates expiring soon or already due for recertification (`cmacademy expiring`).

A certificate is listed when it is its holder's latest certificate of its level (an earlier one
renewed since is not), it is not revoked, and it expires within the given number of days or has
expired already (its holder is then overdue for recertification). A holder who has meanwhile
reached a higher level with a valid certificate is not reminded of the lower one: the scheme
accepts the higher certificate as recertification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from grading.pipeline.course import Course
from grading.reports.course_check import check_trail
from grading.reports.decisions import DecisionRecord, decision_records
from grading.reports.errors import ReportError
from grading.reports.hr_data import latest_certificates
from grading.scheme import Scheme, load_scheme
from grading.status import CertificateStatus

#: The largest window `expiring` accepts (days): ten years, the longest validity a scheme allows.
MAX_WITHIN_DAYS: Final = 3660
EXPIRING: Final = "expiring"
OVERDUE: Final = "overdue"


@dataclass(frozen=True)
class Reminder:
    """One certificate to act on."""

    employee_no: str
    name: str
    email: str
    org_unit: str
    exam: str
    level: str
    """Level id."""
    level_name: str
    certificate_id: str
    expires_on: dt.date
    days_left: int
    """Days from the as-of day to expiry; negative once expired."""
    kind: str
    """`EXPIRING` (still valid) or `OVERDUE` (expired, recertification due)."""
    recertification: str
    """What the scheme asks for to recertify."""

    def to_json(self) -> dict[str, Any]:
        """The reminder as JSON values (dates as ISO text)."""
        return asdict(self) | {"expires_on": self.expires_on.isoformat()}


def _higher_valid(records: Sequence[DecisionRecord], scheme: Scheme, today: dt.date) -> dict[str, int]:
    """Trainee -> the highest rank among their valid certificates."""
    best: dict[str, int] = {}
    for r in records:
        if r.certificate_id and r.certificate_status(today) == CertificateStatus.VALID:
            rank = scheme.level(r.level).rank
            best[r.trainee] = max(best.get(r.trainee, 0), rank)
    return best


def due_reminders(
    records: Sequence[DecisionRecord], scheme: Scheme, within: int, today: dt.date
) -> list[Reminder]:
    """The certificates of ``records`` expiring within ``within`` days of ``today``, or overdue.

    Returns:
        Reminders, soonest expiry first.
    """
    latest = latest_certificates(records)
    higher = _higher_valid(records, scheme, today)
    reminders = []
    for r in records:
        if (r.exam, r.trainee) not in latest or r.expires_on is None or not r.certificate_id:
            continue
        level = scheme.level(r.level)
        days = (r.expires_on - today).days
        if days > within or higher.get(r.trainee, 0) > level.rank:
            continue
        reminders.append(
            Reminder(
                r.trainee, r.name, r.email, r.org_unit, r.exam, level.id, level.name_zh, r.certificate_id,
                r.expires_on, days, EXPIRING if days >= 0 else OVERDUE, level.recertification_zh,
            )
        )  # fmt: skip
    return sorted(reminders, key=lambda m: (m.expires_on, m.org_unit, m.employee_no))


def expiring(course: Course, within: int, today: dt.date | None = None) -> list[Reminder]:
    """Reminders from a course's records (see `due_reminders`), once its audit trail backs them.

    Raises:
        ReportError: ``within`` is negative or beyond `MAX_WITHIN_DAYS`, or the audit trail does not
            back the records.
    """
    if not 0 <= within <= MAX_WITHIN_DAYS:
        raise ReportError(f"--within {within}: give a number of days from 0 to {MAX_WITHIN_DAYS}, e.g. 90.")
    check_trail(course)
    scheme = load_scheme()
    records = decision_records(course.db_url, {lv.id: lv for lv in scheme.levels})
    return due_reminders(records, scheme, within, today or dt.date.today())
