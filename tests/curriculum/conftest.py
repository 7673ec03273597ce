"""Curriculum tests record self-check progress in a temporary home, never in the real one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def progress_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMACADEMY_HOME", str(tmp_path / "home"))
