"""Imported first by each local grading and report worker, before nbformat: no IRI grammar at import.

nbformat imports jsonschema, and jsonschema imports the optional ``rfc3987-syntax`` package
when it is installed (jupyter-events asks for it), which builds an Earley parser for IRIs at
import time: about 0.8 s of CPU in every process that imports nbformat (``python -X importtime``;
5 s under a loaded machine). Grading never validates an ``iri`` format. A ``None`` entry in
``sys.modules`` makes that optional import fail, and jsonschema simply has no ``iri`` checker.

Only the workers of `grading.jobs.run_jobs` do this (its ``preimport``): when it was done for every
process that imports ``grading``, a test process that also ran papermill saw its first curriculum
notebook hang (commit 3f8bd16), and the cause was not found.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
