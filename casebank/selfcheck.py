"""Self-checks for the curriculum: immediate feedback on practice exercises.

The checker knows no method and no expected value. Each exercise ships only salted SHA-256
digests of the accepted answer and of typical slips and mistakes (with their explanations),
built on the assessor side (`grading.practice`) from the reference methods. A trainee's answer
is put in canonical form, digested and compared.

Most exercises are about the trainee's own *drawn* practice client (`casebank.practice_pool`):
the digest files hold digests per client, and `check` uses the client drawn for the module.
Feedback comes in this order: the answer's shape (type, format, set vs list: `answer_shape`),
then slips on the right value (sign, rounding, unit, order), then the module's typical content
mistakes, then the exercise's content hint. Every checked answer is recorded in the trainee's
progress file (`casebank.progress`).

How a curriculum module uses it (notebook side)::

    from casebank.practice_pool import Practice
    my = Practice("m04")                  # draws this trainee's client for module 4
    my.client                             # 'C0123'
    my.check("m04.revenue", 123.45)       # checked against the digests of the drawn client
    my.check("m04.revenue", lambda: annual_revenue(my.client))  # code with ____ blanks
    my.another()                          # another client ("换一个客户")

Numbers are right when they round (half up) to the key at the exercise's stated decimals, i.e.
lie within half a unit of the last stated decimal of the rounded key: with one decimal and a key
of 1.83, 1.83 and 1.8 are right, 1.7 and 1.95 are not.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Final

from casebank.answer_shape import (
    KIND_LIST,
    KIND_MAPPING,
    KIND_NUMBER,
    KIND_SET,
    KIND_TEXT,
    shape_slip,
)
from casebank.errors import CmAcademyError

CHECKS_DIR: Final = Path(__file__).resolve().parent / "practice"
KINDS: Final = (KIND_NUMBER, KIND_TEXT, KIND_SET, KIND_LIST, KIND_MAPPING)
#: Digest files of this format hold answers per drawn client; format 1 (one answer, full-length
#: digests, one unit of tolerance) is still read until every module is rebuilt.
FORMAT: Final = 2
#: Key of an exercise's answers that are the same whoever is drawn (e.g. about the whole pool).
SHARED: Final = ""
#: Hex characters kept of each digest (96 bits: no collisions among a few thousand answers).
DIGEST_CHARS: Final = 24

__all__ = [
    "CHECKS_DIR",
    "KINDS",
    "KIND_LIST",
    "KIND_MAPPING",
    "KIND_NUMBER",
    "KIND_SET",
    "KIND_TEXT",
    "CheckResult",
    "SelfCheckError",
    "canonical",
    "check",
    "digest",
    "drawable_clients",
    "exercise_ids",
]


class SelfCheckError(CmAcademyError):
    """An exercise id is unknown, or it has no self-check for the given client."""


#: Verdict labels and their colours. Words, not emoji: emoji render as empty boxes where the
#: trainee's machine lacks an emoji font, and colour alone does not reach colour-blind trainees.
VERDICT_RIGHT: Final = ("正确", "#1a7f37")
VERDICT_WRONG: Final = ("不正确", "#cf222e")
VERDICT_UNANSWERED: Final = ("未作答", "#6e7781")
UNANSWERED: Final = "还没有作答：把答案填入上面的变量后重新运行本单元格。"
#: The blank in "complete the code" exercises. Four underscores: IPython defines ``___`` (an
#: earlier output), so a three-underscore blank would run with a surprising value.
BLANK: Final = "____"
NOT_RUNNING: Final = "代码还不能运行（{error}）：先把 " + BLANK + " 换成你的代码，再运行本单元格。"
CODE_ERROR: Final = "你的代码运行出错（{error}）：读一读错误信息，改正后再运行本单元格。"


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
    client: str = ""
    """The drawn practice client the answer was checked for (empty for shared exercises)."""

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

    @property
    def _label(self) -> str:
        return f"{self.exercise}（{self.client}）" if self.client else self.exercise

    def _repr_html_(self) -> str:
        label, colour = self._verdict()
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<strong style="color: {colour};">{label}</strong>　'
            f"<code>{html.escape(self._label)}</code>　{html.escape(self.message)}</div>"
        )

    def _repr_markdown_(self) -> str:
        return f"**{self.verdict}**　`{self._label}`　{self.message}"

    def __str__(self) -> str:
        return f"【{self.verdict}】{self._label}：{self.message}"


def round_half_up(value: Any, decimals: int) -> Decimal:
    """Round a number half up at ``decimals``, as a person would round the value as printed.

    Raises:
        SelfCheckError: the value is not a finite number.
    """
    if isinstance(value, bool):
        raise SelfCheckError(f"expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SelfCheckError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise SelfCheckError(f"expected a finite number, got {value!r}")
    try:
        exact = Decimal(repr(number))
    except InvalidOperation:  # pragma: no cover - repr of a finite float is always a decimal
        raise SelfCheckError(f"expected a number, got {value!r}") from None
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded + 0  # turns -0.0 into 0.0


def _number(value: Any, decimals: int, exercise: str) -> str:
    try:
        return f"{round_half_up(value, decimals):.{decimals}f}"
    except SelfCheckError as exc:
        raise SelfCheckError(f"{exercise}: {exc}.") from None


def canonical(kind: str, value: Any, *, decimals: int = 2, exercise: str = "") -> str:
    """Return the canonical text of an answer of a given kind.

    Numbers are rounded half up at ``decimals`` (`round_half_up`); text is stripped; sets are
    sorted; lists keep their order; mappings are sorted by key with numeric values in canonical
    number form.

    Raises:
        SelfCheckError: the value does not fit the kind (say which exercise with ``exercise``).
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
            is_number = isinstance(v, numbers.Real) and not isinstance(v, bool)
            out[str(k).strip()] = _number(v, decimals, exercise) if is_number else str(v).strip()
        return json.dumps(out, ensure_ascii=False, sort_keys=True)
    raise SelfCheckError(f"{exercise}: unknown answer kind {kind!r}; expected one of {', '.join(KINDS)}.")


def digest(exercise: str, canonical_answer: str, client: str = SHARED) -> str:
    """Return the salted digest of a canonical answer for one client (or a shared exercise)."""
    text = f"cm-academy|{exercise}|{client}|{canonical_answer}"
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_CHARS]


@cache
def _documents() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(CHECKS_DIR.glob("*.json"))
    }


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    exercises: dict[str, dict[str, Any]] = {}
    for doc in _documents().values():
        for exercise, spec in doc["exercises"].items():
            exercises[exercise] = {**spec, "_format": int(doc.get("format", 1))}
    return exercises


def exercise_ids() -> list[str]:
    """Return the ids of all exercises that have self-checks."""
    return sorted(_catalogue())


def drawable_clients(module: str) -> list[str]:
    """Return the practice clients a trainee can be drawn for a module (``m04``), by id.

    Raises:
        SelfCheckError: the module has no self-checks, or none about a drawn client.
    """
    doc = _documents().get(module)
    if doc is None:
        raise SelfCheckError(
            f"no self-checks for module {module!r}; modules: {', '.join(sorted(_documents()))}"
        )
    clients = list(doc.get("clients", []))
    if not clients:
        raise SelfCheckError(f"module {module} has no exercises about a drawn client")
    return clients


def _legacy(exercise: str, spec: dict[str, Any], answer: Any) -> CheckResult:
    """Format 1: one answer for everyone, full digests, one unit of tolerance."""
    kind, decimals = spec["kind"], int(spec.get("decimals", 2))
    slip = shape_slip(kind, answer)
    if slip:
        return CheckResult(exercise, False, slip)
    text = canonical(kind, answer, decimals=decimals, exercise=exercise)
    if kind == KIND_NUMBER:
        text = f"{round(float(answer), decimals):.{decimals}f}"
    candidates = [text]
    if kind == KIND_NUMBER and decimals > 0:
        step = 10.0**-decimals
        candidates += [f"{round(float(text) + d, decimals):.{decimals}f}" for d in (-step, step)]
    digests = [hashlib.sha256(f"cm-academy|{exercise}|{c}".encode()).hexdigest() for c in candidates]
    if any(d in spec["accept"] for d in digests):
        return CheckResult(exercise, True, spec["explanation"])
    for d in digests:
        if d in spec["mistakes"]:
            return CheckResult(exercise, False, spec["mistakes"][d])
    return CheckResult(exercise, False, spec["hint"])


def _judge(exercise: str, spec: dict[str, Any], answer: Any, client: str) -> CheckResult:
    kind, decimals = spec["kind"], int(spec["decimals"])
    slip = shape_slip(
        kind,
        answer,
        keys=spec.get("keys", []),
        item_pattern=spec.get("item_pattern", ""),
        item_example=spec.get("item_example", ""),
        choices=spec.get("choices", []),
    )
    if slip:
        return CheckResult(exercise, False, slip, client=client)
    case = spec["answers"][client]
    code = digest(exercise, canonical(kind, answer, decimals=decimals, exercise=exercise), client)
    if code in case["accept"]:
        return CheckResult(exercise, True, spec["explanation"], client=client)
    if code in case["mistakes"]:
        return CheckResult(exercise, False, spec["messages"][case["mistakes"][code]], client=client)
    return CheckResult(exercise, False, spec["hint"], client=client)


def _resolve(answer: Any) -> tuple[Any, str]:
    """Call an answer given as a function (code with blanks); return (value, error text)."""
    if not callable(answer) or hasattr(answer, "iloc") or isinstance(answer, type):
        return answer, ""
    try:
        return answer(), ""
    except Exception as error:  # the trainee's unfinished code: report it, never raise
        return None, f"{type(error).__name__}: {error}"


def _record(exercise: str, passed: bool) -> None:
    from casebank.progress import record_check

    record_check(exercise, passed)


def _client_for(exercise: str, spec: dict[str, Any], client: str | None) -> str:
    if SHARED in spec["answers"]:
        return SHARED
    if client is None:
        from casebank.practice_pool import Practice

        client = Practice(exercise.split(".", 1)[0]).client
    if client not in spec["answers"]:
        raise SelfCheckError(
            f"{exercise}: no self-check for client {client!r}; use the client drawn by "
            f"Practice({exercise.split('.', 1)[0]!r}) (its .client)."
        )
    return client


def check(exercise: str, answer: Any, client: str | None = None) -> CheckResult:
    """Check a practice answer and explain the result.

    Args:
        exercise: exercise id, as printed in the notebook (``m04.abc_tier``).
        answer: the trainee's answer; ``None`` means "not answered yet". A function (``lambda:
            ...``) is called first: code whose blanks are not filled yet is reported, not raised.
        client: the practice client the answer is about; by default the client drawn for this
            trainee and module (`casebank.practice_pool.Practice`). Ignored for shared exercises.

    Returns:
        A `CheckResult`; in a notebook it displays as one line with the verdict in words and colour
        (正确 green, 不正确 red, 未作答 grey) followed by the explanation.

    Raises:
        SelfCheckError: the exercise id is unknown, or it has no self-check for ``client``.
    """
    spec = _catalogue().get(exercise)
    if spec is None:
        raise SelfCheckError(f"unknown exercise {exercise!r}; check the id printed above the exercise.")
    who = _client_for(exercise, spec, client) if spec["_format"] >= FORMAT else SHARED
    value, error = _resolve(answer)
    if error:
        message = NOT_RUNNING if BLANK in error else CODE_ERROR
        return CheckResult(exercise, False, message.format(error=error), answered=False, client=who)
    if value is None:
        return CheckResult(exercise, False, UNANSWERED, answered=False, client=who)
    if spec["_format"] >= FORMAT:
        result = _judge(exercise, spec, value, who)
    else:
        result = _legacy(exercise, spec, value)
    _record(exercise, result.correct)
    return result
