"""The sections of the cohort report template (``templates/cohort_report.ipynb``).

Items are shown by their titles from the exam notebook, the exam by its title; similar
evaluation reports are summarised (how many pairs, the closest with names) with the full list
in a CSV beside the report (`similar_list_name`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from IPython.display import HTML

from grading.exams.psychometrics import strata_index
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
from grading.reports.hr_data import exam_title
from grading.reports.html import chart_language, esc, facts, figure, num, pct, points, table
from grading.reports.messages import Messages
from grading.reports.sections import DECIDED, _Common, _scheme
from grading.status import DecisionStatus

#: Closest pairs of similar reports the cohort report names; the rest are in the CSV.
TOP_SIMILAR: Final = 10


def similar_list_name(exam: str) -> str:
    """The CSV of every similar pair, beside the cohort report."""
    return f"similar-reports-{exam}.csv"


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
                    (t("report.exam"), esc(exam_title(_scheme(), self.cohort.exam, self.msg.lang))),
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

    def item_label(self, item: str) -> str:
        """An item by its title from the exam notebook, with its id (``ABC 分层（q1_abc_tiers）``)."""
        title = next(
            (q.title for r in self.cohort.trainees for q in r.questions if q.question == item and q.title), ""
        )
        if not title:
            return item
        return f"{title}（{item}）" if self.msg.lang == "zh" else f"{title} ({item})"

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
                esc(self.item_label(s.item)),
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
            f"<li>{esc(self.item_label(s.item))}: {esc('; '.join(t(f'flag.{f}') for f in s.flags))}</li>"
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
        strata = {r.decision.trainee: r.stratum for r in self.decided}
        result: Fairness = fairness(auto, strata)
        index = {s.stratum: s.index for s in strata_index(auto, strata)}
        rows = [
            [
                esc(s.stratum),
                str(s.n),
                pct(s.mean),
                pct(s.sd),
                f"{s.difference:+.0%}",
                f"{index[s.stratum]:.1f}",
            ]
            for s in result.strata
        ]
        headers = [
            t("cohort.stratum"),
            "n",
            t("cohort.mean"),
            t("cohort.sd"),
            t("cohort.difference"),
            t("cohort.index"),
        ]
        test = (
            t("cohort.anova", f=num(result.f_statistic), p=num(result.p_value, 3))
            if result.f_statistic is not None
            else t("cohort.anova_undefined")
        )
        return HTML(
            f"<h2>{esc(t('cohort.fairness'))}</h2>"
            + f"<p class='note'>{esc(t('cohort.fairness_note', role=self.role))}</p>"
            + table(headers, rows, numeric=(1, 2, 3, 4, 5))
            + f"<p class='note'>{esc(test)}</p>"
        )

    def _name(self, trainee: str) -> str:
        found = next((r.decision.name for r in self.cohort.trainees if r.decision.trainee == trainee), "")
        return f"{found}（{trainee}）" if found else trainee

    def similar_reports(self) -> HTML:
        """How many evaluation reports look alike, the closest pairs by name, and the full list's file."""
        t = self.msg.text
        pairs = sorted(self.cohort.similar_reports, key=lambda p: -p[2])
        if not pairs:
            return HTML(f"<h2>{esc(t('cohort.similar'))}</h2><p>{esc(t('cohort.no_similar'))}</p>")
        top = pairs[:TOP_SIMILAR]
        involved = len({x for a, b, _ in pairs for x in (a, b)})
        rows = [[esc(self._name(a)), esc(self._name(b)), pct(x)] for a, b, x in top]
        name = similar_list_name(self.cohort.exam)
        return HTML(
            f"<h2>{esc(t('cohort.similar'))}</h2>"
            + f"<p>{esc(t('cohort.similar_count', pairs=len(pairs), trainees=involved, shown=len(top)))}</p>"
            + table(
                [t("cohort.trainee_a"), t("cohort.trainee_b"), t("cohort.similarity")], rows, numeric=(2,)
            )
            + f'<p>{esc(t("cohort.similar_full", file=""))}<a href="{esc(name)}">{esc(name)}</a></p>'
            + f"<p class='note'>{esc(t('cohort.similar_note'))}</p>"
        )

    def footer(self) -> HTML:
        """The scheme, the certification body and the report date."""
        return self._footer(self.cohort.as_of)


def similar_csv(cohort: CohortResults) -> str:
    """Every similar pair, closest first: trainee ids, names and similarity (UTF-8 with BOM for Excel)."""
    from grading.reports.register import spreadsheet_text

    names = {r.decision.trainee: r.decision.name for r in cohort.trainees}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["trainee_a", "name_a", "trainee_b", "name_b", "similarity"])
    for a, b, x in sorted(cohort.similar_reports, key=lambda p: -p[2]):
        cells = [a, names.get(a, ""), b, names.get(b, "")]
        writer.writerow([spreadsheet_text(c) for c in cells] + [f"{x:.2f}"])
    return "\ufeff" + buffer.getvalue()
