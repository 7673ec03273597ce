"""cm-academy's drop-ins for nbgrader preprocessors behave exactly like nbgrader's."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError

from grading.pipeline.autograde import FastMetadataValidator

EXAM = Path(__file__).resolve().parents[2] / "assignments" / "assoc" / "assoc.ipynb"


def first_grade_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))


def test_a_valid_exam_passes_both() -> None:
    nb = nbformat.read(EXAM, as_version=4)
    MetadataValidator().validate_nb(nb)
    FastMetadataValidator().validate_nb(nb)


def _points(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["points"] = "lots"


def _version(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["schema_version"] = 99


def _no_points(cell: nbformat.NotebookNode) -> None:
    del cell.metadata.nbgrader["points"]


def _empty_id(cell: nbformat.NotebookNode) -> None:
    cell.metadata.nbgrader["grade_id"] = ""


@pytest.mark.parametrize("corrupt", [_points, _version, _no_points, _empty_id])
def test_corrupt_metadata_fails_both_with_the_same_message(corrupt: object) -> None:
    nb = nbformat.read(EXAM, as_version=4)
    assert callable(corrupt)
    corrupt(first_grade_cell(nb))
    messages = []
    for validator in (MetadataValidator(), FastMetadataValidator()):
        with pytest.raises(Exception) as raised:
            validator.validate_nb(copy.deepcopy(nb))
        messages.append((type(raised.value), str(raised.value).splitlines()[0]))
    assert messages[0] == messages[1]
    assert issubclass(messages[0][0], ValidationError) or "version" in messages[0][1].lower()
