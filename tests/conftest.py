from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from casebank.load import CaseBank, default_bank_dir, load_bank
from grading.cli import main

ROOT = Path(__file__).resolve().parents[1]
KEY_DIR = ROOT / "grading" / "key"


@pytest.fixture(scope="session")
def bank() -> CaseBank:
    return load_bank()


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped bank."""
    target = tmp_path / "bank"
    shutil.copytree(default_bank_dir(), target)
    return target


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()
