from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from casebank.load import CaseBank, default_bank_dir, load_bank
from casebank.progress import HOME_ENV
from grading.cli import main
from grading.reports.render import find_chromium
from grading.signing import ENV_SIGNING_KEY

ROOT = Path(__file__).resolve().parents[1]
KEY_DIR = ROOT / "grading" / "key"


@pytest.fixture(scope="session", autouse=True)
def installation_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This test run's installation signing key (never the user's real one), shared by every test.

    The audit trail's head and the certificates are signed with it, in this process and in the
    `cmacademy` processes the tests start (they inherit the variable).
    """
    path = tmp_path_factory.mktemp("signing") / "ed25519.pem"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_SIGNING_KEY, str(path))
        yield path


@pytest.fixture(scope="session", autouse=True)
def trainee_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where self-checks run by the tests record progress (never the real ~/.cmacademy).

    Notebook kernels and `cmacademy` processes the tests start inherit the variable.
    """
    path = tmp_path_factory.mktemp("trainee-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(HOME_ENV, str(path))
        yield path


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium of the system (never a downloaded one), for every browser test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()
