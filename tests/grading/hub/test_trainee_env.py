"""The trainees' environment: the trainee side only, no `grading`, no key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "install_trainee_env.sh"
ASSESSOR_FILES = ("truth.csv", "key_manifest.json")


def build(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=sys.executable)
    return subprocess.run(
        ["bash", str(SCRIPT), str(target), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def run(env: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(env / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def trainee_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("trainee") / "env"
    done = build(target, "--reuse-packages", sys.prefix)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def test_grading_cannot_be_imported(trainee_env: Path, tmp_path: Path) -> None:
    done = run(trainee_env, "import grading", tmp_path)
    assert done.returncode != 0 and "No module named 'grading'" in done.stderr


def test_the_trainee_side_works(trainee_env: Path, tmp_path: Path) -> None:
    code = "from casebank.load import load_bank; import casebank.exam, casebank.teaching; print(len(load_bank().clients))"
    done = run(trainee_env, code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0


def test_no_key_file_is_installed(trainee_env: Path) -> None:
    assert not [p for p in trainee_env.rglob("*") if p.name in ASSESSOR_FILES]


def test_the_curriculum_comes_along(trainee_env: Path) -> None:
    notebooks = sorted((trainee_env / "share" / "cm-academy" / "curriculum").glob("*.ipynb"))
    assert len(notebooks) == len(list((ROOT / "curriculum").glob("*.ipynb"))) > 0


def test_a_bad_package_source_installs_nothing(tmp_path: Path) -> None:
    done = build(tmp_path / "env", "--reuse-packages", str(tmp_path))
    assert done.returncode == 1
    assert "is not a virtualenv" in done.stderr
    assert not (tmp_path / "env").exists() and not (tmp_path / "env.partial").exists()


def test_no_key_is_package_data() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = [p for globs in data["tool"]["setuptools"]["package-data"].values() for p in globs]
    assert not [p for p in patterns if "key" in p]
