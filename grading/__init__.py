"""cm-academy assessor side: answer keys, certification scheme, grading, reports and the CLI.

Nothing in this package may reach a trainee's kernel.
"""

from __future__ import annotations

__version__ = "0.1.0"
