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
      key/          mode 0700: truth.csv and key_manifest.json (with the seed), mode 0600;
                    validated.json, the stamp of the facts that passed validation

A pool is validated once, when it is generated (or on its first load if it has no stamp yet);
later loads (`load_checked`) skip the validation only when the stamp still matches the facts'
manifest and every file still has the manifest's checksum, so an edited pool is validated, and
refused, again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import casebank
from casebank.errors import BankValidationError, CmAcademyError
from casebank.load import CaseBank, load_bank
from casebank.manifest import dump_json, read_manifest, sha256_file
from casebank.schema import MANIFEST_FILE, SCHEMA_VERSION
from casebank.validate import collect_problems, validate_bank
from grading.casegen.bank import KEY_MANIFEST, generate_bank
from grading.spawning import main_script_hidden

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
#: The key directory's record that the pool's facts passed validation.
STAMP_FILE: Final = "validated.json"


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
        BankValidationError: the drawn pool does not pass validation.
    """
    pool = _draw(directory, clients)
    validate_bank(pool.facts)
    stamp_validated(pool.facts)
    return pool


@contextmanager
def drawing_pool(directory: Path, clients: int = DEFAULT_POOL_CLIENTS) -> Iterator[ExamPool]:
    """Generate a pool as `generate_pool` does, validating it in another process meanwhile.

    The block runs while the pool is validated on another core (about 40 % of drawing a pool);
    it gets the pool's directories but must not read them as validated yet. Leaving the block
    waits for the validation, then stamps the pool.

    Raises:
        BankError: the generator could not draw the pool.
        BankValidationError: on leaving the block, when the drawn pool does not pass validation.
    """
    pool = _draw(directory, clients)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as checker:
        with main_script_hidden():
            checked = checker.submit(collect_problems, pool.facts)  # starts the worker
        yield pool
        problems = checked.result()
    if problems:
        raise BankValidationError(str(pool.facts), problems)
    stamp_validated(pool.facts)


def _draw(directory: Path, clients: int) -> ExamPool:
    """Generate a pool's facts and key from a fresh secret seed and make them private (unvalidated)."""
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


def _fingerprint(facts: Path) -> dict[str, Any] | None:
    """What a validated pool's stamp records: the facts manifest's hash; None when unreadable.

    Only the manifest is hashed here; the files it lists are compared with their recorded
    checksums by `_files_match`, so a changed table with an unchanged manifest is also noticed.
    """
    try:
        manifest = (facts / MANIFEST_FILE).read_bytes()
    except OSError:
        return None
    return {
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "validator": f"{casebank.__version__}/{SCHEMA_VERSION}/{_validator_digest()}",
    }


@functools.cache
def _validator_digest() -> str:
    """A hash of the validation rules' code: a stamp made under other rules does not count."""
    import casebank.validate
    import casebank.validate_dates

    digest = hashlib.sha256()
    for module in (casebank.validate, casebank.validate_dates):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _files_match(facts: Path) -> bool:
    """Whether every table the facts manifest lists still has its recorded checksum."""
    try:
        files = read_manifest(facts)["files"]
        return all(sha256_file(facts / name) == entry["sha256"] for name, entry in files.items())
    except (OSError, CmAcademyError, KeyError, TypeError):
        return False


def _stamp_path(facts: Path) -> Path | None:
    """Where the validation stamp of the pool whose facts are ``facts`` lives (None: not a pool)."""
    key = facts.parent / KEY_DIR
    if facts.name != FACTS_DIR or not (key / KEY_MANIFEST).is_file():
        return None
    return key / STAMP_FILE


def stamp_validated(facts: Path) -> None:
    """Record in the pool's key directory that its facts, as they are now, passed validation.

    Call only right after `casebank.validate.validate_bank` passed on ``facts``. A no-op for a
    bank that is not laid out as a pool (no ``key/`` beside ``facts/``).
    """
    stamp, fingerprint = _stamp_path(facts), _fingerprint(facts)
    if stamp is None or fingerprint is None:
        return
    staged = stamp.with_name(f".{STAMP_FILE}.{os.getpid()}")
    staged.write_text(dump_json(fingerprint), encoding="utf-8")
    staged.chmod(PRIVATE_FILE)
    os.replace(staged, stamp)


def is_validated(facts: Path) -> bool:
    """Whether the pool's facts are exactly those its stamp says passed validation.

    True only when the stamp matches the current facts manifest and every listed file still has
    the manifest's checksum (a few milliseconds of hashing, no parsing); anything else, such as
    an edited table or manifest, a missing or unreadable stamp, or a bank that is not a pool,
    means the facts must be validated again.
    """
    stamp = _stamp_path(facts)
    if stamp is None:
        return False
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == _fingerprint(facts) and _files_match(facts)


def load_checked(facts: Path) -> CaseBank:
    """Load a bank, validating it unless it is a pool whose stamp matches its facts.

    A bank validated here that is laid out as a pool gets its stamp, so later loads skip it.

    Raises:
        BankValidationError: the bank has problems.
    """
    if is_validated(facts):
        return load_bank(facts, validate=False)
    bank = load_bank(facts, validate=True)
    stamp_validated(facts)
    return bank
