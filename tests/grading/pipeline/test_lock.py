"""One grade, certify or report at a time per course and exam; a killed run leaves nothing running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from grading.pipeline.course import Course, init_course
from grading.pipeline.grade import grade_exam
from grading.pipeline.lock import LOCK_DIR, CourseBusy, exclusive
from tests.grading.pipeline.conftest import EXAM, answer_cell, make_course, put

BIN = Path(sys.executable).parent


def test_a_second_run_is_refused_naming_the_first(tmp_path: Path) -> None:
    course = init_course(tmp_path / "course")
    busy = rf"`cmacademy certify {EXAM}` is running \(pid {os.getpid()}"
    with exclusive(course, EXAM, "certify"):
        with pytest.raises(CourseBusy, match=busy), exclusive(course, EXAM, "grade"):
            pass
        with exclusive(course, "senior", "grade"):  # another exam is another lock
            pass
    with exclusive(course, EXAM, "grade"):  # released
        pass


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    course = init_course(tmp_path / "course")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = course.root / LOCK_DIR / f"{EXAM}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"command": "grade", "pid": dead.pid}), encoding="utf-8")
    with exclusive(course, EXAM, "grade") as note:
        assert f"pid {dead.pid}" in note and "ended without releasing it" in note


@pytest.mark.slow
def test_grade_waits_for_no_one_while_certify_runs(tmp_path: Path) -> None:
    course, source, _ = make_course(tmp_path, ["t1"])
    put(tmp_path / "inbox", "t1", source)
    from grading.pipeline.collect import collect

    collect(course, EXAM, tmp_path / "inbox")
    with exclusive(course, EXAM, "certify"), pytest.raises(CourseBusy, match="certify"):
        grade_exam(course.but(workers=1), EXAM)
    assert not (course.root / "autograded").exists()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_workers_and_kernel_hosts_die_with_a_killed_grade(tmp_path: Path) -> None:
    course, _, _ = make_course(tmp_path, ["t1", "t2"])
    for trainee in ("t1", "t2"):
        nb = nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4)
        answer_cell(nb, "q1_abc_tiers-answer").source += "\nimport time\ntime.sleep(600)\n"
        put(tmp_path / "inbox", trainee, nb)
    from grading.pipeline.collect import collect

    collect(course, EXAM, tmp_path / "inbox")
    run = subprocess.Popen(
        [str(BIN / "cmacademy"), "grade", EXAM, "--course", str(course.root), "--timeout", "600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    below: set[int] = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        below |= descendants(run.pid)
        if len(below) >= 6:  # workers, their kernel hosts or launchers, kernels
            break
        time.sleep(0.5)
    assert len(below) >= 4, "the grading run did not start its workers and kernels"
    time.sleep(2)
    below |= descendants(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in below):
        time.sleep(0.5)
    assert not [p for p in below if alive(p)]
    # And the course is free for the next run.
    with exclusive(Course.open(course.root), EXAM, "grade"):
        pass


def test_collect_waits_for_no_one_while_grading_runs(tmp_path: Path) -> None:
    from grading.pipeline.collect import collect

    course, source, _ = make_course(tmp_path, ["t1"])
    put(tmp_path / "inbox", "t1", source)
    with (
        exclusive(course, EXAM, "grade"),
        pytest.raises(CourseBusy, match=f"`cmacademy grade {EXAM}` is running"),
    ):
        collect(course, EXAM, tmp_path / "inbox")
    assert not (course.root / "submitted").exists()
    assert list(collect(course, EXAM, tmp_path / "inbox").collected) == ["t1"]
