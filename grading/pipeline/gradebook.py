"""nbgrader's gradebook and command line, called with this interpreter's tools on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbgrader.api import Gradebook


def tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts first on PATH (nbgrader calls alembic)."""
    bin_dir = str(Path(sys.executable).parent)
    return os.environ | {
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "PYTHONUNBUFFERED": "1",
    }


def gradebook(db_url: str) -> Gradebook:
    """Open nbgrader's gradebook (creating its tables; nbgrader calls alembic from PATH)."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import setenv

    with setenv(PATH=tool_env()["PATH"]):
        return Gradebook(db_url)


def run_nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the course root ``root`` with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=tool_env(),
    )
