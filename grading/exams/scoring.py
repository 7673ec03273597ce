"""Expected answers and how much credit a handed-in answer earns (assessor side only).

A question's scoring rule is stated in the scheme (``scoring`` of its blueprint item) and here:

- ``all``: all or nothing;
- ``per_element`` (sets): (right items − wrong extra items) ÷ expected items, floored at 0;
- ``per_key`` (mappings): the share of keys whose value is right (an extra key counts as wrong);
- ``per_position`` (ordered lists): the share of positions holding the right item.

Answers arrive as plain JSON data (`casebank.exam.ExamSession.submit`): a pandas Series handed
in for a set arrives as a mapping, whose values are the items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_NUMBER, KIND_SET, KIND_TEXT

SCORING_ALL: Final = "all"
PER_ELEMENT: Final = "per_element"
PER_KEY: Final = "per_key"
PER_POSITION: Final = "per_position"
#: Scoring rule -> the answer kinds it applies to.
SCORINGS: Final = {
    SCORING_ALL: (KIND_NUMBER, KIND_TEXT, KIND_SET, KIND_LIST, KIND_MAPPING),
    PER_ELEMENT: (KIND_SET,),
    PER_KEY: (KIND_MAPPING,),
    PER_POSITION: (KIND_LIST,),
}
#: Slack on top of the one-unit tolerance, for binary floating point.
EPSILON: Final = 1e-9


class NotAnAnswer(ValueError):
    """A handed-in value cannot be read as an answer of the question's kind (it earns nothing)."""


def _number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise NotAnAnswer(repr(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NotAnAnswer(repr(value)) from None
    if not math.isfinite(number):
        raise NotAnAnswer(repr(value))
    return number


def same_number(expected: Any, given: Any, decimals: int) -> bool:
    """Whether ``given`` rounds to within one unit in the last decimal of ``expected`` (whole: exact)."""
    try:
        number = round(_number(given), decimals)
    except NotAnAnswer:
        return False
    tolerance = 10.0**-decimals if decimals > 0 else 0.0
    return abs(number - float(expected)) <= tolerance + EPSILON


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise NotAnAnswer(repr(value))
    return [_text(v) for v in value]


def _same_value(expected: Any, given: Any, decimals: int) -> bool:
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return same_number(expected, given, decimals)
    return _text(expected) == _text(given)


@dataclass(frozen=True)
class Expected:
    """The expected answer of one question for one variant, and its scoring rule."""

    kind: str
    """Answer kind (number, text, set, list, mapping), as in `casebank.selfcheck`."""
    value: Any
    """The expected value."""
    decimals: int = 2
    """Rounding of numbers; one unit in the last decimal is tolerated (whole numbers are exact)."""
    scoring: str = SCORING_ALL
    """How partial answers earn credit: one of `SCORINGS`."""

    def __post_init__(self) -> None:
        kinds = SCORINGS.get(self.scoring)
        if kinds is None:
            raise ValueError(f"unknown scoring rule {self.scoring!r}; rules: {', '.join(SCORINGS)}")
        if self.kind not in kinds:
            raise ValueError(f"scoring rule {self.scoring!r} does not apply to {self.kind} answers")

    def credit(self, answer: Any) -> float:
        """The share of the question's points a handed-in answer (plain JSON data) earns, in [0, 1]."""
        try:
            share = self._share(answer)
        except NotAnAnswer:
            return 0.0
        return min(1.0, max(0.0, share))

    def accepts(self, answer: Any) -> bool:
        """Whether a handed-in answer is entirely right."""
        return self.credit(answer) == 1.0

    def _share(self, answer: Any) -> float:
        if self.kind == KIND_NUMBER:
            return float(same_number(self.value, answer, self.decimals))
        if self.kind == KIND_TEXT:
            if answer is None or isinstance(answer, list | dict):
                raise NotAnAnswer(repr(answer))
            return float(_text(answer) == _text(self.value))
        if self.kind == KIND_SET:
            return self._set_share(set(_items(answer)))
        if self.kind == KIND_LIST:
            return self._list_share(_items(answer))
        return self._mapping_share(answer)

    def _set_share(self, given: set[str]) -> float:
        right = {_text(v) for v in self.value}
        if self.scoring == SCORING_ALL or not right:
            return float(given == right)
        return (len(given & right) - len(given - right)) / len(right)

    def _list_share(self, given: list[str]) -> float:
        right = [_text(v) for v in self.value]
        if self.scoring == SCORING_ALL or not right:
            return float(given == right)
        hits = sum(1 for g, r in zip(given, right, strict=False) if g == r)
        return hits / max(len(right), len(given))

    def _mapping_share(self, answer: Any) -> float:
        if not isinstance(answer, Mapping):
            raise NotAnAnswer(repr(answer))
        given = {_text(k): v for k, v in answer.items()}
        right = {_text(k): v for k, v in dict(self.value).items()}
        hits = sum(1 for k, v in right.items() if k in given and _same_value(v, given[k], self.decimals))
        extra = len(set(given) - set(right))
        if self.scoring == SCORING_ALL:
            return float(hits == len(right) and not extra)
        return hits / (len(right) + extra) if right or extra else 1.0
