"""How varied a bank's notes are: which sentence templates its notes use, per need and signal.

A note is split into sentences (at "。"); a sentence counts for a template when it is exactly
that template with its slots filled (a product slot filled with the need's own product). The
count of distinct templates a bank uses for a need is its number of phrasings of that need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Final

from grading.casegen import need_phrases as needp
from grading.casegen import note_phrases as notep
from grading.methods.needs import NEEDS_BY_CODE

SLOT: Final = re.compile(r"\{(\w+)\}")
SENTENCE_END: Final = "。"
#: Phrasings each need type must have across the canonical bank (issue 17).
MIN_PHRASINGS_PER_NEED: Final = 20


def template_pattern(template: str, fixed: dict[str, str] | None = None) -> re.Pattern[str]:
    """A regular expression that matches ``template`` with any slot values (or the ``fixed`` ones)."""
    fixed = fixed or {}
    parts: list[str] = []
    last = 0
    for match in SLOT.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        parts.append(re.escape(fixed[name]) if name in fixed else f"[^{SENTENCE_END}]+?")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


@cache
def need_templates() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """Need code -> (template, pattern) of every stated and latent phrasing of that need."""
    out = {}
    for code, need in NEEDS_BY_CODE.items():
        stated = needp.STATED_ANY + needp.STATED_FOLLOW_UP + needp.STATED_SPECIFIC[code]
        product = {"product": need.product}
        pairs = [(t, template_pattern(t, product)) for t in stated]
        pairs += [(t, template_pattern(t)) for t in needp.LATENT[code]]
        out[code] = tuple(pairs)
    return out


@cache
def signal_templates() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """Signal code -> (template, pattern) of every phrasing of that churn signal."""
    return {code: tuple((t, template_pattern(t)) for t in ts) for code, ts in notep.SIGNALS.items()}


def sentences(text: str) -> list[str]:
    """The sentences of a note, each ending in "。"."""
    return [s + SENTENCE_END for s in text.split(SENTENCE_END) if s]


def _used(
    texts: Iterable[str], templates: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {code: set() for code in templates}
    for text in texts:
        for sentence in sentences(text):
            for code, pairs in templates.items():
                used[code].update(t for t, pattern in pairs if pattern.fullmatch(sentence))
    return used


def need_phrasings(texts: Iterable[str]) -> dict[str, int]:
    """Need code -> number of distinct templates (stated or latent) the notes use for it."""
    return {code: len(ts) for code, ts in _used(texts, need_templates()).items()}


def signal_phrasings(texts: Iterable[str]) -> dict[str, int]:
    """Signal code -> number of distinct templates the notes use for it."""
    return {code: len(ts) for code, ts in _used(texts, signal_templates()).items()}
