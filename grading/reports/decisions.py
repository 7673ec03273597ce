"""Decisions as the reports read them: each with its trainee's roster fields, reason and history.

Decisions are read from the course's tables as `grading.certification.certify` records them (not
imported from there: report workers import this module, and ``certify`` pulls in nbgrader, which
a worker never needs). The reason of a decision is the ``why`` of the audit entry that made it;
the sitting day is the day the submission was received (else the day of the decision).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from grading.status import CertificateStatus, DecisionStatus

if TYPE_CHECKING:
    from grading.scheme import Level

#: Audit actions that record a decision's state (the last one holds its reason).
DECISION_ACTIONS: Final = ("decision", "decision_changed")
#: Audit actions that name a certificate (issued, changed, revoked or reinstated).
CERTIFICATE_ACTIONS: Final = (*DECISION_ACTIONS, "revoke", "reinstate")
#: Fields of `DecisionRecord` that are dates (ISO strings in JSON).
DATE_FIELDS: Final = ("issued_on", "expires_on", "revoked_on", "sat_on")


@dataclass(frozen=True)
class CompetencyScore:
    """One competency's points for one trainee."""

    competency: str
    """Scheme competency id."""
    score: float
    """Points earned."""
    max_score: float
    """Points available."""
    passed: bool
    """Whether the competency minimum is met."""

    @property
    def share(self) -> float:
        """Points earned as a share of the points available."""
        return self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class DecisionRecord:
    """A certification decision with the trainee's roster fields."""

    exam: str
    """Exam id."""
    trainee: str
    """Trainee id (the employee number: the roster's ``id``)."""
    name: str
    """Trainee's name."""
    org_unit: str
    """Trainee's org unit."""
    status: str
    """Decision: certified, failed or pending."""
    level: str
    """Scheme level id."""
    score: float | None
    """Overall points (None before any grade)."""
    max_score: float
    """Overall points available."""
    competencies: tuple[CompetencyScore, ...]
    """Points per competency, in blueprint order."""
    certificate_id: str | None = None
    """Certificate id when certified."""
    issued_on: dt.date | None = None
    """Issue date of the certificate."""
    expires_on: dt.date | None = None
    """Expiry date of the certificate (valid through the day before it)."""
    revoked: bool = False
    """Whether the certificate has been revoked."""
    email: str = ""
    """Trainee's e-mail address from the roster."""
    why: str = ""
    """Why certify decided so, as its audit entry records it (empty for a pass)."""
    revoked_on: dt.date | None = None
    """Day of the revocation."""
    revoked_reason: str = ""
    """Why the certificate was revoked."""
    sat_on: dt.date | None = None
    """Day the submission was received (else the day of the decision): the sitting."""

    def certificate_status(self, today: dt.date) -> str:
        """Register status on ``today``: valid, expired, revoked, pending or failed."""
        if self.status != DecisionStatus.CERTIFIED:
            return self.status
        if self.revoked:
            return CertificateStatus.REVOKED
        if self.expires_on is not None and today > self.expires_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def share(self) -> float:
        """Overall points as a share of the points available."""
        return (self.score or 0.0) / self.max_score if self.max_score else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionRecord:
        """Parse what `dataclasses.asdict` made of a record (dates as ISO strings)."""
        plain = {k: v for k, v in data.items() if k != "competencies" and k not in DATE_FIELDS}
        dates: dict[str, Any] = {
            k: dt.date.fromisoformat(data[k]) if data.get(k) else None for k in DATE_FIELDS
        }
        return cls(**plain, **dates, competencies=tuple(CompetencyScore(**c) for c in data["competencies"]))


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _reasons(s: Any) -> dict[tuple[str, str], str]:
    """(exam, trainee) -> the ``why`` of the last audit entry that recorded its decision."""
    from grading.pipeline.records import AuditEntry

    reasons: dict[tuple[str, str], str] = {}
    query = s.query(AuditEntry).filter(AuditEntry.action.in_(DECISION_ACTIONS)).order_by(AuditEntry.id)
    for entry in query:
        reasons[(entry.exam, entry.trainee)] = str(json.loads(entry.details or "{}").get("why") or "")
    return reasons


def decision_records(
    db_url: str, level_of: dict[str, Level], exam: str | None = None
) -> list[DecisionRecord]:
    """Every decision (of ``exam``, or of all exams) with its trainee's roster fields.

    Args:
        db_url: gradebook URL.
        level_of: scheme level id -> level (for competency order).
        exam: only this exam's decisions when given.
    """
    from grading.pipeline.records import Decision, GradingRecord, Trainee, open_engine, session

    engine = open_engine(db_url)
    records = []
    try:
        with session(engine) as s:
            reasons = _reasons(s)
            received = {
                (g.exam, g.trainee): _day(g.submitted_at) for g in s.query(GradingRecord) if g.submitted_at
            }
            query = s.query(Decision, Trainee).join(Trainee, Trainee.id == Decision.trainee, isouter=True)
            if exam is not None:
                query = query.filter(Decision.exam == exam)
            for d, t in query:
                comps = json.loads(d.competencies or "{}")
                level = level_of.get(d.level)
                order = list(level.points_by_competency()) if level else sorted(comps)
                records.append(
                    DecisionRecord(
                        exam=d.exam,
                        trainee=d.trainee,
                        name=t.name if t else d.trainee,
                        org_unit=t.org_unit if t else "",
                        status=d.status,
                        level=d.level,
                        score=d.score,
                        max_score=d.max_score,
                        competencies=tuple(
                            CompetencyScore(c, comps[c]["score"], comps[c]["max"], bool(comps[c]["passed"]))
                            for c in order
                            if c in comps
                        ),
                        certificate_id=d.certificate_id,
                        issued_on=_day(d.issued_on),
                        expires_on=_day(d.expires_on),
                        revoked=bool(d.revoked),
                        email=t.email if t else "",
                        why=reasons.get((d.exam, d.trainee), ""),
                        revoked_on=_day(d.revoked_at),
                        revoked_reason=d.revoked_reason or "",
                        sat_on=received.get((d.exam, d.trainee)) or _day(d.decided_at),
                    )
                )
    finally:
        engine.dispose()
    return sorted(records, key=lambda r: (r.exam, r.trainee))


def issued_certificate_ids(db_url: str) -> list[str]:
    """Every certificate id the audit trail records, current or not, in the order first issued.

    The audit trail is append-only (and verified before anything is reported), so a
    certificate's position in this list never changes: it is the certificate's index in the
    published status list.
    """
    from grading.pipeline.records import AuditEntry, open_engine, session

    engine = open_engine(db_url)
    ids: dict[str, None] = {}
    try:
        with session(engine) as s:
            query = (
                s.query(AuditEntry.details)
                .filter(AuditEntry.action.in_(CERTIFICATE_ACTIONS))
                .order_by(AuditEntry.seq, AuditEntry.id)
            )
            for (details,) in query:
                data = json.loads(details or "{}")
                found = (data.get("decision") or {}).get("certificate_id") or data.get("certificate_id")
                if found:
                    ids.setdefault(str(found), None)
    finally:
        engine.dispose()
    return list(ids)


def revoked_certificate_ids(records: list[DecisionRecord], issued: Iterable[str]) -> list[str]:
    """Certificates no longer good: revoked, or issued once and no longer held by a decision."""
    held = {r.certificate_id for r in records if r.certificate_id and r.status == DecisionStatus.CERTIFIED}
    revoked = {r.certificate_id for r in records if r.certificate_id and r.revoked}
    return sorted(revoked | (set(issued) - held))
