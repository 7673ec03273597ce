"""Diagnose an answer whose shape does not fit the exercise, before its value is looked at.

A trainee who hands in a dict where a number is asked, the text ``"4-3-5"`` where a tuple is
asked, or a set where an order matters, needs to hear exactly that, not a content hint about the
method ("R 要反向") that sends them back to a computation that was right. `shape_slip` returns
that message (or ``""`` when the shape fits); it knows the exercise's kind, its stated keys and
the public format of its items, never its answer.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

KIND_NUMBER: Final = "number"
KIND_TEXT: Final = "text"
KIND_SET: Final = "set"
KIND_LIST: Final = "list"
KIND_MAPPING: Final = "mapping"
#: Characters that make a string look like several items typed as one text ("4-3-5", "A,B").
SEPARATORS: Final = re.compile(r"[-,，、;；/\s|]+")


def type_name(value: Any) -> str:
    """A short, trainee-readable name of a value's type (``dict``, ``pandas Series`` ...)."""
    module = type(value).__module__.split(".")[0]
    name = type(value).__name__
    return f"pandas {name}" if module == "pandas" else f"numpy {name}" if module == "numpy" else name


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_collection(value: Any) -> bool:
    return not isinstance(value, str | bytes | Mapping) and hasattr(value, "__iter__")


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").strip())
    except ValueError:
        return False
    return True


def _number_slip(value: Any) -> str:
    if _is_number(value):
        return ""
    if isinstance(value, bool):
        return "类型不对：本题要一个数字，你给的是真假值（bool）。"
    if isinstance(value, str):
        if _looks_numeric(value):
            return f"类型不对：本题要一个数字，你给的是文本 {value!r}；去掉引号，直接写数字。"
        return f"类型不对：本题要一个数字，你给的是文本 {value!r}。"
    if type_name(value) == "pandas Series" and len(value) == 1:
        return "类型不对：你给的是只有一行的 pandas Series；用 .iloc[0] 或 float(...) 取出其中的数字。"
    if isinstance(value, Mapping) or hasattr(value, "items"):
        return (
            f"类型不对：本题要一个数字，你给的是 {type_name(value)}（成对的值）；只填这一户、这一项的数字。"
        )
    if hasattr(value, "ndim") and getattr(value, "ndim", 1) == 0:
        return ""  # a numpy scalar or 0-d array converts cleanly
    if isinstance(value, list | tuple | set | frozenset) and len(value) == 1:
        return f"类型不对：本题要一个数字，你给的是只含一项的 {type_name(value)}；去掉括号，只写这个数字。"
    return f"类型不对：本题要一个数字，你给的是 {type_name(value)}。"


def _text_slip(value: Any, choices: Sequence[str]) -> str:
    if isinstance(value, str):
        if choices and value.strip() not in choices:
            return f"格式不对：{value!r} 不是选项之一；请从 {'、'.join(choices)} 中选一个，照原样写。"
        return ""
    if _is_collection(value) and not isinstance(value, Mapping):
        items = list(value)
        if len(items) == 1 and isinstance(items[0], str):
            return f"格式不对：本题要一个文本，你给的是只含一项的 {type_name(value)}；去掉括号，只写 {items[0]!r}。"
    return f'类型不对：本题要一个文本（加引号，如 "A"），你给的是 {type_name(value)}。'


def _collection_slip(value: Any, kind: str) -> str:
    wanted = '集合（set，如 {"x", "y"}）' if kind == KIND_SET else '有顺序的列表（list，如 ["x", "y"]）'
    if isinstance(value, str):
        if SEPARATORS.search(value.strip()):
            return f"格式不对：你把几项写成了一个文本 {value!r}；本题要{wanted}，每项单独加引号。"
        return f"格式不对：本题要{wanted}，你给的是一个文本 {value!r}；即使只有一项也要放进括号里。"
    if isinstance(value, Mapping) or (hasattr(value, "items") and not hasattr(value, "iloc")):
        return f"类型不对：本题要{wanted}，你给的是 {type_name(value)}（成对的值）。"
    if not _is_collection(value):
        return f"类型不对：本题要{wanted}，你给的是 {type_name(value)}。"
    if kind == KIND_LIST and isinstance(value, set | frozenset):
        return "集合与列表：你给的是集合（set），集合没有顺序；本题的顺序有意义，要写成列表 [...]。"
    return ""


def _mapping_slip(value: Any, keys: Sequence[str]) -> str:
    example = "{" + ", ".join(f'"{k}": …' for k in keys) + "}" if keys else '{"键": 值}'
    if isinstance(value, str):
        return f"格式不对：你给的是文本 {value!r}；本题要字典（dict），写成 {example}。"
    if not hasattr(value, "items"):
        return f"格式不对：本题要字典（dict），写成 {example}；你给的是 {type_name(value)}。"
    if not keys:
        return ""
    given = [str(k).strip() for k in dict(value.items())]
    missing = [k for k in keys if k not in given]
    extra = [k for k in given if k not in keys]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"缺少键 {'、'.join(missing)}")
        if extra:
            parts.append(f"多了键 {'、'.join(extra)}")
        return f"格式不对：字典的键应为 {'、'.join(keys)}（{'；'.join(parts)}）。"
    return ""


def _item_slip(value: Any, kind: str, item_pattern: str, item_example: str) -> str:
    if not item_pattern or kind not in (KIND_SET, KIND_LIST):
        return ""
    pattern = re.compile(item_pattern)
    bad = [str(v).strip() for v in value if not pattern.fullmatch(str(v).strip())]
    if bad:
        example = f"（如 {item_example}）" if item_example else ""
        return f"格式不对：{bad[0]!r} 不是本题要的写法{example}；检查每一项是不是写成了别的列（例如姓名与编号）。"
    return ""


def shape_slip(
    kind: str,
    value: Any,
    *,
    keys: Sequence[str] = (),
    item_pattern: str = "",
    item_example: str = "",
    choices: Sequence[str] = (),
) -> str:
    """Return what is wrong with the shape of an answer, or ``""`` when it fits the kind.

    Args:
        kind: the exercise's answer kind (number, text, set, list or mapping).
        value: the trainee's answer.
        keys: for mappings, the keys the exercise states (public), in the order it states them.
        item_pattern: for sets and lists, a regular expression each item must match in full.
        item_example: an example item shown with an item-format message.
        choices: for text answers, the public options the answer must be one of.
    """
    if type_name(value) == "pandas DataFrame":
        return f"类型不对：你给的是整张表（pandas DataFrame，{len(value)} 行）；从表里取出本题要的那一列或那一个值。"
    if kind == KIND_NUMBER:
        return _number_slip(value)
    if kind == KIND_TEXT:
        return _text_slip(value, choices)
    if kind in (KIND_SET, KIND_LIST):
        return _collection_slip(value, kind) or _item_slip(value, kind, item_pattern, item_example)
    if kind == KIND_MAPPING:
        return _mapping_slip(value, keys)
    return ""
