from __future__ import annotations

from pathlib import Path

import pytest

from grading.casegen.pool import ExamPool, generate_pool

#: A pool small enough to run out of clients for a role with a modest roster.
TINY_POOL = 40


@pytest.fixture(scope="package")
def tiny_pool(tmp_path_factory: pytest.TempPathFactory) -> ExamPool:
    return generate_pool(tmp_path_factory.mktemp("tiny") / "pool", TINY_POOL)


@pytest.fixture
def fresh_key(tiny_pool: ExamPool, tmp_path: Path) -> str:
    """A copy of the tiny pool's key, so that each test records variants of its own."""
    import shutil

    key = tmp_path / "key"
    shutil.copytree(tiny_pool.key, key)
    return str(key)
