"""What the public verification site and the HR dashboard share: page frame, styles, links.

Both are static folders of plain HTML with a little inline JavaScript; every link is relative
and stays inside its folder, so each folder can be served (or opened) on its own. Every
sub-folder gets an ``index.html`` so that a web server's directory listing never shows what is
inside it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Final

from grading.reports.layout import INDEX
from grading.reports.messages import Messages
from grading.reports.render import write_text

STYLE: Final = """
body { margin: 0; color: #1f2933; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 14px; line-height: 1.5; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px; }
h1 { font-size: 22px; border-bottom: 3px solid #1565c0; padding-bottom: 6px; }
h2 { font-size: 17px; margin-top: 26px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 12px 0; }
.filters input[type=search], .lookup input { min-width: 260px; padding: 4px 8px; font-size: 15px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d9e2ec; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; }
.status.valid { color: #2e7d32; } .status.expired, .status.revoked, .status.failed { color: #c62828; }
.status.pending, .status.soon { color: #b26a00; }
.note { color: #52606d; font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
.verdict { font-size: 20px; font-weight: 700; padding: 10px 14px; border-radius: 6px; margin: 14px 0; }
.verdict.valid { background: #e8f5e9; color: #2e7d32; }
.verdict.expired, .verdict.revoked { background: #ffebee; color: #c62828; }
pre { background: #f0f4f8; padding: 8px; overflow-x: auto; }
"""


def esc(value: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value))


def link(href: str, text: str) -> str:
    """An ``<a>`` (empty when there is nowhere to go)."""
    return f'<a href="{esc(href)}">{esc(text)}</a>' if href else ""


def page(
    msg: Messages, title: str, body: str, script: str = "", *, data: object = None, private: bool = False
) -> str:
    """A whole page; ``data`` goes into a JSON ``<script>`` block the page's script reads."""
    robots = '<meta name="robots" content="noindex, nofollow">\n' if private else ""
    blob = (
        '<script id="page-data" type="application/json">'
        + json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        + "</script>\n"
        if data is not None
        else ""
    )
    tail = f"<script>{script}</script>" if script else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{msg.html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{robots}'
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f"{blob}{tail}\n</body>\n</html>\n"
    )


def guard_folder(folder: Path, msg: Messages, title: str, home: str = f"../{INDEX}") -> None:
    """Write an ``index.html`` into ``folder`` that leads back home (no directory listing)."""
    body = f"<h1>{esc(title)}</h1><p>{link(home, msg.text('site.home'))}</p>"
    write_text(folder / INDEX, page(msg, title, body, private=True))
