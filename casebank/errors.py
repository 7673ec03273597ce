"""Exceptions of cm-academy.

Every error a user can cause derives from `CmAcademyError`. Its message names the place
(file, row, field; notebook, cell) and says what to do, so the CLI prints it without a
traceback.
"""

from __future__ import annotations


class CmAcademyError(Exception):
    """Base class of every error cm-academy reports to a user."""


class BankError(CmAcademyError):
    """The case bank cannot be read, written or trusted."""


class BankValidationError(BankError):
    """The case bank has one or more problems; each is listed in `problems`."""

    def __init__(self, directory: str, problems: list[str]) -> None:
        self.directory = directory
        self.problems = problems
        shown = problems[:50]
        more = len(problems) - len(shown)
        lines = [f"case bank {directory} is invalid ({len(problems)} problem(s)):"]
        lines += [f"  {p}" for p in shown]
        if more:
            lines.append(f"  ... and {more} more")
        lines.append(
            "Fix the named rows, or regenerate the bank with "
            "`cmacademy casebank generate --seed SEED --out DIR`."
        )
        super().__init__("\n".join(lines))
