"""Practice exercises of the curriculum, built on the assessor side.

Each curriculum module has a module here (``m04_value.py`` ...) with a function
``exercises(bank) -> list[Exercise]`` that computes the right answer and typical mistakes with
the reference methods, for practice-set clients only. `build_checks` turns them into the
digest files that `casebank.selfcheck` reads; no expected value leaves this package in clear.

How a module writes an exercise about the trainee's drawn client (see `casebank.practice_pool`)::

    Exercise(
        id="m04.revenue", kind="number", decimals=2, unit=UNIT_WAN,
        explanation="正确。……（the method, never the value）", hint="……",
        cases={cid: Case(answer=..., mistakes=[(wrong, "why it is wrong")]) for cid in drawable},
    )

``cases`` holds one `Case` per practice client the trainee may be drawn; the module's drawable
clients are those every per-client exercise of the module covers (`drawable`, minus the worked
example's client). An exercise without ``cases`` has one ``answer`` for everyone (e.g. about the
whole pool). The build adds generic slips on the right value (sign, rounding, unit, order; see
`grading.practice.slips`) and refuses an explanation, hint or mistake text that states an answer.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebank import vocab
from casebank.errors import CmAcademyError
from casebank.load import CaseBank
from casebank.manifest import dump_json
from casebank.selfcheck import CHECKS_DIR, FORMAT, KINDS, SHARED, canonical, digest
from grading.practice.slips import UNITS, derived_slips, leaked_answer, number_accepts

#: Fewest clients a module may offer for drawing: enough that neighbours rarely share one.
MIN_DRAWABLE = 10


@dataclass(frozen=True)
class Case:
    """The answer of one exercise for one drawn client."""

    answer: Any
    """The right answer, from the reference methods."""
    mistakes: list[tuple[Any, str]] = field(default_factory=list)
    """Typical wrong answers for this client, each with the text shown when it is given."""


@dataclass(frozen=True)
class Exercise:
    """One self-check exercise."""

    id: str
    """``mNN.name``; the notebook prints it next to the exercise."""
    kind: str
    """Answer kind: number, text, set, list or mapping."""
    answer: Any
    """The right answer for everyone (``None`` when the exercise has ``cases``)."""
    explanation: str
    """Why the right answer is right (shown on success), zh-CN; states the method, never a value."""
    hint: str
    """What to reconsider when the answer is wrong in an unforeseen way, zh-CN."""
    mistakes: list[tuple[Any, str]] = field(default_factory=list)
    """Typical wrong answers (for everyone), each with the explanation shown when it is given."""
    decimals: int = 2
    """Decimals of numeric answers: right when the answer rounds (half up) to the key there."""
    clients: tuple[str, ...] = ()
    """Clients the exercise is about; all must be in the practice set."""
    cases: Mapping[str, Case] = field(default_factory=dict)
    """Per drawn client: its answer and mistakes (empty for an exercise shared by everyone)."""
    unit: str = ""
    """For numbers: ``万元``, ``%`` or ``ratio`` (0–1), for unit slips; empty for counts and scores."""
    keys: tuple[str, ...] = ()
    """For mappings: the keys the exercise states (public), checked before the values."""
    item_pattern: str = ""
    """For sets and lists: a regular expression every item must match (a public format)."""
    item_example: str = ""
    """An item in that format, shown when an item does not match."""
    choices: tuple[str, ...] = ()
    """For text answers: the public options (``第一种`` ...); an answer outside them is a format slip,
    and feedback may name every option without stating the answer."""

    def answer_for(self, client: str = SHARED) -> Any:
        """The right answer for a drawn client (or the shared answer)."""
        return self.cases[client].answer if self.cases else self.answer

    def mistakes_for(self, client: str = SHARED) -> list[tuple[Any, str]]:
        """The typical mistakes for a drawn client (or the shared ones) that the check tells apart.

        For a drawn client, a mistake that gives the right answer (or the same wrong answer as an
        earlier mistake) is left out: for that client the slip makes no difference.
        """
        if not self.cases:
            return self.mistakes
        right = self._accepted(client)
        seen: set[str] = set()
        out = []
        for wrong, why in self.cases[client].mistakes:
            text = canonical(self.kind, wrong, decimals=self.decimals, exercise=self.id)
            if text not in right and text not in seen:
                seen.add(text)
                out.append((wrong, why))
        return out

    def _accepted(self, client: str) -> set[str]:
        right_value = self.answer_for(client)
        if self.kind == "number":
            return number_accepts(right_value, self.decimals)
        return {canonical(self.kind, right_value, decimals=self.decimals, exercise=self.id)}


ExerciseFactory = Callable[[CaseBank], list[Exercise]]


def module_factories() -> dict[str, ExerciseFactory]:
    """Return curriculum module name (``m04``) -> its exercises function."""
    out: dict[str, ExerciseFactory] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("m") and info.name[1:3].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            out[info.name[:3]] = module.exercises
    return out


def practice_ids(bank: CaseBank) -> list[str]:
    """The practice-set client ids, sorted."""
    return sorted(bank.clients.loc[bank.clients["pool"] == vocab.POOL_PRACTICE, "client_id"].astype(str))


def drawable(
    bank: CaseBank, *, exclude: tuple[str, ...] = (), where: Callable[[str], bool] | None = None
) -> list[str]:
    """Practice clients an exercise can be drawn for: not a worked example, and ``where`` holds."""
    return [c for c in practice_ids(bank) if c not in exclude and (where is None or where(c))]


def _check_clients(bank: CaseBank, ex: Exercise) -> None:
    pools = dict(zip(bank.clients["client_id"].astype(str), bank.clients["pool"].astype(str), strict=True))
    leaked = [c for c in (*ex.clients, *ex.cases) if pools.get(c) != vocab.POOL_PRACTICE]
    if leaked:
        raise CmAcademyError(f"exercise {ex.id}: clients {leaked[:5]} are not in the practice set")


def _answers(ex: Exercise, client: str, messages: list[str]) -> dict[str, Any]:
    """Digests of one client's right answer, its mistakes and the generic slips on it."""
    right_value = ex.answer_for(client)
    accept = ex._accepted(client)
    named: dict[str, str] = {}
    for wrong, why in ex.mistakes_for(client):
        text = canonical(ex.kind, wrong, decimals=ex.decimals, exercise=ex.id)
        if ex.choices and text not in ex.choices:
            raise CmAcademyError(
                f"exercise {ex.id}: typical mistake {wrong!r} is not among the choices, so its text is never shown"
            )
        if text in accept:
            raise CmAcademyError(
                f"exercise {ex.id} ({client or 'shared'}): typical mistake {wrong!r} equals the right answer"
            )
        named.setdefault(text, why)
    for text, why in derived_slips(ex.kind, right_value, ex.decimals, ex.unit).items():
        if text not in accept:
            named.setdefault(text, why)  # a module's named mistake is more specific than a slip
    for why in named.values():
        if why not in messages:
            messages.append(why)
    return {
        "accept": sorted(digest(ex.id, a, client) for a in accept),
        "mistakes": {digest(ex.id, t, client): messages.index(w) for t, w in sorted(named.items())},
    }


def exercise_spec(ex: Exercise) -> dict[str, Any]:
    """The self-check entry of one exercise, as `casebank.selfcheck` reads it (digests only).

    Raises:
        CmAcademyError: unknown kind or unit, a mistake equal to the right answer, or a
            feedback text that states an answer.
    """
    if ex.kind not in KINDS:
        raise CmAcademyError(f"exercise {ex.id}: unknown kind {ex.kind!r}")
    if ex.unit not in UNITS:
        raise CmAcademyError(f"exercise {ex.id}: unknown unit {ex.unit!r}; expected one of {UNITS}")
    messages: list[str] = []
    clients = sorted(ex.cases) if ex.cases else [SHARED]
    answers = {c: _answers(ex, c, messages) for c in clients}
    for client in clients:
        key = ex.answer_for(client)
        if ex.kind == "text" and str(key).strip() in ex.choices:
            continue  # naming every option states no answer
        stated = leaked_answer(ex.kind, key, ex.decimals, [ex.explanation, ex.hint, *messages])
        if stated:
            raise CmAcademyError(
                f"exercise {ex.id} ({client or 'shared'}): a feedback text states the answer {stated!r}"
            )
    spec: dict[str, Any] = {
        "kind": ex.kind,
        "decimals": ex.decimals,
        "explanation": ex.explanation,
        "hint": ex.hint,
        "messages": messages,
        "answers": answers,
    }
    for name, value in (
        ("unit", ex.unit),
        ("keys", list(ex.keys)),
        ("item_pattern", ex.item_pattern),
        ("item_example", ex.item_example),
        ("choices", list(ex.choices)),
    ):
        if value:
            spec[name] = value
    return spec


def _spec(bank: CaseBank, ex: Exercise) -> dict[str, Any]:
    _check_clients(bank, ex)
    return exercise_spec(ex)


def module_clients(module: str, exercises: list[Exercise]) -> list[str]:
    """The clients a trainee can be drawn in a module: those every per-client exercise covers."""
    per_client = [set(e.cases) for e in exercises if e.cases]
    if not per_client:
        return []
    common = sorted(set.intersection(*per_client))
    if len(common) < MIN_DRAWABLE:
        raise CmAcademyError(
            f"module {module}: only {len(common)} clients are covered by every per-client exercise "
            f"(need {MIN_DRAWABLE}); widen the exercises' conditions"
        )
    return common


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
            "format": FORMAT,
            "bank_version": bank.version,
            "clients": module_clients(name, exercises),
            "exercises": {e.id: _spec(bank, e) for e in exercises},
        }
        path = out_dir / f"{name}.json"
        path.write_text(dump_json(doc), encoding="utf-8")
        written.append(path)
    return written
