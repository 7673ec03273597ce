"""Notebook hygiene: committed notebooks carry no outputs and no execution counts."""

from __future__ import annotations

import json
from pathlib import Path

from casebank.errors import CmAcademyError

SKIPPED_DIRS = frozenset({".venv", "build", ".ipynb_checkpoints", "node_modules"})


class NotebookError(CmAcademyError):
    """A notebook cannot be read or breaks a rule for committed notebooks."""


def notebook_problems(path: Path) -> list[str]:
    """Return what is wrong with a notebook meant for git (empty when clean)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path}: not a readable notebook ({exc})"]
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        where = f"{path} cell {index} (id {cell.get('id', '?')})"
        if cell.get("outputs"):
            problems.append(f"{where}: has outputs; clear them before committing")
        if cell.get("execution_count") is not None:
            problems.append(f"{where}: has an execution count; clear outputs before committing")
    return problems


def committed_notebooks(root: Path) -> list[Path]:
    """Return the notebooks under ``root`` outside virtual environments and build outputs."""
    return sorted(
        p for p in root.rglob("*.ipynb") if not SKIPPED_DIRS.intersection(p.relative_to(root).parts)
    )
