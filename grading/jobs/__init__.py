"""One runner of jobs for grading and reports: a local process pool or a Dask cluster.

A job is a call ``fn(*args)`` of a module-level function with picklable arguments. `run_jobs`
runs a batch of them and yields ``(job, result)`` as each finishes, where the result is what
``fn`` returned or the exception that kept it from returning (the caller turns that into its
own failure record; one failed job never stops the others).

- **Local** (``client`` None): ``workers`` processes started with ``spawn``; each runs
  ``initializer(*initargs)`` once. A worker that dies breaks the pool; with ``retry_broken``
  the jobs it took with it run once more in a fresh pool.
- **Dask** (``client`` from `grading.jobs.dask.connect`): one task per job. A Dask worker
  process outlives a run and runs tasks in threads, so each of its processes runs one job at a
  time and calls ``setup(*setup_args)`` when a job of a new run arrives (to drop caches or warm
  up for that run).
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Final, TypeVar

from grading.jobs import dask as cluster
from grading.spawning import main_script_hidden

if TYPE_CHECKING:
    from distributed import Client

J = TypeVar("J")
R = TypeVar("R")

#: One job at a time per Dask worker process, and the run whose setup it last did.
_worker_lock = threading.RLock()
_worker_run: list[str] = []
PR_SET_PDEATHSIG: Final = 1
#: The ``preimport`` of cm-academy's own workers (`grading.jobs.boot`): no IRI grammar at import.
WORKER_BOOT: Final = "grading.jobs.boot"


class WorkerDied(Exception):
    """A local worker process died while running the job (twice, with ``retry_broken``)."""


def run_jobs(
    fn: Callable[..., R],
    calls: Iterable[tuple[J, tuple[Any, ...]]],
    *,
    workers: int,
    client: Client | None = None,
    name: str = "job",
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
    retry_broken: bool = False,
    preimport: str = "",
    warm: bool = False,
) -> Generator[tuple[J, R | Exception], None, None]:
    """Run ``fn(*args)`` for every ``(job, args)`` of ``calls``; yield ``(job, result)`` as each ends.

    Args:
        fn: a module-level function (workers import it by name).
        calls: each job with the arguments of its call.
        workers: local worker processes (ignored with ``client``).
        client: a Dask client to run the jobs on that cluster instead.
        name: prefix of the Dask task keys, as the dashboard shows them.
        initializer: run once in each local worker process.
        initargs: the arguments of ``initializer``.
        setup: run in a Dask worker process before the first job of this run.
        setup_args: the arguments of ``setup``.
        retry_broken: run again, once, the jobs of a local worker that died.
        preimport: a module each local worker imports first, before the modules of ``fn`` and
            ``initializer`` (to set up the process before their imports run).
        warm: start all ``workers`` local workers before reading ``calls``, so that a generator
            of calls can prepare the jobs (read data, write files) while the workers start.

    Yields:
        ``(job, result)``: what ``fn`` returned, or the exception that ended the job
        (`WorkerDied`, `grading.jobs.dask.JobLost`, or ``fn``'s own).
    """
    if client is not None:
        run = uuid.uuid4().hex
        wrapped = ((job, (run, setup, setup_args, fn, args)) for job, args in calls)
        yield from cluster.map_jobs(client, _on_dask_worker, wrapped, name=name)
        return
    boot = _Preimport(preimport) if preimport else None
    todo = calls if warm else list(calls)
    yield from _run_local(fn, todo, workers, initializer, initargs, retry_broken, boot)


def _run_local(
    fn: Callable[..., R],
    calls: Iterable[tuple[J, tuple[Any, ...]]],
    workers: int,
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    retry_broken: bool,
    boot: _Preimport | None = None,
) -> Iterator[tuple[J, R | Exception]]:
    """Run ``calls`` on a local pool (read only once its workers started, unless it is a list)."""
    context = multiprocessing.get_context("spawn")
    todo, tries = calls, 0
    while not isinstance(todo, list) or todo:
        tries += 1
        broken: list[tuple[J, tuple[Any, ...]]] = []
        with ProcessPoolExecutor(
            max_workers=min(workers, len(todo)) if isinstance(todo, list) else workers,
            mp_context=context,
            initializer=_init_local_worker,
            # ``boot`` is unpickled, so its module imported, before ``initializer``'s module.
            initargs=(boot, os.getpid(), initializer, initargs),
        ) as pool:
            if not isinstance(todo, list):
                with main_script_hidden():  # a worker starts at each submit, up to `workers`
                    for _ in range(workers):
                        pool.submit(_started)
                todo = list(todo)
            with main_script_hidden():  # the workers start at submit
                futures: dict[Future[R], tuple[J, tuple[Any, ...]]] = {
                    pool.submit(fn, *args): (job, args) for job, args in todo
                }
            remaining = set(futures)
            while remaining:
                finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for future in finished:
                    job, args = futures[future]
                    try:
                        yield job, future.result()
                    except BrokenProcessPool:
                        if retry_broken and tries < 2:
                            broken.append((job, args))
                        else:
                            times = "twice" if retry_broken else "while running it"
                            yield job, WorkerDied(f"the worker process died {times}")
                    except Exception as exc:  # the job's own error; the caller reports it
                        yield job, exc
        todo = broken


def _started() -> None:
    """Nothing: submitted once per worker to start the workers before the jobs are known."""


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by SIGKILL.

    A grading run killed with ``kill -9`` then leaves no worker behind, and no kernel host:
    each host is started with bubblewrap's ``--die-with-parent`` under its worker.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class _Preimport:
    """Unpickles as the import of a module: how a spawned worker imports it before anything else."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __reduce__(self) -> tuple[Callable[[str], Any], tuple[str]]:
        return importlib.import_module, (self.module,)


def _init_local_worker(
    _boot: Any, parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _on_dask_worker(
    run: str,
    setup: Callable[..., None] | None,
    setup_args: tuple[Any, ...],
    fn: Callable[..., R],
    args: tuple[Any, ...],
) -> R:
    """Run one job in a Dask worker process: alone, after this run's setup."""
    with _worker_lock:
        if _worker_run != [run]:
            if setup is not None:
                setup(*setup_args)
            _worker_run[:] = [run]
        return fn(*args)
