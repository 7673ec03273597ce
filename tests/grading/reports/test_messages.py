"""The message catalogue: both languages say the same things."""

from __future__ import annotations

import string

import pytest

from grading.reports.messages import CATALOGUE, LanguageError, Messages


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    zh, en = CATALOGUE["zh"], CATALOGUE["en"]
    assert set(zh) == set(en)
    assert {k: placeholders(v) for k, v in zh.items()} == {k: placeholders(v) for k, v in en.items()}


def test_texts_are_filled_in() -> None:
    assert Messages.for_language("en").text("hr.shown", shown=3, total=10) == "Showing 3 of 10"
    assert Messages.for_language("zh").html_lang == "zh-CN"


def test_unknown_language_names_the_choices() -> None:
    with pytest.raises(LanguageError, match="--lang fr: unknown language; choose one of zh, en"):
        Messages.for_language("fr")
