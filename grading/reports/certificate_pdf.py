"""A printable one-page certificate per certified holder (``certificates/<id>.pdf``).

Revoked certificates get none (an earlier run's PDF of one is removed): the paper would travel
as proof of something withdrawn. Expired ones keep theirs; the QR code says they expired.

The page (A4 landscape) names the holder, the level, the validity, the certificate id and the
issuing body, in the report language, and carries a QR code (`segno`, error correction level M)
holding the certificate's page on the public verification site, so that anyone holding the
paper can check it is current. `cmacademy report` prints them on its report workers, with the
Chromium that prints the reports (`certificate_pages` says what to print);
`write_certificate_pdfs` prints them here, with one browser for all and the one-shot command
when it fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from grading.reports.decisions import DecisionRecord
from grading.reports.errors import RenderError
from grading.reports.messages import Messages
from grading.reports.public_site import verification_url
from grading.reports.site import esc
from grading.scheme import Scheme

#: QR modules drawn per CSS pixel, and the quiet zone around the code (modules).
QR_SCALE: Final = 3
QR_BORDER: Final = 4
QR_ERROR_LEVEL: Final = "m"
#: How a failed certificate PDF is named among a run's failures (before its id).
CERTIFICATE_FAILURE: Final = "certificate "

STYLE: Final = """
@page { size: A4 landscape; margin: 0; }
html, body { margin: 0; padding: 0; }
p { margin: 1mm 0; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif; color: #102a43; }
.sheet { box-sizing: border-box; width: 297mm; height: 209mm; padding: 10mm; overflow: hidden; }
.frame { box-sizing: border-box; height: 100%; border: 3mm double #1565c0; padding: 8mm 16mm 6mm;
  display: flex; flex-direction: column; align-items: center; text-align: center; }
h1 { font-size: 30pt; margin: 4mm 0 6mm; }
:lang(zh-CN) h1 { letter-spacing: 0.2em; }
.lead { font-size: 14pt; margin: 2mm 0; }
.holder { font-size: 30pt; font-weight: 700; margin: 4mm 0; border-bottom: 1px solid #829ab1; padding: 0 12mm 2mm; }
.level { font-size: 22pt; font-weight: 700; color: #1565c0; margin: 4mm 0 1mm; }
.level-en { font-size: 12pt; color: #52606d; margin: 0 0 4mm; }
.bottom { margin-top: auto; width: 100%; display: flex; justify-content: space-between; align-items: flex-end; }
.facts { text-align: left; font-size: 11.5pt; line-height: 1.8; }
.qr { text-align: center; font-size: 9pt; color: #52606d; }
.qr svg { display: block; margin: 0 auto 1mm; }
.url { font-size: 7.5pt; word-break: break-all; max-width: 62mm; }
"""


def certificate_html(record: DecisionRecord, msg: Messages, scheme: Scheme, base: str) -> str:
    """The certificate's page, with its QR code inline (SVG)."""
    import segno

    t = msg.text
    level = scheme.level(record.level)
    info = scheme.scheme
    url = verification_url(base, record.certificate_id or "")
    qr = segno.make(url, error=QR_ERROR_LEVEL).svg_inline(scale=QR_SCALE, border=QR_BORDER)
    scheme_name = info.name_zh if msg.lang == "zh" else info.name_en
    level_line = f"{level.name_zh}{t('cert.level')}" if msg.lang == "zh" else level.name_en
    second = level.name_en if msg.lang == "zh" else level.name_zh
    validity = t("cert.valid_range", start=record.issued_on, end=record.expires_on)
    colon = "：" if msg.lang == "zh" else ": "
    return (
        f'<!DOCTYPE html>\n<html lang="{msg.html_lang}"><head><meta charset="utf-8">'
        f"<title>{esc(t('cert.title'))} · {esc(record.name)}</title><style>{STYLE}</style></head><body>"
        f'<div class="sheet"><div class="frame"><h1>{esc(t("cert.title"))}</h1>'
        f'<p class="lead">{esc(t("cert.certifies"))}</p><p class="holder">{esc(record.name)}</p>'
        f'<p class="lead">{esc(t("cert.passed", scheme=scheme_name))}</p>'
        f'<p class="level">{esc(level_line)}</p><p class="level-en">{esc(second)}</p>'
        f'<div class="bottom"><div class="facts">{esc(t("cert.id"))}{colon}<b>{esc(record.certificate_id)}</b><br>'
        f"{esc(t('cert.valid'))}{colon}{esc(validity)}<br>{esc(t('cert.issuer'))}{colon}{esc(info.body)}</div>"
        f'<div class="qr">{qr}{esc(t("cert.scan"))}<div class="url">{esc(url)}</div></div></div>'
        "</div></div></body></html>\n"
    )


def certificate_pages(
    records: Sequence[DecisionRecord], folder: Path, msg: Messages, scheme: Scheme, base: str
) -> list[tuple[str, str, Path]]:
    """What to print: (certificate id, its page, its PDF in ``folder``) per certificate not revoked.

    The PDFs of revoked certificates left in ``folder`` by an earlier run are removed.
    """
    for record in records:
        if record.revoked:
            (folder / f"{record.certificate_id}.pdf").unlink(missing_ok=True)
    return [
        (str(r.certificate_id), certificate_html(r, msg, scheme, base), folder / f"{r.certificate_id}.pdf")
        for r in records
        if not r.revoked
    ]


def write_certificate_pdfs(
    records: Sequence[DecisionRecord], folder: Path, msg: Messages, scheme: Scheme, base: str, chromium: str
) -> tuple[list[Path], dict[str, str]]:
    """Print ``folder/<id>.pdf`` for each certificate of ``records`` that is not revoked, here.

    (`cmacademy report` prints them on its report workers instead, beside the reports.)

    Returns:
        (the PDFs written, certificate id -> why its PDF failed).

    Raises:
        ReportError: a PDF cannot be written (read-only or full folder).
    """
    from grading.reports.pdf import ChromiumPrinter
    from grading.reports.render import html_to_pdf, write_text

    written: list[Path] = []
    failures: dict[str, str] = {}
    pages = certificate_pages(records, folder, msg, scheme, base)
    with tempfile.TemporaryDirectory(prefix="cmacademy-certificates-") as scratch:
        printer = ChromiumPrinter(chromium, Path(scratch) / "profile")
        try:
            for certificate_id, page, pdf in pages:
                html = Path(scratch) / f"{certificate_id}.html"
                write_text(html, page)
                try:
                    try:
                        written.append(printer.print_pdf(html, pdf))
                    except RenderError:
                        written.append(html_to_pdf(html, pdf, chromium, Path(scratch) / "one-shot"))
                except RenderError as exc:
                    failures[f"{CERTIFICATE_FAILURE}{certificate_id}"] = str(exc)
        finally:
            printer.close()
    return written, failures
