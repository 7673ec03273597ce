"""The import contracts (pyproject's [tool.importlinter]) hold, and breaking one fails the check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in ("casebank", "grading"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("data", "key", "__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("casebank/teaching/client_views.py", "import grading.keys", "never imports the assessor side"),
        ("grading/reports/charts.py", "import grading.sandbox.launcher", "never reach the sandbox"),
        ("grading/exams/variants.py", "import grading.pipeline.course", "Layers of the assessor side"),
        ("grading/sandbox/kernel_host.py", "import grading.settings", "kernel host runs inside the sandbox"),
    ],
)
def test_breaking_a_contract_fails_the_check(copy: Path, module: str, line: str, contract: str) -> None:
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint(copy)
    assert done.returncode != 0
    assert contract in " ".join(done.stdout.split())
    assert "BROKEN" in done.stdout
