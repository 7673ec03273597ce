"""The scheme loads, covers every seed topic, and rejects malformed files naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.scheme import (
    DEFAULT_SCHEME,
    RUBRICS_DIR,
    SEED_TOPICS,
    BlueprintItem,
    SchemeError,
    blueprint_violations,
    load_scheme,
)


def test_shipped_scheme_has_two_levels_with_pass_rules() -> None:
    scheme = load_scheme()
    names = {lv.name_zh for lv in scheme.levels}
    assert {"初级客户经理", "中级客户经理"} <= names
    for level in scheme.levels:
        assert 0 < level.overall_min <= 1 and 0 < level.competency_min <= 1
        assert level.validity_years == 2
        assert any(item.manual for item in level.blueprint)


def test_every_seed_topic_is_covered() -> None:
    covered = {t for c in load_scheme().competencies for t in c.topics}
    assert set(SEED_TOPICS) <= covered


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_SCHEME.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "scheme.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("overall_min = 0.70", "overall_min = 1.70", "field levels[0].overall_min"),
        ('competency = "value"', 'competency = "charm"', "field levels[0].blueprint[0].competency"),
        ("validity_years = 2", 'validity_years = "two"', "field levels[0].validity_years"),
        ('name_zh = "初级客户经理"\n', "", "field levels[0].name_zh: Field required"),
        (
            'topics = ["appraisal", "allocation", "key_accounts"]',
            'topics = ["key_accounts"]',
            "appraisal, allocation",
        ),
        (
            "points = 2\nrubric",
            "points = 3\nrubric",
            "field levels[0].blueprint[20].points: 3 differs from criterion 'structure' 2",
        ),
        ('question = "q2_rfm"', 'question = "q1_abc_tiers"', "duplicate id 'q1_abc_tiers'"),
        ("grace_minutes = 15", "grace_minutes = 15\nsurprise = 1", "field late_policy.surprise"),
    ],
    ids=[
        "out-of-range",
        "unknown-competency",
        "wrong-type",
        "missing-field",
        "uncovered-topic",
        "rubric-points",
        "duplicate-question",
        "unknown-field",
    ],
)
def test_malformed_scheme_names_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(SchemeError) as err:
        load_scheme(write_variant(tmp_path, old, new))
    assert message in str(err.value)
    assert str(tmp_path / "scheme.toml") in str(err.value)


def test_malformed_toml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "scheme.toml"
    path.write_text("[scheme\nid = 1", encoding="utf-8")
    with pytest.raises(SchemeError, match="malformed TOML"):
        load_scheme(path)


def test_missing_scheme_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="not found"):
        load_scheme(tmp_path / "none.toml")


def test_the_report_rubric_is_the_public_file_with_descriptors_and_exemplars() -> None:
    rubric = load_scheme().rubric("evaluation_report")
    assert (RUBRICS_DIR / "evaluation_report.toml").is_file()
    for criterion in rubric.criteria:
        assert [lv.score for lv in criterion.levels] == list(range(int(criterion.points) + 1))
        assert criterion.exemplar_zh and all(lv.descriptor_zh for lv in criterion.levels)


def test_blueprint_violations_name_each_broken_rule() -> None:
    scheme = load_scheme()
    level = scheme.levels[0]
    items = [
        BlueprintItem(question="q1", competency="value", points=5, kind="judgment"),
        BlueprintItem(question="q2", competency="value", points=1),
        BlueprintItem(question="q3", competency="value", points=1),
        BlueprintItem(question="q4", competency="needs", points=2),
        BlueprintItem(question="q5", competency="needs", points=2),
    ]
    found = blueprint_violations(level.model_copy(update={"blueprint": items}), scheme)
    assert "associate: item 'q1' carries 71% of competency 'value' (more than 40%)" in found
    assert "associate: competency 'needs' has 2 item(s), fewer than 3" in found
    assert "associate: competency 'needs' has 4 points, fewer than 6" in found
    assert not any("judgment" in line for line in found)  # 5 of 11 points: 45 %
    items[0] = BlueprintItem(question="q1", competency="value", points=5)
    found = blueprint_violations(level.model_copy(update={"blueprint": items}), scheme)
    assert "associate: judgment items carry 0 of 11 autograded points (0%, fewer than 40%)" in found


def test_manual_items_name_a_rubric_criterion() -> None:
    item = BlueprintItem(
        question="q13_report_needs", competency="report", points=2, rubric="evaluation_report"
    )
    assert item.kind == "manual" and item.scoring == "rubric"
    with pytest.raises(ValueError, match="manual items, and only they"):
        BlueprintItem(question="q1", competency="value", points=2, kind="manual")
    with pytest.raises(ValueError, match="unknown rule 'most'"):
        BlueprintItem(question="q1", competency="value", points=2, scoring="most")
