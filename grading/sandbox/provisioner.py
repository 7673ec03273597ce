"""Kernels forked by the worker's kernel host, asked for directly: no launcher process per kernel.

A course's grading kernelspec starts ``python -m grading.sandbox ... -- python -m ipykernel_launcher
-f CONN``. With a warm kernel host (`grading.sandbox.kernel_pool`), that launcher only checks its
options, prepares the kernel's scratch, asks the host for a kernel over the host's socket and
then waits, standing in for the kernel: a Python interpreter started per notebook (about 0.04 s
of CPU and 0.05 s before the kernel is even asked for, on each of a cohort's notebooks).

`HostProvisioner` is jupyter_client's local provisioner with that launcher done in the grading
worker itself: the same parsing of the kernelspec's command line (`grading.sandbox.launcher.
parse_launch`), the same scratch, uid, environment allow-list and limits, the same request to
the host. `HostKernel` (`grading.sandbox.host_client`, as the launcher uses it) stands in for the
kernel process towards jupyter_client: its connection to the host is the kernel's life (the
host answers ``{"exit": CODE}`` when the kernel ends, and kills the kernel when the connection
closes).

Only a grading worker with a kernel host uses it (`grading.pipeline.autograde.VariantExecute`);
plain ``nbgrader autograde`` runs the kernelspec's launcher as before.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any, Final

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Unicode

from grading.sandbox.host_client import HostKernel
from grading.sandbox.launcher import (
    ENV_SANDBOX,
    SANDBOX_ON,
    SandboxUnavailable,
    in_private_runtime,
    kernel_request,
    parse_launch,
    prepare_scratch,
)
from grading.settings import SANDBOX_UID_BASE

#: The kernelspec command a grading course writes: ``python -m grading.sandbox ...``.
LAUNCHER_MODULE: Final = ("-m", "grading.sandbox")
#: The uids of kernels asked for in-process lie above the launchers' (BASE .. BASE + 100,000).
IN_PROCESS_UIDS: Final = SANDBOX_UID_BASE + 100_000
#: Kernels one worker process can have alive at once without sharing a uid.
UIDS_PER_WORKER: Final = 100

_sequence = itertools.count()


def kernel_uid() -> int:
    """A uid of the next kernel's own: unique among this worker's recent kernels and other workers'."""
    return IN_PROCESS_UIDS + (os.getpid() % 100_000) * UIDS_PER_WORKER + next(_sequence) % UIDS_PER_WORKER


class HostProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, asking the worker's kernel host for each kernel itself."""

    host = Unicode("", help="The kernel host's socket.").tag(config=False)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Ask the host for the kernel the kernelspec's launcher would have asked for.

        A kernelspec that does not run cm-academy's launcher, or a run with the sandbox off, is
        launched as jupyter_client launches it.

        Raises:
            SandboxUnavailable: the host could not fork the kernel.
        """
        env: dict[str, str] = dict(kwargs.get("env") or os.environ)
        if tuple(cmd[1:3]) != LAUNCHER_MODULE or env.get(ENV_SANDBOX) != SANDBOX_ON:
            return await super().launch_kernel(cmd, **kwargs)
        launch = parse_launch(cmd[3:])
        connection_file = launch.connection_file
        if not in_private_runtime(connection_file):
            raise SandboxUnavailable(
                f"the connection file {connection_file} is not in a private runtime directory; "
                "start grading kernels through cm-academy's grader."
            )
        uid = kernel_uid()
        scratch = prepare_scratch(Path(kwargs.get("cwd") or os.getcwd()), connection_file, uid)
        request = kernel_request(launch.kernel, connection_file, scratch, uid, launch.limits, env)
        kernel = HostKernel.ask(Path(self.host), request)
        # jupyter_client only polls, waits for, signals and kills its process: HostKernel does all four.
        self.process = kernel  # type: ignore[assignment]
        self.pid, self.pgid = kernel.pid, None
        return self.connection_info
