"""Self-checks for the curriculum: immediate feedback on practice exercises.

The checker knows no method and no expected value. Each exercise ships only salted SHA-256
digests of the accepted answer and of typical mistakes (with their explanations), built on the
assessor side from the reference methods for practice-set clients. A trainee's answer is put in
canonical form, digested and compared.

>>> from casebank.selfcheck import check
>>> check("m04.abc_tier", "A")          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError

CHECKS_DIR: Final = Path(__file__).resolve().parent / "practice"
KIND_NUMBER: Final = "number"
KIND_TEXT: Final = "text"
KIND_SET: Final = "set"
KIND_LIST: Final = "list"
KIND_MAPPING: Final = "mapping"
KINDS: Final = (KIND_NUMBER, KIND_TEXT, KIND_SET, KIND_LIST, KIND_MAPPING)


class SelfCheckError(CmAcademyError):
    """An exercise id is unknown or an answer has the wrong shape."""


#: Verdict labels and their colours. Words, not emoji: emoji render as empty boxes where the
#: trainee's machine lacks an emoji font, and colour alone does not reach colour-blind trainees.
VERDICT_RIGHT: Final = ("正确", "#1a7f37")
VERDICT_WRONG: Final = ("不正确", "#cf222e")
VERDICT_UNANSWERED: Final = ("未作答", "#6e7781")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one self-check."""

    exercise: str
    """Exercise id such as ``m04.abc_tier``."""
    correct: bool
    """Whether the answer was accepted."""
    message: str
    """Feedback shown to the trainee (why it is right, or what went wrong)."""
    answered: bool = True
    """Whether the trainee gave an answer at all (``None`` means not yet)."""

    def __bool__(self) -> bool:
        return self.correct

    @property
    def verdict(self) -> str:
        """The verdict as a word: 正确, 不正确 or 未作答."""
        return self._verdict()[0]

    def _verdict(self) -> tuple[str, str]:
        if not self.answered:
            return VERDICT_UNANSWERED
        return VERDICT_RIGHT if self.correct else VERDICT_WRONG

    def _repr_html_(self) -> str:
        label, colour = self._verdict()
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<strong style="color: {colour};">{label}</strong>　'
            f"<code>{html.escape(self.exercise)}</code>　{html.escape(self.message)}</div>"
        )

    def _repr_markdown_(self) -> str:
        return f"**{self.verdict}**　`{self.exercise}`　{self.message}"

    def __str__(self) -> str:
        return f"【{self.verdict}】{self.exercise}：{self.message}"


def _number(value: Any, decimals: int, exercise: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SelfCheckError(f"{exercise}: expected a number, got {value!r}.") from None
    if not math.isfinite(number):
        raise SelfCheckError(f"{exercise}: expected a finite number, got {value!r}.")
    return f"{round(number, decimals):.{decimals}f}"


def canonical(kind: str, value: Any, *, decimals: int = 2, exercise: str = "") -> str:
    """Return the canonical text of an answer of a given kind.

    Numbers are rounded half-to-even to ``decimals`` (Python's ``round``); text is stripped;
    sets are sorted; lists keep their order; mappings are sorted by key with their values in
    canonical number form when numeric.
    """
    if kind == KIND_NUMBER:
        return _number(value, decimals, exercise)
    if kind == KIND_TEXT:
        return str(value).strip()
    if kind in (KIND_SET, KIND_LIST):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise SelfCheckError(f"{exercise}: expected a list of items, got {value!r}.")
        items = [str(v).strip() for v in value]
        return json.dumps(sorted(set(items)) if kind == KIND_SET else items, ensure_ascii=False)
    if kind == KIND_MAPPING:
        if not hasattr(value, "items"):
            raise SelfCheckError(
                f"{exercise}: expected a dict (or pandas Series), got {type(value).__name__}."
            )
        out = {}
        for k, v in dict(value.items()).items():
            is_number = isinstance(v, int | float) and not isinstance(v, bool)
            out[str(k)] = _number(v, decimals, exercise) if is_number else str(v).strip()
        return json.dumps(out, ensure_ascii=False, sort_keys=True)
    raise SelfCheckError(f"{exercise}: unknown answer kind {kind!r}; expected one of {', '.join(KINDS)}.")


def digest(exercise: str, canonical_answer: str) -> str:
    """Return the salted digest of a canonical answer."""
    return hashlib.sha256(f"cm-academy|{exercise}|{canonical_answer}".encode()).hexdigest()


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    exercises: dict[str, dict[str, Any]] = {}
    for path in sorted(CHECKS_DIR.glob("*.json")):
        exercises.update(json.loads(path.read_text(encoding="utf-8"))["exercises"])
    return exercises


def exercise_ids() -> list[str]:
    """Return the ids of all exercises that have self-checks."""
    return sorted(_catalogue())


def check(exercise: str, answer: Any) -> CheckResult:
    """Check a practice answer and explain the result.

    Args:
        exercise: exercise id, as printed in the notebook (``m04.abc_tier``).
        answer: the trainee's answer; ``None`` means "not answered yet".

    Returns:
        A `CheckResult`; in a notebook it displays as one line with the verdict in words and colour
        (正确 green, 不正确 red, 未作答 grey) followed by the explanation.

    Raises:
        SelfCheckError: the exercise id is unknown or the answer has the wrong shape.
    """
    spec = _catalogue().get(exercise)
    if spec is None:
        raise SelfCheckError(f"unknown exercise {exercise!r}; check the id printed above the exercise.")
    if answer is None:
        return CheckResult(
            exercise, False, "还没有作答：把答案填入上面的变量后重新运行本单元格。", answered=False
        )
    kind, decimals = spec["kind"], int(spec.get("decimals", 2))
    text = canonical(kind, answer, decimals=decimals, exercise=exercise)
    candidates = [text]
    if kind == KIND_NUMBER and decimals > 0:
        # One unit in the last decimal absorbs rounding-order differences; whole numbers are exact.
        step = 10.0**-decimals
        candidates += [canonical(kind, float(text) + d, decimals=decimals) for d in (-step, step)]
    digests = [digest(exercise, c) for c in candidates]
    if any(d in spec["accept"] for d in digests):
        return CheckResult(exercise, True, spec["explanation"])
    for d in digests:
        if d in spec["mistakes"]:
            return CheckResult(exercise, False, spec["mistakes"][d])
    return CheckResult(exercise, False, spec["hint"])
