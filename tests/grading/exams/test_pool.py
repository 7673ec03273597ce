"""A course's exam pool: secret seed, private key, nothing public reproduces it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from casebank.load import load_bank
from grading.casegen.pool import ExamPool, generate_pool
from grading.pipeline.course import init_course


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_pools_facts_do_not_state_its_seed(tiny_pool: ExamPool) -> None:
    assert load_bank(tiny_pool.facts).manifest["seed"] is None
    assert "seed" not in (tiny_pool.facts / "manifest.json").read_text(encoding="utf-8").replace(
        '"seed": null', ""
    )


def test_the_key_and_its_seed_are_readable_by_the_owner_only(tiny_pool: ExamPool) -> None:
    assert mode(tiny_pool.key.parent) == 0o700
    assert mode(tiny_pool.key) == 0o700
    assert {mode(p) for p in tiny_pool.key.iterdir()} == {0o600}
    assert json.loads((tiny_pool.key / "key_manifest.json").read_text())["seed"] >= 0


def test_the_pool_is_all_exam_clients(tiny_pool: ExamPool) -> None:
    assert set(load_bank(tiny_pool.facts).clients["pool"]) == {"exam"}


def test_two_pools_differ(tiny_pool: ExamPool, tmp_path: Path) -> None:
    other = generate_pool(tmp_path / "pool", 40)
    assert (other.facts / "clients.csv").read_bytes() != (tiny_pool.facts / "clients.csv").read_bytes()


@pytest.mark.slow
def test_two_course_inits_hand_out_different_client_facts(tmp_path: Path) -> None:
    courses = [init_course(tmp_path / name) for name in ("a", "b")]
    facts = []
    for course in courses:
        course.write_variants("assoc", ["t001"])
        facts.append(
            (course.handouts / "t001" / "assoc" / "bank" / "clients.csv").read_text(encoding="utf-8")
        )
        assert course.settings.bank_dir is not None and course.root in course.settings.bank_dir.parents
    assert facts[0] != facts[1]
    shipped = (Path(load_bank().directory) / "clients.csv").read_text(encoding="utf-8")
    for text in facts:
        assert not set(text.splitlines()[1:]) & set(shipped.splitlines()[1:])


def test_course_init_again_keeps_the_pool(tmp_path: Path) -> None:
    first = init_course(tmp_path / "c")
    again = init_course(tmp_path / "c")
    assert again.settings.bank_version == first.settings.bank_version
    assert again.settings.key_dir == first.settings.key_dir
