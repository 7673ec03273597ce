"""What HR reads beyond the register: a one-line reason per decision, per-unit counts, trends by sitting.

Counts that depend on today's date (valid now, expiring) are left to the dashboard's browser
script; everything here is fixed by the decisions themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from grading.reports.decisions import DecisionRecord
from grading.reports.html import pct
from grading.reports.messages import Messages
from grading.scheme import Scheme
from grading.status import DecisionStatus

#: The reasons `grading.certification.certify` records for a pending decision.
WAITING_PREFIX: Final = "waiting for manual grading of "
ATTENTION_PREFIX: Final = "submission needs a trainer's attention: "
#: How certify records a prerequisite that was not met.
PREREQUISITE_MARK: Final = "prerequisite not met: "
#: A certificate expiring within this many days (or expired) is due for recertification.
RECERTIFY_WITHIN_DAYS: Final = 90


def exam_title(scheme: Scheme, exam: str, lang: str) -> str:
    """An exam's title: the level it certifies (``初级客户经理认证考试``); the id when unknown."""
    level = next((lv for lv in scheme.levels if lv.exam == exam), None)
    if level is None:
        return exam
    return f"{level.name_zh}认证考试" if lang == "zh" else f"{level.name_en} exam"


def level_name(scheme: Scheme, level: str, lang: str) -> str:
    """A level's name in ``lang``."""
    found = scheme.level(level)
    return found.name_zh if lang == "zh" else found.name_en


def grouped(titles: Sequence[str], joiner: str) -> list[str]:
    """Item titles with one report's criteria as one item, other titles kept, in order.

    ``客户评价报告：结构`` and ``客户评价报告：证据`` become ``客户评价报告（结构、证据）``.
    """
    groups: dict[str, list[str]] = {}
    for title in titles:
        head, _, criterion = title.partition("：")
        groups.setdefault(head if criterion else title, []).append(criterion)
    return [
        f"{head}（{joiner.join(c for c in parts if c)}）" if any(parts) else head
        for head, parts in groups.items()
    ]


def decision_reason(
    record: DecisionRecord, scheme: Scheme, msg: Messages, titles: dict[str, str] | None = None
) -> str:
    """Why the decision is what it is, in one line of the report language.

    Args:
        record: the decision.
        scheme: gives the level's pass marks and the competencies' names.
        msg: the language.
        titles: question id -> title, to name items still waiting for a grader.
    """
    t, titles = msg.text, titles or {}
    level = scheme.level(record.level)
    if record.revoked:
        return t("reason.revoked", day=record.revoked_on or "—", why=record.revoked_reason or "—")
    if record.status == DecisionStatus.CERTIFIED:
        return t("reason.certified", share=pct(record.share))
    if record.status == DecisionStatus.PENDING:
        if record.why.startswith(WAITING_PREFIX):
            items = [q.strip() for q in record.why.removeprefix(WAITING_PREFIX).split(",")]
            joiner = t("reason.list_joiner")
            shown = grouped([titles.get(q, q) for q in items], joiner) if msg.lang == "zh" else items
            return t("reason.manual", items=joiner.join(shown))
        return t("reason.attention", detail=record.why.removeprefix(ATTENTION_PREFIX) or "—")
    parts = []
    if record.share < level.overall_min - 1e-9:
        parts.append(t("reason.overall", share=pct(record.share), minimum=pct(level.overall_min)))
    names = {c.id: (c.name_zh if msg.lang == "zh" else c.name_en) for c in scheme.competencies}
    below = [
        f"{names.get(c.competency, c.competency)} {pct(c.share)}" for c in record.competencies if not c.passed
    ]
    if below:
        joined = t("reason.list_joiner").join(below)
        parts.append(t("reason.competency", names=joined, minimum=pct(level.competency_min)))
    if PREREQUISITE_MARK in record.why:
        parts.append(t("reason.prerequisite", detail=record.why.split(PREREQUISITE_MARK, 1)[1]))
    return t("reason.joiner").join(parts) or record.why


@dataclass(frozen=True)
class GroupCounts:
    """Decisions of one group (an org unit, or a sitting)."""

    label: str
    """The group's name."""
    trainees: int
    """Distinct trainees."""
    certified: int
    failed: int
    pending: int
    mean_share: float | None
    """Mean overall share of the decided (certified or failed) trainees."""

    @property
    def pass_rate(self) -> float | None:
        """Certified ÷ decided; None when nobody is decided."""
        decided = self.certified + self.failed
        return self.certified / decided if decided else None


def _counts(label: str, records: Sequence[DecisionRecord]) -> GroupCounts:
    decided = [r for r in records if r.status in (DecisionStatus.CERTIFIED, DecisionStatus.FAILED)]
    return GroupCounts(
        label,
        len({r.trainee for r in records}),
        sum(r.status == DecisionStatus.CERTIFIED for r in records),
        sum(r.status == DecisionStatus.FAILED for r in records),
        sum(r.status == DecisionStatus.PENDING for r in records),
        sum(r.share for r in decided) / len(decided) if decided else None,
    )


def by_unit(records: Sequence[DecisionRecord]) -> list[GroupCounts]:
    """Counts and pass rate per org unit, by unit name."""
    units = sorted({r.org_unit for r in records})
    return [_counts(u, [r for r in records if r.org_unit == u]) for u in units]


def overall(records: Sequence[DecisionRecord]) -> GroupCounts:
    """Counts and pass rate of every decision."""
    return _counts("", records)


def by_sitting(records: Sequence[DecisionRecord], scheme: Scheme, lang: str) -> list[GroupCounts]:
    """Counts, pass rate and mean share per sitting (exam and month received), oldest first."""
    keys = sorted({(r.exam, r.sat_on.strftime("%Y-%m") if r.sat_on else "—") for r in records})
    return [
        _counts(
            f"{exam_title(scheme, exam, lang)} · {month}",
            [
                r
                for r in records
                if r.exam == exam and (r.sat_on.strftime("%Y-%m") if r.sat_on else "—") == month
            ],
        )
        for exam, month in keys
    ]


def latest_certificates(records: Sequence[DecisionRecord]) -> set[tuple[str, str]]:
    """(exam, trainee) of each holder's latest certificate per level (earlier ones are superseded)."""
    latest: dict[tuple[str, str], DecisionRecord] = {}
    for r in records:
        if r.status == DecisionStatus.CERTIFIED and r.certificate_id and not r.revoked and r.expires_on:
            key = (r.trainee, r.level)
            if key not in latest or (latest[key].expires_on or r.expires_on) < r.expires_on:
                latest[key] = r
    return {(r.exam, r.trainee) for r in latest.values()}
