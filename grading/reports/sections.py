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
from grading.reports.data import TraineeResult
from grading.reports.hr_data import decision_reason, exam_title
from grading.reports.html import badge, chart_language, esc, facts, figure, page_footer, pct, points, table
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
        """Title, who, and the decision with its reason, level and validity: all on the first page.

        Also sets every printed page's footer: the trainee's name and the page number.
        """
        d, t = self.result.decision, self.msg.text
        status = d.certificate_status(self.as_of)
        titles = {q.question: q.title for q in self.result.questions if q.title}
        reason = decision_reason(d, _scheme(), self.msg, titles)
        outcome = [(t("report.decision"), f"{badge(d.status, t(f'decision.{d.status}'))} {esc(reason)}")]
        if d.certificate_id:
            outcome += [
                (t("report.level"), esc(self.level_name)),
                (t("report.validity"), esc(t("report.validity_range", start=d.issued_on, end=d.expires_on))),
                (t("report.certificate_status"), badge(status, t(f"status.{status}"))),
                (t("report.certificate_id"), f"<code>{esc(d.certificate_id)}</code>"),
            ]
        else:
            outcome += [
                (t("report.level"), esc(self.level_name)),
                (t("report.certificate"), esc(t("report.no_certificate"))),
            ]
        note = (
            f"<p class='note'>{esc(t('report.pending_note'))}</p>"
            if d.status == DecisionStatus.PENDING
            else ""
        )
        return HTML(
            page_footer(
                f"{d.name} · {t('report.title')}", t("report.page_of", page="{page}", pages="{pages}")
            )
            + f"<h1>{esc(t('report.title'))}</h1>"
            + facts(
                [
                    (t("report.trainee"), f"<strong>{esc(d.name)}</strong>"),
                    (t("report.trainee_id"), esc(d.trainee)),
                    (t("report.org_unit"), esc(d.org_unit)),
                    (t("report.exam"), esc(exam_title(_scheme(), d.exam, self.msg.lang))),
                    (t("report.exam_date"), esc(self.result.exam_date or "—")),
                    (t("report.as_of"), esc(self.as_of.isoformat())),
                ]
            )
            + f'<section class="outcome {esc(d.status)}">{facts(outcome)}{note}</section>'
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
