"""A grading worker asks its kernel host for kernels itself, with no launcher process per kernel."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpec

from grading.pipeline.autograde import GradingKernelManager
from grading.sandbox.host_client import HostKernel
from grading.sandbox.kernel_pool import KernelHost, forking_possible
from grading.sandbox.launcher import ENV_SANDBOX, RUNTIME_PREFIX, SANDBOX_ON, SandboxUnavailable
from grading.sandbox.provisioner import IN_PROCESS_UIDS, HostProvisioner

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not forking_possible(sandbox=True), reason="forking kernels needs root and the sandbox"
    ),
]
LAUNCHER_SPEC = [sys.executable, "-m", "grading.sandbox", "--memory-mb", "1024", "--",
                 sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]  # fmt: skip


@pytest.fixture(scope="module")
def host() -> Iterator[KernelHost]:
    started = KernelHost()
    yield started
    started.close()


def manager(runtime: str, host_socket: str) -> GradingKernelManager:
    """The grader's kernel manager on Unix sockets in ``runtime``, as `VariantExecute` makes it."""
    km = GradingKernelManager(
        transport="ipc",
        ip=os.path.join(runtime, "kernel-ipc"),
        connection_file=os.path.join(runtime, "kernel.json"),
        kernel_host=host_socket,
    )
    km._kernel_spec = KernelSpec(
        argv=LAUNCHER_SPEC, language="python", display_name="test", interrupt_mode="message"
    )
    return km


def run(km: GradingKernelManager, code: str) -> Any:
    """The value of ``code``'s last expression, run in the kernel."""

    async def go() -> Any:
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(code, user_expressions={"out": "_out"}, timeout=60)
            return reply["content"]["user_expressions"]["out"]["data"]["text/plain"]
        finally:
            client.stop_channels()

    return asyncio.run(go())


def test_the_kernel_comes_from_the_host_without_a_launcher(
    host: KernelHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_SANDBOX, SANDBOX_ON)
    monkeypatch.setenv("CMACADEMY_TRAINEE", "t042")
    runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=host.base)
    km = manager(runtime, str(host.socket))
    asyncio.run(km.start_kernel(cwd=runtime))
    try:
        assert isinstance(km.provisioner, HostProvisioner)
        kernel = km.provisioner.process
        assert isinstance(kernel, HostKernel)  # not a Popen of the launcher
        assert kernel.poll() is None
        uid, trainee, history, packer, pause = eval(
            run(km, "import os, IPython; _ip = IPython.get_ipython(); _out = (os.getuid(), "
                    "os.environ.get('CMACADEMY_TRAINEE'), _ip.history_manager.enabled, _ip.kernel.session.packer, "
                    "_ip.kernel._execute_sleep)")
        )  # fmt: skip
        assert uid >= IN_PROCESS_UIDS
        assert trainee == "t042"
        # The grading kernel options the launcher would add.
        assert (history, packer, pause) == (False, "json", 0)
    finally:
        asyncio.run(km.shutdown_kernel(now=True))
    assert kernel.poll() is not None
    assert not asyncio.run(km.is_alive())


def test_a_kernel_that_ends_reports_its_exit_code(host: KernelHost, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_SANDBOX, SANDBOX_ON)
    runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=host.base)
    km = manager(runtime, str(host.socket))
    asyncio.run(km.start_kernel(cwd=runtime))
    kernel = km.provisioner.process
    assert isinstance(kernel, HostKernel)

    async def exit_by_itself() -> None:
        client = km.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.execute("import os; os._exit(3)")
        client.stop_channels()

    asyncio.run(exit_by_itself())
    assert kernel.wait(timeout=30) == 3
    asyncio.run(km.shutdown_kernel(now=True))


def test_a_runtime_outside_the_host_is_refused_with_the_hosts_reason(
    host: KernelHost, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_SANDBOX, SANDBOX_ON)
    runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=tmp_path)  # not under the host's base
    km = manager(runtime, str(host.socket))
    with pytest.raises(SandboxUnavailable, match="is not this host's"):
        asyncio.run(km.start_kernel(cwd=runtime))


def test_an_unreachable_host_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_SANDBOX, SANDBOX_ON)
    runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=tmp_path)
    km = manager(runtime, str(tmp_path / "no-host.sock"))
    with pytest.raises(SandboxUnavailable, match=r"cannot reach the kernel host at .*no-host\.sock"):
        asyncio.run(km.start_kernel(cwd=runtime))
