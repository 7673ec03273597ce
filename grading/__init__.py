"""cm-academy assessor side: answer keys, certification scheme, grading, reports and the CLI.

Nothing in this package may reach a trainee's kernel.
"""

from __future__ import annotations

import sys

__version__ = "0.1.0"

# jsonschema (through nbformat) imports the optional rfc3987-syntax package when it is there,
# which builds an Earley parser for IRIs at import: a second of CPU in the CLI and in every
# grading or report worker. Nothing cm-academy validates uses the IRI formats, so the grader's
# processes go without them (jsonschema then simply does not check those two formats).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
