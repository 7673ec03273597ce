"""Assessor-side exceptions; all derive from `casebank.errors.CmAcademyError`."""

from __future__ import annotations

from casebank.errors import BankError, BankValidationError, CmAcademyError

__all__ = ["BankError", "BankValidationError", "CmAcademyError", "UsageError"]


class UsageError(CmAcademyError):
    """A command was called with arguments that cannot work together."""
