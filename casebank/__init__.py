"""cm-academy case bank: realistic corporate clients for training customer managers.

This package is trainee-facing. It holds the observable facts of the clients (profile,
people, sales, relationship with us, meeting notes), their schema, loaders and validation,
and never any answer key.
"""

from __future__ import annotations

from casebank.errors import BankError, BankValidationError, CmAcademyError
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
