"""Errors of the reports package; all derive from `CmAcademyError` (the CLI prints them, exit 1)."""

from __future__ import annotations

from casebank.errors import CmAcademyError


class ReportError(CmAcademyError):
    """Reports, register, sites or certificates cannot be produced or checked."""


class RenderError(ReportError):
    """A template failed to execute, or a page could not be converted."""
