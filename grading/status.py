"""Every status cm-academy stores or prints, defined once.

The values are the strings stored in the gradebook database and shown in tables and JSON, so
a `StrEnum` member compares equal to its stored text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class GradingStatus(StrEnum):
    """What became of one submission in `cmacademy grade`."""

    GRADED = "graded"
    TAMPERED = "tampered"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"
    CRASHED = "crashed"
    INVALID = "invalid"
    FAILED = "failed"
    BLOCKED = "blocked"
    OUTPUT_LIMIT = "output_limit"


#: Statuses after which a submission needs a trainer's attention before certification.
NEEDS_ATTENTION: Final = frozenset(
    {
        GradingStatus.TAMPERED,
        GradingStatus.TIMEOUT,
        GradingStatus.OUT_OF_MEMORY,
        GradingStatus.CRASHED,
        GradingStatus.INVALID,
        GradingStatus.FAILED,
    }
)
#: Statuses that are final for an unchanged submission (it is not graded again).
GRADING_DONE: Final = frozenset(set(GradingStatus) - {GradingStatus.FAILED})


class DecisionStatus(StrEnum):
    """A certification decision of one trainee for one exam."""

    CERTIFIED = "certified"
    FAILED = "failed"
    PENDING = "pending"


class CertificateStatus(StrEnum):
    """Where a trainee stands in the register on a given day."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    PENDING = "pending"
    FAILED = "failed"
    TAMPERED = "tampered"


#: Register statuses in the order HR filters by them.
REGISTER_STATUSES: Final = (
    CertificateStatus.VALID,
    CertificateStatus.EXPIRED,
    CertificateStatus.REVOKED,
    CertificateStatus.PENDING,
    CertificateStatus.FAILED,
)
