"""A sitting's variants: no shared clients while the pool allows, recorded, only one's own."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from grading.casegen.pool import ExamPool
from grading.exams import EXAMS, assign_for, exam_definition, variant_for
from grading.exams.assign import record_path
from grading.exams.variants import VariantError
from grading.pipeline.course import init_course

ROSTER_30 = [f"t{i:03d}" for i in range(1, 31)]


@pytest.mark.slow
@pytest.mark.parametrize("exam", EXAMS)
def test_a_roster_of_30_shares_no_client_for_any_role(exam: str, tmp_path: Path) -> None:
    course = init_course(tmp_path / "c")
    course.write_variants(exam, ROSTER_30)
    variants = [variant_for(exam, t, *course.settings.bank_dirs) for t in ROSTER_30]
    for role in exam_definition(exam).blueprint.roles:
        assert len({v.roles[role.name] for v in variants}) == len(ROSTER_30), role.name
    handed = {
        json.dumps(
            json.loads((course.handouts / t / exam / "variant.json").read_text())["roles"], sort_keys=True
        )
        for t in ROSTER_30
    }
    assert len(handed) == len(ROSTER_30)


def test_a_new_trainee_changes_nobody_elses_variant(tiny_pool: ExamPool, fresh_key: str) -> None:
    facts = str(tiny_pool.facts)
    assign_for("assoc", ["t1", "t2"], facts, fresh_key)
    before = [variant_for("assoc", t, facts, fresh_key) for t in ("t1", "t2")]
    assign_for("assoc", ["t1", "t2", "t0"], facts, fresh_key)
    assert [variant_for("assoc", t, facts, fresh_key) for t in ("t1", "t2")] == before


def test_the_record_is_private(tiny_pool: ExamPool, fresh_key: str) -> None:
    assign_for("assoc", ["t1"], str(tiny_pool.facts), fresh_key)
    path = record_path(Path(fresh_key), "assoc")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_pool_too_small_for_the_roster_says_which_role(tiny_pool: ExamPool, fresh_key: str) -> None:
    warnings = assign_for("assoc", [f"t{i}" for i in range(12)], str(tiny_pool.facts), fresh_key)
    assert warnings and all("too few clients for role" in w for w in warnings)


def test_a_trainee_without_a_recorded_variant_is_refused(tiny_pool: ExamPool, fresh_key: str) -> None:
    assign_for("assoc", ["t1"], str(tiny_pool.facts), fresh_key)
    with pytest.raises(VariantError, match="'intruder' has no variant of exam assoc"):
        variant_for("assoc", "intruder", str(tiny_pool.facts), fresh_key)


@pytest.mark.parametrize("exam", EXAMS)
def test_role_labels_hint_at_nothing(exam: str) -> None:
    roles = exam_definition(exam).blueprint.roles
    labels = [role.label for role in roles]
    assert labels == [chr(ord("A") + i) for i in range(len(roles))]
