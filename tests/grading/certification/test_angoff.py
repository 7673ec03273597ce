"""Modified-Angoff cut scores: the computation, the table's checks, and the scheme's pass marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grading.certification.angoff import AngoffError, cut_score, item_mismatches, load_table, round_to
from grading.cli import main
from grading.scheme import load_scheme

JUDGES = "".join(f'[[judges]]\nid = "J{k}"\nrole = "judge {k}"\n' for k in range(1, 6))


def write(directory: Path, level: str, rows: dict[str, list[float]], judges: str = JUDGES) -> None:
    items = "".join(f'[[items]]\nitem = "{q}"\nratings = {r}\n' for q, r in rows.items())
    text = f'level = "{level}"\nprecision = 0.01\n{judges}{items}'
    (directory / f"{level}.toml").write_text(text, encoding="utf-8")


def full_rows(level: str, rating: float) -> dict[str, list[float]]:
    return {i.question: [rating] * 5 for i in load_scheme().level(level).blueprint}


def test_cut_is_the_points_weighted_mean_rating_with_the_judges_spread(tmp_path: Path) -> None:
    level = load_scheme().level("associate")
    rows = full_rows("associate", 0.6)
    first = level.blueprint[0]
    heavy = max(level.blueprint[1:], key=lambda i: i.points)
    rows[first.question] = [0.5, 0.6, 0.7, 0.8, 0.9]  # mean 0.7
    rows[heavy.question] = [0.9] * 5
    write(tmp_path, "associate", rows)
    total = sum(i.points for i in level.blueprint)
    rest = total - first.points - heavy.points
    want = (first.points * 0.7 + heavy.points * 0.9 + rest * 0.6) / total
    result = cut_score("associate", directory=tmp_path)
    assert result.cut == pytest.approx(want)
    # judges differ only on the first item: judge k's cut moves by points * (r_k - 0.7) / total
    assert result.judge_cuts["J1"] == pytest.approx(want - first.points * 0.2 / total)
    assert result.sd == pytest.approx(first.points / total * 0.158114, abs=1e-6)
    assert result.se == pytest.approx(result.sd / 5**0.5)
    assert result.rounded == round_to(want, 0.01)


def test_rounding_is_half_up_to_the_precision() -> None:
    assert round_to(0.745, 0.01) == 0.75
    assert round_to(0.7449, 0.01) == 0.74
    assert round_to(0.694, 0.01) == 0.69


def test_a_mismatch_names_missing_and_extra_items(tmp_path: Path) -> None:
    rows = full_rows("associate", 0.7)
    missing = next(iter(rows))
    del rows[missing]
    rows["q99_not_in_blueprint"] = [0.5] * 5
    write(tmp_path, "associate", rows)
    problems = item_mismatches(load_table("associate", tmp_path), load_scheme().level("associate"))
    assert any(missing in p and "without ratings" in p for p in problems)
    assert any("q99_not_in_blueprint" in p and "not in the blueprint" in p for p in problems)
    with pytest.raises(AngoffError, match=missing):
        cut_score("associate", directory=tmp_path)


def test_a_panel_needs_five_judges_and_probabilities(tmp_path: Path) -> None:
    four = "".join(f'[[judges]]\nid = "J{k}"\n' for k in range(1, 5))
    write(tmp_path, "associate", {"q1": [0.5] * 4}, judges=four)
    with pytest.raises(AngoffError, match="4 judges; a modified-Angoff panel needs at least 5"):
        load_table("associate", tmp_path)
    write(tmp_path, "associate", {"q1": [0.5, 0.5, 0.5, 0.5, 1.5]})
    with pytest.raises(AngoffError, match=r"items\[0\] \(q1\): ratings \[1.5\] are not probabilities"):
        load_table("associate", tmp_path)
    write(tmp_path, "associate", {"q1": [0.5, 0.5]})
    with pytest.raises(AngoffError, match="2 ratings for 5 judges"):
        load_table("associate", tmp_path)
    with pytest.raises(AngoffError, match="no cut-score table for level 'senior'"):
        load_table("senior", tmp_path)


@pytest.mark.parametrize("level", [level.id for level in load_scheme().levels])
def test_the_scheme_pass_mark_is_the_angoff_cut_of_its_panel(level: str) -> None:
    result = cut_score(level)
    assert result.rounded == pytest.approx(load_scheme().level(level).overall_min), (
        f"level {level}: Angoff cut {result.cut:.4f} rounds to {result.rounded}, "
        f"the scheme says overall_min = {result.scheme_overall_min}"
    )


def test_cli_prints_the_cut_by_level_or_exam() -> None:
    runner = CliRunner()
    by_exam = runner.invoke(main, ["exam", "cutscore", "senior", "--json"])
    assert '"level": "senior"' in by_exam.output
    text = runner.invoke(main, ["exam", "cutscore", "assoc"])
    assert "level associate" in text.output and "cut score" in text.output
    assert text.exit_code == (0 if "matches the scheme" in text.output else 1)
