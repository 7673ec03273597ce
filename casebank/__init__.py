"""cm-academy case bank: realistic corporate clients for training customer managers.

This package is trainee-facing. It holds the observable facts of the clients (profile,
people, sales, relationship with us, meeting notes), their schema, loaders and validation,
and never any answer key.

The loaders are imported on first use, so that ``casebank.errors`` (which the grader's kernel
launcher needs) does not pull in pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from casebank.errors import BankError, BankValidationError, CmAcademyError

if TYPE_CHECKING:
    from casebank.load import CaseBank, default_bank_dir, load_bank

__all__ = [
    "BankError",
    "BankValidationError",
    "CaseBank",
    "CmAcademyError",
    "default_bank_dir",
    "load_bank",
]

__version__ = "0.1.0"
_LAZY = {"CaseBank", "default_bank_dir", "load_bank"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("casebank.load"), name)
    raise AttributeError(f"module 'casebank' has no attribute {name!r}")
