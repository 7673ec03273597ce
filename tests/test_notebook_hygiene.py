"""Notebooks in git carry no outputs."""

from __future__ import annotations

import json
from pathlib import Path

from grading.pipeline.nbhygiene import committed_notebooks, notebook_problems
from tests.conftest import ROOT


def test_committed_notebooks_have_no_outputs() -> None:
    problems = [p for nb in committed_notebooks(ROOT) for p in notebook_problems(nb)]
    assert problems == []


def test_a_notebook_with_outputs_is_flagged(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "id": "c1",
                "source": "1+1",
                "metadata": {},
                "execution_count": 3,
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {"text/plain": "2"},
                        "metadata": {},
                        "execution_count": 3,
                    }
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(nb))
    problems = notebook_problems(path)
    assert any("has outputs" in p for p in problems)
    assert any("execution count" in p for p in problems)


def test_venv_and_build_notebooks_are_not_considered(tmp_path: Path) -> None:
    for part in (".venv/lib", "build/demo", "curriculum"):
        (tmp_path / part).mkdir(parents=True)
        (tmp_path / part / "x.ipynb").write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in committed_notebooks(tmp_path)] == [
        "curriculum/x.ipynb"
    ]
