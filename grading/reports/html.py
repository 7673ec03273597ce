"""Small HTML pieces of the report sections: escaping, numbers, badges, tables, figures."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence

from grading.reports import charts
from grading.reports.messages import Messages


def esc(value: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value))


def pct(share: float | None) -> str:
    """A share as a whole percentage (``—`` when undefined)."""
    return "—" if share is None else f"{share:.0%}"


def num(value: float | None, digits: int = 2) -> str:
    """A number with ``digits`` decimals (``—`` when undefined)."""
    return "—" if value is None else f"{value:.{digits}f}"


def points(value: float | None) -> str:
    """Points without a needless ``.0``."""
    return "—" if value is None else f"{value:g}"


def badge(kind: str, label: str) -> str:
    """A coloured label; ``kind`` is a CSS class (status or outcome)."""
    return f'<span class="badge {esc(kind)}">{esc(label)}</span>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (), cls: str = ""
) -> str:
    """An HTML table; cells are given as HTML, columns in ``numeric`` right-aligned."""

    def cell(tag: str, i: int, content: str) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if i in numeric else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, esc(h)) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure(png: bytes, alt: str) -> str:
    """An image embedded in the page itself (base64), with a text alternative."""
    data = base64.b64encode(png).decode()
    return f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}"></figure>'


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column table of label and HTML value."""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in pairs)
    return f'<table class="facts">{rows}</table>'


def chart_language(msg: Messages) -> Messages:
    """The language of chart labels: the report's, or English when no font has Chinese glyphs."""
    return Messages("en") if msg.lang == "zh" and charts.cjk_font() is None else msg


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character outside letters, digits and space escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def page_footer(left: str, numbering: str) -> str:
    """A ``<style>`` putting ``left`` and the page number at the foot of every printed page.

    ``numbering`` holds ``{page}`` and ``{pages}`` (``第 {page} / {pages} 页``).
    """
    parts = []
    for piece in numbering.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    box = "font-size: 9pt; color: #52606d; font-family: inherit;"
    return (
        "<style>@page { "
        f"@bottom-left {{ content: {css_string(left)}; {box} }} "
        f"@bottom-right {{ content: {' '.join(parts)}; {box} }} "
        "}</style>"
    )
