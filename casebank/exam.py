"""The trainee's side of an exam: which clients are mine, and handing in answers.

Inside an exam notebook::

    from casebank.exam import ExamSession
    exam = ExamSession.start("assoc")
    exam.clients               # my portfolio of exam-pool clients
    exam.role("A")             # the client a question is about (labels are neutral)

The variant (which clients) is chosen on the assessor side for the sitting. A kernel finds
only its own variant:

- while grading, from ``CMACADEMY_VARIANT``, set by the grader for the submission's nbgrader
  student id (the facts are the course's exam pool, bound read-only into the sandbox);
- while the trainee works, from the trainee's own handout ``~/.cmacademy/exams/<exam>/``:
  ``variant.json`` and ``bank/``, the facts of the trainee's portfolio only. JupyterHub puts it
  in the trainee's home (readable by the trainee alone); the release shared by all trainees
  carries no variant.

`ExamSession.submit` only *reports* an answer as plain data in the cell's output. Whether it
is right is decided by the grader outside this kernel; nothing here knows any expected value.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from casebank.errors import CmAcademyError
from casebank.load import CaseBank, load_bank
from casebank.progress import record_exam_started

ANSWER_MIME: Final = "application/vnd.cmacademy.answer+json"
ENV_VARIANT: Final = "CMACADEMY_VARIANT"
ENV_TRAINEE: Final = "CMACADEMY_TRAINEE"
ENV_HUB_USER: Final = "JUPYTERHUB_USER"
#: Where a trainee's handouts live, under their home directory: ``<exam>/variant.json`` and ``<exam>/bank/``.
HANDOUT_HOME: Final = Path(".cmacademy") / "exams"
HANDOUT_VARIANT: Final = "variant.json"
HANDOUT_BANK: Final = "bank"


class ExamSessionError(CmAcademyError):
    """The exam cannot find the trainee's variant, or an answer cannot be handed in."""


@dataclass(frozen=True)
class Variant:
    """Which clients one trainee's exam works on."""

    exam: str
    """Exam id (nbgrader assignment name)."""
    trainee: str
    """Trainee id (nbgrader student id)."""
    bank_version: str
    """Version of the case bank the variant was drawn from."""
    portfolio: tuple[str, ...]
    """Client ids of the trainee's portfolio, in the order shown."""
    roles: Mapping[str, str] = field(default_factory=dict)
    """Role label (``A``, ``B``, ...; the grader's own names on the assessor side) -> client id."""
    facts: str = ""
    """Directory of the case-bank facts the variant was drawn from; empty for the shipped bank
    (or, in a handout, for the ``bank/`` beside ``variant.json``)."""
    forms: Mapping[str, str] = field(default_factory=dict)
    """Question -> the parallel form of each fixed-text item this trainee got."""
    form_texts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Question -> that form's text and options (trainee's view only; never a key)."""

    def to_json(self) -> str:
        """Serialise for the environment or a handout's ``variant.json``."""
        return json.dumps(
            {
                "exam": self.exam,
                "trainee": self.trainee,
                "bank_version": self.bank_version,
                "portfolio": list(self.portfolio),
                "roles": dict(self.roles),
                "facts": self.facts,
                "forms": dict(self.forms),
                "form_texts": {q: dict(t) for q, t in self.form_texts.items()},
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Variant:
        """Parse what `to_json` wrote."""
        try:
            data = json.loads(text)
            return cls(
                exam=str(data["exam"]),
                trainee=str(data["trainee"]),
                bank_version=str(data["bank_version"]),
                portfolio=tuple(str(c) for c in data["portfolio"]),
                roles={str(k): str(v) for k, v in data["roles"].items()},
                facts=str(data.get("facts") or ""),
                forms={str(k): str(v) for k, v in (data.get("forms") or {}).items()},
                form_texts={str(k): dict(v) for k, v in (data.get("form_texts") or {}).items()},
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ExamSessionError(
                f"malformed exam variant ({exc}); ask your trainer to re-release the exam."
            ) from None


def _hub_user() -> str | None:
    for name in (ENV_TRAINEE, ENV_HUB_USER):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def handout_dir(exam: str, home: Path | None = None) -> Path:
    """The folder of a trainee's handout of ``exam`` (under ``home``, default: the user's home)."""
    return (home or Path.home()) / HANDOUT_HOME / exam


def resolve_variant(exam: str, home: Path | None = None) -> tuple[Variant, Path | None]:
    """Find this kernel's variant of ``exam`` and the directory of its facts (None: shipped bank).

    Raises:
        ExamSessionError: no variant for this kernel, a malformed one, or one for someone else.
    """
    from_env = os.environ.get(ENV_VARIANT)
    if from_env:
        variant = Variant.from_json(from_env)
        facts = Path(variant.facts) if variant.facts else None
    else:
        folder = handout_dir(exam, home)
        path = folder / HANDOUT_VARIANT
        if not path.is_file():
            raise ExamSessionError(
                f"{path}: no exam variant for you yet. On JupyterHub, stop and start your server "
                "(File > Hub Control Panel) after your trainer released the exam; otherwise ask "
                "your trainer for your exam handout."
            )
        variant = Variant.from_json(path.read_text(encoding="utf-8"))
        facts = folder / HANDOUT_BANK
        user = _hub_user()
        if user is not None and user != variant.trainee:
            raise ExamSessionError(
                f"{path}: this handout is for trainee {variant.trainee!r}, not {user!r}; ask your trainer."
            )
    if variant.exam != exam:
        raise ExamSessionError(f"this variant is for exam {variant.exam!r}, not {exam!r}.")
    return variant, facts


def _plain(value: Any) -> Any:
    """Turn an answer into plain JSON data (sets become sorted lists)."""
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(str(_plain(v)) for v in value)
    if isinstance(value, list | tuple | pd.Index | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True)
class ExamItem:
    """One fixed-text item as this trainee's form states it."""

    question: str
    text: str
    """Markdown: the scenario and the task."""
    options: Mapping[str, str]
    """Option label -> option text (empty for open answers)."""
    form: str = ""
    """Id of the parallel form this trainee got."""

    def _repr_markdown_(self) -> str:
        lines = [self.text, ""]
        lines += [f"- **{label}**. {option}" for label, option in self.options.items()]
        return "\n".join(lines).strip() + "\n"

    def __str__(self) -> str:
        return "\n".join([self.text, *(f"{label}. {option}" for label, option in self.options.items())])


@dataclass
class ExamSession:
    """One trainee's exam: the variant's clients and the hand-in of answers."""

    variant: Variant
    """Which clients this exam works on."""
    bank: CaseBank = field(repr=False)
    """The whole case bank (facts only)."""

    @classmethod
    def start(cls, exam: str, bank_dir: Path | str | None = None) -> ExamSession:
        """Open the exam for the trainee this kernel runs for.

        While the trainee works (not while grading), opening the exam is recorded in their
        progress file: the first such event after their previous sitting is the sitting's start,
        against which `certify` measures the level's time limit.
        """
        variant, facts = resolve_variant(exam)
        if not os.environ.get(ENV_VARIANT):
            record_exam_started(exam)
        bank = load_bank(bank_dir or facts, validate=False)
        if bank.version != variant.bank_version:
            raise ExamSessionError(
                f"the exam was drawn from case bank {variant.bank_version}, this kernel has "
                f"{bank.version}; ask your trainer to re-release the exam."
            )
        return cls(variant, bank)

    @property
    def trainee(self) -> str:
        """The trainee id."""
        return self.variant.trainee

    def role(self, name: str) -> str:
        """Return the client id a question refers to (by the label the question gives: ``A``, ``B`` ...)."""
        if name not in self.variant.roles:
            raise ExamSessionError(f"no client for role {name!r}; roles: {', '.join(self.variant.roles)}")
        return self.variant.roles[name]

    def item(self, question: str) -> ExamItem:
        """The trainee's form of a fixed-text item (scenario, task and options), shown as Markdown."""
        text = self.variant.form_texts.get(question)
        if text is None:
            known = ", ".join(sorted(self.variant.form_texts)) or "none"
            raise ExamSessionError(f"no fixed-text item {question!r} in this exam; items: {known}")
        options = {str(k): str(v) for k, v in dict(text.get("options", {})).items()}
        return ExamItem(question, str(text.get("text", "")), options, str(text.get("form", "")))

    def revenue(self) -> pd.Series:
        """Our bank's revenue (万元, 2 decimals) from each portfolio client, in portfolio order.

        The sum of the client's holdings' ``revenue_wan``, closed products included: a helper for
        items that do not test this sum.
        """
        held = self.table("holdings").groupby("client_id")["revenue_wan"].sum().round(2)
        return held.reindex(list(self.variant.portfolio)).fillna(0.0).rename("revenue_wan")

    def notes_of(self, client_id: str) -> str:
        """All visit notes about one client, oldest first, one per line (date, then text)."""
        notes = self.table("notes")
        rows = notes[notes["client_id"] == client_id]
        if "date" in rows.columns:
            rows = rows.sort_values("date")
        return "\n".join(f"{getattr(r, 'date', '')} {r.text}".strip() for r in rows.itertuples())

    def table(self, name: str) -> pd.DataFrame:
        """Rows of a bank table about the portfolio's clients (reference tables whole)."""
        frame = self.bank.tables[name]
        if "client_id" not in frame.columns:
            return frame
        rows = self.bank.rows_about(name, self.variant.portfolio)
        if name == "clients":
            order = {c: i for i, c in enumerate(self.variant.portfolio)}
            rows = rows.sort_values("client_id", key=lambda s: s.map(order))
        return rows.reset_index(drop=True)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in {"variant", "bank"} or name.startswith("_"):
            raise AttributeError(name)
        if name in self.bank.tables:
            return self.table(name)
        raise AttributeError(name)

    @property
    def as_of(self) -> pd.Timestamp:
        """The date the bank's facts are stated at."""
        return self.bank.as_of

    def submit(self, question: str, answer: Any) -> None:
        """Hand in an answer: display it as plain data for the grader to judge."""
        from IPython.display import display

        payload = {"question": question, "trainee": self.trainee, "answer": _plain(answer)}
        display({ANSWER_MIME: payload, "text/plain": f"已提交 {question}"}, raw=True)
