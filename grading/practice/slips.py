"""Generic slips on a right value, and the guard that keeps answers out of feedback texts.

A trainee whose computation is right but who hands in the value with the wrong sign, too few
decimals, truncated, in 元 instead of 万元, as a fraction instead of a percentage (or the other
way) or in the wrong order, needs to hear that slip, not a hint about the method. The build
adds these wrong values, derived from each key, to the digests with their own texts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from typing import Any, Final

from casebank.selfcheck import KIND_LIST, KIND_NUMBER, canonical, round_half_up

UNIT_WAN: Final = "万元"
UNIT_PERCENT: Final = "%"
UNIT_RATIO: Final = "ratio"
UNITS: Final = ("", UNIT_WAN, UNIT_PERCENT, UNIT_RATIO)
#: Relative size of float noise a trainee's different order of summation may add to a key.
NOISE: Final = 1e-9

SIGN: Final = "符号反了：数值的大小对，正负号相反；检查是谁减谁。"
FEWER_DECIMALS: Final = "小数位不够：数值对，但保留的小数位少了；按题目要求保留 {d} 位小数（四舍五入）。"
TRUNCATED: Final = "取舍方式不对：你把多余的小数直接截掉了；应按四舍五入保留 {d} 位小数。"
YUAN: Final = "单位不对：你的答案像是以“元”为单位；本题金额以“万元”为单位（除以 10000）。"
WAN_SMALL: Final = "单位不对：你的答案小了一万倍；本题金额以“万元”为单位，不要再除以 10000。"
PERCENT_AS_RATIO: Final = "单位不对：本题要百分数（12.3 表示 12.3%），你给的是小数比例；乘以 100。"
RATIO_AS_PERCENT: Final = "单位不对：本题要 0–1 之间的小数比例，你给的是百分数；除以 100。"
REVERSED: Final = "顺序反了：各项都对，但排列方向相反。"
SORTED: Final = "各项都对，但顺序不对：你给的是按名称排序的结果，不是题目要求的顺序。"


def number_accepts(key: Any, decimals: int) -> set[str]:
    """Canonical forms accepted for a numeric key.

    Its rounding at ``decimals``, plus the neighbouring rounding when the key lies within float
    noise of a rounding boundary (a key of 0.125 computed as 0.12499999999 by a trainee).
    """
    value = float(key)
    noise = NOISE * max(1.0, abs(value))
    return {canonical(KIND_NUMBER, v, decimals=decimals) for v in (value - noise, value, value + noise)}


def _truncated(value: float, decimals: int) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN))


def _number_slips(key: Any, decimals: int, unit: str) -> dict[str, str]:
    value = float(key)
    out: dict[float, str] = {}
    if value != 0:
        out[-value] = SIGN
    for coarser in range(decimals):
        out.setdefault(float(round_half_up(value, coarser)), FEWER_DECIMALS.format(d=decimals))
    out.setdefault(_truncated(value, decimals), TRUNCATED.format(d=decimals))
    if unit == UNIT_WAN:
        out.setdefault(value * 10_000, YUAN)
        out.setdefault(value / 10_000, WAN_SMALL)
    elif unit == UNIT_PERCENT:
        out.setdefault(value / 100, PERCENT_AS_RATIO)
    elif unit == UNIT_RATIO:
        out.setdefault(value * 100, RATIO_AS_PERCENT)
    accepted = number_accepts(value, decimals)
    texts: dict[str, str] = {}
    for wrong, why in out.items():
        text = canonical(KIND_NUMBER, wrong, decimals=decimals)
        if text not in accepted and math.isfinite(wrong):
            texts.setdefault(text, why)
    return texts


def derived_slips(kind: str, key: Any, decimals: int, unit: str) -> dict[str, str]:
    """Canonical wrong answers derived from a key, each with the text naming the slip."""
    if kind == KIND_NUMBER:
        return _number_slips(key, decimals, unit)
    if kind == KIND_LIST:
        items = [str(v).strip() for v in key]
        right = canonical(KIND_LIST, items)
        out = {canonical(KIND_LIST, items[::-1]): REVERSED}
        out.setdefault(canonical(KIND_LIST, sorted(items)), SORTED)
        return {t: w for t, w in out.items() if t != right}
    return {}


#: Ids that name a client or a person; one of them in a feedback text states a set's answer.
ID_LIKE: Final = re.compile(r"^(C\d{4}|C\d{4}-[A-Z]\d+|[A-Z]\d{2,})$")


def _needles(kind: str, key: Any, decimals: int) -> list[str]:
    if kind == KIND_NUMBER:
        text = canonical(KIND_NUMBER, key, decimals=decimals)
        digits = text.replace("-", "").replace(".", "").lstrip("0")
        return [text] if len(digits) >= 2 else []
    if kind == "text":
        return [str(key).strip()] if len(str(key).strip()) >= 2 else []
    if kind == "mapping":
        return []
    return [str(v).strip() for v in key if ID_LIKE.match(str(v).strip())]


def leaked_answer(kind: str, key: Any, decimals: int, texts: Iterable[str]) -> str:
    """Return the part of an answer that a feedback text states, or ``""`` when none does."""
    corpus = "\n".join(texts)
    for needle in _needles(kind, key, decimals):
        if re.search(rf"(?<![\d.]){re.escape(needle)}(?![\d])", corpus):
            return needle
    return ""
