"""The grader talks to its kernels quickly: it connects as soon as a kernel has bound, and packs messages with orjson."""

from __future__ import annotations

import zmq
from jupyter_client.session import Session

from grading.pipeline.autograde import RECONNECT_MS, GradingKernelManager, ReadyClient


def test_the_client_retries_a_kernel_that_has_not_bound_yet_every_few_ms() -> None:
    # The client makes its own zmq context: the manager's setting alone did not reach its sockets,
    # which retried every 100 ms while a forked kernel was ready after about 60 ms.
    client = GradingKernelManager().client()
    try:
        assert isinstance(client, ReadyClient)
        assert client.context is not GradingKernelManager().context
        socket = client.context.socket(zmq.DEALER)
        assert socket.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
        socket.close()
    finally:
        client.context.term()


def test_kernel_messages_are_packed_with_orjson() -> None:
    # jupyter_client picks orjson when it is installed (a project dependency for this reason).
    session = Session()
    assert session.packer == "orjson"
    assert session.unpack(session.pack({"n": 1.5, "text": "已提交"})) == {"n": 1.5, "text": "已提交"}
