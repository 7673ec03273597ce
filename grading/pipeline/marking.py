"""Second marking and adjudication of manually graded items (the evaluation report).

The criteria of a script are the level's manually graded blueprint items: one nbgrader task
cell per rubric criterion (grade ids ``<question>_<criterion>``), or, in an exam whose report
is still one cell, that one item as a single criterion. The first marker scores them in
nbgrader's formgrader; nbgrader does not record who, so the first marker confirms the scores as
theirs with ``cmacademy mark first`` (marker = the operating-system/hub user, `audit.actor`).

A script needs a second marker when it lies in the band around a pass mark where a marker's
judgement decides the certificate: its total share of the exam's points within
`SECOND_MARK_BAND` (±10 percentage points) of the overall pass mark, or the share of the
report's competency within ±10 points of the competency minimum -- and the manual marks can
change its decision at all (a script that fails elsewhere whatever its report scores, or
passes whatever it scores, needs no second marker). The second marker (a
different person) records per-criterion scores with ``cmacademy mark second``. When the two totals differ by at most
`TOTAL_TOLERANCE` points and no criterion by more than `CRITERION_TOLERANCE`, the final score of
each criterion is the mean of the two, rounded to half points, and is written into nbgrader's
gradebook as the manual score. Otherwise a third person adjudicates (``cmacademy mark
adjudicate``) and their scores are final. Every step is appended to the audit trail; ``certify``
keeps the decision pending until the gradebook holds the final scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casebank.errors import CmAcademyError
from grading.pipeline.audit import actor
from grading.pipeline.course import Course
from grading.pipeline.gradebook import gradebook
from grading.pipeline.records import MarkRecord, audit, now, open_engine, session
from grading.scheme import BlueprintItem, Level, Scheme, load_scheme

#: Half-width of the band around a pass mark (share of points) in which a second marker is needed.
SECOND_MARK_BAND: Final = 0.10
#: Largest difference of the two markers' totals (points) that needs no adjudication.
TOTAL_TOLERANCE: Final = 2.0
#: Largest difference on any one criterion (points) that needs no adjudication.
CRITERION_TOLERANCE: Final = 1.0
#: Final scores agreed by two markers are their mean rounded to this step (points).
SCORE_STEP: Final = 0.5
ROUND_FIRST: Final = "first"
ROUND_SECOND: Final = "second"
ROUND_FINAL: Final = "final"
STATE_ADJUDICATION: Final = "adjudication"
STATE_UNWRITTEN: Final = "unwritten"
EPSILON: Final = 1e-9

Grades = dict[str, tuple[float | None, bool]]
Scores = dict[str, float]


class MarkingError(CmAcademyError):
    """A marking step cannot be recorded."""


@dataclass(frozen=True)
class MarkingState:
    """Where one script stands in second marking."""

    trainee: str
    state: str
    """not_needed, ungraded, first, second, adjudication, unwritten (final not yet in the gradebook), complete."""
    reason: str
    """Why it waits ('' when nothing is awaited)."""
    total: float
    max_total: float

    @property
    def waiting(self) -> bool:
        """Whether a marker still has to act before the decision can be made."""
        return bool(self.reason)


def criteria(level: Level) -> list[BlueprintItem]:
    """The manually graded items of a level: the criteria a marker scores."""
    return [item for item in level.blueprint if item.manual or getattr(item, "kind", "") == "manual"]


def resolve_criterion(level: Level, name: str) -> BlueprintItem:
    """A criterion by grade id (``q21_report_evidence``) or by its name after the question (``evidence``).

    Raises:
        MarkingError: no such criterion, or the name fits several.
    """
    items = criteria(level)
    exact = [i for i in items if i.question == name]
    found = exact or [i for i in items if i.question.endswith(f"_{name}")]
    if len(found) != 1:
        known = ", ".join(i.question for i in items)
        what = "is ambiguous" if found else "is not a manually graded criterion"
        raise MarkingError(f"criterion {name!r} {what} of {level.exam}; criteria: {known}.")
    return found[0]


def read_scripts(db_url: str, exam: str) -> dict[str, Grades]:
    """Every trainee's grades of ``exam``: grade id -> (score or None, needs manual grading)."""
    out: dict[str, Grades] = {}
    with gradebook(db_url) as gb:
        for submission in gb.assignment_submissions(exam):
            grades: Grades = {}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    score = g.manual_score if g.manual_score is not None else g.auto_score
                    grades[g.name] = (None if score is None else float(score), bool(g.needs_manual_grade))
            out[submission.student_id] = grades
    return out


def read_script(db_url: str, exam: str, trainee: str) -> Grades:
    """One trainee's grades of ``exam``.

    Raises:
        MarkingError: the trainee has no graded submission.
    """
    grades = read_scripts(db_url, exam).get(trainee)
    if grades is None:
        raise MarkingError(
            f"{trainee!r} has no graded submission of {exam}; run `cmacademy grade {exam}` first."
        )
    return grades


def _manual_scores(level: Level, grades: Grades) -> Scores | None:
    """The current manual scores of the criteria, or None while any is ungraded."""
    out: Scores = {}
    for item in criteria(level):
        score, needs = grades.get(item.question, (None, True))
        if needs or score is None:
            return None
        out[item.question] = score
    return out


def passes(level: Level, scores: dict[str, float]) -> bool:
    """Whether scores per question meet the overall minimum and every competency minimum."""
    got: dict[str, float] = {}
    for item in level.blueprint:
        got[item.competency] = got.get(item.competency, 0.0) + scores.get(item.question, 0.0)
    points = level.points_by_competency()
    overall = sum(got.values()) / sum(points.values())
    return overall >= level.overall_min - EPSILON and all(
        got[c] / points[c] >= level.competency_min - EPSILON for c in points
    )


def in_band(level: Level, grades: Grades) -> str:
    """Why the script needs a second marker ('' when it does not).

    It does when the manual marks can change its decision at all (it passes with full marks
    and fails with none) and either its total share lies within `SECOND_MARK_BAND` of the
    overall pass mark or a manual items' competency share lies within it of the competency
    minimum.
    """
    manual = criteria(level)
    scores = {i.question: grades.get(i.question, (0.0, False))[0] or 0.0 for i in level.blueprint}
    if not manual:
        return ""
    lowest = scores | {i.question: 0.0 for i in manual}
    highest = scores | {i.question: i.points for i in manual}
    if passes(level, lowest) == passes(level, highest):
        return ""
    share = sum(scores.values()) / sum(i.points for i in level.blueprint)
    if abs(share - level.overall_min) <= SECOND_MARK_BAND + EPSILON:
        return f"total {share:.0%} within ±{SECOND_MARK_BAND:.0%} of the {level.overall_min:.0%} pass mark"
    for competency in sorted({i.competency for i in manual}):
        items = [i for i in level.blueprint if i.competency == competency]
        part = sum(scores[i.question] for i in items) / sum(i.points for i in items)
        if abs(part - level.competency_min) <= SECOND_MARK_BAND + EPSILON:
            return (
                f"{competency} {part:.0%} within ±{SECOND_MARK_BAND:.0%} "
                f"of the {level.competency_min:.0%} competency minimum"
            )
    return ""


def _round(s: Session, exam: str, trainee: str, which: str) -> tuple[str, Scores] | None:
    rows = list(
        s.scalars(
            select(MarkRecord).where(
                MarkRecord.exam == exam, MarkRecord.trainee == trainee, MarkRecord.round == which
            )
        )
    )
    return (rows[0].marker, {r.criterion: r.score for r in rows}) if rows else None


def _same(a: Scores, b: Scores) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= EPSILON for k in a)


def disagreement(first: Scores, second: Scores) -> str:
    """Why two markings need adjudication ('' when they agree within the tolerances)."""
    gap = abs(sum(first.values()) - sum(second.values()))
    if gap > TOTAL_TOLERANCE + EPSILON:
        return f"totals differ by {gap:g} points (> {TOTAL_TOLERANCE:g})"
    far = [
        f"{c} by {abs(first[c] - second[c]):g}"
        for c in first
        if abs(first[c] - second[c]) > CRITERION_TOLERANCE + EPSILON
    ]
    return f"criteria differ by more than {CRITERION_TOLERANCE:g}: {', '.join(far)}" if far else ""


def state_of(s: Session, level: Level, exam: str, trainee: str, grades: Grades) -> MarkingState:
    """Where a script stands in marking, from the gradebook's scores and the recorded rounds."""
    total = sum(grades.get(i.question, (0.0, False))[0] or 0.0 for i in level.blueprint)
    max_total = sum(i.points for i in level.blueprint)

    def state(name: str, reason: str = "") -> MarkingState:
        return MarkingState(trainee, name, reason, total, max_total)

    current = _manual_scores(level, grades)
    if current is None:
        return state("ungraded")
    final = _round(s, exam, trainee, ROUND_FINAL)
    if final is not None and _same(final[1], current):
        return state("complete")
    band = in_band(level, grades)
    if not band:
        return state("not_needed")
    first = _round(s, exam, trainee, ROUND_FIRST)
    if first is None or not _same(first[1], current):
        changed = "" if first is None else " (the formgrader scores changed since)"
        return state(ROUND_FIRST, f"{band}: first marker to confirm with `cmacademy mark first`{changed}")
    second = _round(s, exam, trainee, ROUND_SECOND)
    if second is None:
        return state(ROUND_SECOND, f"{band}: waiting for second marking (`cmacademy mark second`)")
    if final is not None:
        return state(
            STATE_UNWRITTEN, "final scores recorded but not in the gradebook; run `cmacademy mark sync`"
        )
    why = disagreement(first[1], second[1])
    return state(STATE_ADJUDICATION, f"waiting for adjudication (`cmacademy mark adjudicate`): {why}")


def pending_reason(s: Session, level: Level, exam: str, trainee: str, grades: Grades) -> str:
    """Why certification must wait for marking ('' when marking is complete or not needed)."""
    return state_of(s, level, exam, trainee, grades).reason


def check_scores(level: Level, scores: Scores) -> Scores:
    """Scores by grade id, every criterion given once and within its points.

    Raises:
        MarkingError: a criterion unknown, missing or given twice, or a score out of range.
    """
    out: Scores = {}
    for name, score in scores.items():
        item = resolve_criterion(level, name)
        if item.question in out:
            raise MarkingError(f"criterion {item.question} is given twice.")
        if not math.isfinite(score) or not -EPSILON <= score <= item.points + EPSILON:
            raise MarkingError(f"criterion {item.question}: {score:g} is outside 0–{item.points:g} points.")
        out[item.question] = float(score)
    missing = [i.question for i in criteria(level) if i.question not in out]
    if missing:
        raise MarkingError(
            f"no score for {', '.join(missing)}; give every criterion as --criterion NAME=SCORE."
        )
    return out


def _write_gradebook(db_url: str, exam: str, trainee: str, scores: Scores) -> None:
    with gradebook(db_url) as gb:
        submission = gb.find_submission(exam, trainee)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name in scores:
                    grade.manual_score = scores[grade.name]
                    grade.needs_manual_grade = False
        gb.db.commit()


def _put(s: Session, exam: str, trainee: str, which: str, marker: str, scores: Scores) -> None:
    s.execute(
        delete(MarkRecord).where(
            MarkRecord.exam == exam, MarkRecord.trainee == trainee, MarkRecord.round == which
        )
    )
    stamp = now()
    for criterion, score in scores.items():
        s.add(
            MarkRecord(
                exam=exam,
                trainee=trainee,
                round=which,
                criterion=criterion,
                marker=marker,
                score=score,
                at=stamp,
            )
        )


def mean_scores(first: Scores, second: Scores) -> Scores:
    """The two markings' mean per criterion, rounded half up to `SCORE_STEP`."""
    return {c: math.floor((first[c] + second[c]) / 2 / SCORE_STEP + 0.5) * SCORE_STEP for c in first}


def _level(exam: str, scheme: Scheme | None) -> Level:
    return (scheme or load_scheme()).level_for_exam(exam)


def mark_first(course: Course, exam: str, trainee: str, *, scheme: Scheme | None = None) -> Scores:
    """Confirm the formgrader's scores of a script as the first marking, by the user running this.

    A new first marking restarts second marking and adjudication of that script.

    Raises:
        MarkingError: the script is not graded or a criterion is not yet scored in formgrader.
    """
    level = _level(exam, scheme)
    current = _manual_scores(level, read_script(course.db_url, exam, trainee))
    if current is None:
        raise MarkingError(
            f"{trainee}'s {exam} report is not fully scored in formgrader yet; score every criterion first."
        )
    engine = open_engine(course.db_url)
    with session(engine) as s:
        for which in (ROUND_SECOND, ROUND_FINAL):
            _put(s, exam, trainee, which, "", {})
        _put(s, exam, trainee, ROUND_FIRST, actor(), current)
        audit(s, "mark_first", exam, trainee, {"scores": current, "total": sum(current.values())})
    engine.dispose()
    return current


def _markers(s: Session, exam: str, trainee: str, *rounds: str) -> list[str]:
    out = []
    for which in rounds:
        found = _round(s, exam, trainee, which)
        if found is not None:
            out.append(found[0])
    return out


def mark_second(
    course: Course, exam: str, trainee: str, scores: Scores, *, scheme: Scheme | None = None
) -> MarkingState:
    """Record a second marker's per-criterion scores; agreed marks become final in the gradebook.

    Raises:
        MarkingError: the script needs no second marking now, the scores are incomplete or out
            of range, or the second marker is the first.
    """
    level = _level(exam, scheme)
    given = check_scores(level, scores)
    grades = read_script(course.db_url, exam, trainee)
    engine = open_engine(course.db_url)
    with session(engine) as s:
        before = state_of(s, level, exam, trainee, grades)
        if before.state != ROUND_SECOND:
            raise MarkingError(
                f"{trainee}'s {exam} script is not awaiting second marking ({before.state}). {before.reason}".rstrip()
            )
        first_marker, first = _round(s, exam, trainee, ROUND_FIRST) or ("", {})
        who = actor()
        if who == first_marker:
            raise MarkingError(f"{who} marked this script first; the second marker must be someone else.")
        _put(s, exam, trainee, ROUND_SECOND, who, given)
        why = disagreement(first, given)
        details = {"first": first, "second": given, "disagreement": why}
        if not why:
            final = mean_scores(first, given)
            _put(s, exam, trainee, ROUND_FINAL, f"{first_marker} + {who}", final)
            details["final"] = final
        audit(s, "mark_second", exam, trainee, details)
    engine.dispose()
    if not why:
        sync_final(course, exam, trainee)
    return marking_state(course, exam, trainee, scheme=scheme)


def adjudicate(
    course: Course, exam: str, trainee: str, scores: Scores, reason: str, *, scheme: Scheme | None = None
) -> MarkingState:
    """A third person's final per-criterion scores, written into the gradebook as manual scores.

    Raises:
        MarkingError: the script does not await adjudication, the scores are incomplete or out
            of range, no reason is given, or the adjudicator marked the script already.
    """
    if not reason.strip():
        raise MarkingError("an adjudication needs a reason (--reason).")
    level = _level(exam, scheme)
    given = check_scores(level, scores)
    grades = read_script(course.db_url, exam, trainee)
    engine = open_engine(course.db_url)
    with session(engine) as s:
        before = state_of(s, level, exam, trainee, grades)
        if before.state != STATE_ADJUDICATION:
            raise MarkingError(f"{trainee}'s {exam} script is not awaiting adjudication ({before.state}).")
        who = actor()
        if who in _markers(s, exam, trainee, ROUND_FIRST, ROUND_SECOND):
            raise MarkingError(f"{who} marked this script already; the adjudicator must be a third person.")
        _put(s, exam, trainee, ROUND_FINAL, who, given)
        audit(s, "mark_adjudicate", exam, trainee, {"final": given, "why": before.reason}, reason.strip())
    engine.dispose()
    sync_final(course, exam, trainee)
    return marking_state(course, exam, trainee, scheme=scheme)


def sync_final(course: Course, exam: str, trainee: str) -> Scores:
    """Write a script's recorded final scores into nbgrader's gradebook as manual scores.

    It runs after the marking's own transaction has committed (an SQLite gradebook admits one
    writer at a time); if it fails, running it again (``cmacademy mark sync``) finishes the job.

    Raises:
        MarkingError: no final scores are recorded for the script.
    """
    engine = open_engine(course.db_url)
    with session(engine) as s:
        final = _round(s, exam, trainee, ROUND_FINAL)
    engine.dispose()
    if final is None:
        raise MarkingError(f"no final scores recorded for {trainee}'s {exam} script.")
    _write_gradebook(course.db_url, exam, trainee, final[1])
    return final[1]


def marking_state(course: Course, exam: str, trainee: str, *, scheme: Scheme | None = None) -> MarkingState:
    """Where one script stands in marking."""
    level = _level(exam, scheme)
    grades = read_script(course.db_url, exam, trainee)
    engine = open_engine(course.db_url)
    with session(engine) as s:
        out = state_of(s, level, exam, trainee, grades)
    engine.dispose()
    return out


def list_marking(course: Course, exam: str, *, scheme: Scheme | None = None) -> list[MarkingState]:
    """Every graded script of ``exam`` and where it stands in marking."""
    level = _level(exam, scheme)
    scripts = read_scripts(course.db_url, exam)
    engine = open_engine(course.db_url)
    with session(engine) as s:
        out = [state_of(s, level, exam, t, scripts[t]) for t in sorted(scripts)]
    engine.dispose()
    return out
