"""A self-check result says right or wrong in words and colour, never by emoji alone."""

from __future__ import annotations

import pytest

from casebank import selfcheck
from casebank.selfcheck import CheckResult

EMOJI = ("✅", "❌", "✔", "✘")


def test_right_answer_reads_zhengque_in_green() -> None:
    page = CheckResult("m04.abc_c0092", True, "正确。解释。")._repr_html_()
    assert ">正确<" in page and selfcheck.VERDICT_RIGHT[1] in page
    assert not any(e in page for e in EMOJI)


def test_wrong_answer_reads_buzhengque_in_red() -> None:
    result = CheckResult("m04.abc_c0092", False, "再看一下累计占比。")
    page = result._repr_html_()
    assert ">不正确<" in page and selfcheck.VERDICT_WRONG[1] in page
    assert "再看一下累计占比。" in page
    assert result.verdict == "不正确" and not result


def test_unanswered_is_not_called_wrong() -> None:
    first = selfcheck.exercise_ids()[0]
    result = selfcheck.check(first, None)
    assert not result.answered and result.verdict == "未作答"
    assert ">未作答<" in result._repr_html_() and "不正确" not in result._repr_html_()


def test_feedback_is_escaped_in_html() -> None:
    page = CheckResult("m01.x", False, "占比 < 70% & 排名")._repr_html_()
    assert "占比 &lt; 70% &amp; 排名" in page


@pytest.mark.parametrize(("correct", "word"), [(True, "正确"), (False, "不正确")])
def test_plain_text_and_markdown_carry_the_word(correct: bool, word: str) -> None:
    result = CheckResult("m02.dispute_steps", correct, "说明")
    assert str(result) == f"【{word}】m02.dispute_steps：说明"
    assert result._repr_markdown_().startswith(f"**{word}**")
    assert not any(e in result._repr_markdown_() for e in EMOJI)
