"""A summary of the bank for `cmacademy casebank info`: counts only, never key data."""

from __future__ import annotations

from typing import Any

from casebank import vocab
from casebank.load import CaseBank


def _counts(values: Any, order: tuple[str, ...]) -> dict[str, int]:
    counts = values.value_counts()
    return {k: int(counts.get(k, 0)) for k in order if counts.get(k, 0)}


def bank_summary(bank: CaseBank) -> dict[str, Any]:
    """Return client counts overall and by industry, region, size and pool."""
    clients = bank.clients
    return {
        "bank_version": bank.version,
        "seed": bank.manifest["seed"],
        "as_of": bank.manifest["as_of"],
        "clients": len(clients),
        "industries": _counts(clients["industry"], tuple(vocab.INDUSTRIES)),
        "regions": _counts(clients["region"], tuple(vocab.REGIONS)),
        "sizes": _counts(clients["size"], vocab.SIZES),
        "pools": _counts(clients["pool"], vocab.POOLS),
        "rows": {name: len(frame) for name, frame in bank.tables.items()},
    }
