"""When a submission counts as received, what its trainee claims, and whether it is too late.

The received time is decided on the course's side: the newest change time (ctime) of the offered
zip, or of the offered folder and everything in it (`Intake.received_at`), capped at the time
`collect` started. A user cannot set a ctime back, so a backdated file does not make a late
submission on time; copying a submission resets it, so collect from where submissions arrived.

The time the trainee's side wrote (``timestamp.txt``, else the zip's entry dates or the files'
modification times) is only a claim: it is reported when it differs from the received time by
more than `CLAIM_TOLERANCE`, and never decides lateness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from grading.pipeline.intake import Intake
from grading.scheme import LatePolicy

TIMESTAMP_FILE: Final = "timestamp.txt"
"""nbgrader's submission time file; in the course it holds the received time."""
TIMESTAMP_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f UTC"
CLAIM_TOLERANCE: Final = dt.timedelta(minutes=5)
"""A claimed time this close to the received time is not worth a remark."""
TIMESTAMP_MAX_CHARS: Final = 100
RECEIVED_RULE: Final = (
    "received = newest ctime of the offered zip, or of the offered folder and its entries, "
    "capped at the collect time"
)
_SHOWN: Final = "%Y-%m-%d %H:%M:%S UTC"
_CLAIM_FROM_FILE_DATES: Final = "the files' dates"


class TimestampError(CmAcademyError):
    """A submission time cannot be read."""


def parse_timestamp(text: str) -> dt.datetime:
    """Parse a submission time as nbgrader writes it, or ISO 8601 (returned as naive UTC).

    Raises:
        TimestampError: the text is not a time.
    """
    value = text.strip()
    for suffix in (" UTC", " GMT", "Z"):
        if value.endswith(suffix):
            value = value[: -len(suffix)] + "+00:00"
            break
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise TimestampError(
            f"{TIMESTAMP_FILE}: {text.strip()!r} is not a time such as 2026-11-26 10:00:00 UTC"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def read_timestamp(folder: Path) -> dt.datetime | None:
    """The time in ``folder/timestamp.txt``, or None when it is missing or not a time."""
    try:
        with (folder / TIMESTAMP_FILE).open(encoding="utf-8", errors="replace") as handle:
            return parse_timestamp(handle.read(TIMESTAMP_MAX_CHARS))
    except (OSError, TimestampError):
        return None


def write_timestamp(folder: Path, when: dt.datetime) -> None:
    """Write ``when`` as nbgrader's ``timestamp.txt`` in ``folder``."""
    (folder / TIMESTAMP_FILE).write_text(when.strftime(TIMESTAMP_FORMAT), encoding="utf-8")


@dataclass(frozen=True)
class Receipt:
    """When one submission was received, what its trainee claims, and how late it is."""

    received_at: dt.datetime
    """The received time (naive UTC): what lateness is measured by."""
    claimed_at: dt.datetime | None
    """The trainee-written time, if any (naive UTC)."""
    claim_source: str
    """Where the claim comes from (``timestamp.txt`` or the files' own dates)."""
    due: dt.datetime | None
    """The exam's due date, if it has one."""
    late_seconds: float
    """Seconds after the due date (0 when on time or without a due date)."""

    @classmethod
    def of(cls, intake: Intake, staged: Path, due: dt.datetime | None, started: dt.datetime) -> Receipt:
        """The receipt of a submission taken in (``staged``: where it was copied to)."""
        received = min(intake.received_at, started)
        claimed, source = read_timestamp(staged), TIMESTAMP_FILE
        if claimed is None:
            claimed, source = intake.written_at, _CLAIM_FROM_FILE_DATES
        late = max((received - due).total_seconds(), 0.0) if due is not None else 0.0
        return cls(received, claimed, source, due, late)

    def claim_note(self) -> str | None:
        """A remark when the claimed time is more than `CLAIM_TOLERANCE` from the received time."""
        if self.claimed_at is None or abs(self.claimed_at - self.received_at) <= CLAIM_TOLERANCE:
            return None
        apart = abs(self.claimed_at - self.received_at).total_seconds() / 60
        direction = "before" if self.claimed_at < self.received_at else "after"
        return (
            f"claimed time {self.claimed_at:{_SHOWN}} (from {self.claim_source}) is {apart:.0f} minutes "
            f"{direction} the received time {self.received_at:{_SHOWN}}; lateness counts the received time"
        )

    def refusal(self, policy: LatePolicy) -> str | None:
        """Why the late policy refuses this submission, or None when it is accepted."""
        if self.due is None or policy.accept_late or self.late_seconds <= policy.grace_minutes * 60:
            return None
        reason = (
            f"{self.late_seconds / 60:.0f} minutes late (received {self.received_at:{_SHOWN}}, due "
            f"{self.due:{_SHOWN}}); past the {policy.grace_minutes}-minute grace period and the "
            "scheme does not accept late work"
        )
        note = self.claim_note()
        return f"{reason}; {note}" if note else reason

    def details(self, policy: LatePolicy) -> dict[str, Any]:
        """The facts for the audit trail: both times, the due date and the rule applied."""
        return {
            "submitted_at": self.received_at,
            "claimed_at": self.claimed_at,
            "claim_source": self.claim_source if self.claimed_at is not None else None,
            "due": self.due,
            "late_seconds": self.late_seconds,
            "rule": f"{RECEIVED_RULE}; grace {policy.grace_minutes} minutes, accept_late={policy.accept_late}",
        }
