"""Hostile submissions run in the sandbox: each gets a status, none affects anyone else.

Every hostile notebook is the blank release with one answer cell replaced by an attack; a good
submission is graded in the same run to show that the others are untouched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading.casegen.pool import pool_dirs
from grading.keys import DEFAULT_KEY_DIR
from grading.pipeline.collect import collect
from grading.pipeline.course import POOL_DIR, PRIVATE_DIR, Course
from grading.pipeline.grade import grade_exam
from grading.pipeline.gradebook import tool_env
from grading.pipeline.submission import Outcome
from grading.sandbox import launcher as sandbox
from tests.grading.pipeline.conftest import EXAM, answer_cell, auto_points, make_course, put

pytestmark = pytest.mark.slow
SECRET = "cma-grader-secret-7f3a"


def pool_key(course: Path) -> Path:
    """Where a course's secret exam pool keeps its key."""
    return pool_dirs(course / PRIVATE_DIR / POOL_DIR).key


def attacks(course: Path, key_dir: Path, port: int) -> dict[str, str]:
    return {
        "gradebook": f"""
import sqlite3
db = sqlite3.connect("{course}/gradebook.db")
db.execute("UPDATE grade SET manual_score = 100")
db.commit()
""",
        "assessor": "import grading.keys\n",
        "keyfile": f"""print(open("{key_dir}/truth.csv").read()[:200])\n""",
        # The course's own exam pool: its key is what this exam is graded against.
        "poolkey": f"""print(open("{pool_key(course)}/truth.csv").read()[:200])\n""",
        "socket": f"""
import socket
socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"stolen answers")
""",
        "forkbomb": """
import os, time
children = []
for _ in range(500):
    pid = os.fork()
    if pid == 0:
        time.sleep(20)
        os._exit(0)
    children.append(pid)
""",
        "memory": "hog = bytearray(64 * 1024**3)\n",
        "flood": "for _ in range(2000):\n    print('x' * 100_000)\n",
        "builtins": "import builtins\nbuiltins.isinstance = lambda *args: True\nbuiltins.set = lambda *args: {'A', 'C', 'D'}\n",
        "writer": """
with open("/usr/lib/cma-owned.txt", "w") as f:
    f.write("x")
""",
        "spy": f"""
print(open("{course}/submitted/good/{EXAM}/{EXAM}.ipynb").read()[:300])
""",
        "environ": "import os\nprint(dict(os.environ))\n",
    }


@dataclass
class HostileRun:
    course: Course
    outcomes: dict[str, Outcome]
    connections: list[bytes]
    before: dict[str, bytes]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1.0)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            connections.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    code = attacks(root / "course", DEFAULT_KEY_DIR, listener.getsockname()[1])
    course, source, _ = make_course(root, ["good", *code])
    inbox = root / "inbox"
    put(inbox, "good", source)
    for trainee, attack in code.items():
        nb = nbformat.read(course.root / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
        answer_cell(nb, "q1_abc_tiers-answer").source = attack
        put(inbox, trainee, nb)
    collect(course, EXAM, inbox)
    before = {str(p): p.read_bytes() for p in (course.root / "submitted").rglob("*") if p.is_file()}
    os.environ["CMACADEMY_TEST_SECRET"] = SECRET
    try:
        outcomes = grade_exam(course.but(workers=2, timeout=30), EXAM)
    finally:
        os.environ.pop("CMACADEMY_TEST_SECRET", None)
        stop.set()
        thread.join()
        listener.close()
    return HostileRun(course, {o.trainee: o for o in outcomes}, connections, before)


def autograded_text(run: HostileRun, trainee: str) -> str:
    return (run.course.root / "autograded" / trainee / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")


def test_the_good_submission_is_graded_normally(hostile: HostileRun) -> None:
    assert hostile.outcomes["good"].status == "graded"
    assert hostile.outcomes["good"].score == auto_points(hostile.course)


@pytest.mark.parametrize(
    ("trainee", "status", "reason"),
    [
        ("gradebook", "blocked", "gradebook"),
        ("assessor", "blocked", "imported the assessor package"),
        ("keyfile", "blocked", "looked for the assessor key"),
        ("poolkey", "blocked", "looked for the assessor key"),
        ("builtins", "crashed", "the kernel"),
        ("socket", "blocked", "opened a network connection"),
        ("forkbomb", "blocked", "started too many processes"),
        ("memory", "out_of_memory", "ran out of memory"),
        ("flood", "output_limit", "printed more than the output limit"),
        ("writer", "blocked", "wrote outside its scratch directory"),
        ("spy", "blocked", "other trainees' work"),
    ],
)
def test_each_attack_gets_a_clear_status(hostile: HostileRun, trainee: str, status: str, reason: str) -> None:
    outcome = hostile.outcomes[trainee]
    assert outcome.status == status, outcome
    assert reason in outcome.reason


def test_every_attacker_scores_zero(hostile: HostileRun) -> None:
    for trainee, outcome in hostile.outcomes.items():
        if trainee != "good":
            assert not outcome.score, trainee


def test_the_gradebook_and_other_work_are_untouched(hostile: HostileRun) -> None:
    from grading.pipeline.gradebook import gradebook

    with gradebook(hostile.course.db_url) as gb:
        manual = [
            g.manual_score for s in gb.assignment_submissions(EXAM) for nb in s.notebooks for g in nb.grades
        ]
    assert set(manual) == {None}
    after = {str(p): p.read_bytes() for p in (hostile.course.root / "submitted").rglob("*") if p.is_file()}
    assert after == hostile.before
    assert not Path("/usr/lib/cma-owned.txt").exists()


def test_no_connection_reached_the_loopback_listener(hostile: HostileRun) -> None:
    assert hostile.connections == []


def test_keys_other_work_and_grader_environment_stay_invisible(hostile: HostileRun) -> None:
    truth_row = (DEFAULT_KEY_DIR / "truth.csv").read_text(encoding="utf-8").splitlines()[1]
    assert truth_row not in autograded_text(hostile, "keyfile")
    pool_row = (pool_key(hostile.course.root) / "truth.csv").read_text(encoding="utf-8").splitlines()[1]
    assert pool_row not in autograded_text(hostile, "poolkey")
    # The answer cell's outputs follow its metadata (cell ids are opaque, its grade id is not).
    spied = autograded_text(hostile, "spy").split('"grade_id": "q1_abc_tiers_answer"', 1)[1]
    assert '"cells"' not in spied[:2000]
    environ = autograded_text(hostile, "environ")
    assert SECRET not in environ
    assert "CMACADEMY_VARIANT" in environ


def test_overriding_builtins_earns_nothing(hostile: HostileRun) -> None:
    assert hostile.outcomes["builtins"].score in (0, None)


def test_grade_refuses_without_a_sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    course, source, _ = make_course(tmp_path, ["t1"])
    put(tmp_path / "inbox", "t1", source)
    collect(course, EXAM, tmp_path / "inbox")
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        grade_exam(course.but(workers=1), EXAM)
    assert not (course.root / "autograded").exists()


def test_unsafe_no_sandbox_says_so_loudly(tmp_path: Path) -> None:
    course, source, _ = make_course(tmp_path, ["t1"])
    put(tmp_path / "inbox", "t1", source)
    collect(course, EXAM, tmp_path / "inbox")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cmacademy"), "grade", EXAM, "--course", str(course.root), "--unsafe-no-sandbox"],
        capture_output=True, text=True, env=tool_env(), check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "WARNING" in done.stderr and "YOUR rights" in done.stderr
