"""Per-trainee exam variants drawn from matched strata of the exam pool.

A draw is a deterministic function of (exam, trainee id, bank version) and of the clients
other trainees already hold for each role (`grading.exams.assign` records a sitting's draws so
that no two trainees share a client for a role while the stratum allows). A trainee cannot
pick another variant because the grader looks it up by nbgrader's student id. Each role of an
exam is filled from its own stratum, defined on the assessor side (it may use the key), so
every variant asks the same questions about clients of the same kind: comparable difficulty
by construction. Trainees see roles under neutral labels (``A``, ``B``, ...), never the
stratum's name.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from casebank import vocab
from casebank.errors import CmAcademyError
from casebank.exam import Variant
from casebank.load import CaseBank
from grading.exams.forms import draw_forms
from grading.keys import split_codes
from grading.methods import portfolio as key_accounts
from grading.methods.information import stale_key_people

LARGE: Final = ("大型", "中型")
#: Exam pools joined with their key, per (bank version, key table): drawing many variants reuses one.
_POOLS: dict[tuple[str, int], pd.DataFrame] = {}
_EXTENDED: dict[tuple[str, int, int], pd.DataFrame] = {}


class VariantError(CmAcademyError):
    """A variant cannot be drawn (a stratum is too small or the exam is unknown)."""


Stratum = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Role:
    """One client a set of questions is about, drawn from a stratum."""

    name: str
    """Role name on the assessor side (says what the stratum is; never shown to trainees)."""
    label: str
    """Neutral label trainees use in the notebook (``exam.role("A")``); hints at nothing."""
    stratum: Stratum
    """Boolean mask over the exam pool's clients (joined with the key)."""


@dataclass(frozen=True)
class Blueprint:
    """How an exam's portfolio is drawn."""

    roles: tuple[Role, ...]
    """Clients that questions refer to, each from its own stratum."""
    large: int
    """Further large or medium clients in the portfolio."""
    small: int
    """Further small or micro clients in the portfolio."""
    columns: Callable[[CaseBank, pd.DataFrame], pd.DataFrame] | None = None
    """Extra pool columns this exam's strata need, computed from the bank and the pool (index: client id)."""

    def labels(self) -> dict[str, str]:
        """Role name -> the neutral label trainees see."""
        return {role.name: role.label for role in self.roles}


def _seed(exam: str, trainee: str, bank_version: str) -> int:
    return int(hashlib.sha256(f"{exam}|{trainee}|{bank_version}".encode()).hexdigest()[:16], 16)


def exam_pool(bank: CaseBank, truth: pd.DataFrame) -> pd.DataFrame:
    """The exam-pool clients joined with their key, sorted by client id."""
    pool = bank.clients[bank.clients["pool"] == vocab.POOL_EXAM].set_index("client_id")
    pool = pool.join(truth, how="left")
    pool["n_signals"] = pool["churn_signals"].map(lambda v: len(split_codes(v)))
    pool["n_latent"] = pool["latent_needs"].map(lambda v: len(split_codes(v)))
    pool["n_stated"] = pool["stated_needs"].map(lambda v: len(split_codes(v)))
    pool["large"] = pool["size"].isin(LARGE)
    pool = pool.join(key_accounts.portfolio(bank)[["attractiveness", "position"]])
    stale = stale_key_people(bank)["client_id"].astype(str).value_counts()
    pool["n_stale"] = stale.reindex(pool.index).fillna(0).astype(int)
    return pool.sort_index()


def _pool(bank: CaseBank, truth: pd.DataFrame) -> pd.DataFrame:
    key = (bank.version, id(truth))
    if key not in _POOLS:
        _POOLS[key] = exam_pool(bank, truth)
    return _POOLS[key]


def _exam_pool(bank: CaseBank, truth: pd.DataFrame, blueprint: Blueprint) -> pd.DataFrame:
    """The pool joined with the blueprint's extra columns, once per (bank version, key, blueprint)."""
    pool = _pool(bank, truth)
    if blueprint.columns is None:
        return pool
    key = (bank.version, id(truth), id(blueprint))
    if key not in _EXTENDED:
        _EXTENDED[key] = pool.join(blueprint.columns(bank, pool))
    return _EXTENDED[key]


def stratum_sizes(bank: CaseBank, truth: pd.DataFrame, blueprint: Blueprint) -> dict[str, int]:
    """Role name -> how many exam-pool clients its stratum holds."""
    pool = _exam_pool(bank, truth, blueprint)
    return {role.name: int(role.stratum(pool).sum()) for role in blueprint.roles}


def draw_variant(
    exam: str,
    trainee: str,
    bank: CaseBank,
    truth: pd.DataFrame,
    blueprint: Blueprint,
    used: Mapping[str, Counter[str]] | None = None,
) -> Variant:
    """Draw one trainee's variant.

    Args:
        exam: exam id.
        trainee: trainee id (seeds the draw).
        bank: the exam pool's bank.
        truth: its key.
        blueprint: the exam's blueprint.
        used: role name -> how many other trainees hold each client for that role; a role is
            filled from the clients held least often (nobody, while the stratum allows).

    Raises:
        VariantError: a stratum has no client left to draw.
    """
    rng = random.Random(_seed(exam, trainee, bank.version))
    pool = _exam_pool(bank, truth, blueprint)
    taken: list[str] = []
    roles: dict[str, str] = {}
    for role in blueprint.roles:
        candidates = [c for c in pool.index[role.stratum(pool)] if c not in taken]
        if not candidates:
            raise VariantError(f"exam {exam}: stratum of role {role.name!r} is empty in bank {bank.version}")
        held = (used or {}).get(role.name, Counter())
        fewest = min(held[c] for c in candidates)
        roles[role.name] = rng.choice([c for c in candidates if held[c] == fewest])
        taken.append(roles[role.name])
    for want, large in ((blueprint.large, True), (blueprint.small, False)):
        candidates = [c for c in pool.index[pool["large"] == large] if c not in taken]
        if len(candidates) < want:
            raise VariantError(f"exam {exam}: not enough {'large' if large else 'small'} clients in the pool")
        taken += rng.sample(candidates, want)
    portfolio = sorted(taken)
    rng.shuffle(portfolio)
    forms = draw_forms(exam, trainee, bank.version)
    return Variant(exam, trainee, bank.version, tuple(portfolio), roles, forms=forms)
