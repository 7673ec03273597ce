"""The internal HR dashboard (``OUT/hr/``): everything HR needs, for the intranet only.

``index.html`` holds the summary numbers, counts and pass rates per org unit, trends across
sittings, links to every report and register file, and the full register (every decision with
its one-line reason, score, status, validity) with search and filters. ``trainees/<id>.html``
is one trainee's page. Statuses, days left, "expiring within 90/30 days" and "recertification
due" are computed by the browser from today's date, so a dashboard opened months later is still
right. The folder is self-contained: the reports, certificates and register files it links to
are copied into it (`hr_files`), so it can be served alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote

from grading.reports import hr_data
from grading.reports.decisions import DecisionRecord
from grading.reports.html import pct
from grading.reports.layout import CERTIFICATES_DIR, INDEX, REPORTS_DIR
from grading.reports.messages import Messages
from grading.reports.render import write_bytes, write_text
from grading.reports.site import esc, guard_folder, link, page
from grading.scheme import Scheme
from grading.status import REGISTER_STATUSES

TRAINEES_DIR: Final = "trainees"
#: Counts the browser fills in (data-count="...") and what each counts.
BROWSER_COUNTS: Final = ("valid", "within90", "within30", "due", "revoked")

SCRIPT: Final = """
(function () {
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  var todayText = new Date(today).toISOString().slice(0, 10);
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-decision]"));
  var el = document.getElementById("today");
  if (el) { el.textContent = todayText; }
  rows.forEach(function (tr) {
    var d = tr.dataset, status = d.decision, days = null;
    if (d.decision === "certified") {
      if (d.revoked === "1") { status = "revoked"; } else {
        var p = d.expires.split("-");
        days = Math.round((Date.UTC(+p[0], +p[1] - 1, +p[2]) - today) / 86400000);
        status = days < 0 ? "expired" : "valid";
      }
    }
    d.status = status;
    d.within90 = status === "valid" && days <= 90 ? "1" : "0";
    d.within30 = status === "valid" && days <= 30 ? "1" : "0";
    d.due = d.latest === "1" && days !== null && days <= data.recertifyDays ? "1" : "0";
    var cell = tr.querySelector(".js-status");
    cell.className = "js-status status " + status + (d.within30 === "1" ? " soon" : "");
    cell.textContent = data.labels[status];
    var left = tr.querySelector(".js-days");
    if (left) {
      left.textContent = days === null || status === "revoked" ? "" :
        (days < 0 ? data.overdue.replace("{days}", -days) : data.days.replace("{days}", days));
    }
  });
  function count(kind, unit) {
    return rows.filter(function (tr) {
      var d = tr.dataset;
      if (unit !== null && d.unit !== unit) { return false; }
      return kind === "valid" || kind === "revoked" ? d.status === kind : d[kind] === "1";
    }).length;
  }
  document.querySelectorAll("[data-count]").forEach(function (c) {
    c.textContent = count(c.dataset.count, c.hasAttribute("data-unit") ? c.dataset.unit : null);
  });
  var search = document.getElementById("search");
  if (!search) { return; }
  var filters = ["f-unit", "f-exam", "f-status", "f-remind"].map(function (i) { return document.getElementById(i); });
  var counter = document.getElementById("count");
  function apply() {
    var q = search.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var d = tr.dataset;
      var ok = (!q || d.search.indexOf(q) >= 0) &&
        (!filters[0].value || d.unit === filters[0].value) &&
        (!filters[1].value || d.exam === filters[1].value) &&
        (!filters[2].value || d.status === filters[2].value) &&
        (!filters[3].value || d[filters[3].value] === "1");
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    counter.textContent = data.shown.replace("{shown}", shown).replace("{total}", rows.length);
  }
  [search].concat(filters).forEach(function (f) {
    f.addEventListener("input", apply);
    f.addEventListener("change", apply);
  });
  apply();
})();
"""


@dataclass(frozen=True)
class HrEntry:
    """One decision as the dashboard shows it, with links relative to the dashboard's folder."""

    record: DecisionRecord
    exam_title: str
    level_name: str
    reason: str
    latest: bool
    """Whether this is the holder's latest certificate of its level."""
    report: str = ""
    report_pdf: str = ""
    certificate: str = ""
    certificate_pdf: str = ""


def hr_entries(
    records: Sequence[DecisionRecord],
    scheme: Scheme,
    msg: Messages,
    folder: Path,
    titles: dict[str, dict[str, str]],
) -> list[HrEntry]:
    """The dashboard's rows, linking the files that exist inside ``folder`` (``OUT/hr``)."""
    latest = hr_data.latest_certificates(records)
    entries = []
    for r in records:
        report = f"{REPORTS_DIR}/{quote(r.exam)}/{quote(r.trainee)}"
        cert = f"{CERTIFICATES_DIR}/{quote(r.certificate_id or '')}"

        def existing(href: str) -> str:
            return href if (folder / href).is_file() else ""

        entries.append(
            HrEntry(
                r,
                hr_data.exam_title(scheme, r.exam, msg.lang),
                hr_data.level_name(scheme, r.level, msg.lang),
                hr_data.decision_reason(r, scheme, msg, titles.get(r.exam)),
                (r.exam, r.trainee) in latest,
                existing(f"{report}.html"),
                existing(f"{report}.pdf"),
                existing(f"{cert}.json") if r.certificate_id else "",
                existing(f"{cert}.pdf") if r.certificate_id else "",
            )
        )
    return sorted(entries, key=lambda e: (e.record.org_unit, e.record.trainee, e.record.exam))


def _row(e: HrEntry, msg: Messages, prefix: str, with_person: bool, as_of: dt.date) -> str:
    """A register row; ``prefix`` leads from the page to the dashboard's folder."""
    t, r = msg.text, e.record
    search = " ".join([r.trainee, r.name, r.email, r.org_unit, r.certificate_id or "", e.exam_title]).lower()
    score = f"{r.score or 0:g} / {r.max_score:g} ({pct(r.share)})" if r.score is not None else "—"
    links = [
        link(prefix + e.report, t("hr.open_report")),
        link(prefix + e.report_pdf, "PDF"),
        link(prefix + e.certificate, "JSON"),
        link(prefix + e.certificate_pdf, t("hr.certificate") + " PDF"),
    ]
    person = (
        f"<td>{esc(r.trainee)}</td><td>{link(f'{TRAINEES_DIR}/{quote(r.trainee)}.html', r.name)}</td>"
        f"<td>{esc(r.email)}</td><td>{esc(r.org_unit)}</td>"
        if with_person
        else ""
    )
    initial = r.certificate_status(as_of)
    return (
        f'<tr data-decision="{esc(r.status)}" data-revoked="{int(r.revoked)}" data-expires="{esc(r.expires_on or "")}" '
        f'data-latest="{int(e.latest)}" data-unit="{esc(r.org_unit)}" data-exam="{esc(r.exam)}" '
        f'data-search="{esc(search)}">{person}'
        f"<td>{esc(e.exam_title)}</td><td>{esc(e.level_name)}</td>"
        f"<td>{esc(t(f'decision.{r.status}'))}</td><td>{esc(e.reason)}</td><td class='num'>{esc(score)}</td>"
        f'<td class="js-status status {esc(initial)}">{esc(t(f"status.{initial}"))}</td>'
        f"<td>{esc(r.issued_on or '')}</td><td>{esc(r.expires_on or '')}</td><td class='js-days'></td>"
        f"<td><code>{esc(r.certificate_id or '')}</code></td><td>{' · '.join(x for x in links if x)}</td></tr>"
    )


def _heads(msg: Messages, with_person: bool) -> str:
    keys = (["employee_no", "name", "email", "unit"] if with_person else []) + [
        "exam", "level", "decision", "reason", "score", "status", "issued_on", "expires_on", "days_left",
        "certificate", "report",
    ]  # fmt: skip
    return "".join(f"<th>{esc(msg.text(f'hr.{k}'))}</th>" for k in keys)


def _script_data(msg: Messages) -> dict[str, object]:
    t = msg.text
    return {
        "labels": {s: t(f"status.{s}") for s in REGISTER_STATUSES},
        "days": t("hr.days", days="{days}"),
        "overdue": t("hr.overdue", days="{days}"),
        "shown": t("hr.shown", shown="{shown}", total="{total}"),
        "recertifyDays": hr_data.RECERTIFY_WITHIN_DAYS,
    }


def _card(label: str, value: str) -> str:
    return f'<div class="card"><span>{esc(label)}</span><b>{value}</b></div>'


def _summary(entries: Sequence[HrEntry], msg: Messages) -> str:
    t = msg.text
    total = hr_data.overall([e.record for e in entries])
    cards = [
        _card(t("hr.trainees"), str(total.trainees)),
        _card(t("hr.certified"), str(total.certified)),
        _card(t("hr.failed"), str(total.failed)),
        _card(t("hr.pending"), str(total.pending)),
        _card(t("hr.pass_rate"), pct(total.pass_rate)),
    ] + [
        _card(t(f"hr.{key}"), f'<span data-count="{kind}"></span>')
        for key, kind in (("valid_now", "valid"), ("expiring_90", "within90"), ("expiring_30", "within30"),
                          ("due", "due"), ("revoked", "revoked"))
    ]  # fmt: skip
    return f"<h2>{esc(t('hr.summary'))}</h2><div class='cards' id='summary'>{''.join(cards)}</div>"


def _units(entries: Sequence[HrEntry], msg: Messages) -> str:
    t = msg.text
    rows = []
    for g in hr_data.by_unit([e.record for e in entries]):
        live = "".join(
            f'<td class="num" data-count="{kind}" data-unit="{esc(g.label)}"></td>'
            for kind in ("valid", "within90", "within30")
        )
        rows.append(
            f"<tr><td>{esc(g.label)}</td><td class='num'>{g.trainees}</td><td class='num'>{g.certified}</td>"
            f"<td class='num'>{g.failed}</td><td class='num'>{g.pending}</td>"
            f"<td class='num'>{pct(g.pass_rate)}</td>{live}</tr>"
        )
    heads = ["unit", "trainees", "certified", "failed", "pending", "pass_rate", "valid_now", "expiring_90",
             "expiring_30"]  # fmt: skip
    head = "".join(f"<th>{esc(t(f'hr.{h}'))}</th>" for h in heads)
    return (
        f"<h2>{esc(t('hr.by_unit'))}</h2><table id='units'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table><p class='note'>{esc(t('hr.pass_rate_note'))}</p>"
    )


def _trends(entries: Sequence[HrEntry], scheme: Scheme, msg: Messages) -> str:
    t = msg.text
    rows = "".join(
        f"<tr><td>{esc(g.label)}</td><td class='num'>{g.trainees}</td><td class='num'>{g.certified}</td>"
        f"<td class='num'>{g.failed}</td><td class='num'>{g.pending}</td><td class='num'>{pct(g.pass_rate)}</td>"
        f"<td class='num'>{pct(g.mean_share)}</td></tr>"
        for g in hr_data.by_sitting([e.record for e in entries], scheme, msg.lang)
    )
    heads = ["sitting", "candidates", "certified", "failed", "pending", "pass_rate", "mean_share"]
    head = "".join(f"<th>{esc(t(f'hr.{h}'))}</th>" for h in heads)
    return (
        f"<h2>{esc(t('hr.trends'))}</h2><table id='trends'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table><p class='note'>{esc(t('hr.trends_note'))}</p>"
    )


def _downloads(folder: Path, msg: Messages, scheme: Scheme) -> str:
    t = msg.text
    items = [
        f"<li>{link(f'{REPORTS_DIR}/{quote(p.name)}', t('hr.cohort_report', exam=hr_data.exam_title(scheme, p.stem.removeprefix('cohort-'), msg.lang)) + (' (PDF)' if p.suffix == '.pdf' else ''))}</li>"
        for p in sorted((folder / REPORTS_DIR).glob("cohort-*.*"))
    ]
    files = sorted(p.name for p in folder.glob("register.*"))
    items.append(f"<li>{esc(t('hr.register_files'))}: {' · '.join(link(n, n) for n in files)}</li>")
    return f"<h2>{esc(t('hr.reports'))}</h2><ul id='downloads'>{''.join(items)}</ul>"


def _filters(entries: Sequence[HrEntry], msg: Messages) -> str:
    t = msg.text

    def select(ident: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = f'<option value="">{esc(t("hr.all"))}</option>' + "".join(
            f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in options
        )
        return f'<label>{esc(label)} <select id="{ident}">{opts}</select></label>'

    units = sorted({e.record.org_unit for e in entries})
    exams = sorted({(e.record.exam, e.exam_title) for e in entries})
    statuses = [(str(s), t(f"status.{s}")) for s in REGISTER_STATUSES]
    reminders = [
        ("within90", t("hr.within_90")),
        ("within30", t("hr.within_30")),
        ("due", t("hr.due_filter")),
    ]
    return (
        '<div class="filters">'
        f'<input id="search" type="search" placeholder="{esc(t("hr.search"))}" aria-label="{esc(t("hr.search"))}">'
        + select("f-unit", t("hr.unit"), [(u, u) for u in units])
        + select("f-exam", t("hr.exam"), exams)
        + select("f-status", t("hr.status"), statuses)
        + select("f-remind", t("hr.expiring"), reminders)
        + "</div>"
    )


def index_page(
    entries: Sequence[HrEntry], msg: Messages, scheme: Scheme, folder: Path, as_of: dt.date, base: str
) -> str:
    """The dashboard's start page."""
    t = msg.text
    rows = "".join(_row(e, msg, "", True, as_of) for e in entries)
    body = (
        f"<h1>{esc(t('hr.title'))}</h1><p class='note'><strong>{esc(t('hr.internal'))}</strong></p>"
        f"<p class='note'>{esc(t('site.today'))}<span id='today'></span> · {esc(t('site.as_of', as_of=as_of))}"
        f" · {esc(t('hr.publish_url', url=base))}</p>"
        + _summary(entries, msg)
        + _units(entries, msg)
        + _trends(entries, scheme, msg)
        + _downloads(folder, msg, scheme)
        + f"<h2>{esc(t('hr.register'))}</h2>"
        + _filters(entries, msg)
        + '<p id="count"></p>'
        + f'<table id="register"><thead><tr>{_heads(msg, True)}</tr></thead><tbody>{rows}</tbody></table>'
    )
    return page(msg, t("hr.title"), body, SCRIPT, data=_script_data(msg), private=True)


def trainee_page(entries: Sequence[HrEntry], msg: Messages, as_of: dt.date) -> str:
    """One trainee's page: every decision with reason, score, status and links."""
    t, first = msg.text, entries[0].record
    rows = "".join(_row(e, msg, "../", False, as_of) for e in entries)
    body = (
        f"<p>{link(f'../{INDEX}', '← ' + t('hr.back'))}</p><h1>{esc(first.name)}</h1>"
        f"<p>{esc(t('hr.employee_no'))}: {esc(first.trainee)} · {esc(t('hr.email'))}: {esc(first.email)} · "
        f"{esc(t('hr.unit'))}: {esc(first.org_unit)}</p>"
        f"<p class='note'>{esc(t('site.today'))}<span id='today'></span> · {esc(t('site.as_of', as_of=as_of))}</p>"
        f"<table><thead><tr>{_heads(msg, False)}</tr></thead><tbody>{rows}</tbody></table>"
    )
    return page(msg, f"{first.name} · {t('hr.title')}", body, SCRIPT, data=_script_data(msg), private=True)


def copy_into(out: Path, folder: Path, names: Sequence[str]) -> list[Path]:
    """Copy the files under ``out/<name>`` (folders whole) into ``folder`` at the same places.

    Raises:
        ReportError: a copy cannot be written (each is written whole or not at all).
    """
    copied = []
    for name in names:
        source = out / name
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and not path.name.startswith("."):
                target = folder / path.relative_to(out)
                write_bytes(target, path.read_bytes())
                copied.append(target)
    return copied


def write_hr_site(
    folder: Path, entries: Sequence[HrEntry], msg: Messages, scheme: Scheme, as_of: dt.date, base: str
) -> Path:
    """Write ``index.html`` and a page per trainee into ``folder`` (its files already copied in).

    Raises:
        ReportError: a file cannot be written.
    """
    by_trainee: dict[str, list[HrEntry]] = {}
    for e in entries:
        by_trainee.setdefault(e.record.trainee, []).append(e)
    for trainee, mine in by_trainee.items():
        write_text(folder / TRAINEES_DIR / f"{trainee}.html", trainee_page(mine, msg, as_of))
    subs = [folder / TRAINEES_DIR, folder / CERTIFICATES_DIR, folder / REPORTS_DIR]
    subs += [p for p in (folder / REPORTS_DIR).glob("*") if p.is_dir()]
    for sub in subs:
        if sub.is_dir() and not (sub / INDEX).exists():
            home = "../" * len(sub.relative_to(folder).parts) + INDEX
            guard_folder(sub, msg, msg.text("hr.title"), home)
    index = folder / INDEX
    write_text(index, index_page(entries, msg, scheme, folder, as_of, base))
    return index
