"""Certification decisions: the scheme applied to the gradebook, with an audit trail.

For each trainee with a submission: per-competency and overall shares of the blueprint's
points (manual grades override autograder scores, as in nbgrader); "pending" while any manually
graded item is ungraded or the submission needs a trainer's attention; otherwise "certified"
when the overall minimum AND every competency minimum are met, else "failed". Decisions live in
``cma_decision``; every new or changed decision, revocation and appeal is appended to
``cma_audit``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from casebank.errors import CmAcademyError
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import Decision, GradingRecord, Trainee, audit, now, open_engine, session
from grading.scheme import Level, Scheme, load_scheme
from grading.status import NEEDS_ATTENTION, DecisionStatus


class CertifyError(CmAcademyError):
    """Decisions cannot be made or changed."""


@dataclass(frozen=True)
class CompetencyResult:
    """One competency's result for one trainee."""

    score: float
    max_score: float
    minimum: float

    @property
    def share(self) -> float:
        """Score as a share of the competency's points."""
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        """Whether the competency minimum is met."""
        return self.share >= self.minimum - 1e-9


@dataclass(frozen=True)
class Result:
    """The decision for one trainee, before it is recorded."""

    trainee: str
    status: str
    reason: str
    score: float | None
    max_score: float
    competencies: dict[str, CompetencyResult]


def certificate_id(level: Level, trainee: str, exam: str, issued: dt.date) -> str:
    """A unique, unguessable-looking certificate id such as ``CMA-ASSOCIATE-2026-3F9A1C07``."""
    digest = hashlib.sha256(f"{exam}|{trainee}|{issued.isoformat()}".encode()).hexdigest()[:8].upper()
    return f"CMA-{level.id.upper()}-{issued.year}-{digest}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def evaluate(
    level: Level, grades: dict[str, tuple[float | None, bool]], attention: str = ""
) -> tuple[str, str, dict[str, CompetencyResult], float | None]:
    """Apply a level's pass rules to one trainee's grades.

    Args:
        level: the level (blueprint and minimums).
        grades: question -> (score or None, needs manual grading).
        attention: why the submission needs a trainer first (empty when it does not).

    Returns:
        (status, reason, competency results, overall score).
    """
    per: dict[str, list[float]] = {}
    waiting = []
    for item in level.blueprint:
        score, needs_manual = grades.get(item.question, (0.0, False))
        if item.manual and (needs_manual or score is None):
            waiting.append(item.question)
        acc = per.setdefault(item.competency, [0.0, 0.0])
        acc[0] += score or 0.0
        acc[1] += item.points
    results = {c: CompetencyResult(s, m, level.competency_min) for c, (s, m) in per.items()}
    total = sum(r.score for r in results.values())
    max_total = sum(r.max_score for r in results.values())
    if attention:
        return DecisionStatus.PENDING, f"submission needs a trainer's attention: {attention}", results, total
    if waiting:
        return DecisionStatus.PENDING, f"waiting for manual grading of {', '.join(waiting)}", results, total
    below = [c for c, r in results.items() if not r.passed]
    if total / max_total < level.overall_min - 1e-9:
        return (
            DecisionStatus.FAILED,
            f"overall {total:g}/{max_total:g} below {level.overall_min:.0%}",
            results,
            total,
        )
    if below:
        return (
            DecisionStatus.FAILED,
            f"below the competency minimum {level.competency_min:.0%} in {', '.join(below)}",
            results,
            total,
        )
    return DecisionStatus.CERTIFIED, "", results, total


def _grades(db_url: str, exam: str) -> dict[str, dict[str, tuple[float | None, bool]]]:
    out: dict[str, dict[str, tuple[float | None, bool]]] = {}
    with gradebook(db_url) as gb:
        for submission in gb.assignment_submissions(exam):
            grades: dict[str, tuple[float | None, bool]] = {}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    score = g.manual_score if g.manual_score is not None else g.auto_score
                    grades[g.name] = (None if score is None else float(score), bool(g.needs_manual_grade))
            out[submission.student_id] = grades
    return out


def certify(
    course: Course,
    exam: str,
    *,
    today: dt.date | None = None,
    reason: str = "",
    scheme: Scheme | None = None,
) -> list[Result]:
    """Decide every graded trainee of ``exam`` and record new or changed decisions.

    Raises:
        CertifyError: nothing has been graded yet.
    """
    scheme = scheme or load_scheme()
    level = scheme.level_for_exam(exam)
    url = course.db_url
    today = today or dt.date.today()
    grades = _grades(url, exam)
    if not grades:
        raise CertifyError(f"no graded submissions of {exam}; run `cmacademy grade {exam}` first.")
    engine = open_engine(url)
    results = []
    with session(engine) as s:
        records = {r.trainee: r for r in s.query(GradingRecord).filter(GradingRecord.exam == exam)}
        for trainee in sorted(grades):
            record = records.get(trainee)
            attention = (
                f"{record.status}: {record.reason}" if record and record.status in NEEDS_ATTENTION else ""
            )
            status, why, comps, total = evaluate(level, grades[trainee], attention)
            results.append(
                Result(trainee, status, why, total, sum(c.max_score for c in comps.values()), comps)
            )
            _store(s, level, exam, trainee, status, why, total, comps, today, reason)
    engine.dispose()
    return results


def _store(
    s: Any,
    level: Level,
    exam: str,
    trainee: str,
    status: str,
    why: str,
    total: float | None,
    comps: dict[str, CompetencyResult],
    today: dt.date,
    reason: str,
) -> None:
    competencies = json.dumps(
        {
            c: {"score": r.score, "max": r.max_score, "share": round(r.share, 4), "passed": r.passed}
            for c, r in comps.items()
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    current = s.get(Decision, (exam, trainee))
    if (
        current is not None
        and current.status == status
        and current.competencies == competencies
        and not current.revoked
    ):
        return
    issued = today if status == DecisionStatus.CERTIFIED else None
    decision = current or Decision(exam=exam, trainee=trainee)
    before = (
        None
        if current is None
        else {"status": current.status, "score": current.score, "certificate_id": current.certificate_id}
    )
    decision.status, decision.level = status, level.id
    decision.score, decision.max_score, decision.competencies = (
        total,
        sum(r.max_score for r in comps.values()),
        competencies,
    )
    if issued is not None and (current is None or current.certificate_id is None or current.revoked):
        decision.certificate_id = certificate_id(level, trainee, exam, issued)
        decision.issued_on = dt.datetime.combine(issued, dt.time())
        decision.expires_on = dt.datetime.combine(add_years(issued, level.validity_years), dt.time())
        decision.revoked = 0
    elif issued is None:
        decision.certificate_id, decision.issued_on, decision.expires_on = None, None, None
    decision.decided_at = now()
    s.add(decision)
    audit(
        s,
        "decision" if before is None else "decision_changed",
        exam,
        trainee,
        {
            "before": before,
            "after": {
                "status": status,
                "score": total,
                "certificate_id": decision.certificate_id,
                "why": why,
            },
        },
        reason=reason,
    )


def revoke(course: Course, certificate: str, reason: str) -> Decision:
    """Revoke a certificate (recorded with who, when and why).

    Raises:
        CertifyError: unknown certificate, or no reason given.
    """
    if not reason.strip():
        raise CertifyError("a revocation needs a reason (--reason).")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        decision = s.query(Decision).filter(Decision.certificate_id == certificate).one_or_none()
        if decision is None:
            raise CertifyError(f"unknown certificate {certificate!r}.")
        decision.revoked = 1
        audit(s, "revoke", decision.exam, decision.trainee, {"certificate_id": certificate}, reason=reason)
        s.flush()
        s.expunge(decision)
    engine.dispose()
    return decision


def record_appeal(course: Course, exam: str, trainee: str, reason: str) -> None:
    """Record a trainee's appeal in the audit trail (the regrade then goes through certify)."""
    if not reason.strip():
        raise CertifyError("an appeal needs a reason (--reason).")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        if s.get(Trainee, trainee) is None:
            raise CertifyError(f"unknown trainee {trainee!r}.")
        audit(s, "appeal", exam, trainee, {}, reason=reason)
    engine.dispose()
