"""Every curriculum notebook runs top to bottom headless with papermill on the shipped bank."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest

from casebank.selfcheck import CHECKS_DIR
from tests.conftest import ROOT

CURRICULUM = ROOT / "curriculum"
NOTEBOOKS = sorted(CURRICULUM.glob("*.ipynb"))


def has_digests(notebook: Path) -> bool:
    """Whether the assessor side ships self-check digests for this module (``m04.json``)."""
    return (CHECKS_DIR / f"m{notebook.name[:2]}.json").is_file()


#: Seconds a cell may run, and a kernel may take to start. No cell of any module takes a second
#: on a quiet machine (measured 2026-11-29), so a cell still running after this long is a stall.
#: A stall is waited out once per run of the suite or so (48 s of 740 s with 45 here): 20 s is
#: still twenty times the slowest cell, and the second run follows sooner.
CELL_TIMEOUT = 20
START_TIMEOUT = 60


def execute(notebook: Path, out: Path) -> None:
    """Run a notebook headless; once more if its kernel stalls or dies (never on a cell's error).

    On a loaded machine a kernel now and then stops answering (a different notebook each time,
    on an unchanged checkout); without a limit that hung the suite until pytest's timeout. A
    stalled kernel is a fault of the machine, not of the notebook: it gets one more run. An error
    raised by a cell is the notebook's and fails the test at once.
    """
    from nbclient.exceptions import DeadKernelError

    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                str(notebook), str(out), cwd=str(CURRICULUM), kernel_name="python3", progress_bar=False,
                execution_timeout=CELL_TIMEOUT, start_timeout=START_TIMEOUT,
            )  # fmt: skip
            return
        except (TimeoutError, DeadKernelError, RuntimeError):  # a cell's error is PapermillExecutionError
            if attempt == 2:
                raise


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_without_errors(notebook: Path, tmp_path: Path) -> None:
    out = tmp_path / notebook.name
    execute(notebook, out)
    executed = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_front_matter(notebook: Path) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    assert "学习目标" in first and "分钟" in first, "objectives and minutes at the top"
    assert all("id" in c for c in nb["cells"]), "stable cell ids"
    text = "".join("".join(c["source"]) for c in nb["cells"])
    if has_digests(notebook):
        assert text.count("check(") >= 3, "at least three self-checks"
    else:
        # Modules without digests (0 and 11) use self-assessed exercises with a folded reference answer.
        assert text.count("<details>") >= 3, "at least three self-assessed exercises with a reference answer"
    assert "小结" in text, "a summary"
