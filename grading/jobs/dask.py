"""Jobs on an existing Dask distributed cluster: ``--scheduler tcp://HOST:PORT``.

`connect` reaches the scheduler (and waits for a worker), `check_workers` asks every worker
whether it can do the work, and `map_jobs` submits one task per job and yields the results as
they finish. A job is a module-level function of picklable arguments; it runs in a worker
process, on another machine perhaps, so every worker needs:

- cm-academy installed at the same path as on the machine that submits (a course's grading
  kernelspec names that interpreter, report jobs name their template notebooks);
- the course directory, and for reports the output folder, at the same path (a shared file
  system);
- the gradebook in a database server it can reach (PostgreSQL), never a course's SQLite file;
- bubblewrap and util-linux, for the grading sandbox.

A worker that dies while running a job is replaced by Dask, which runs the job again elsewhere
(``distributed.scheduler.allowed-failures`` times); after that the job comes back as `JobLost`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from casebank.errors import CmAcademyError

if TYPE_CHECKING:
    from distributed import Client, Future

SCHEDULER_OPTION: Final = "--scheduler"
ADDRESS_FORM: Final = "tcp://HOST:PORT"
#: Seconds to wait for the scheduler to answer, and then for a first worker.
CONNECT_TIMEOUT: Final = 10.0
_ADDRESS: Final = re.compile(r"tcp://(?P<host>[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>[0-9]{1,5})")

J = TypeVar("J")
R = TypeVar("R")


class ClusterError(CmAcademyError):
    """The Dask cluster cannot be used: bad address, no scheduler or workers, or a worker unfit for the job."""


class JobLost(ClusterError):
    """A job did not finish because its workers died or the scheduler went away (it may be run again)."""


def parse_address(address: str) -> tuple[str, int]:
    """Host and port of a scheduler address of the form ``tcp://HOST:PORT``.

    Raises:
        ClusterError: the address is not of that form.
    """
    match = _ADDRESS.fullmatch(address.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise ClusterError(
            f"{SCHEDULER_OPTION} {address!r}: not a scheduler address; give {ADDRESS_FORM}, e.g. "
            f"tcp://10.0.0.5:8786 (`dask scheduler` prints it as 'Scheduler at: ...'), or leave out "
            f"{SCHEDULER_OPTION} to use the local pool."
        )
    return match["host"].strip("[]"), int(match["port"])


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT) -> Client:
    """Connect to the scheduler at ``address`` and wait until it has at least one worker.

    Args:
        address: ``tcp://HOST:PORT`` of a running ``dask scheduler``.
        timeout: seconds to wait for the scheduler, and then for a first worker.

    Returns:
        A client; close it when done (it is a context manager).

    Raises:
        ClusterError: the address is malformed, no scheduler answered in time, or the scheduler
            has no worker.
    """
    parse_address(address)
    from distributed import Client

    address = address.strip()
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"{SCHEDULER_OPTION} {address}: no Dask scheduler answered within {timeout:g} s "
            f"({type(exc).__name__}); start one there with `dask scheduler`, check the host, port and "
            f"firewall, or leave out {SCHEDULER_OPTION} to use the local pool."
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise ClusterError(
            f"{SCHEDULER_OPTION} {address}: the scheduler has no workers after {timeout:g} s; start "
            f"some with `dask worker {address} --nthreads 1` on machines that share the course directory."
        ) from None
    return client


def check_workers(client: Client, check: Callable[..., str], *args: Any) -> int:
    """Run ``check(*args)`` on every worker; it returns what keeps that worker from the job, or ''.

    Returns:
        The number of workers checked.

    Raises:
        ClusterError: naming each worker that cannot do the job, and why.
    """
    answers: dict[str, Any] = client.run(check, *args, on_error="return")
    problems = []
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            answer = (
                f"cannot run cm-academy's code ({type(answer).__name__}: {answer}); install cm-academy "
                "on it, at the same path as here"
            )
        if answer:
            problems.append(f"worker {worker}: {answer}")
    if problems:
        raise ClusterError(
            f"{len(problems)} of {len(answers)} Dask worker(s) cannot do this job; nothing was run:\n  "
            + "\n  ".join(problems)
        )
    return len(answers)


def missing_paths(paths: list[str]) -> str:
    """Which of ``paths`` this machine cannot see, as a problem for `check_workers` ('' if none)."""
    missing = [p for p in paths if not Path(p).exists()]
    if not missing:
        return ""
    return (
        f"cannot see {', '.join(missing)}; mount the course directory and the output folder at the "
        "same paths on every worker (a shared file system), with cm-academy installed at the same path"
    )


def map_jobs(
    client: Client, fn: Callable[..., R], jobs: Iterable[tuple[J, tuple[Any, ...]]], *, name: str
) -> Iterator[tuple[J, R | Exception]]:
    """Run ``fn(*args)`` on the cluster for each ``(job, args)``; yield ``(job, result)`` as each finishes.

    The result is what ``fn`` returned, the exception it raised, or `JobLost` when its workers
    died or the scheduler went away. Jobs not yet finished when the caller stops iterating are
    cancelled.

    Args:
        client: a client from `connect`.
        fn: a module-level function (workers import it by name).
        jobs: each job with the arguments of its call (picklable).
        name: prefix of the task keys, as the Dask dashboard shows them.
    """
    futures: dict[Future[R], J] = {}
    for job, args in jobs:
        futures[client.submit(fn, *args, key=f"{name}-{uuid.uuid4().hex}")] = job
    if not futures:
        return
    from distributed import as_completed

    try:
        for future in as_completed(futures, loop=client.loop):
            yield futures[future], _result(future)
    finally:
        client.cancel(list(futures))


def _result(future: Future[R]) -> R | Exception:
    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    try:
        return future.result()
    except KilledWorker as exc:
        worker = getattr(exc.last_worker, "address", "?")
        return JobLost(
            f"its Dask worker died while running it, {exc.allowed_failures + 1} times (last on {worker}); "
            "see that worker's log"
        )
    except (CancelledError, CommClosedError) as exc:
        return JobLost(f"the connection to the Dask scheduler was lost ({type(exc).__name__})")
    except Exception as exc:  # the job's own error, raised on the worker; the caller reports it
        return exc
