"""The scheme loads, covers every seed topic, and rejects malformed files naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.scheme import DEFAULT_SCHEME, SEED_TOPICS, SchemeError, load_scheme


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
        ("points = 10\nrubric", "points = 9\nrubric", "field levels[0].blueprint[12].points"),
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
