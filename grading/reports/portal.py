"""The static HR portal: ``portal/index.html`` with search and filters, and a page per trainee.

Everything is plain HTML with a little inline JavaScript: the pages work opened from the file
system (``file://``), without a server or network. Rows are rendered on the page (readable even
without JavaScript); the script only hides rows that do not match the search box and the
filters (org unit, level, status, expiring within `EXPIRING_DAYS` days of the as-of date).
The portal also publishes the certificate public key and the signed revocation list.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote

from grading.reports.data import DecisionRecord
from grading.reports.messages import Messages
from grading.reports.render import write_text
from grading.scheme import Scheme
from grading.status import REGISTER_STATUSES, CertificateStatus

EXPIRING_DAYS: Final = 90
INDEX: Final = "index.html"
TRAINEES_DIR: Final = "trainees"

STYLE: Final = """
body { margin: 0; color: #1f2933; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 14px; line-height: 1.5; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px; }
h1 { font-size: 22px; border-bottom: 3px solid #1565c0; padding-bottom: 6px; }
h2 { font-size: 17px; margin-top: 26px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 12px 0; }
.filters input[type=search] { min-width: 260px; padding: 4px 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d9e2ec; padding: 5px 8px; text-align: left; }
th { background: #f0f4f8; }
.status { font-weight: 600; }
.status.valid { color: #2e7d32; } .status.expired, .status.revoked, .status.failed { color: #c62828; }
.status.pending { color: #b26a00; }
.note { color: #52606d; font-size: 12.5px; }
pre { background: #f0f4f8; padding: 8px; overflow-x: auto; }
"""

SCRIPT: Final = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#register tbody tr"));
  var search = document.getElementById("search");
  var unit = document.getElementById("f-unit");
  var level = document.getElementById("f-level");
  var status = document.getElementById("f-status");
  var expiring = document.getElementById("f-expiring");
  var count = document.getElementById("count");
  function apply() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (tr) {
      var d = tr.dataset;
      var ok = (!q || d.search.indexOf(q) >= 0) &&
        (!unit.value || d.unit === unit.value) &&
        (!level.value || d.level === level.value) &&
        (!status.value || d.status === status.value) &&
        (!expiring.checked || d.expiring === "1");
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
  }
  [search, unit, level, status, expiring].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
})();
"""


def esc(value: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value))


@dataclass(frozen=True)
class PortalEntry:
    """One decision as the portal shows it."""

    record: DecisionRecord
    level_name: str
    status: str
    expiring: bool
    report: str
    """Path of the HTML report relative to the portal folder ('' when there is none)."""
    report_pdf: str
    certificate: str
    """Path of the certificate file relative to the portal folder ('' when there is none)."""


def portal_entries(
    records: Sequence[DecisionRecord], scheme: Scheme, lang: str, as_of: dt.date, out: Path
) -> list[PortalEntry]:
    """The portal's rows, with links to reports and certificates that exist under ``out``."""
    entries = []
    for r in records:
        level = scheme.level(r.level)
        status = r.certificate_status(as_of)
        days = (r.expires_on - as_of).days if r.expires_on else None
        report = out / "reports" / r.exam / f"{r.trainee}.html"
        cert = out / "certificates" / f"{r.certificate_id}.json"
        entries.append(
            PortalEntry(
                r,
                level.name_zh if lang == "zh" else level.name_en,
                status,
                status == CertificateStatus.VALID and days is not None and 0 <= days <= EXPIRING_DAYS,
                f"../reports/{quote(r.exam)}/{quote(r.trainee)}.html" if report.is_file() else "",
                f"../reports/{quote(r.exam)}/{quote(r.trainee)}.pdf"
                if report.with_suffix(".pdf").is_file()
                else "",
                f"../certificates/{quote(r.certificate_id)}.json"
                if r.certificate_id and cert.is_file()
                else "",
            )
        )
    return sorted(entries, key=lambda e: (e.record.org_unit, e.record.trainee, e.record.exam))


def _page(msg: Messages, title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{msg.html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n{tail}\n</body>\n</html>\n"
    )


def _select(ident: str, label: str, options: list[tuple[str, str]], msg: Messages) -> str:
    opts = f'<option value="">{esc(msg.text("portal.all"))}</option>' + "".join(
        f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in options
    )
    return f'<label>{esc(label)} <select id="{ident}">{opts}</select></label>'


def _link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>' if href else ""


def index_page(
    entries: list[PortalEntry], msg: Messages, as_of: dt.date, public_pem: str, fingerprint: str
) -> str:
    """The portal's index: search, filters, the register table and the public key."""
    t = msg.text
    units = sorted({e.record.org_unit for e in entries})
    levels = sorted({(e.record.level, e.level_name) for e in entries})
    statuses = [(str(s), t(f"status.{s}")) for s in REGISTER_STATUSES]
    filters = (
        '<div class="filters">'
        f'<input id="search" type="search" placeholder="{esc(t("portal.search"))}" aria-label="{esc(t("portal.search"))}">'
        + _select("f-unit", t("register.org_unit"), [(u, u) for u in units], msg)
        + _select("f-level", t("register.level"), levels, msg)
        + _select("f-status", t("register.status"), statuses, msg)
        + f'<label><input id="f-expiring" type="checkbox"> {esc(t("portal.expiring"))}</label></div>'
    )
    headers = [
        "trainee_id",
        "name",
        "org_unit",
        "level",
        "status",
        "issued_on",
        "expires_on",
        "certificate_id",
    ]
    head = (
        "".join(f"<th>{esc(t(f'register.{h}'))}</th>" for h in headers)
        + f"<th>{esc(t('portal.report'))}</th>"
    )
    rows = []
    for e in entries:
        r = e.record
        search = " ".join([r.trainee, r.name, r.org_unit, r.certificate_id or "", e.level_name]).lower()
        page = f"{TRAINEES_DIR}/{quote(r.trainee)}.html"
        rows.append(
            f'<tr data-search="{esc(search)}" data-unit="{esc(r.org_unit)}" data-level="{esc(r.level)}" '
            f'data-status="{esc(e.status)}" data-expiring="{int(e.expiring)}">'
            f"<td>{esc(r.trainee)}</td><td>{_link(page, r.name)}</td><td>{esc(r.org_unit)}</td>"
            f"<td>{esc(e.level_name)}</td>"
            f'<td><span class="status {esc(e.status)}">{esc(t(f"status.{e.status}"))}</span></td>'
            f"<td>{esc(r.issued_on or '')}</td><td>{esc(r.expires_on or '')}</td>"
            f"<td>{esc(r.certificate_id or '')}</td><td>{_link(e.report, t('portal.open_report'))}</td></tr>"
        )
    count = t("portal.shown", shown=len(entries), total=len(entries))
    template = t("portal.shown", shown="{shown}", total="{total}")
    body = (
        f"<h1>{esc(t('portal.title'))}</h1><p class='note'>{esc(t('portal.as_of', as_of=as_of.isoformat()))}</p>"
        + filters
        + f'<p id="count" data-template="{esc(template)}">{esc(count)}</p>'
        + f'<table id="register"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + f'<section id="public-key"><h2>{esc(t("portal.public_key"))}</h2>'
        + f"<p>{esc(t('portal.fingerprint'))}: <code>{esc(fingerprint)}</code></p><pre>{esc(public_pem)}</pre>"
        + f"<p class='note'>{esc(t('portal.public_key_note'))}</p>"
        + f'<p><a href="public_key.pem">public_key.pem</a> · <a href="revocations.json">{esc(t("portal.revocations"))}</a></p>'
        + "</section>"
    )
    return _page(msg, t("portal.title"), body, SCRIPT)


def trainee_page(entries: list[PortalEntry], msg: Messages, as_of: dt.date) -> str:
    """One trainee's page: each decision with its status, certificate and report links."""
    t = msg.text
    first = entries[0].record
    rows = []
    for e in entries:
        r = e.record
        report = _link(e.report and f"../{e.report}", t("portal.open_report")) or esc(t("portal.no_report"))
        if e.report_pdf:
            report += f" · {_link(f'../{e.report_pdf}', 'PDF')}"
        rows.append(
            f"<tr><td>{esc(r.exam)}</td><td>{esc(e.level_name)}</td>"
            f'<td><span class="status {esc(e.status)}">{esc(t(f"status.{e.status}"))}</span></td>'
            f"<td>{r.score or 0:g} / {r.max_score:g}</td>"
            f"<td>{esc(r.issued_on or '')}</td><td>{esc(r.expires_on or '')}</td>"
            f"<td>{_link(e.certificate and f'../{e.certificate}', r.certificate_id or '') or esc(r.certificate_id or '')}</td>"
            f"<td>{report}</td></tr>"
        )
    heads = [
        t("register.exam"),
        t("register.level"),
        t("register.status"),
        t("portal.score"),
        t("register.issued_on"),
        t("register.expires_on"),
        t("register.certificate_id"),
        t("portal.report"),
    ]
    body = (
        f'<p><a href="../{INDEX}">← {esc(t("portal.back"))}</a></p>'
        f"<h1>{esc(first.name)}</h1>"
        f"<p>{esc(t('register.trainee_id'))}: {esc(first.trainee)} · {esc(t('register.org_unit'))}: {esc(first.org_unit)}</p>"
        f"<p class='note'>{esc(t('portal.as_of', as_of=as_of.isoformat()))}</p>"
        "<table><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in heads)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(msg, f"{first.name} · {t('portal.title')}", body)


def write_portal(
    folder: Path, entries: list[PortalEntry], msg: Messages, as_of: dt.date, public_pem: str, fingerprint: str
) -> Path:
    """Write ``index.html``, one page per trainee and ``public_key.pem`` into ``folder``."""
    by_trainee: dict[str, list[PortalEntry]] = {}
    for e in entries:
        by_trainee.setdefault(e.record.trainee, []).append(e)
    for trainee, mine in by_trainee.items():
        write_text(folder / TRAINEES_DIR / f"{trainee}.html", trainee_page(mine, msg, as_of))
    write_text(folder / "public_key.pem", public_pem)
    index = folder / INDEX
    write_text(index, index_page(entries, msg, as_of, public_pem, fingerprint))
    return index
