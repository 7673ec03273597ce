"""A sitting's variants: assigned without shared clients, recorded on the assessor side.

When a trainee first needs a variant of an exam (roster import, release), it is drawn with
`grading.exams.variants.draw_variant`, avoiding every client another trainee already holds
for the same role, and recorded in ``KEY/variants/<exam>.json`` beside the exam pool's key
(readable by its owner only). Later draws never move a recorded variant, so adding a trainee
changes nobody else's exam. When a role's stratum runs out, the least-held client is reused
and the shortfall is reported. The grader reads the record by nbgrader's student id, so a
trainee cannot switch variants.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Final

import pandas as pd

from casebank.exam import Variant
from casebank.load import CaseBank
from casebank.manifest import dump_json
from grading.exams.forms import draw_forms, form_texts
from grading.exams.variants import Blueprint, VariantError, draw_variant

RECORDS_DIR: Final = "variants"
RECORD_MODE: Final = 0o600
RECORDS_DIR_MODE: Final = 0o700


def record_path(key_dir: Path, exam: str) -> Path:
    """Where the variants of ``exam`` drawn on the pool with key ``key_dir`` are recorded."""
    return key_dir / RECORDS_DIR / f"{exam}.json"


def read_record(key_dir: Path, exam: str) -> dict[str, Variant] | None:
    """The recorded variants of ``exam`` by trainee, or None when none were ever drawn.

    Raises:
        VariantError: the record is unreadable.
    """
    path = record_path(key_dir, exam)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(t): Variant.from_json(json.dumps(v)) for t, v in data.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise VariantError(
            f"{path}: unreadable variant record ({exc}); restore it from the course backup (trainees "
            "already work on these variants)."
        ) from None


def _write_record(key_dir: Path, exam: str, variants: dict[str, Variant]) -> None:
    path = record_path(key_dir, exam)
    path.parent.mkdir(mode=RECORDS_DIR_MODE, exist_ok=True)
    data = {t: json.loads(v.to_json()) for t, v in sorted(variants.items())}
    fd, tmp = tempfile.mkstemp(prefix=".variants-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump_json(data))
        os.chmod(tmp, RECORD_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def held_by_role(variants: dict[str, Variant], blueprint: Blueprint) -> dict[str, Counter[str]]:
    """Role name -> how many of ``variants`` hold each client for that role."""
    return {role.name: Counter(v.roles[role.name] for v in variants.values()) for role in blueprint.roles}


def assign_variants(
    exam: str,
    trainees: list[str],
    bank: CaseBank,
    truth: pd.DataFrame,
    blueprint: Blueprint,
    key_dir: Path,
) -> list[str]:
    """Draw and record a variant for each of ``trainees`` who has none yet.

    Returns:
        One message per role that had to reuse a client another trainee holds (empty when no
        two trainees share a client for a role).

    Raises:
        VariantError: a stratum is empty, or the record belongs to another bank version.
    """
    recorded = read_record(key_dir, exam) or {}
    stale = sorted(t for t, v in recorded.items() if v.bank_version != bank.version)
    if stale:
        raise VariantError(
            f"{record_path(key_dir, exam)}: variants of {', '.join(stale[:3])} were drawn from bank "
            f"{recorded[stale[0]].bank_version}, not {bank.version}; the exam pool was replaced after "
            "variants were handed out. Restore the pool from the course backup."
        )
    new = sorted(set(trainees) - set(recorded))
    if not new and recorded:
        return []
    held = held_by_role(recorded, blueprint)
    for trainee in new:
        recorded[trainee] = draw_variant(exam, trainee, bank, truth, blueprint, held)
        for role, client in recorded[trainee].roles.items():
            held[role][client] += 1
    _write_record(key_dir, exam, recorded)
    return shortfalls(exam, held)


def shortfalls(exam: str, held: dict[str, Counter[str]]) -> list[str]:
    """A message per role some client of which is held by more than one trainee."""
    out = []
    for role, counts in held.items():
        shared = sum(1 for n in counts.values() if n > 1)
        if shared:
            out.append(
                f"exam {exam}: the pool has too few clients for role {role!r}; {shared} client(s) are "
                "shared by several trainees. Create the course anew before releasing to grow its pool."
            )
    return out


def with_forms(variant: Variant) -> Variant:
    """The variant with a form for every fixed-text item.

    Records drawn before an item had forms get the deterministic draw, so grader and handout agree.
    """
    drawn = draw_forms(variant.exam, variant.trainee, variant.bank_version)
    if set(drawn) <= set(variant.forms):
        return variant
    return replace(variant, forms={**drawn, **variant.forms})


def trainee_view(variant: Variant, blueprint: Blueprint, facts: str = "") -> Variant:
    """The variant as the trainee's kernel sees it.

    Neutral role labels, where its facts are, and the texts of the trainee's forms of fixed-text
    items (never their keys).
    """
    labels = blueprint.labels()
    forms = with_forms(variant).forms
    return Variant(
        variant.exam,
        variant.trainee,
        variant.bank_version,
        variant.portfolio,
        {labels[name]: client for name, client in variant.roles.items()},
        facts,
        forms=dict(forms),
        form_texts=form_texts(variant.exam, forms),
    )
