"""Format checks of exam answers: accept every reasonable type, say exactly what is wrong.

An exam's locked check cell calls `check_answer` on the trainee's answer variable before the
answer is handed in. It checks the *form* only (a number, a set of allowed names, a mapping
covering every client ...), never whether the answer is right, and names the one thing to fix::

    >>> check_answer("answer_q3", "0.12", "number")
    Traceback (most recent call last):
    ...
    casebank.answers.AnswerFormatError: answer_q3 是 str（'0.12'），应为数字，如 0.1234

Numbers may be int, float, numpy scalars or `decimal.Decimal` (bool is not a number); a whole
number asked for may be given as ``75.0``. Collections may be list, tuple, set, frozenset,
pandas Series (its values), pandas Index or a numpy array; mappings dict or Series.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any, Final

import numpy as np
import pandas as pd

from casebank.errors import CmAcademyError
from casebank.selfcheck import KIND_LIST, KIND_MAPPING, KIND_NUMBER, KIND_SET, KIND_TEXT, KINDS

#: How many offending items a message lists before it says "等".
SHOWN: Final = 5
CLIENT_ID: Final = re.compile(r"^C\d+$")


class AnswerFormatError(CmAcademyError, AssertionError):
    """An answer does not have the form the question asks for (the message says what to fix)."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_of(value: Any) -> str:
    return f"{type(value).__name__}（{_shown(value)}）"


def _listing(items: Collection[Any]) -> str:
    ordered = sorted((str(i) for i in items), key=str)
    text = "、".join(f"'{i}'" for i in ordered[:SHOWN])
    return text + (" 等" if len(ordered) > SHOWN else "")


def _unanswered(name: str, value: Any) -> None:
    if value is None or value is ...:
        raise AnswerFormatError(f"{name} 还没有作答：把答案赋给 {name} 后重新运行本单元格")


def as_number(name: str, value: Any) -> float:
    """The answer as a finite float (int, float, numpy scalar or Decimal; not bool or text)."""
    _unanswered(name, value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Number | Decimal):
        raise AnswerFormatError(f"{name} 是 {_type_of(value)}，应为数字，如 0.1234")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AnswerFormatError(f"{name} 是 {_type_of(value)}，应为实数，如 0.1234") from None
    if not math.isfinite(number):
        raise AnswerFormatError(f"{name} 是 {number}，应为有限的数字")
    return number


def as_whole(name: str, value: Any) -> int:
    """The answer as an int; whole numbers given as float (``75.0``) are accepted."""
    number = as_number(name, value)
    if number != int(number):
        raise AnswerFormatError(f"{name} 是 {number:g}，应为整数，如 75")
    return int(number)


def as_text(name: str, value: Any) -> str:
    """The answer as stripped text (str or numpy str; a whole number is read as its digits)."""
    _unanswered(name, value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return str(int(value))
    raise AnswerFormatError(f'{name} 是 {_type_of(value)}，应为文字（str），如 "2"')


def as_items(name: str, value: Any) -> list[Any]:
    """The items of a collection answer, in the given order (Series: its values)."""
    _unanswered(name, value)
    if isinstance(value, pd.Series | pd.Index | np.ndarray):
        return [v.item() if isinstance(v, np.generic) else v for v in value.tolist()]
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    if isinstance(value, str):
        raise AnswerFormatError(f"{name} 是 {_type_of(value)}，应为集合或列表，如 {{'{value}'}}")
    raise AnswerFormatError(f"{name} 是 {_type_of(value)}，应为集合或列表（set、list、tuple、Series 均可）")


def as_mapping(name: str, value: Any) -> dict[Any, Any]:
    """The answer as a dict (dict or Series)."""
    _unanswered(name, value)
    if isinstance(value, pd.Series):
        return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return dict(value)
    raise AnswerFormatError(f"{name} 是 {_type_of(value)}，应为字典 {{键: 值}}（dict 或 Series）")


def _item_text(name: str, item: Any) -> str:
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, numbers.Integral) and not isinstance(item, bool | np.bool_):
        return str(int(item))
    raise AnswerFormatError(f"{name} 含有非文字的元素 {_type_of(item)}；每个元素应为名称或编号（str）")


def _check_range(name: str, number: float, low: float | None, high: float | None) -> None:
    if low is not None and number < low:
        raise AnswerFormatError(f"{name} 是 {number:g}，应不小于 {low:g}")
    if high is not None and number > high:
        raise AnswerFormatError(f"{name} 是 {number:g}，应不大于 {high:g}")


def _check_number(name: str, value: Any, low: float | None, high: float | None, whole: bool) -> None:
    number = float(as_whole(name, value)) if whole else as_number(name, value)
    _check_range(name, number, low, high)


def _check_items(
    name: str,
    value: Any,
    choices: Collection[Any] | None,
    size: int | None,
    ordered: bool,
) -> None:
    items = [_item_text(name, i) for i in as_items(name, value)]
    if choices is not None:
        allowed = {str(c) for c in choices}
        unknown = [i for i in dict.fromkeys(items) if i not in allowed]
        if unknown:
            raise AnswerFormatError(
                f"{name} 含有不在选项中的名称：{_listing(unknown)}；可选：{_listing(allowed)}"
            )
    repeated = sorted({i for i in items if items.count(i) > 1})
    if ordered and repeated:
        raise AnswerFormatError(f"{name} 中 {_listing(repeated)} 出现了不止一次；每项只能排一次")
    count = len(items) if ordered else len(set(items))
    if size is not None and count != size:
        raise AnswerFormatError(f"{name} 有 {count} 项，应为 {size} 项")


def _key_label(key: str) -> str:
    return f"客户 {key}" if CLIENT_ID.match(key) else f"键 '{key}'"


def _check_mapping(
    name: str,
    value: Any,
    keys: Collection[Any] | None,
    choices: Collection[Any] | None,
    low: float | None,
    high: float | None,
    whole: bool,
) -> None:
    given = {str(k).strip(): v for k, v in as_mapping(name, value).items()}
    if keys is not None:
        wanted = [str(k) for k in keys]
        missing = [k for k in wanted if k not in given]
        if missing:
            raise AnswerFormatError(f"{name} 缺少{'、'.join(_key_label(k) for k in missing[:SHOWN])}")
        extra = [k for k in given if k not in set(wanted)]
        if extra:
            raise AnswerFormatError(f"{name} 含有不该有的{'、'.join(_key_label(k) for k in extra[:SHOWN])}")
    for key, item in given.items():
        where = f"{name}[{key!r}]"
        if choices is not None:
            text = as_text(where, item)
            if text not in {str(c) for c in choices}:
                raise AnswerFormatError(f"{where} 是 {_shown(item)}，应为 {_listing(choices)} 之一")
        elif low is not None or high is not None or whole:
            _check_number(where, item, low, high, whole)


def check_answer(
    name: str,
    value: Any,
    kind: str,
    *,
    choices: Collection[Any] | None = None,
    keys: Collection[Any] | None = None,
    size: int | None = None,
    ordered: bool = False,
    low: float | None = None,
    high: float | None = None,
    whole: bool = False,
) -> None:
    """Check an answer's form; raise `AnswerFormatError` naming exactly what is wrong.

    Args:
        name: the answer variable's name as the trainee sees it (``answer_q3``).
        value: the answer.
        kind: one of ``number``, ``text``, ``set``, ``list``, ``mapping``.
        choices: allowed texts (text answers, set/list items, mapping values).
        keys: the keys a mapping must have, no more and no fewer.
        size: how many items a set or list must have.
        ordered: a list whose order matters (a ranking): no item twice.
        low: smallest allowed number (numbers and numeric mapping values).
        high: largest allowed number.
        whole: the number must be whole (``75`` or ``75.0``).

    Raises:
        AnswerFormatError: the answer's form is wrong (an AssertionError, so the cell fails).
        ValueError: ``kind`` is unknown (a mistake of the exam, not of the trainee).
    """
    if kind == KIND_NUMBER:
        _check_number(name, value, low, high, whole)
    elif kind == KIND_TEXT:
        text = as_text(name, value)
        if choices is not None and text not in {str(c) for c in choices}:
            raise AnswerFormatError(f"{name} 是 {_shown(value)}，应为 {_listing(choices)} 之一")
        if not text:
            raise AnswerFormatError(f"{name} 是空文字，请填写答案")
    elif kind in (KIND_SET, KIND_LIST):
        if kind == KIND_SET and isinstance(value, Mapping):
            raise AnswerFormatError(f"{name} 是 dict，应为集合，如 {{'名称1', '名称2'}}")
        _check_items(name, value, choices, size, ordered or kind == KIND_LIST)
    elif kind == KIND_MAPPING:
        _check_mapping(name, value, keys, choices, low, high, whole)
    else:
        raise ValueError(f"check_answer: unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
