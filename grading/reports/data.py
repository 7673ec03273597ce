"""What reports are made of: decisions, trainees and per-question grades, read from the gradebook.

Everything here is plain, JSON-serialisable data (a trainee's results travel to the report
template as a JSON file). Per-question results carry points earned and maximum only: expected
answers never enter a report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from grading.certification.similarity import similar_reports
from grading.reports.errors import ReportError
from grading.scheme import Level
from grading.status import CertificateStatus, DecisionStatus

if TYPE_CHECKING:
    from grading.pipeline.course import Course

# Decisions as `grading.certification.certify` records them. Not imported from there: report workers import
# this module, and grading.certification.certify pulls in nbgrader, which a worker never needs.
#: Register statuses, in the order the portal's filter lists them.

OUTCOME_RIGHT: Final = "right"
OUTCOME_PARTIAL: Final = "partial"
OUTCOME_WRONG: Final = "wrong"
OUTCOME_UNGRADED: Final = "ungraded"

_TITLE: Final = re.compile(r"^#+\s*第\s*\d+\s*题（[^）]*）\s*(?P<title>.+?)\s*$", re.MULTILINE)


class ReportDataError(ReportError):
    """The gradebook has nothing to report on."""


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
    """Trainee id."""
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


@dataclass(frozen=True)
class QuestionResult:
    """How one question went: points only, never the expected answer."""

    question: str
    """Question id (the nbgrader grade id)."""
    title: str
    """The question's heading in the released exam (empty when it has none)."""
    competency: str
    """Competency the question measures."""
    points: float
    """Points available."""
    score: float | None
    """Points earned; None while a manually graded item waits for its grader."""
    manual: bool = False
    """Whether the item is graded by hand."""

    @property
    def outcome(self) -> str:
        """right, partial, wrong or ungraded."""
        if self.score is None:
            return OUTCOME_UNGRADED
        if self.score >= self.points - 1e-9:
            return OUTCOME_RIGHT
        return OUTCOME_PARTIAL if self.score > 1e-9 else OUTCOME_WRONG


@dataclass(frozen=True)
class TraineeResult:
    """Everything the qualification report of one trainee shows."""

    decision: DecisionRecord
    """The decision and certificate."""
    questions: tuple[QuestionResult, ...]
    """Per-question results in blueprint order."""
    exam_date: dt.date | None = None
    """Day of the submission (None when unknown)."""
    stratum: str = ""
    """The variant stratum the trainee's exam was drawn from (for fairness statistics)."""

    def to_json(self) -> str:
        """Serialise (dates as ISO strings)."""
        return json.dumps(asdict(self), ensure_ascii=False, default=_iso, indent=1)

    @classmethod
    def from_json(cls, text: str) -> TraineeResult:
        """Parse what `to_json` wrote."""
        data = json.loads(text)
        d = data["decision"]
        decision = DecisionRecord(
            **{k: v for k, v in d.items() if k not in ("competencies", "issued_on", "expires_on")},
            competencies=tuple(CompetencyScore(**c) for c in d["competencies"]),
            issued_on=_date(d["issued_on"]),
            expires_on=_date(d["expires_on"]),
        )
        return cls(
            decision=decision,
            questions=tuple(QuestionResult(**q) for q in data["questions"]),
            exam_date=_date(data["exam_date"]),
            stratum=data["stratum"],
        )

    @classmethod
    def load(cls, path: Path | str) -> TraineeResult:
        """Read a trainee result file written by the report command."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CohortResults:
    """One exam's results for every trainee with a decision."""

    exam: str
    """Exam id."""
    level: str
    """Scheme level id the exam certifies."""
    as_of: dt.date
    """The day statuses (expired, expiring) are computed for."""
    trainees: tuple[TraineeResult, ...] = field(default_factory=tuple)
    """Results, sorted by trainee id."""
    similar_reports: tuple[tuple[str, str, float], ...] = field(default_factory=tuple)
    """Pairs of trainees whose free-text reports are suspiciously alike, with the similarity."""

    def to_json(self) -> str:
        """Serialise (dates as ISO strings)."""
        return json.dumps(
            {
                "exam": self.exam,
                "level": self.level,
                "as_of": self.as_of.isoformat(),
                "trainees": [json.loads(t.to_json()) for t in self.trainees],
                "similar_reports": [list(p) for p in self.similar_reports],
            },
            ensure_ascii=False,
        )

    @classmethod
    def load(cls, path: Path | str) -> CohortResults:
        """Read a cohort file written by the report command."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        trainees = tuple(TraineeResult.from_json(json.dumps(t)) for t in data["trainees"])
        pairs = tuple((str(a), str(b), float(x)) for a, b, x in data.get("similar_reports", []))
        return cls(data["exam"], data["level"], dt.date.fromisoformat(data["as_of"]), trainees, pairs)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {value!r}")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def decision_records(
    db_url: str, level_of: dict[str, Level], exam: str | None = None
) -> list[DecisionRecord]:
    """Every decision (of ``exam``, or of all exams) with its trainee's roster fields.

    Args:
        db_url: gradebook URL.
        level_of: scheme level id -> level (for competency order).
        exam: only this exam's decisions when given.
    """
    from grading.pipeline.records import Decision, Trainee, open_engine, session

    engine = open_engine(db_url)
    records = []
    with session(engine) as s:
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
                )
            )
    engine.dispose()
    return sorted(records, key=lambda r: (r.exam, r.trainee))


def issued_certificate_ids(db_url: str) -> set[str]:
    """Every certificate id the audit trail records as issued or revoked, current or not."""
    from grading.pipeline.records import AuditEntry, open_engine, session

    engine = open_engine(db_url)
    ids: set[str] = set()
    with session(engine) as s:
        for (details,) in s.query(AuditEntry.details).filter(
            AuditEntry.action.in_(("decision", "decision_changed", "revoke", "reinstate"))
        ):
            data = json.loads(details or "{}")
            found = (data.get("decision") or {}).get("certificate_id") or data.get("certificate_id")
            if found:
                ids.add(str(found))
    engine.dispose()
    return ids


def revoked_certificate_ids(records: list[DecisionRecord], issued: set[str]) -> list[str]:
    """Certificates no longer good: revoked, or issued once and no longer held by a decision."""
    held = {r.certificate_id for r in records if r.certificate_id and r.status == DecisionStatus.CERTIFIED}
    revoked = {r.certificate_id for r in records if r.certificate_id and r.revoked}
    return sorted(revoked | (issued - held))


def question_titles(notebook: Path) -> dict[str, str]:
    """Question id -> heading (``ABC 分层``) from an exam notebook's ``<question>-text`` cells."""
    import nbformat

    titles: dict[str, str] = {}
    if not notebook.is_file():
        return titles
    for cell in nbformat.read(notebook, as_version=4).cells:
        cell_id = str(cell.get("id", ""))
        match = _TITLE.search(cell.source) if cell.cell_type == "markdown" else None
        if cell_id.endswith("-text") and match:
            titles[cell_id.removesuffix("-text")] = match["title"]
    return titles


def question_grades(db_url: str, exam: str) -> tuple[dict[str, dict[str, float | None]], dict[str, dt.date]]:
    """Per trainee: question -> points earned (None while waiting for a manual grade); and exam days."""
    from grading.pipeline.gradebook import gradebook

    grades: dict[str, dict[str, float | None]] = {}
    days: dict[str, dt.date] = {}
    with gradebook(db_url) as gb:
        for submission in gb.assignment_submissions(exam):
            per: dict[str, float | None] = {}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    score = g.manual_score if g.manual_score is not None else g.auto_score
                    waiting = bool(g.needs_manual_grade) and g.manual_score is None
                    per[g.name] = None if score is None or waiting else float(score)
            grades[submission.student_id] = per
            if submission.timestamp is not None:
                days[submission.student_id] = submission.timestamp.date()
    return grades, days


def variant_strata(course: Course, exam: str, trainees: list[str]) -> tuple[str, dict[str, str]]:
    """The fairness stratum of each trainee's variant: the industry of the exam's first role client.

    Returns:
        (role name, trainee -> industry).
    """
    from grading.exams import exam_bank, exam_definition, variant_for

    role = exam_definition(exam).blueprint.roles[0].name
    bank_dir, key_dir = course.settings.bank_dirs
    industry = exam_bank(bank_dir).clients.set_index("client_id")["industry"].astype(str)
    strata = {t: str(industry[variant_for(exam, t, bank_dir, key_dir).roles[role]]) for t in trainees}
    return role, strata


def gather(
    course: Course,
    exam: str,
    level: Level,
    level_of: dict[str, Level],
    today: dt.date,
) -> tuple[CohortResults, str]:
    """Read one exam's decisions, grades and variant strata from the course.

    Returns:
        (the cohort's results, the role whose client defines the fairness strata).

    Raises:
        ReportDataError: no decisions for the exam yet.
    """
    url = course.db_url
    decisions = decision_records(url, level_of, exam)
    if not decisions:
        raise ReportDataError(
            f"{course.root}: no certification decisions for {exam}; run `cmacademy certify {exam} "
            f"--course {course.root}` first."
        )
    grades, days = question_grades(url, exam)
    titles = question_titles(course.source(exam) / f"{exam}.ipynb")
    role, strata = variant_strata(course, exam, [d.trainee for d in decisions])
    results = []
    for d in decisions:
        per = grades.get(d.trainee, {})
        questions = tuple(
            QuestionResult(
                item.question,
                titles.get(item.question, ""),
                item.competency,
                item.points,
                per.get(item.question),
                item.manual,
            )
            for item in level.blueprint
        )
        results.append(TraineeResult(d, questions, days.get(d.trainee), strata.get(d.trainee, "")))
    pairs = tuple((p.first, p.second, p.similarity) for p in similar_reports(course, exam))
    return CohortResults(exam, level.id, today, tuple(results), pairs), role
