"""Every self-check accepts its right answer and rejects each typical mistake with its reason.

Exercises about a drawn client are checked for every client a trainee can be drawn.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casebank import selfcheck
from casebank.load import load_bank
from grading.practice import Exercise, build_checks, module_factories

BANK = load_bank()
EXERCISES: list[Exercise] = [e for factory in module_factories().values() for e in factory(BANK)]


@pytest.fixture(autouse=True)
def progress_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMACADEMY_HOME", str(tmp_path / "home"))


def clients_of(exercise: Exercise) -> list[str]:
    return sorted(exercise.cases) if exercise.cases else [selfcheck.SHARED]


def test_committed_digests_are_current(tmp_path: Path) -> None:
    written = build_checks(BANK, tmp_path)
    for path in written:
        committed = selfcheck.CHECKS_DIR / path.name
        assert committed.is_file(), f"run: python scripts/build_practice_checks.py {path.stem}"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name
    assert sorted(p.name for p in selfcheck.CHECKS_DIR.glob("*.json")) == sorted(p.name for p in written)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_right_answer_is_accepted(exercise: Exercise) -> None:
    for client in clients_of(exercise):
        result = selfcheck.check(exercise.id, exercise.answer_for(client), client=client or None)
        assert result.correct, (client, result.message)
        assert result.message == exercise.explanation


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_typical_mistakes_are_rejected_with_their_reason(exercise: Exercise) -> None:
    for client in clients_of(exercise):
        for wrong, why in exercise.mistakes_for(client):
            result = selfcheck.check(exercise.id, wrong, client=client or None)
            assert not result.correct
            assert result.message == why, (client, wrong)


def test_every_exercise_has_a_typical_mistake() -> None:
    assert [e.id for e in EXERCISES if not any(e.mistakes_for(c) for c in clients_of(e))] == []


def test_unanswered_exercise_is_not_an_error() -> None:
    result = selfcheck.check(EXERCISES[0].id, None, client=clients_of(EXERCISES[0])[0] or None)
    assert not result.correct and "还没有作答" in result.message


def test_unknown_exercise_is_a_clear_error() -> None:
    with pytest.raises(selfcheck.SelfCheckError, match=r"unknown exercise 'm99\.nothing'"):
        selfcheck.check("m99.nothing", 1)


def test_numbers_are_right_only_within_half_a_unit_of_the_last_decimal() -> None:
    numeric = [e for e in EXERCISES if e.kind == selfcheck.KIND_NUMBER and e.decimals > 0 and e.cases]
    for e in numeric:
        client = clients_of(e)[0]
        step = 10.0**-e.decimals
        key = float(e.answer_for(client))
        assert selfcheck.check(e.id, key + 0.4 * step, client=client).correct, e.id
        assert not selfcheck.check(e.id, key + 1.2 * step, client=client).correct, e.id


def test_canonical_forms() -> None:
    assert selfcheck.canonical("set", ["b", "a", "a"]) == '["a", "b"]'
    assert selfcheck.canonical("list", ["b", "a"]) == '["b", "a"]'
    assert selfcheck.canonical("number", 2.675, decimals=2) == "2.68"  # half up, as printed
    assert selfcheck.canonical("mapping", {"C2": 1.0, "C1": "A"}, decimals=1) == '{"C1": "A", "C2": "1.0"}'
    with pytest.raises(selfcheck.SelfCheckError, match="expected a number"):
        selfcheck.canonical("number", "many", exercise="m01.x")


def test_whole_number_answers_are_exact() -> None:
    whole = [e for e in EXERCISES if e.kind == selfcheck.KIND_NUMBER and e.decimals == 0]
    for e in whole:
        client = clients_of(e)[0]
        assert not selfcheck.check(e.id, float(e.answer_for(client)) + 1, client=client or None).correct, e.id
