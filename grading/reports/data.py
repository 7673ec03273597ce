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
from grading.reports.decisions import CompetencyScore as CompetencyScore
from grading.reports.decisions import DecisionRecord, decision_records
from grading.reports.decisions import issued_certificate_ids as issued_certificate_ids
from grading.reports.decisions import revoked_certificate_ids as revoked_certificate_ids
from grading.reports.errors import ReportError
from grading.scheme import Level

if TYPE_CHECKING:
    from grading.pipeline.course import Course

OUTCOME_RIGHT: Final = "right"
OUTCOME_PARTIAL: Final = "partial"
OUTCOME_WRONG: Final = "wrong"
OUTCOME_UNGRADED: Final = "ungraded"

#: A section's heading: ``### 第 1 题 ABC 分层（2 分）``, ``### 第 1 题（2 分）ABC 分层`` or
#: ``## 八、客户评价报告（人工评分，10 分）``.
_TITLE: Final = re.compile(
    r"^#+\s*(?:第\s*\d+\s*题\s*(?P<title>.+?)|[一二三四五六七八九十]+、\s*(?P<part>[^（(]+?)\s*(?:[（(].*)?)\s*$",
    re.MULTILINE,
)
#: A parenthesised points note in a heading: ``（2 分）``, ``（人工评分，10 分）``.
_POINTS_NOTE: Final = re.compile(r"[（(][^（）()]*\d\s*分[^（）()]*[）)]")
#: A rubric criterion's heading in its task cell: ``#### 评分标准：结构（2 分）``.
_CRITERION: Final = re.compile(r"^#+\s*评分标准[：:]\s*(?P<name>[^（(\n]+?)\s*(?:[（(].*)?$", re.MULTILINE)


class ReportDataError(ReportError):
    """The gradebook has nothing to report on."""


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
        decision = DecisionRecord.from_dict(data["decision"])
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


def _heading(source: str) -> str:
    """The last question or part heading of a markdown cell, points notes removed ('' if none)."""
    matches = list(_TITLE.finditer(source))
    if not matches:
        return ""
    title = matches[-1]["title"] or matches[-1]["part"]
    return str(_POINTS_NOTE.sub("", title)).strip()


def question_titles(notebook: Path, questions: list[str] | None = None) -> dict[str, str]:
    """Grade id -> the heading of the section its cell sits in (``ABC 分层``), from an exam notebook.

    Headings are read from markdown cells nbgrader does not track, so a trainee's answer never
    names an item. A report criterion's task cell adds its criterion (``客户评价报告：结构``).
    Give ``questions`` to keep only those ids.
    """
    import nbformat

    titles: dict[str, str] = {}
    if not notebook.is_file():
        return titles
    section = ""
    for cell in nbformat.read(notebook, as_version=4).cells:
        grade_id = str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
        if not grade_id:
            section = (_heading(cell.source) if cell.cell_type == "markdown" else "") or section
            continue
        if section and grade_id not in titles:
            criterion = _CRITERION.search(cell.source) if cell.cell_type == "markdown" else None
            titles[grade_id] = f"{section}：{criterion['name']}" if criterion else section
    return titles if questions is None else {q: titles[q] for q in questions if q in titles}


#: Every grade of an exam's submissions, from nbgrader's tables: read directly, since nbgrader's
#: ORM costs its import (~0.7 s) in a report command that needs nothing else of it.
_GRADES_SQL: Final = """
SELECT sa.student_id, sa.timestamp, bc.name, g.auto_score, g.manual_score, g.needs_manual_grade
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
LEFT JOIN grade g ON g.notebook_id = sn.id
LEFT JOIN base_cell bc ON bc.id = g.cell_id
WHERE a.name = :exam
ORDER BY sa.student_id, sn.id, g.id
"""


def question_grades(db_url: str, exam: str) -> tuple[dict[str, dict[str, float | None]], dict[str, dt.date]]:
    """Per trainee: question -> points earned (None while waiting for a manual grade); and exam days.

    Raises:
        GradebookError: the gradebook is damaged or cannot be reached.
    """
    from sqlalchemy import Boolean, DateTime, Float, String, text

    from grading.pipeline.records import open_engine

    query = text(_GRADES_SQL).columns(
        student=String,
        timestamp=DateTime,
        name=String,
        auto_score=Float,
        manual_score=Float,
        needs_manual_grade=Boolean,
    )
    grades: dict[str, dict[str, float | None]] = {}
    days: dict[str, dt.date] = {}
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query, {"exam": exam}).all()
    finally:
        engine.dispose()
    for trainee, timestamp, name, auto, manual, needs_manual in rows:
        per = grades.setdefault(trainee, {})
        if timestamp is not None:
            days[trainee] = timestamp.date()
        if name is None:  # a submission without grades yet
            continue
        score = manual if manual is not None else auto
        waiting = bool(needs_manual) and manual is None
        per[name] = None if score is None or waiting else float(score)
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
    titles = question_titles(
        course.source(exam) / f"{exam}.ipynb", [item.question for item in level.blueprint]
    )
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
