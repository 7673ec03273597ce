"""Per-trainee variants: deterministic, different between trainees, comparable in difficulty."""

from __future__ import annotations

import pytest

from grading.exams import EXAMS, expected_answers, variant_for
from grading.exams.simulate import variant_spread


@pytest.mark.parametrize("exam", EXAMS)
def test_variant_is_deterministic(exam: str) -> None:
    assert variant_for(exam, "t001") == variant_for(exam, "t001")


@pytest.mark.parametrize("exam", EXAMS)
def test_two_trainees_get_different_clients_and_answers(exam: str) -> None:
    a, b = variant_for(exam, "t001"), variant_for(exam, "t002")
    assert set(a.portfolio) != set(b.portfolio)
    assert a.roles != b.roles
    ea, eb = expected_answers(exam, "t001"), expected_answers(exam, "t002")
    assert any(ea[q].value != eb[q].value for q in ea)


@pytest.mark.parametrize("exam", EXAMS)
def test_variants_use_exam_pool_clients_only(exam: str, bank) -> None:  # type: ignore[no-untyped-def]
    pools = dict(zip(bank.clients["client_id"], bank.clients["pool"], strict=True))
    for trainee in ("t001", "t002", "t003"):
        variant = variant_for(exam, trainee)
        assert {pools[c] for c in variant.portfolio} == {"exam"}
        assert set(variant.roles.values()) <= set(variant.portfolio)


@pytest.mark.parametrize("exam", EXAMS)
def test_difficulty_is_comparable_across_variants(exam: str) -> None:
    spread = variant_spread(exam, skill=0.5, variants=60)
    assert spread.stdev < 0.05
    assert spread.maximum - spread.minimum < 0.2


def test_whole_number_answers_are_exact() -> None:
    from grading.exams import Expected

    assert Expected("number", 75, 0).accepts(75)
    assert not Expected("number", 75, 0).accepts(76)
    assert Expected("number", 0.4159, 4).accepts(0.416)
    assert not Expected("number", 0.4159, 4).accepts(0.4161)
