"""nbgrader preprocessors that keep verdicts outside the trainee's kernel.

`VariantExecute` runs a submission with the variant derived from nbgrader's student id, so a
trainee cannot switch clients. `JudgeAnswers` then reads the answers the kernel handed in as
plain data, compares them with the key *in the grader's process*, and rewrites each test cell's
outputs to the verdict alone: a trainee's kernel can print, hide or forge anything, but only an
answer equal to the expected value earns the points. nbgrader's `SaveAutoGrades` scores the
rewritten cells as usual, so the gradebook and the formgrader keep working; partial credit is
written as nbgrader reads it natively (an ``execute_result`` holding the points earned).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from queue import Empty
from typing import Any, ClassVar, Final

import zmq
from jsonschema import ValidationError  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Bool, Integer, Unicode, default

from casebank.exam import ANSWER_MIME, ENV_TRAINEE, ENV_VARIANT
from grading.exams import ExamError, expected_answers, kernel_variant
from grading.exams.verdicts import (  # noqa: F401  (the judge's verdicts live with the exams)
    FORMAT_ERROR,
    POINT_DECIMALS,
    SCORING_ZH,
    VERDICT_AMBIGUOUS,
    VERDICT_FORMAT,
    VERDICT_MISSING,
    VERDICT_NOT_RUN,
    VERDICT_OK,
    VERDICT_PARTIAL,
    VERDICT_UNDEFINED,
    VERDICT_WRONG,
    missing_reason,
    verdict,
)
from grading.pipeline.course import GRADING_KERNEL
from grading.pipeline.gradebook import environment
from grading.sandbox.kernel_pool import KernelHost, forking_possible, ro_paths, shared_host
from grading.sandbox.launcher import (
    ENV_KERNEL_HOST,
    ENV_SANDBOX,
    RUNTIME_PREFIX,
    SANDBOX_OFF,
    SANDBOX_ON,
    SandboxUnavailable,
)
from grading.sandbox.provisioner import HostProvisioner

ERROR_NAME: Final = "AnswerNotAccepted"
NOTEBOOK_TIMEOUT: Final = "NotebookTimeoutError"
OUTPUT_TRUNCATED: Final = (
    "[cm-academy] 输出超过上限，其余输出已丢弃 (output limit reached; the rest was dropped)"
)


#: Whether this worker already said that it could not fork kernels.
_warned: list[bool] = []


def _context(resources: dict[str, Any]) -> tuple[str, str]:
    info = resources.get("nbgrader", {})
    try:
        return str(info["assignment"]), str(info["student"])
    except KeyError:
        raise ExamError(
            "nbgrader did not pass the assignment and student ids; run this through autograde"
        ) from None


class BankSettings(NbGraderPreprocessor):
    """Where the case bank and the assessor key are (defaults: the shipped ones)."""

    bank_dir = Unicode("", help="The exam pool's facts; empty for the public canonical bank.").tag(
        config=True
    )
    key_dir = Unicode("", help="The exam pool's assessor key; empty for the canonical one.").tag(config=True)

    def _dirs(self) -> tuple[str | None, str | None]:
        return (self.bank_dir or None, self.key_dir or None)


class VariantExecute(BankSettings, Execute):
    """Execute a submission with its trainee's variant, in the course's limited kernel."""

    kernel_dir = Unicode(
        "",
        help="Directory holding kernels/<name>/kernel.json of the grading kernel; empty to use the notebook's.",
    ).tag(config=True)
    grading_kernel = Unicode(GRADING_KERNEL, help="Name of the grading kernel in kernel_dir.").tag(
        config=True
    )

    @default("shutdown_kernel")
    def _shutdown_kernel_default(self) -> str:
        # The kernel's state is of no use after grading; waiting for a graceful exit costs time.
        return "immediate"

    notebook_timeout = Integer(
        1800, help="Wall-clock seconds for the whole notebook; later cells are not run after it."
    ).tag(config=True)
    max_output_bytes = Integer(
        2_000_000, help="Output a notebook may produce; the rest is dropped while it arrives."
    ).tag(config=True)
    fork_kernels = Bool(
        False,
        help="Fork each kernel from this process's warm kernel host (grading.sandbox.kernel_pool) instead of "
        "starting a fresh one; cm-academy's grade workers turn it on. Needs root and the sandbox.",
    ).tag(config=True)
    sandbox = Bool(
        True,
        help="Run kernels in the sandbox; False (cmacademy grade --unsafe-no-sandbox) runs trainee code "
        "with the grader's rights and is only for trusted code.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Run the notebook with ``CMACADEMY_VARIANT`` set for nbgrader's student id."""
        exam, student = _context(resources)
        variant = kernel_variant(exam, student, *self._dirs())
        host = self._kernel_host()
        self._runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX, dir=host.base if host else None)
        # The kernel's runtime directory, IPC sockets and scratch (TMPDIR of the sandbox launcher)
        # all live in one private directory that is removed after the run.
        env = {
            ENV_VARIANT: variant.to_json(),
            ENV_TRAINEE: student,
            "JUPYTER_RUNTIME_DIR": self._runtime,
            "TMPDIR": self._runtime,
            # The launcher's one switch: stated every time, so nothing inherited can turn it off.
            ENV_SANDBOX: SANDBOX_ON if self.sandbox else SANDBOX_OFF,
        }
        if self.kernel_dir:
            env["JUPYTER_PATH"] = self.kernel_dir
            self.kernel_name = self.grading_kernel
        env[ENV_KERNEL_HOST] = self._host_socket = str(host.socket) if host else ""
        self._deadline = time.monotonic() + self.notebook_timeout
        self._output_bytes = 0
        self._truncated = False
        try:
            with environment(**env):
                result: tuple[NotebookNode, dict[str, Any]] = super().preprocess(nb, resources)
        finally:
            shutil.rmtree(self._runtime, ignore_errors=True)
        return result

    def _kernel_host(self) -> KernelHost | None:
        """This worker's warm kernel host, when kernels are to be forked and can be."""
        if not (self.fork_kernels and self.kernel_dir and forking_possible(self.sandbox)):
            return None
        spec = Path(self.kernel_dir) / "kernels" / self.grading_kernel / "kernel.json"
        try:
            return shared_host(ro_paths(spec))
        except SandboxUnavailable as exc:
            # Forking is only faster; a fresh sandboxed kernel isolates just as well.
            if not _warned:
                _warned.append(True)
                self.log.warning("kernels are started fresh: %s", exc)
            return None

    def create_kernel_manager(self) -> Any:
        """A kernel manager on Unix sockets in a private runtime directory (the sandbox has no network)."""
        km = super().create_kernel_manager()
        if isinstance(km, GradingKernelManager):
            km.kernel_host = self._host_socket
        if self.kernel_dir:
            km.transport = "ipc"
            km.ip = os.path.join(self._runtime, "kernel-ipc")
            km.connection_file = os.path.join(self._runtime, "kernel.json")
        return km

    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._deadline - time.monotonic()))
        return left if timeout is None else min(int(timeout), left)

    async def async_execute_cell(
        self,
        cell: NotebookNode,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> NotebookNode:
        """Run a cell unless the notebook's time is up (then record why it did not run)."""
        if cell.cell_type == "code" and time.monotonic() > self._deadline:
            text = f"not run: the notebook exceeded its time limit of {self.notebook_timeout} s"
            cell.outputs = [
                NotebookNode(output_type="error", ename=NOTEBOOK_TIMEOUT, evalue=text, traceback=[text])
            ]
            return cell
        result: NotebookNode = await super().async_execute_cell(
            cell, cell_index, execution_count, store_history
        )
        return result

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> Any:
        """Keep outputs until the notebook's output budget is spent; drop the rest as it arrives."""
        content = msg.get("content", {})
        self._output_bytes += len(str(content.get("text", ""))) + len(str(content.get("data", "")))
        if self._output_bytes > self.max_output_bytes:
            if not self._truncated:
                self._truncated = True
                outs.append(NotebookNode(output_type="stream", name="stdout", text=OUTPUT_TRUNCATED + "\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


#: How often the grader asks a starting kernel whether it is ready, and polls a killed one.
READY_POLL: Final = 0.02
#: Milliseconds between a client socket's attempts to connect to a kernel that has not bound yet
#: (zmq's default is 100: most kernels bind a few ms after the first attempt, and then sat idle).
RECONNECT_MS: Final = 5


class ReadyClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel answers on both channels.

    jupyter_client's client waits 0.2 s for an IOPub message after the first reply and then
    0.2 s more for IOPub to fall silent; a kernel that has just bound its sockets often loses its
    first IOPub message to the subscriber that is still connecting, so that costs 0.2-0.4 s per
    notebook. This client asks again every 20 ms until a reply and an IOPub message have
    arrived. nbclient ignores messages that do not answer its own requests, so the extra
    replies are harmless.
    """

    def _context_default(self) -> zmq.asyncio.Context:
        # The client makes its own context (not the manager's), so it sets the interval itself.
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return context

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        reply: dict[str, Any] | None = None
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=READY_POLL)
                if msg["msg_type"] == "kernel_info_reply":
                    reply = msg
            except Empty:
                pass
            if reply is not None:
                try:
                    await self.iopub_channel.get_msg(timeout=READY_POLL)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    # AsyncKernelClient binds the public name to the base class's function, not to an override.
    wait_for_ready = _async_wait_for_ready


class GradingKernelManager(AsyncKernelManager):
    """The grader's kernel manager: quick to connect to a starting kernel, quick to reap a killed one.

    With ``kernel_host`` set (a grading worker's warm host), kernels are asked of the host by the
    worker itself (`grading.sandbox.provisioner`), without starting the kernelspec's launcher.
    """

    kernel_host = Unicode("", help="The worker's kernel host socket; empty to run the kernelspec.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client_class = "grading.pipeline.autograde.ReadyClient"
        # Sockets retry connecting to a kernel that has not bound yet every few ms, not 100 ms.
        self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.kernel_host and self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = HostProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self, host=self.kernel_host
            )
        result: tuple[list[str], dict[str, Any]] = await super()._async_pre_start_kernel(**kw)
        return result

    pre_start_kernel = _async_pre_start_kernel

    async def _async_wait(self, pollinterval: float = READY_POLL) -> None:
        # jupyter_client polls a killed kernel every 0.1 s; its launcher dies at once.
        await super()._async_wait(pollinterval=READY_POLL)


def handed_in(outputs: list[NotebookNode], question: str) -> list[Any]:
    """The answers to ``question`` that a cell's outputs carry."""
    answers = []
    for output in outputs:
        data = (
            output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
        )
        payload = data.get(ANSWER_MIME)
        if isinstance(payload, dict) and payload.get("question") == question:
            answers.append(payload.get("answer"))
    return answers


def verdict_outputs(question: str, earned: float, points: float, message: str) -> list[NotebookNode]:
    """The only outputs a judged test cell keeps; nbgrader reads the points from them.

    Full credit is a plain message, no credit an error; partial credit is the message followed
    by an ``execute_result`` whose text is the points earned (nbgrader's ``get_partial_grade``).
    """
    text = f"{question}: {message}"
    if earned <= 0:
        return [
            NotebookNode(
                output_type="error", ename=ERROR_NAME, evalue=text, traceback=[f"{ERROR_NAME}: {text}"]
            )
        ]
    outputs = [NotebookNode(output_type="stream", name="stdout", text=text + "\n")]
    if earned < points:
        outputs.append(
            NotebookNode(
                output_type="execute_result",
                execution_count=None,
                metadata={},
                data={"text/plain": f"{earned:g}"},
            )
        )
    return outputs


class _CompiledSchema(BaseMetadataValidator):
    """nbgrader's per-cell schema check with the schema compiled once, not re-checked per cell."""

    _compiled: ClassVar[dict[int, Any]] = {}

    def validate_cell(self, cell: NotebookNode) -> None:
        meta = cell.metadata.get("nbgrader")
        if meta is None or meta.get("schema_version", 0) != self.schema_version:
            super().validate_cell(cell)  # nbgrader's own errors for missing or other versions
            return
        validator = self._compiled.get(self.schema_version)
        if validator is None:
            validator = self._compiled[self.schema_version] = validator_for(self.schema)(self.schema)
        validator.validate(meta)


class FastMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current metadata validator; its base check runs on the compiled schema."""


class CheckCellMetadata(NbGraderPreprocessor):
    """nbgrader's CheckCellMetadata (same checks and errors) on the compiled schema.

    nbgrader re-validates its JSON schema for every cell: about 0.1 s of CPU per notebook.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Validate every cell's nbgrader metadata and that grade ids are unique."""
        try:
            FastMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


class JudgeAnswers(BankSettings):
    """Compare handed-in answers with the key and write the verdict into each test cell."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Rewrite every autograded test cell's outputs to the grader's verdict."""
        exam, student = _context(resources)
        expected = expected_answers(exam, student, *self._dirs())
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
                continue
            question = cell.metadata["nbgrader"]["grade_id"]
            if question not in expected:
                raise ExamError(
                    f"exam {exam}: test cell {question!r} has no expected answer in grading.exams.{exam}; "
                    "add it there or remove the cell's points"
                )
            points = float(cell.metadata["nbgrader"]["points"])
            earned, message = verdict(
                expected[question], handed_in(cell.outputs, question), points, cell.outputs
            )
            cell.outputs = verdict_outputs(question, earned, points, message)
        return nb, resources
