"""The sections of the report templates, as HTML and images for the notebooks to display.

The template notebooks (``templates/*.ipynb``) hold the order of the sections; what each
section says lives here, with every fixed text from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from IPython.display import HTML

from grading.reports import charts
from grading.reports.cohort import (
    Fairness,
    ItemStatistics,
    cronbach_alpha,
    fairness,
    item_statistics,
    pass_rate,
)
from grading.reports.data import CohortResults, TraineeResult
from grading.reports.html import badge, chart_language, esc, facts, figure, num, pct, points, table
from grading.reports.messages import Messages
from grading.reports.modules import modules_for
from grading.scheme import Level, Scheme, load_scheme
from grading.status import DecisionStatus

#: A competency at or above this share counts as a strength.
STRENGTH_SHARE: Final = 0.80
DECIDED: Final = (DecisionStatus.CERTIFIED, DecisionStatus.FAILED)


@cache
def _scheme() -> Scheme:
    return load_scheme()


@dataclass(frozen=True)
class _Common:
    msg: Messages
    level: Level

    def competency_name(self, competency: str) -> str:
        c = _scheme().competency(competency)
        return c.name_zh if self.msg.lang == "zh" else c.name_en

    @property
    def level_name(self) -> str:
        return self.level.name_zh if self.msg.lang == "zh" else self.level.name_en

    def _footer(self, as_of: dt.date) -> HTML:
        info = _scheme().scheme
        text = self.msg.text(
            "report.footer",
            scheme=info.name_zh if self.msg.lang == "zh" else info.name_en,
            version=info.version,
            body=info.body,
            as_of=as_of.isoformat(),
        )
        return HTML(f'<p class="footer">{esc(text)}</p>')


@dataclass(frozen=True)
class TraineeReport(_Common):
    """The qualification report of one trainee."""

    result: TraineeResult
    as_of: dt.date

    @classmethod
    def open(cls, result_file: str | Path, lang: str, as_of: str) -> TraineeReport:
        """Load the trainee's results written by the report command."""
        result = TraineeResult.load(result_file)
        level = _scheme().level(result.decision.level)
        return cls(Messages.for_language(lang), level, result, dt.date.fromisoformat(as_of))

    @property
    def ungraded(self) -> set[str]:
        """Competencies with an item still waiting for its grader (neither strength nor gap yet)."""
        return {q.competency for q in self.result.questions if q.score is None}

    def _met_badge(self, competency: str, passed: bool) -> str:
        t = self.msg.text
        if competency in self.ungraded:
            return badge("ungraded", t("outcome.ungraded"))
        return badge("met" if passed else "not_met", t("report.met" if passed else "report.not_met"))

    def header(self) -> HTML:
        """Title and who, what and when."""
        d, t = self.result.decision, self.msg.text
        return HTML(
            f"<h1>{esc(t('report.title'))}</h1>"
            + facts(
                [
                    (t("report.trainee"), esc(d.name)),
                    (t("report.trainee_id"), esc(d.trainee)),
                    (t("report.org_unit"), esc(d.org_unit)),
                    (t("report.level"), esc(self.level_name)),
                    (t("report.exam"), esc(d.exam)),
                    (t("report.exam_date"), esc(self.result.exam_date or "—")),
                    (t("report.as_of"), esc(self.as_of.isoformat())),
                ]
            )
        )

    def scores(self) -> HTML:
        """Overall and per-competency scores against the pass marks."""
        d, t = self.result.decision, self.msg.text
        rule = t(
            "report.overall_rule",
            overall_min=pct(self.level.overall_min),
            competency_min=pct(self.level.competency_min),
        )
        overall_met = d.share >= self.level.overall_min - 1e-9
        rows = [
            [
                esc(self.competency_name(c.competency)),
                f"{points(c.score)} / {points(c.max_score)}",
                pct(c.share),
                pct(self.level.competency_min),
                self._met_badge(c.competency, c.passed),
            ]
            for c in d.competencies
        ]
        rows.append(
            [
                f"<strong>{esc(t('report.overall'))}</strong>",
                f"<strong>{points(d.score)} / {points(d.max_score)}</strong>",
                f"<strong>{pct(d.share)}</strong>",
                pct(self.level.overall_min),
                badge(
                    "met" if overall_met else "not_met", t("report.met" if overall_met else "report.not_met")
                ),
            ]
        )
        headers = [t("report.competency"), t("report.score"), t("report.share"), t("report.pass_mark"), ""]
        return HTML(
            f"<h2>{esc(t('report.competencies'))}</h2><p class='note'>{esc(rule)}</p>"
            + table(headers, rows, numeric=(1, 2, 3))
        )

    def chart(self) -> HTML:
        """Bar chart of the competency shares with the pass mark."""
        d = self.result.decision
        labels_in = chart_language(self.msg)
        names = _Common(labels_in, self.level)
        texts = {
            "title": labels_in.text("chart.competencies"),
            "axis": labels_in.text("chart.share"),
            "mark": labels_in.text("chart.pass_mark"),
        }
        png = charts.competency_chart(
            [names.competency_name(c.competency) for c in d.competencies],
            [c.share for c in d.competencies],
            [None if c.competency in self.ungraded else c.passed for c in d.competencies],
            self.level.competency_min,
            texts,
        )
        return HTML(figure(png, texts["title"]))

    def decision(self) -> HTML:
        """The decision, the level and the certificate with its validity."""
        d, t = self.result.decision, self.msg.text
        status = d.certificate_status(self.as_of)
        pairs = [(t("report.decision"), badge(d.status, t(f"decision.{d.status}")))]
        if d.certificate_id:
            pairs += [
                (t("report.level"), esc(self.level_name)),
                (t("report.certificate_id"), f"<code>{esc(d.certificate_id)}</code>"),
                (t("report.valid_from"), esc(d.issued_on or "—")),
                (t("report.valid_until"), esc(d.expires_on or "—")),
                (t("report.certificate_status"), badge(status, t(f"status.{status}"))),
            ]
        else:
            pairs.append((t("report.certificate"), esc(t("report.no_certificate"))))
        note = (
            f"<p class='note'>{esc(t('report.pending_note'))}</p>"
            if d.status == DecisionStatus.PENDING
            else ""
        )
        return HTML(f"<h2>{esc(t('report.decision'))}</h2>" + facts(pairs) + note)

    def strengths_and_gaps(self) -> HTML:
        """Strengths, gaps and the curriculum modules that teach the gaps.

        A strength scores 80 % or more; a gap is below its minimum or below the overall pass mark;
        a competency with an item still being graded is neither.
        """
        d, t = self.result.decision, self.msg.text
        graded = [c for c in d.competencies if c.competency not in self.ungraded]
        strengths = [c for c in graded if c.share >= STRENGTH_SHARE - 1e-9]
        gaps = [c for c in graded if not c.passed or c.share < self.level.overall_min - 1e-9]
        none = esc(t("report.none"))

        def listing(items: list[str]) -> str:
            return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else f"<p>{none}</p>"

        modules: list[str] = []
        for gap in gaps:
            for m in modules_for(gap.competency):
                text = esc(t("report.module", number=m.number, title=m.title(self.msg.lang)))
                if text not in modules:
                    modules.append(text)
        return HTML(
            f"<h2>{esc(t('report.strengths'))}</h2>"
            + listing([f"{esc(self.competency_name(c.competency))} ({pct(c.share)})" for c in strengths])
            + f"<h2>{esc(t('report.gaps'))}</h2>"
            + listing([f"{esc(self.competency_name(c.competency))} ({pct(c.share)})" for c in gaps])
            + (f"<h2>{esc(t('report.revisit'))}</h2>" + listing(modules) if modules else "")
        )

    def questions(self) -> HTML:
        """Points and right or wrong per question; never the expected answer."""
        t = self.msg.text
        rows = []
        for q in self.result.questions:
            label = q.question if self.msg.lang == "en" or not q.title else f"{q.title}（{q.question}）"
            rows.append(
                [
                    esc(label),
                    esc(self.competency_name(q.competency)),
                    f"{points(q.score)} / {points(q.points)}",
                    badge(q.outcome, t(f"outcome.{q.outcome}")),
                ]
            )
        headers = [t("report.question"), t("report.competency"), t("report.points"), t("report.result")]
        return HTML(
            f"<h2>{esc(t('report.questions'))}</h2>"
            + table(headers, rows, numeric=(2,))
            + f"<p class='note'>{esc(t('report.questions_note'))}</p>"
        )

    def footer(self) -> HTML:
        """The scheme, the certification body and the report date."""
        return self._footer(self.as_of)


@dataclass(frozen=True)
class CohortReport(_Common):
    """The cohort report for trainers: distribution, pass rates, items, reliability, fairness."""

    cohort: CohortResults
    role: str

    @classmethod
    def open(cls, cohort_file: str | Path, lang: str, role: str) -> CohortReport:
        """Load the cohort's results written by the report command."""
        cohort = CohortResults.load(cohort_file)
        return cls(Messages.for_language(lang), _scheme().level(cohort.level), cohort, role)

    @property
    def decided(self) -> list[TraineeResult]:
        """Trainees with a certified or failed decision (complete grades)."""
        return [r for r in self.cohort.trainees if r.decision.status in DECIDED]

    def header(self) -> HTML:
        """Title, exam and counts with the pass rate."""
        t = self.msg.text
        statuses = [r.decision.status for r in self.cohort.trainees]
        counts = ", ".join(f"{esc(t(f'decision.{s}'))} {statuses.count(s)}" for s in DecisionStatus)
        return HTML(
            f"<h1>{esc(t('cohort.title'))}</h1>"
            + facts(
                [
                    (t("report.level"), esc(self.level_name)),
                    (t("report.exam"), esc(self.cohort.exam)),
                    (t("report.as_of"), esc(self.cohort.as_of.isoformat())),
                    (t("cohort.trainees"), f"{len(statuses)} ({counts})"),
                    (t("cohort.pass_rate"), pct(pass_rate(statuses))),
                ]
            )
            + f"<p class='note'>{esc(t('cohort.pass_rate_note'))}</p>"
        )

    def distribution(self) -> HTML:
        """Histogram of the decided trainees' overall shares with the pass mark."""
        labels_in = chart_language(self.msg)
        texts = {
            "title": labels_in.text("chart.distribution"),
            "axis": labels_in.text("report.share"),
            "count": labels_in.text("chart.trainees"),
            "mark": labels_in.text("chart.overall_min"),
        }
        png = charts.distribution_chart(
            [r.decision.share for r in self.decided], self.level.overall_min, texts
        )
        return HTML(f"<h2>{esc(self.msg.text('cohort.distribution'))}</h2>" + figure(png, texts["title"]))

    def competencies(self) -> HTML:
        """Mean share and the share meeting the minimum, per competency."""
        t = self.msg.text
        rows = []
        for competency in self.level.points_by_competency():
            scores = [c for r in self.decided for c in r.decision.competencies if c.competency == competency]
            mean = sum(c.share for c in scores) / len(scores) if scores else None
            met = sum(c.passed for c in scores) / len(scores) if scores else None
            rows.append([esc(self.competency_name(competency)), pct(mean), pct(met)])
        headers = [t("report.competency"), t("cohort.mean_share"), t("cohort.competency_pass")]
        return HTML(f"<h2>{esc(t('cohort.by_competency'))}</h2>" + table(headers, rows, numeric=(1, 2)))

    def _matrix(self) -> tuple[list[list[float]], list[str], list[float]]:
        items = [item.question for item in self.level.blueprint]
        maxima = [item.points for item in self.level.blueprint]
        matrix = [[q.score or 0.0 for q in r.questions] for r in self.decided]
        return matrix, items, maxima

    def item_table(self) -> HTML:
        """Difficulty and discrimination per item, flagged items, and reliability."""
        t = self.msg.text
        matrix, items, maxima = self._matrix()
        if len(matrix) < 2:
            return HTML(f"<h2>{esc(t('cohort.items'))}</h2><p>{esc(t('cohort.too_few'))}</p>")
        stats = item_statistics(matrix, items, maxima)
        competency = {item.question: item.competency for item in self.level.blueprint}
        rows = [
            [
                esc(s.item),
                esc(self.competency_name(competency[s.item])),
                points(s.max_points),
                num(s.difficulty),
                num(s.discrimination),
                esc("; ".join(t(f"flag.{f}") for f in s.flags)),
            ]
            for s in stats
        ]
        headers = [
            t("report.question"),
            t("report.competency"),
            t("cohort.max_points"),
            t("cohort.difficulty"),
            t("cohort.discrimination"),
            t("cohort.flags"),
        ]
        return HTML(
            f"<h2>{esc(t('cohort.items'))}</h2>"
            + f"<p class='note'>{esc(t('cohort.items_note', n=len(matrix)))}</p>"
            + table(headers, rows, numeric=(2, 3, 4))
            + self._flagged(stats)
            + self._reliability(matrix)
        )

    def _flagged(self, stats: list[ItemStatistics]) -> str:
        t = self.msg.text
        flagged = [s for s in stats if s.flags]
        if not flagged:
            return f"<h2>{esc(t('cohort.flagged'))}</h2><p>{esc(t('cohort.no_flags'))}</p>"
        items = "".join(
            f"<li><code>{esc(s.item)}</code>: {esc('; '.join(t(f'flag.{f}') for f in s.flags))}</li>"
            for s in flagged
        )
        return f"<h2>{esc(t('cohort.flagged'))}</h2><ul>{items}</ul>"

    def _reliability(self, matrix: list[list[float]]) -> str:
        t = self.msg.text
        alpha = cronbach_alpha(matrix)
        text = t("cohort.alpha_undefined") if alpha is None else t("cohort.alpha", alpha=num(alpha))
        return (
            f"<h2>{esc(t('cohort.reliability'))}</h2><p>{esc(text)}</p>"
            f"<p class='note'>{esc(t('cohort.alpha_target'))}</p>"
        )

    def fairness_table(self) -> HTML:
        """Autograded share by variant stratum, with a one-way ANOVA where possible."""
        t = self.msg.text
        auto = {
            r.decision.trainee: sum(q.score or 0.0 for q in r.questions if not q.manual)
            / sum(q.points for q in r.questions if not q.manual)
            for r in self.decided
        }
        result: Fairness = fairness(auto, {r.decision.trainee: r.stratum for r in self.decided})
        rows = [
            [esc(s.stratum), str(s.n), pct(s.mean), pct(s.sd), f"{s.difference:+.0%}"] for s in result.strata
        ]
        headers = [t("cohort.stratum"), "n", t("cohort.mean"), t("cohort.sd"), t("cohort.difference")]
        test = (
            t("cohort.anova", f=num(result.f_statistic), p=num(result.p_value, 3))
            if result.f_statistic is not None
            else t("cohort.anova_undefined")
        )
        return HTML(
            f"<h2>{esc(t('cohort.fairness'))}</h2>"
            + f"<p class='note'>{esc(t('cohort.fairness_note', role=self.role))}</p>"
            + table(headers, rows, numeric=(1, 2, 3, 4))
            + f"<p class='note'>{esc(test)}</p>"
        )

    def similar_reports(self) -> HTML:
        """Pairs of suspiciously similar evaluation reports, for a trainer to review."""
        t = self.msg.text
        pairs = self.cohort.similar_reports
        if not pairs:
            return HTML(f"<h2>{esc(t('cohort.similar'))}</h2><p>{esc(t('cohort.no_similar'))}</p>")
        rows = [[esc(a), esc(b), pct(x)] for a, b, x in pairs]
        return HTML(
            f"<h2>{esc(t('cohort.similar'))}</h2>"
            + f"<p class='note'>{esc(t('cohort.similar_note'))}</p>"
            + table(
                [t("cohort.trainee_a"), t("cohort.trainee_b"), t("cohort.similarity")], rows, numeric=(2,)
            )
        )

    def footer(self) -> HTML:
        """The scheme, the certification body and the report date."""
        return self._footer(self.cohort.as_of)
