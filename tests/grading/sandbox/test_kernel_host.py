"""Kernels forked from the warm kernel host are as isolated as fresh sandboxed kernels."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec

from grading.sandbox.kernel_pool import KernelHost, forking_possible
from grading.sandbox.launcher import ENV_KERNEL_HOST, RUNTIME_PREFIX, SandboxUnavailable
from grading.settings import SANDBOX_UID_BASE, Limits

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not forking_possible(sandbox=True), reason="forking kernels needs root and the sandbox"
    ),
]
SECRET = "cma-host-secret-51d2"


@pytest.fixture(scope="module")
def host() -> Iterator[KernelHost]:
    os.environ["CMACADEMY_TEST_SECRET"] = SECRET
    started = KernelHost()
    yield started
    started.close()
    os.environ.pop("CMACADEMY_TEST_SECRET", None)


class Kernel:
    """A kernel forked by the host, driven the way nbclient drives it."""

    def __init__(self, host: KernelHost) -> None:
        self.runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=host.base)
        env = {ENV_KERNEL_HOST: str(host.socket), "TMPDIR": self.runtime}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            self.km = KernelManager(
                transport="ipc",
                ip=os.path.join(self.runtime, "kernel-ipc"),
                connection_file=os.path.join(self.runtime, "kernel.json"),
            )
            self.km._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "grading.sandbox", "--", sys.executable, "-m",
                      "ipykernel_launcher", "-f", "{connection_file}"],
                language="python", display_name="test", interrupt_mode="message",
            )  # fmt: skip
            self.km.start_kernel()
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code: str) -> Any:
        """Run ``code`` whose last line assigns ``result``; return it (JSON round trip)."""
        outputs: list[str] = []

        def keep(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream":
                outputs.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                outputs.append("\n".join(msg["content"]["traceback"]))

        self.kc.execute_interactive(
            code + "\nimport json as _j; print(_j.dumps(result))", timeout=60, output_hook=keep
        )
        return json.loads("".join(outputs).strip().splitlines()[-1])

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel(host: KernelHost) -> Iterator[Kernel]:
    started = Kernel(host)
    yield started
    started.close()


def test_a_forked_kernel_has_its_own_uid_process_tree_and_files(kernel: Kernel, host: KernelHost) -> None:
    seen = kernel.run(
        "import os\n"
        "result = {'uid': os.getuid(), 'pid': os.getpid(), "
        "'procs': [p for p in os.listdir('/proc') if p.isdigit()], "
        f"'base': sorted(os.listdir({str(host.base)!r})), 'tmp': sorted(os.listdir('/tmp'))}}"
    )
    assert seen["uid"] >= SANDBOX_UID_BASE
    assert seen["pid"] == 1
    assert seen["procs"] == ["1"]
    assert seen["base"] == [Path(kernel.runtime).name]  # not the host's socket, not other kernels
    # A fresh /tmp: the host's work directory, and read-only paths that live under /tmp (a clone).
    import casebank

    under_tmp = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, casebank.__file__)]
    allowed = {host.base.name} | {p.parts[2] for p in under_tmp if p.is_relative_to("/tmp")}
    assert host.base.name in seen["tmp"]
    assert set(seen["tmp"]) <= allowed


def test_a_forked_kernel_finds_tracebacks_warm_and_plain(kernel: Kernel) -> None:
    # The host formatted tracebacks before forking: a trainee's first failing pandas cell does
    # not read pandas' source again; the default mode's formatter (stack_data, 0.8 s of CPU per
    # host) is not loaded, since grading kernels use plain tracebacks.
    seen = kernel.run(
        "import linecache, sys\n"
        "result = {'stack_data': 'stack_data' in sys.modules, "
        "'frame': any(f.endswith('pandas/core/frame.py') for f in linecache.cache), "
        "'mode': get_ipython().InteractiveTB.mode}"
    )
    # Plain tracebacks (the launcher asks for them): no context lines parsed per failing cell.
    assert seen == {"stack_data": False, "frame": True, "mode": "Plain"}


def test_a_forked_kernel_finds_its_exam_and_display_modules_loaded(kernel: Kernel) -> None:
    # Nothing in a kernel imports these before its first cell: the host did, before forking.
    seen = kernel.run(
        "import sys\n"
        "result = [m for m in ('casebank.answers', 'pandas.io.formats.html', 'pandas.io.formats.string') "
        "if m in sys.modules]"
    )
    assert seen == ["casebank.answers", "pandas.io.formats.html", "pandas.io.formats.string"]


def test_a_forked_kernel_sees_only_the_allowed_environment_and_no_assessor_side(kernel: Kernel) -> None:
    seen = kernel.run(
        "import os, importlib.util, socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
        "    net = 'connected'\n"
        "except OSError as exc:\n"
        "    net = type(exc).__name__\n"
        "result = {'env': dict(os.environ), 'grading': importlib.util.find_spec('grading') is not None, "
        "'net': net}"
    )
    assert SECRET not in json.dumps(seen["env"])
    assert "CMACADEMY_TEST_SECRET" not in seen["env"]
    assert seen["grading"] is False
    assert seen["net"] != "connected"


def test_two_kernels_share_nothing(host: KernelHost) -> None:
    first, second = Kernel(host), Kernel(host)
    try:
        a = first.run(
            "import os, random\nopen('/tmp/left-behind', 'w').write('answers')\n"
            "result = {'uid': os.getuid(), 'random': random.random()}"
        )
        b = second.run(
            "import os, random\n"
            "result = {'uid': os.getuid(), 'random': random.random(), 'tmp': os.path.exists('/tmp/left-behind')}"
        )
    finally:
        first.close()
        second.close()
    assert a["uid"] != b["uid"]
    assert a["random"] != b["random"]  # each kernel is seeded afresh, not from the host's state
    assert b["tmp"] is False


def test_stopping_a_kernel_ends_every_process_it_started(host: KernelHost) -> None:
    kernel = Kernel(host)
    uid = kernel.run(
        "import os, subprocess\nsubprocess.Popen(['sleep', '300'], start_new_session=True)\nresult = os.getuid()"
    )
    kernel.close()
    left = []
    for _ in range(50):
        left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid]
        if not left:
            break
        __import__("time").sleep(0.1)
    assert left == []


def _owner(proc: Path) -> int | None:
    try:
        return proc.stat().st_uid
    except OSError:
        return None


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"uid": 0}, "below the sandbox range"),
        ({"connection_file": "/etc/kernel.json"}, "is not this host's"),
        ({"rlimits": {}}, "lacks"),
        ({"argv": None}, "malformed"),
    ],
)
def test_the_host_refuses_bad_requests(host: KernelHost, change: dict[str, Any], error: str) -> None:
    runtime = Path(tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=host.base))
    request = {
        "argv": ["python", "-m", "ipykernel_launcher", "-f", str(runtime / "kernel.json")],
        "connection_file": str(runtime / "kernel.json"),
        "scratch": str(runtime / "scratch"),
        "uid": SANDBOX_UID_BASE + 99_999,
        "env": {"PATH": "/usr/bin"},
        "rlimits": Limits(512, 10, 1, 8).rlimits(),
    } | change
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(host.socket))
        conn.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(conn.makefile("rb").readline())
    assert error in reply["error"]


def test_read_only_paths_under_tmp_stay_visible_and_read_only(tmp_path: Path) -> None:
    # A clone (its venv and case bank) may live under /tmp; a kernel's fresh /tmp keeps them.
    from casebank.load import default_bank_dir

    bank = tmp_path / "bank"
    shutil.copytree(default_bank_dir(), bank)
    host = KernelHost((str(bank),))
    try:
        kernel = Kernel(host)
        try:
            seen = kernel.run(
                "import os\n"
                f"names = sorted(os.listdir({str(bank)!r}))\n"
                "try:\n"
                f"    open({str(bank / 'x.csv')!r}, 'w')\n"
                "    wrote = True\n"
                "except OSError:\n"
                "    wrote = False\n"
                "result = {'names': names, 'wrote': wrote}"
            )
        finally:
            kernel.close()
    finally:
        host.close()
    assert seen["names"] == sorted(p.name for p in bank.iterdir())
    assert seen["wrote"] is False


def test_a_host_that_cannot_warm_up_says_why(tmp_path: Path) -> None:
    empty = tmp_path / "not-a-bank"
    empty.mkdir()
    with pytest.raises(SandboxUnavailable, match=r"did not start in the sandbox \(BankError: .*not-a-bank"):
        KernelHost((str(empty),))


def test_a_host_whose_sandbox_fails_points_to_the_log(tmp_path: Path) -> None:
    with pytest.raises(SandboxUnavailable, match="stopped before the host ran; see the grading log"):
        KernelHost((str(tmp_path / "missing"),))


def test_the_host_socket_is_closed_to_kernels(host: KernelHost) -> None:
    assert host.socket.stat().st_mode & 0o077 == 0


def test_forked_and_fresh_kernels_grade_a_cohort_identically(tmp_path: Path) -> None:
    import random

    from grading.exams.simulate import simulated_submission
    from grading.pipeline.collect import collect
    from grading.pipeline.course import Course
    from grading.pipeline.grade import grade_exam
    from tests.grading.pipeline.conftest import EXAM, make_course, put

    ids = [f"t{i}" for i in range(4)]
    rng = random.Random(5)
    # One course, copied: both copies share its secret exam pool, so their variants are the same.
    first, source, _ = make_course(tmp_path / "forked", ids)
    inbox = tmp_path / "inbox"
    for trainee in ids:
        nb = simulated_submission(EXAM, trainee, rng.uniform(0.3, 0.9), rng, source, first.settings.bank_dirs)
        put(inbox, trainee, nb)
    shutil.copytree(first.root, tmp_path / "fresh" / "course")
    scores = {}
    for mode in ("forked", "fresh"):
        course = Course.open(tmp_path / mode / "course")
        collect(course, EXAM, inbox)
        outcomes = grade_exam(course.but(workers=2, fresh_kernels=mode == "fresh"), EXAM)
        scores[mode] = {o.trainee: (o.status, o.score) for o in outcomes}
    assert scores["forked"] == scores["fresh"]
    assert {status for status, _ in scores["forked"].values()} == {"graded"}
