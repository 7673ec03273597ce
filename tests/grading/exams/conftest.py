from __future__ import annotations

from pathlib import Path

import pytest

from grading.casegen.pool import ExamPool, generate_pool
from grading.exams import variant_for
from grading.exams.variants import VariantError

#: A pool small enough to run out of clients for a role with a modest roster.
TINY_POOL = 40
#: Pools drawn before giving up on one whose every role has a client.
TINY_POOL_TRIES = 10


@pytest.fixture(scope="package")
def tiny_pool(tmp_path_factory: pytest.TempPathFactory) -> ExamPool:
    """A 40-client pool from a fresh secret seed in which every role of both exams has a client.

    So few clients sometimes leave a role's stratum empty (no variant can be drawn at all); the
    tests using this pool are about running short, so such a draw is replaced.
    """
    for _ in range(TINY_POOL_TRIES):
        # A new folder per draw: the exam pools' loads are cached by path.
        pool = generate_pool(tmp_path_factory.mktemp("tiny") / "pool", TINY_POOL)
        try:
            for exam in ("assoc", "senior"):
                variant_for(exam, "probe", str(pool.facts), str(pool.key))
        except VariantError:
            continue
        return pool
    raise AssertionError(f"no {TINY_POOL}-client pool with every role filled in {TINY_POOL_TRIES} draws")


@pytest.fixture
def fresh_key(tiny_pool: ExamPool, tmp_path: Path) -> str:
    """A copy of the tiny pool's key, so that each test records variants of its own."""
    import shutil

    key = tmp_path / "key"
    shutil.copytree(tiny_pool.key, key)
    return str(key)
