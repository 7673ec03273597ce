"""Charts are PNG images, labelled in Chinese when a CJK font is installed."""

from __future__ import annotations

import pytest

from grading.reports import charts

TEXTS = {"title": "各项能力得分率与合格线", "axis": "得分率", "mark": "合格线", "count": "人数"}


def test_competency_chart_is_a_png() -> None:
    png = charts.competency_chart(["客户价值评价", "需求分析与方案"], [1.0, 0.25], [True, None], 0.5, TEXTS)
    assert png.startswith(b"\x89PNG")


def test_distribution_chart_is_a_png() -> None:
    assert charts.distribution_chart([0.3, 0.8, 0.95], 0.7, TEXTS).startswith(b"\x89PNG")


@pytest.mark.skipif(charts.cjk_font() is None, reason="no CJK font installed")
def test_a_cjk_font_is_used_for_chinese_labels() -> None:
    assert charts.cjk_font() in charts.CJK_FAMILIES
