"""Certification decisions: the scheme applied to the gradebook, with an audit trail.

For each trainee with a submission: per-competency and overall shares of the blueprint's
points (manual grades override autograder scores, as in nbgrader); "pending" while any manually
graded item is ungraded or the submission needs a trainer's attention; otherwise "certified"
when the overall minimum AND every competency minimum are met, else "failed". Decisions live in
``cma_decision``; every new or changed decision, revocation and appeal is appended to
``cma_audit``.

The scheme's sitting rules (`grading.certification.rules`) apply on top: a sitting that breaks
the retake rules is refused (failed, with the reason); a script within the second-marking band
stays pending until its marking is complete (`grading.pipeline.marking`); working time beyond
the limit keeps an otherwise passing decision pending for a trainer; where the course has
collected progress records, missing curriculum modules fail an otherwise passing decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy.orm import Session

from casebank.errors import CmAcademyError
from grading.certification.rules import (
    SITTING_REFUSED,
    check_sitting,
    close_sitting,
    curriculum_refusal,
    submission_times,
)
from grading.pipeline.audit import decision_state, record_decision
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.lock import exclusive
from grading.pipeline.marking import pending_reason
from grading.pipeline.records import (
    Decision,
    GradingRecord,
    Sitting,
    Trainee,
    audit,
    now,
    open_engine,
    session,
)
from grading.scheme import Level, Scheme, load_scheme
from grading.status import NEEDS_ATTENTION, DecisionStatus

#: Why certify left a decision alone.
REVOKED_NOTE: Final = "revoked; certify does not change it (see `cmacademy certificate reinstate`)"


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
    share = total / max_total
    overall = f"overall {share:.0%} {'meets' if share >= level.overall_min - 1e-9 else 'below'} {level.overall_min:.0%}"
    below = [f"{c} {r.share:.0%} < {level.competency_min:.0%}" for c, r in results.items() if not r.passed]
    if share < level.overall_min - 1e-9:
        return DecisionStatus.FAILED, "; ".join([overall, *below]), results, total
    if below:
        return (
            DecisionStatus.FAILED,
            f"{overall}; competency minimum not met: {', '.join(below)}",
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
    times = submission_times(url, exam)
    if not grades:
        raise CertifyError(f"no graded submissions of {exam}; run `cmacademy grade {exam}` first.")
    with exclusive(course, exam, "certify"):
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
                status, why, sitting, refused = _sitting_rules(
                    s, course, level, exam, trainee, grades[trainee], times.get(trainee), (status, why)
                )
                if status == DecisionStatus.CERTIFIED and (
                    missing := missing_prerequisites(s, level, scheme, trainee, today)
                ):
                    status, why = (
                        DecisionStatus.FAILED,
                        f"{why + '; ' if why else ''}prerequisite not met: {missing}",
                    )
                result = Result(trainee, status, why, total, sum(c.max_score for c in comps.values()), comps)
                held = s.get(Decision, (exam, trainee)) if refused else None
                if held is not None and held.status == DecisionStatus.CERTIFIED and not held.revoked:
                    # A refused sitting is no attempt: the certificate of an earlier one stands.
                    result = replace(
                        result, status=held.status, reason=f"{why}；此前的证书 {held.certificate_id} 不变"
                    )
                elif _store(s, level, exam, result, today, reason) == REVOKED_NOTE:
                    stored = s.get_one(Decision, (exam, trainee))
                    result = replace(
                        result, status=stored.status, reason=f"{REVOKED_NOTE} ({stored.certificate_id})"
                    )
                close_sitting(sitting, SITTING_REFUSED if refused else result.status, result.reason)
                results.append(result)
        engine.dispose()
    return results


def _sitting_rules(
    s: Session,
    course: Course,
    level: Level,
    exam: str,
    trainee: str,
    grades: dict[str, tuple[float | None, bool]],
    submitted: dt.datetime | None,
    decision: tuple[str, str],
) -> tuple[str, str, Sitting | None, bool]:
    """Apply retakes, second marking, the time limit and curriculum to a decision.

    Returns:
        (status, reason, the sitting, whether the sitting is refused).
    """
    status, why = decision
    check = check_sitting(s, course.root, level, exam, trainee, submitted)
    if check.refusal:
        return DecisionStatus.FAILED, check.refusal, check.sitting, True
    if status != DecisionStatus.PENDING and (waiting := pending_reason(s, level, exam, trainee, grades)):
        status, why = DecisionStatus.PENDING, waiting
    if check.overtime and status == DecisionStatus.CERTIFIED:
        status, why = DecisionStatus.PENDING, f"submission needs a trainer's attention: {check.overtime}"
    elif check.overtime and status == DecisionStatus.FAILED:
        why = f"{why}; {check.overtime}"
    if status == DecisionStatus.CERTIFIED and (missing := curriculum_refusal(s, level, trainee)):
        status, why = DecisionStatus.FAILED, missing
    return status, why, check.sitting, False


def missing_prerequisites(s: Session, level: Level, scheme: Scheme, trainee: str, today: dt.date) -> str:
    """The required levels of which ``trainee`` holds no valid certificate on ``today`` ('' when none)."""
    day = dt.datetime.combine(today, dt.time())
    missing = []
    for required in level.requires:
        held = (
            s.query(Decision)
            .filter(
                Decision.trainee == trainee,
                Decision.level == required,
                Decision.status == DecisionStatus.CERTIFIED,
                Decision.revoked == 0,
                Decision.issued_on <= day,
                Decision.expires_on > day,
            )
            .first()
        )
        if held is None:
            missing.append(f"no valid {scheme.level(required).name_en} ({required}) certificate on {today}")
    return "; ".join(missing)


def _competencies_json(comps: dict[str, CompetencyResult]) -> str:
    return json.dumps(
        {
            c: {"score": r.score, "max": r.max_score, "share": round(r.share, 4), "passed": r.passed}
            for c, r in comps.items()
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _store(s: Session, level: Level, exam: str, result: Result, today: dt.date, reason: str) -> str:
    """Record a new or changed decision; returns what happened ('' when nothing changed).

    A revoked certificate is final: its decision is never changed here and its holder gets no
    new certificate for this sitting (reinstatement is `reinstate`, explicit and audited).
    """
    competencies = _competencies_json(result.competencies)
    current = s.get(Decision, (exam, result.trainee))
    if current is not None and current.revoked:
        return REVOKED_NOTE
    if current is not None and current.status == result.status and current.competencies == competencies:
        return ""
    issued = today if result.status == DecisionStatus.CERTIFIED else None
    decision = current or Decision(exam=exam, trainee=result.trainee, revoked=0)
    before = None if current is None else decision_state(current)
    decision.status, decision.level, decision.competencies = result.status, level.id, competencies
    decision.score, decision.max_score = result.score, result.max_score
    if issued is not None and (current is None or current.certificate_id is None):
        decision.certificate_id = certificate_id(level, result.trainee, exam, issued)
        decision.issued_on = dt.datetime.combine(issued, dt.time())
        decision.expires_on = dt.datetime.combine(add_years(issued, level.validity_years), dt.time())
    elif issued is None:
        decision.certificate_id, decision.issued_on, decision.expires_on = None, None, None
    decision.decided_at = now()
    s.add(decision)
    action = "decision" if before is None else "decision_changed"
    record_decision(s, decision, action, {"before": before, "why": result.reason}, reason)
    return action


def _find_certificate(s: Session, certificate: str) -> Decision:
    decision: Decision | None = s.query(Decision).filter(Decision.certificate_id == certificate).one_or_none()
    if decision is None:
        raise CertifyError(
            f"unknown certificate {certificate!r}; the register (register.csv) lists the course's certificates."
        )
    return decision


def revoke(course: Course, certificate: str, reason: str) -> Decision:
    """Revoke a certificate for good (recorded with who, when and why).

    ``certify`` never reverses it and never issues the holder a new certificate for the same
    sitting; only `reinstate` can, explicitly and audited.

    Raises:
        CertifyError: unknown or already revoked certificate, or no reason given.
    """
    if not reason.strip():
        raise CertifyError("a revocation needs a reason (--reason).")
    engine = open_engine(course.db_url)
    with session(engine) as s:
        decision = _find_certificate(s, certificate)
        if decision.revoked:
            raise CertifyError(
                f"certificate {certificate} is already revoked (on {decision.revoked_at:%Y-%m-%d})."
            )
        decision.revoked, decision.revoked_at, decision.revoked_reason = 1, now(), reason.strip()
        record_decision(s, decision, "revoke", {"certificate_id": certificate}, reason)
        s.flush()
        s.expunge(decision)
    engine.dispose()
    return decision


def reinstate(course: Course, certificate: str, reason: str) -> Decision:
    """Undo a revocation made in error: explicit, with a reason, in the audit trail.

    Raises:
        CertifyError: unknown or not revoked certificate, or no reason given.
    """
    if not reason.strip():
        raise CertifyError(
            "a reinstatement needs a reason (--reason), e.g. the decision that found the error."
        )
    engine = open_engine(course.db_url)
    with session(engine) as s:
        decision = _find_certificate(s, certificate)
        if not decision.revoked:
            raise CertifyError(f"certificate {certificate} is not revoked; nothing to reinstate.")
        before = decision_state(decision)
        decision.revoked, decision.revoked_at, decision.revoked_reason = 0, None, None
        record_decision(s, decision, "reinstate", {"certificate_id": certificate, "before": before}, reason)
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
