"""A course's exam pool: secret seed, private key, nothing public reproduces it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from casebank.errors import BankValidationError
from casebank.load import load_bank
from casebank.manifest import sha256_file
from grading.casegen.pool import STAMP_FILE, ExamPool, generate_pool, is_validated, load_checked
from grading.exams import exam_bank
from grading.pipeline.course import init_course
from tests.grading.exams.conftest import TINY_POOL


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


def test_a_course_inited_for_a_known_roster_draws_its_pool_at_that_size_once(tmp_path: Path) -> None:
    from grading.casegen.pool import DEFAULT_POOL_CLIENTS
    from grading.pipeline.course import MAX_POOL_CLIENTS, pool_clients

    assert pool_clients(None) == pool_clients(1) == DEFAULT_POOL_CLIENTS
    assert pool_clients(10**6) == MAX_POOL_CLIENTS
    course = init_course(tmp_path / "c", trainees=8)
    facts = course.settings.bank_dir
    assert facts is not None
    assert len(load_bank(facts, validate=False).clients) == pool_clients(8) > DEFAULT_POOL_CLIENTS
    assert is_validated(facts)  # validated once when drawn; init read it without validating again


def _tamper(facts: Path, table: str, old: str, new: str, *, fix_checksum: bool) -> None:
    """Edit one table of a pool's facts in place, optionally rewriting its manifest checksum too."""
    path = facts / table
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if fix_checksum:
        manifest = json.loads((facts / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"][table]["sha256"] = sha256_file(path)
        (facts / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_generated_pool_is_validated_once_and_stamped(tmp_path: Path) -> None:
    pool = generate_pool(tmp_path / "pool", TINY_POOL)
    assert (pool.key / STAMP_FILE).is_file()
    assert mode(pool.key / STAMP_FILE) == 0o600
    assert not (pool.facts / STAMP_FILE).exists()  # nothing about it on the trainee side
    assert is_validated(pool.facts)
    assert load_checked(pool.facts).version == load_bank(pool.facts).version


@pytest.mark.parametrize("fix_checksum", [False, True], ids=["table-edited", "table-and-manifest-edited"])
def test_a_tampered_pool_is_validated_again_and_refused(tmp_path: Path, fix_checksum: bool) -> None:
    pool = generate_pool(tmp_path / "pool", TINY_POOL)
    header, first = (pool.facts / "clients.csv").read_text(encoding="utf-8").splitlines()[:2]
    employees = header.split(",").index("employees")
    value = first.split(",")[employees]
    row = first.split(",")
    row[employees] = "many"
    _tamper(pool.facts, "clients.csv", first, ",".join(row), fix_checksum=fix_checksum)
    assert value != "many" and not is_validated(pool.facts)
    with pytest.raises(BankValidationError, match=r"clients\.csv"):
        load_checked(pool.facts)
    exam_bank.cache_clear()
    with pytest.raises(BankValidationError):
        exam_bank(str(pool.facts))
    exam_bank.cache_clear()


def test_a_pool_drawn_while_init_goes_on_is_stamped_only_after_its_validation(tmp_path: Path) -> None:
    from grading.casegen.pool import drawing_pool

    with drawing_pool(tmp_path / "pool", TINY_POOL) as pool:
        assert not is_validated(pool.facts)  # validated on another core meanwhile
    assert is_validated(pool.facts)


def test_a_drawn_pool_that_fails_validation_is_refused_when_the_block_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grading.casegen.pool as pools

    draw = pools._draw

    def broken_draw(directory: Path, clients: int) -> ExamPool:
        pool = draw(directory, clients)
        first = (pool.facts / "clients.csv").read_text(encoding="utf-8").splitlines()[1]
        _tamper(pool.facts, "clients.csv", first, first.replace(",", ",,", 1), fix_checksum=True)
        return pool

    monkeypatch.setattr(pools, "_draw", broken_draw)
    with (
        pytest.raises(BankValidationError, match=r"clients\.csv"),
        pools.drawing_pool(tmp_path / "pool", TINY_POOL),
    ):
        pass
    assert not (tmp_path / "pool" / "key" / STAMP_FILE).exists()


def test_a_pool_without_a_stamp_is_validated_and_stamped_on_load(tmp_path: Path) -> None:
    pool = generate_pool(tmp_path / "pool", TINY_POOL)
    (pool.key / STAMP_FILE).unlink()
    assert not is_validated(pool.facts)
    load_checked(pool.facts)
    assert is_validated(pool.facts)
    (pool.key / STAMP_FILE).write_text("{}", encoding="utf-8")  # a stamp of other facts
    assert not is_validated(pool.facts)


def test_a_bank_that_is_not_a_pool_is_never_taken_as_validated() -> None:
    assert not is_validated(Path(load_bank().directory))
