"""Practice exercises of the curriculum, built on the assessor side.

Each curriculum module has a module here (``m04_value.py`` ...) with a function
``exercises(bank) -> list[Exercise]`` that computes the right answer and typical mistakes with
the reference methods, for practice-set clients only. `build_checks` turns them into the
digest files that `casebank.selfcheck` reads; no expected value leaves this package in clear.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebank import vocab
from casebank.errors import CmAcademyError
from casebank.load import CaseBank
from casebank.manifest import dump_json
from casebank.selfcheck import CHECKS_DIR, KINDS, canonical, digest


@dataclass(frozen=True)
class Exercise:
    """One self-check exercise."""

    id: str
    """``mNN.name``; the notebook prints it next to the exercise."""
    kind: str
    """Answer kind: number, text, set, list or mapping."""
    answer: Any
    """The right answer, from the reference methods."""
    explanation: str
    """Why the right answer is right (shown on success), zh-CN."""
    hint: str
    """What to reconsider when the answer is wrong in an unforeseen way, zh-CN."""
    mistakes: list[tuple[Any, str]] = field(default_factory=list)
    """Typical wrong answers, each with the explanation shown when it is given."""
    decimals: int = 2
    """Rounding of numeric answers (half to even)."""
    clients: tuple[str, ...] = ()
    """Clients the exercise is about; all must be in the practice set."""


ExerciseFactory = Callable[[CaseBank], list[Exercise]]


def module_factories() -> dict[str, ExerciseFactory]:
    """Return curriculum module name (``m04``) -> its exercises function."""
    out: dict[str, ExerciseFactory] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("m") and info.name[1:3].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            out[info.name[:3]] = module.exercises
    return out


def _spec(bank: CaseBank, ex: Exercise) -> dict[str, Any]:
    if ex.kind not in KINDS:
        raise CmAcademyError(f"exercise {ex.id}: unknown kind {ex.kind!r}")
    pools = dict(zip(bank.clients["client_id"].astype(str), bank.clients["pool"].astype(str), strict=True))
    leaked = [c for c in ex.clients if pools.get(c) != vocab.POOL_PRACTICE]
    if leaked:
        raise CmAcademyError(f"exercise {ex.id}: clients {leaked} are not in the practice set")
    right = canonical(ex.kind, ex.answer, decimals=ex.decimals, exercise=ex.id)
    mistakes = {}
    for wrong, why in ex.mistakes:
        text = canonical(ex.kind, wrong, decimals=ex.decimals, exercise=ex.id)
        if text == right:
            raise CmAcademyError(f"exercise {ex.id}: typical mistake {wrong!r} equals the right answer")
        mistakes[digest(ex.id, text)] = why
    return {
        "kind": ex.kind,
        "decimals": ex.decimals,
        "accept": [digest(ex.id, right)],
        "mistakes": mistakes,
        "explanation": ex.explanation,
        "hint": ex.hint,
    }


def build_checks(bank: CaseBank, out_dir: Path = CHECKS_DIR, modules: list[str] | None = None) -> list[Path]:
    """Write one digest file per curriculum module; return the files written.

    Args:
        bank: the case bank the exercises are computed on.
        out_dir: where the digest files go (the trainee-side ``casebank/practice``).
        modules: only these modules (``["m04"]``); all by default.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    factories = module_factories()
    unknown = sorted(set(modules or []) - set(factories))
    if unknown:
        raise CmAcademyError(f"no exercises module for {unknown}; known: {sorted(factories)}")
    for name, factory in factories.items():
        if modules is not None and name not in modules:
            continue
        exercises = factory(bank)
        ids = [e.id for e in exercises]
        if len(ids) != len(set(ids)):
            raise CmAcademyError(f"module {name}: duplicate exercise ids")
        doc = {
            "module": name,
            "bank_version": bank.version,
            "exercises": {e.id: _spec(bank, e) for e in exercises},
        }
        path = out_dir / f"{name}.json"
        path.write_text(dump_json(doc), encoding="utf-8")
        written.append(path)
    return written
