"""Run a notebook's "complete the code" cell with its blanks filled as intended.

A completion exercise is only fair when the intended completion passes its self-check for every
client a trainee can be drawn; these helpers fill the blanks (``____``) of one cell in order,
run it with the notebook's names, and return the self-check's result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from casebank import selfcheck
from casebank.practice_pool import Practice


def cell_source(notebook: Path, cell_id: str) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["id"] == cell_id)


def fill(source: str, fills: list[str]) -> str:
    parts = source.split(selfcheck.BLANK)
    assert len(parts) == len(fills) + 1, f"{len(parts) - 1} blanks, {len(fills)} fills"
    return "".join(p + f for p, f in zip(parts, [*fills, ""], strict=True))


def run_completed(
    notebook: Path, cell_id: str, fills: list[str], names: dict[str, Any], client: str
) -> selfcheck.CheckResult:
    """Fill a cell's blanks, run it for ``client`` with ``names`` and return its check."""
    source = re.sub(
        r"^(my\.)?check\(", r"result = \1check(", fill(cell_source(notebook, cell_id), fills), flags=re.M
    )
    assert "result = " in source, f"{cell_id}: no self-check call at the start of a line"

    class Fixed(Practice):
        @property
        def client(self) -> str:
            return client

    module = re.search(r"\bm(\d\d)\.", source)
    assert module, f"{cell_id}: no exercise id in the cell"
    namespace = {**names, "my": Fixed(f"m{module[1]}"), "client": client}
    exec(compile(source, cell_id, "exec"), namespace)
    result: selfcheck.CheckResult = namespace["result"]
    return result


def run_cells(notebook: Path, cell_ids: list[str]) -> dict[str, Any]:
    """Run some of a notebook's cells (its setup and helper definitions); return their names."""
    namespace: dict[str, Any] = {}
    for cell_id in cell_ids:
        exec(compile(cell_source(notebook, cell_id), cell_id, "exec"), namespace)
    return namespace
