"""`--scheduler`: grading and reports on a real Dask cluster give what the local pool gives."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from distributed import Client
from sqlalchemy.engine import make_url

from grading.certification.certify import certify
from grading.exams.simulate import simulated_submission
from grading.jobs.dask import ClusterError, JobLost, check_workers, connect, map_jobs
from grading.pipeline.collect import TIMESTAMP_FILE, collect
from grading.pipeline.course import Course, init_course
from grading.pipeline.grade import GradingError, check_grading_worker, grade_exam
from grading.pipeline.gradebook import gradebook, tool_env
from grading.pipeline.release import release
from grading.pipeline.roster import import_roster
from grading.pipeline.submission import Outcome
from grading.reports.build import generate_reports
from grading.settings import Settings
from tests.conftest import Cli
from tests.grading.pipeline.conftest import EXAM, answer_cell, write_roster
from tests.grading.report_marks import mark_report
from tests.pg import new_database

TRAINEES = ["d1", "d2", "d3", "d4"]
#: Imports the assessor package: blocked in the sandbox, allowed with --unsafe-no-sandbox.
IMPORTER = "d5"
CORRUPT = "d6"
BIN = Path(sys.executable).parent
AS_OF = dt.date(2026, 11, 26)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminate each process group (a worker's nanny and its worker), then kill what is left."""
    for process in reversed(processes):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_cluster(address: str) -> str:
    """Wait until both workers are in; from then on the scheduler records which worker ran what."""
    with Client(address, timeout=60, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        client.get_task_stream()
    return address


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `dask scheduler` and two single-threaded `dask worker` processes on loopback.

    They start in the background (`wait_for_cluster` waits for them), so that the courses are
    built while the workers import their libraries.
    """
    root = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str, env: dict[str, str] | None = None) -> None:
        with (root / f"{name}.log").open("wb") as log:
            command = [str(BIN / "dask"), *args, "--no-dashboard"]
            environment = tool_env() | (env or {})
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=root,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    try:
        # A task whose worker dies is not run again elsewhere: the lost-job test needs no restarts.
        start(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
            env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"},
        )  # fmt: skip
        for i in (1, 2):
            start(
                f"worker{i}", "worker", address, "--nworkers", "1", "--nthreads", "1",
                "--name", f"w{i}", "--local-directory", str(root / f"w{i}"),
            )  # fmt: skip
        yield address
    finally:
        stop(processes)


def task_workers(address: str, prefix: str) -> set[str]:
    """The workers that ran tasks whose keys start with ``prefix``."""
    with Client(address, timeout=30, set_as_default=False) as client:
        return {t["worker"] for t in client.get_task_stream() if str(t["key"]).startswith(prefix)}


def write_inbox(inbox: Path, source: nbformat.NotebookNode) -> None:
    rng = random.Random(11)
    for i, trainee in enumerate(TRAINEES):
        nb = simulated_submission(EXAM, trainee, 0.2 + 0.25 * i, rng, source)
        (inbox / trainee / EXAM).mkdir(parents=True)
        nbformat.write(nb, inbox / trainee / EXAM / f"{EXAM}.ipynb")
    nb = simulated_submission(EXAM, IMPORTER, 1.0, rng, source)
    answer_cell(nb, "q1_abc_tiers-answer").source += "\nimport grading"
    (inbox / IMPORTER / EXAM).mkdir(parents=True)
    nbformat.write(nb, inbox / IMPORTER / EXAM / f"{EXAM}.ipynb")
    (inbox / CORRUPT / EXAM).mkdir(parents=True)
    (inbox / CORRUPT / EXAM / f"{EXAM}.ipynb").write_text(nbformat.writes(source)[:3000], encoding="utf-8")


def make_course(root: Path, inbox: Path, db_url: str | None, like: Course | None = None) -> Course:
    """A course with the cohort collected; ``like``'s exam pool, so that variants are the same."""
    pool = {} if like is None else {"bank_dir": like.settings.bank_dir, "key_dir": like.settings.key_dir}
    roster = [*TRAINEES, IMPORTER, CORRUPT]
    course = init_course(root / "course", db_url=db_url, trainees=len(roster), **pool)
    import_roster(course, write_roster(root / "roster.csv", roster))
    release(course, EXAM)
    if not inbox.exists():
        write_inbox(inbox, nbformat.read(course.source(EXAM) / f"{EXAM}.ipynb", as_version=4))
    collect(course, EXAM, inbox)
    return course


@dataclass(frozen=True)
class Graded:
    local: dict[str, Outcome]
    cluster: dict[str, dict[str, object]]
    course: Course
    """The course graded on the cluster (PostgreSQL gradebook)."""
    inbox: Path


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, scheduler: str, pg_url: str) -> Graded:
    """One cohort graded by the local pool (SQLite) and, in an identical course, on the cluster."""
    root = tmp_path_factory.mktemp("graded")
    inbox = root / "inbox"
    local = make_course(root / "local", inbox, None)
    outcomes = grade_exam(local.but(workers=2), EXAM)
    course = make_course(root / "cluster", inbox, new_database(pg_url, "dask_gradebook"), like=local)
    wait_for_cluster(scheduler)
    done = subprocess.run(
        [str(BIN / "cmacademy"), "grade", EXAM, "--course", str(course.root), "--scheduler", scheduler, "--json"],
        capture_output=True, text=True, env=tool_env(), check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # the importer and the corrupt one need attention
    assert "Traceback" not in done.stderr, done.stderr
    rows = {row["trainee"]: row for row in json.loads(done.stdout)}
    return Graded({o.trainee: o for o in outcomes}, rows, course, inbox)


@pytest.mark.slow
def test_the_cluster_grades_a_cohort_as_the_local_pool_does(graded: Graded) -> None:
    # Scores are sums of float points computed by the database; PostgreSQL may add them in another
    # order on each run (23.66 against 23.659999999999997), so they are compared to 1e-6.
    local = {t: (o.status, _points(o.score), o.max_score) for t, o in graded.local.items()}
    remote = {t: (r["status"], _points(r["score"]), r["max_score"]) for t, r in graded.cluster.items()}
    assert remote == local
    assert len({o.score for o in graded.local.values() if o.status == "graded"}) > 2  # mixed answers
    assert local[IMPORTER][0] == "blocked"  # the sandbox is on in the Dask workers too
    assert local[CORRUPT][0] == "invalid"
    with gradebook(graded.course.db_url) as gb:
        stored = {s.student_id: s.score for s in gb.assignment_submissions(EXAM)}
    assert {t: _points(v) for t, v in stored.items()} == {
        t: _points(o.score) for t, o in graded.local.items() if o.score is not None
    }
    assert make_url(graded.course.db_url).get_backend_name() == "postgresql"


def _points(score: float | None) -> float | None:
    return None if score is None else round(float(score), 6)


@pytest.mark.slow
def test_both_dask_workers_graded_submissions(graded: Graded, scheduler: str) -> None:
    assert len(task_workers(scheduler, f"grade-{EXAM}-")) == 2


@pytest.mark.slow
def test_unsafe_no_sandbox_reaches_the_workers(graded: Graded, scheduler: str, tmp_path: Path) -> None:
    resubmitted = tmp_path / "inbox" / IMPORTER / EXAM
    resubmitted.parent.mkdir(parents=True)
    nb = nbformat.read(graded.inbox / IMPORTER / EXAM / f"{EXAM}.ipynb", as_version=4)
    answer_cell(nb, "q1_abc_tiers-answer").source += "  # resubmitted"
    resubmitted.mkdir()
    nbformat.write(nb, resubmitted / f"{EXAM}.ipynb")
    (resubmitted / TIMESTAMP_FILE).write_text("2099-01-01 00:00:00.000000 UTC", encoding="utf-8")
    assert IMPORTER in collect(graded.course, EXAM, tmp_path / "inbox").collected
    outcomes = {o.trainee: o for o in grade_exam(graded.course.but(sandbox=False, scheduler=scheduler), EXAM)}
    assert outcomes[IMPORTER].status == "graded", outcomes[IMPORTER].reason


def same_page(a: Path, b: Path) -> bool:
    """Equal but for the random cell id papermill gives its injected-parameters cell."""
    injected = re.compile(rb'(celltag_injected-parameters" id="cell-id=)[0-9a-f]+')
    return injected.sub(rb"\1", a.read_bytes()) == injected.sub(rb"\1", b.read_bytes())


@pytest.mark.slow
def test_reports_on_the_cluster_equal_the_local_ones(
    graded: Graded, scheduler: str, tmp_path: Path, cli: Cli
) -> None:
    course = graded.course
    with gradebook(course.db_url) as gb:
        for trainee in graded.local:
            if trainee != CORRUPT:
                mark_report(gb, EXAM, trainee, 0.7)  # every criterion at 7 of 10
        gb.db.commit()
    certify(course, EXAM, today=AS_OF)
    key = tmp_path / "signing" / "ed25519.pem"
    local = generate_reports(course, EXAM, tmp_path / "local", today=AS_OF, signing_key=key, pdf=False)
    result = cli(
        "report", EXAM, "--course", course.root, "--out", tmp_path / "cluster", "--scheduler", scheduler,
        "--no-pdf", "--date", AS_OF.isoformat(), "--signing-key", key,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert local.failures == {} and len(local.trainee_reports) == len(graded.local) - 1
    pages = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.html"))
    assert pages == sorted(
        p.relative_to(tmp_path / "cluster") for p in (tmp_path / "cluster").rglob("*.html")
    )
    for page in pages:
        if page.parts[0] == "reports":
            assert same_page(tmp_path / "cluster" / page, tmp_path / "local" / page), page
    assert len(task_workers(scheduler, "report-")) == 2
    assert not list((course.root / ".cmacademy" / "tmp").iterdir())  # the shared scratch is cleaned up


@pytest.mark.slow
def test_a_worker_that_cannot_see_the_course_is_named(scheduler: str, tmp_path: Path) -> None:
    with connect(wait_for_cluster(scheduler)) as client, pytest.raises(ClusterError) as raised:
        check_workers(
            client,
            check_grading_worker,
            Settings(tmp_path / "elsewhere", gradebook_url="sqlite://", sandbox=False),
        )
    message = str(raised.value)
    assert "2 of 2 Dask worker(s) cannot do this job" in message
    assert "cannot see the course" in message and str(tmp_path / "elsewhere") in message
    assert message.count("worker tcp://127.0.0.1:") == 2


@pytest.mark.slow
def test_a_job_whose_worker_dies_comes_back_as_lost(scheduler: str) -> None:
    # Last of the cluster tests: it kills a worker (its nanny starts another).
    with connect(wait_for_cluster(scheduler)) as client:
        results = list(map_jobs(client, os._exit, [("doomed", (3,))], name="die"))
    assert [job for job, _ in results] == ["doomed"]
    lost = results[0][1]
    assert isinstance(lost, JobLost)
    assert "its Dask worker died while running it" in str(lost)


# --- bad input: clear errors, nothing run -------------------------------------------------


@pytest.mark.parametrize(
    "address", ["127.0.0.1:8786", "tcp://127.0.0.1", "http://host:8786", "tcp://host:99999", "tcp://a b:1"]
)
def test_a_malformed_scheduler_address_says_the_form(address: str) -> None:
    with pytest.raises(ClusterError, match=r"--scheduler .*not a scheduler address; give tcp://HOST:PORT"):
        connect(address)


def test_an_unreachable_scheduler_is_reported_within_the_timeout() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ClusterError, match=r"no Dask scheduler answered within 1 s.*`dask scheduler`"):
        connect(address, timeout=1)


@pytest.fixture(scope="module")
def sqlite_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return init_course(tmp_path_factory.mktemp("sqlite") / "course")


def test_a_cluster_refuses_an_sqlite_gradebook(sqlite_course: Course) -> None:
    with pytest.raises(
        GradingError, match=r"SQLite.*must be PostgreSQL.*--db-url postgresql://.*course init"
    ):
        grade_exam(sqlite_course.but(scheduler="tcp://127.0.0.1:1"), EXAM)


def test_cli_reports_a_bad_scheduler_without_a_traceback(sqlite_course: Course, cli: Cli) -> None:
    result = cli("grade", EXAM, "--course", sqlite_course.root, "--scheduler", "localhost")
    assert result.exit_code == 1
    assert "error: --scheduler 'localhost': not a scheduler address" in result.output
    result = cli("report", EXAM, "--course", sqlite_course.root, "--out", "x", "--scheduler", "tcp://h")
    assert result.exit_code == 1 and "give tcp://HOST:PORT" in result.output
