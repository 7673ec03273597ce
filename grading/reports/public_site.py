"""The public verification site (``OUT/public/``): what may be published, and nothing more.

A verifier holds a certificate (its id, or the QR code printed on it) and asks one question:
is it genuine and current? So the site answers exactly that, one certificate at a time:

- ``index.html``: look up a certificate id (or arrive from a QR code at ``c/<id>.html``);
- ``c/<id>.html``: one page per issued certificate: holder's name, level, validity and status
  (valid, expired, revoked); never a score, an exam result, an e-mail or an employee number;
- ``key.html`` and ``public_key.pem``: the signing key with its fingerprint;
- ``status/revocation.json``: the signed W3C Bitstring Status List the certificates point at;
- ``badges/<level>.svg``: the achievement images the certificates name.

The site lists no holders at all: a list would publish the certified staff of the bank (and,
by omission, who failed), which the Personal Information Protection Law's necessity rule does
not allow when every legitimate verifier already has the id in hand. Pages carry ``noindex``,
every folder has an ``index.html`` (no directory listing), and failed or pending decisions are
never written here. Expiry is recomputed in the browser from today's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from urllib.parse import quote

from grading.reports.certificates import BADGES_DIR, PUBLIC_KEY_FILE
from grading.reports.decisions import DecisionRecord
from grading.reports.layout import INDEX
from grading.reports.messages import Messages
from grading.reports.render import write_text
from grading.reports.site import esc, guard_folder, link, page
from grading.reports.status_list import STATUS_DIR, STATUS_FILE
from grading.scheme import Scheme
from grading.status import CertificateStatus, DecisionStatus

CERTIFICATE_PAGES_DIR: Final = "c"
KEY_PAGE: Final = "key.html"

LOOKUP_SCRIPT: Final = """
(function () {
  var texts = JSON.parse(document.getElementById("page-data").textContent);
  var form = document.getElementById("lookup");
  var input = document.getElementById("cert-id");
  var out = document.getElementById("result");
  function look(id) {
    id = id.trim().toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{3,63}$/.test(id)) { out.textContent = texts.invalid; return; }
    var target = "c/" + encodeURIComponent(id) + ".html";
    if (location.protocol === "file:") { location.href = target; return; }
    fetch(target, {method: "HEAD", cache: "no-store"}).then(function (r) {
      if (r.ok) { location.href = target; } else { out.textContent = texts.notFound.replace("{id}", id); }
    }).catch(function () { out.textContent = texts.unreachable; });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); look(input.value); });
  var asked = new URLSearchParams(location.search).get("id");
  if (asked) { input.value = asked; look(asked); }
})();
"""

CERTIFICATE_SCRIPT: Final = """
(function () {
  var d = JSON.parse(document.getElementById("page-data").textContent);
  if (d.status !== "valid") { return; }
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  var p = d.expires.split("-");
  var days = Math.round((Date.UTC(+p[0], +p[1] - 1, +p[2]) - today) / 86400000);
  var status = days < 0 ? "expired" : "valid";
  var verdict = document.getElementById("verdict");
  verdict.className = "verdict " + status;
  verdict.textContent = d.verdicts[status];
  var cell = document.getElementById("status");
  cell.className = "status " + status;
  cell.textContent = d.labels[status] + (days >= 0 ? " · " + d.daysLeft.replace("{days}", days) : "");
})();
"""


def verification_url(base: str, certificate_id: str) -> str:
    """The public page of a certificate (what its QR code holds)."""
    return f"{base}{CERTIFICATE_PAGES_DIR}/{quote(certificate_id)}.html"


def published(records: Sequence[DecisionRecord]) -> list[DecisionRecord]:
    """The decisions the public site may show: issued certificates only (never failures)."""
    return [
        r
        for r in records
        if r.status == DecisionStatus.CERTIFIED and r.certificate_id and r.issued_on and r.expires_on
    ]


def _level_name(scheme: Scheme, level: str, lang: str) -> str:
    found = scheme.level(level)
    return f"{found.name_zh}（{found.name_en}）" if lang == "zh" else found.name_en


def index_page(msg: Messages, scheme: Scheme, base: str, as_of: dt.date, fingerprint: str) -> str:
    """The start page: what the site is for, the lookup form, the key and the status list."""
    t = msg.text
    texts = {
        "invalid": t("public.invalid_id"),
        "notFound": t("public.not_found", id="{id}"),
        "unreachable": t("public.unreachable"),
    }
    body = (
        f"<h1>{esc(t('public.title'))}</h1><p>{esc(t('public.intro'))}</p>"
        f'<form id="lookup" class="lookup"><label>{esc(t("public.id"))} '
        f'<input id="cert-id" name="id" autocomplete="off" spellcheck="false" '
        f'placeholder="CMA-…"></label> <button type="submit">{esc(t("public.lookup"))}</button></form>'
        f'<p id="result" role="status"></p>'
        f"<p class='note'>{esc(t('public.privacy'))}</p>"
        f"<h2>{esc(t('public.issuer'))}</h2><p>{esc(scheme.scheme.body)}</p>"
        f"<p>{link(KEY_PAGE, t('public.key'))} ({esc(t('public.fingerprint'))}: <code>{esc(fingerprint)}</code>)"
        f" · {link(f'{STATUS_DIR}/{STATUS_FILE}', t('public.status_list'))}</p>"
        f"<p class='note'>{esc(t('public.published_at', url=base))} · {esc(t('site.as_of', as_of=as_of))}</p>"
    )
    return page(msg, t("public.title"), body, LOOKUP_SCRIPT, data=texts)


def certificate_page(record: DecisionRecord, msg: Messages, scheme: Scheme, as_of: dt.date) -> str:
    """One certificate's public answer: holder, level, validity and status."""
    t = msg.text
    status = record.certificate_status(as_of)
    status_text = t(f"status.{status}")
    if status == CertificateStatus.REVOKED and record.revoked_on:
        status_text += f"（{t('public.revoked_on', day=record.revoked_on)}）"
    rows = [
        (t("public.holder"), esc(record.name)),
        (t("public.level"), esc(_level_name(scheme, record.level, msg.lang))),
        (t("public.id"), f"<code>{esc(record.certificate_id)}</code>"),
        (t("public.valid_from"), esc(record.issued_on)),
        (t("public.valid_until"), esc(record.expires_on)),
        (t("public.status"), f'<span id="status" class="status {esc(status)}">{esc(status_text)}</span>'),
        (t("public.issuer"), esc(scheme.scheme.body)),
    ]
    facts = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    data = {
        "status": str(status),
        "expires": str(record.expires_on),
        "labels": {s: t(f"status.{s}") for s in ("valid", "expired")},
        "verdicts": {s: t(f"public.verdict.{s}") for s in ("valid", "expired")},
        "daysLeft": t("public.days_left", days="{days}"),
    }
    body = (
        f"<p>{link(f'../{INDEX}', '← ' + t('public.title'))}</p>"
        f"<h1>{esc(t('public.title'))}</h1>"
        f'<p id="verdict" class="verdict {esc(status)}">{esc(t(f"public.verdict.{status}"))}</p>'
        f"<table>{facts}</table>"
        f"<p class='note'>{esc(t('public.check_note'))} {esc(t('site.as_of', as_of=as_of))}</p>"
        f"<p>{link(f'../{KEY_PAGE}', t('public.key'))} · "
        f"{link(f'../{STATUS_DIR}/{STATUS_FILE}', t('public.status_list'))}</p>"
    )
    title = f"{record.certificate_id} · {t('public.title')}"
    return page(msg, title, body, CERTIFICATE_SCRIPT, data=data, private=True)


def key_page(msg: Messages, public_pem: str, fingerprint: str, did: str) -> str:
    """The signing key shown as text, with its fingerprint and a download."""
    t = msg.text
    body = (
        f"<p>{link(INDEX, '← ' + t('public.title'))}</p>"
        f"<h1>{esc(t('public.key_title'))}</h1>"
        f"<p>{esc(t('public.fingerprint'))}: <code>{esc(fingerprint)}</code></p>"
        f"<p><code>{esc(did)}</code></p><pre id='public-key'>{esc(public_pem)}</pre>"
        f"<p class='note'>{esc(t('public.key_note'))}</p>"
        f'<p><a href="{PUBLIC_KEY_FILE}" download>{esc(t("public.download_key"))}</a></p>'
    )
    return page(msg, t("public.key_title"), body)


def badge_svg(name_zh: str, name_en: str) -> str:
    """The achievement image of a level: a round seal with the level's names."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">'
        '<circle cx="120" cy="120" r="112" fill="#1565c0"/><circle cx="120" cy="120" r="96" fill="none" '
        'stroke="#fff" stroke-width="4"/><text x="120" y="118" text-anchor="middle" fill="#fff" '
        'font-size="26" font-family="Noto Sans CJK SC, sans-serif">'
        f"{esc(name_zh)}</text>"
        '<text x="120" y="148" text-anchor="middle" fill="#fff" font-size="12" font-family="sans-serif">'
        f"{esc(name_en)}</text></svg>\n"
    )


def _remove_stale_pages(folder: Path, keep: set[str]) -> None:
    """Remove pages of certificates an earlier run published that the records no longer hold."""
    if folder.is_dir():
        for stale in folder.glob("*.html"):
            if stale.name not in keep and stale.name != INDEX:
                stale.unlink(missing_ok=True)


def write_public_site(
    folder: Path,
    records: Sequence[DecisionRecord],
    msg: Messages,
    scheme: Scheme,
    base: str,
    as_of: dt.date,
    key: tuple[str, str, str],
) -> Path:
    """Write the site (the status list is written by the caller into ``status/``).

    Args:
        folder: ``OUT/public``.
        records: every decision; only issued certificates are published.
        msg: the language.
        scheme: the scheme (levels, certification body).
        base: the site's public base URL.
        as_of: the day statuses are computed for.
        key: (public key PEM, fingerprint, did:key) of the signing key.

    Returns:
        The site's ``index.html``.

    Raises:
        ReportError: a file cannot be written.
    """
    public_pem, fingerprint, did = key
    shown = published(records)
    _remove_stale_pages(folder / CERTIFICATE_PAGES_DIR, {f"{r.certificate_id}.html" for r in shown})
    for record in shown:
        write_text(
            folder / CERTIFICATE_PAGES_DIR / f"{record.certificate_id}.html",
            certificate_page(record, msg, scheme, as_of),
        )
    for level in scheme.levels:
        write_text(folder / BADGES_DIR / f"{level.id}.svg", badge_svg(level.name_zh, level.name_en))
    for sub in (CERTIFICATE_PAGES_DIR, BADGES_DIR, STATUS_DIR):
        guard_folder(folder / sub, msg, msg.text("public.title"))
    write_text(folder / PUBLIC_KEY_FILE, public_pem)
    write_text(folder / KEY_PAGE, key_page(msg, public_pem, fingerprint, did))
    index = folder / INDEX
    write_text(index, index_page(msg, scheme, base, as_of, fingerprint))
    return index
