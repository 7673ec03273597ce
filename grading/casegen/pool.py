"""A course's secret exam pool: a case bank drawn from a seed that exists only on the assessor side.

The canonical bank shipped with casebank is public and reproducible from its published seed, so
it is the practice bank. An exam pool is generated with the same generator (same blueprint,
same trap structure per client, hence comparable difficulty by construction) from
``secrets.randbits(64)``. The seed is written only into the key's manifest, never into the
facts, so nothing a trainee can read reproduces the pool or its key.

Layout of a pool directory (made private to its owner)::

    POOL/           mode 0700
      facts/        the pool's facts (all clients in the exam pool), readable: the grading
                    sandbox binds it read-only, and trainees get subsets of it
      key/          mode 0700: truth.csv and key_manifest.json (with the seed), mode 0600
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from grading.casegen.bank import generate_bank

FACTS_DIR: Final = "facts"
KEY_DIR: Final = "key"
#: Bits of a pool's secret seed.
SEED_BITS: Final = 64
#: Clients of a pool made before the roster is known (the course grows it for a large roster).
DEFAULT_POOL_CLIENTS: Final = 240
PRIVATE_DIR: Final = 0o700
PRIVATE_FILE: Final = 0o600
READABLE_DIR: Final = 0o755
READABLE_FILE: Final = 0o644


@dataclass(frozen=True)
class ExamPool:
    """Where one exam pool's facts and key are."""

    facts: Path
    """The pool's facts (trainee-side data, no truths)."""
    key: Path
    """The pool's assessor key (truths and the secret seed)."""


def pool_dirs(directory: Path) -> ExamPool:
    """The facts and key directories of the pool at ``directory`` (whether or not made yet)."""
    return ExamPool(directory / FACTS_DIR, directory / KEY_DIR)


def _chmod_tree(directory: Path, dir_mode: int, file_mode: int) -> None:
    directory.chmod(dir_mode)
    for path in directory.rglob("*"):
        path.chmod(dir_mode if path.is_dir() else file_mode)


def generate_pool(directory: Path, clients: int = DEFAULT_POOL_CLIENTS) -> ExamPool:
    """Generate an exam pool of ``clients`` clients from a fresh secret seed into ``directory``.

    An existing pool there is replaced whole (the generator writes to a temporary folder first,
    so a failure leaves the old pool as it was).

    Raises:
        BankError: the generator could not draw the pool (see `grading.casegen.generate_bank`).
    """
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(directory, PRIVATE_DIR)
    pool = pool_dirs(directory)
    generate_bank(
        pool.facts,
        pool.key,
        seed=secrets.randbits(SEED_BITS),
        clients=clients,
        practice_share=0.0,
        publish_seed=False,
    )
    _chmod_tree(pool.facts, READABLE_DIR, READABLE_FILE)
    _chmod_tree(pool.key, PRIVATE_DIR, PRIVATE_FILE)
    return pool
