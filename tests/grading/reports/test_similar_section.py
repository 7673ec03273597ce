"""The cohort report lists suspiciously similar evaluation reports for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from grading.reports.cohort_sections import TOP_SIMILAR, CohortReport, similar_csv
from grading.reports.data import CohortResults
from grading.reports.messages import Messages
from grading.scheme import load_scheme


def cohort(pairs: tuple[tuple[str, str, float], ...]) -> CohortResults:
    return CohortResults("assoc", "associate", dt.date(2026, 11, 27), (), pairs)


def test_similar_pairs_survive_the_cohort_file(tmp_path: Path) -> None:
    path = tmp_path / "cohort.json"
    path.write_text(cohort((("t1", "t2", 0.91),)).to_json(), encoding="utf-8")
    assert CohortResults.load(path).similar_reports == (("t1", "t2", 0.91),)


def test_the_section_lists_each_pair_or_says_there_is_none() -> None:
    level = load_scheme().level("associate")
    listed = CohortReport(Messages.for_language("zh"), level, cohort((("t1", "t2", 0.91),)), "value")
    html = listed.similar_reports().data
    assert "疑似雷同" in html and "t1" in html and "t2" in html and "91" in html
    empty = CohortReport(Messages.for_language("en"), level, cohort(()), "value")
    assert "No pair of reports is highly similar" in empty.similar_reports().data


def test_many_pairs_are_summarised_with_the_closest_named() -> None:
    level = load_scheme().level("associate")
    many = tuple((f"t{i}", f"t{i + 1}", 0.6 + i / 100) for i in range(30))
    html = CohortReport(Messages.for_language("zh"), level, cohort(many), "value").similar_reports().data
    assert f"共 30 对报告相似度 ≥ 60%，涉及 31 名学员；下表列出最相似的 {TOP_SIMILAR} 对" in html
    assert html.count("<tr>") == TOP_SIMILAR + 1 and "t29" in html and "t0<" not in html
    assert 'href="similar-reports-assoc.csv"' in html
    lines = similar_csv(cohort(many)).lstrip("\ufeff").splitlines()
    assert len(lines) == 31 and lines[1].startswith("t29,,t30,,0.89")
