"""Fixtures of the certification tests: a fresh course per test, a PostgreSQL server per package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grading.pipeline.course import Course
from tests.grading.certification.scripts import bare_course, write_script
from tests.pg import postgres_server

Submit = Callable[..., None]


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A fresh course with its own SQLite gradebook."""
    return bare_course(tmp_path / "course")


@pytest.fixture(scope="package")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def submit(course: Course) -> Submit:
    def _submit(trainee: str, submitted: dt.datetime, **kwargs: object) -> None:
        write_script(course, trainee, submitted, **kwargs)  # type: ignore[arg-type]

    return _submit
