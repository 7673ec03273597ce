"""Charts of reports as PNG bytes (embedded as base64 in the HTML), with Chinese glyphs.

Matplotlib's default font has no Chinese glyphs; `cjk_font` finds an installed CJK font
(Debian ``fonts-noto-cjk`` or ``fonts-wqy-zenhei``). Without one, Chinese labels would render as
boxes, so the charts then label in English and the report command says how to fix it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from types import ModuleType

    from matplotlib.figure import Figure

#: Installed font families tried in order for Chinese text.
CJK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
PASS_COLOUR: Final = "#2e7d32"
FAIL_COLOUR: Final = "#c62828"
MARK_COLOUR: Final = "#37474f"
WAIT_COLOUR: Final = "#9e9e9e"
DPI: Final = 110


@cache
def cjk_font() -> str | None:
    """The first installed font family of `CJK_FAMILIES`, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_font()
    plt.rcParams["font.family"] = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig: Figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def competency_chart(
    labels: Sequence[str],
    shares: Sequence[float],
    passed: Sequence[bool | None],
    minimum: float,
    texts: dict[str, str],
) -> bytes:
    """Horizontal bars of the share per competency, coloured by pass, with the pass mark.

    Args:
        labels: competency names, top to bottom.
        shares: share of points per competency (0-1).
        passed: whether each competency met its minimum (None: not graded yet, drawn grey).
        minimum: the competency pass mark (0-1).
        texts: ``title``, ``axis`` and ``mark`` labels.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.45 * len(labels) + 1.2))
    y = list(range(len(labels)))[::-1]
    colours = [WAIT_COLOUR if p is None else PASS_COLOUR if p else FAIL_COLOUR for p in passed]
    ax.barh(y, shares, color=colours, height=0.6)
    ax.axvline(
        minimum, color=MARK_COLOUR, linestyle="--", linewidth=1.2, label=f"{texts['mark']} {minimum:.0%}"
    )
    for yi, share in zip(y, shares, strict=True):
        ax.text(min(share + 0.01, 0.93), yi, f"{share:.0%}", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel(texts["axis"])
    ax.set_title(texts["title"], pad=22)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def distribution_chart(shares: Sequence[float], minimum: float, texts: dict[str, str]) -> bytes:
    """Histogram of overall shares in 10 % bins with the overall pass mark.

    Args:
        shares: overall share of points per trainee (0-1).
        minimum: the overall pass mark (0-1).
        texts: ``title``, ``axis``, ``count`` and ``mark`` labels.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    ax.hist(shares, bins=[i / 10 for i in range(11)], color="#1565c0", edgecolor="white")
    ax.axvline(
        minimum, color=MARK_COLOUR, linestyle="--", linewidth=1.2, label=f"{texts['mark']} {minimum:.0%}"
    )
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(texts["axis"])
    ax.set_ylabel(texts["count"])
    ax.set_title(texts["title"], pad=22)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
