"""Start a grading kernel under resource limits, then become it.

Usage (from a kernelspec's argv)::

    python -m grading.kernel_launcher --memory-mb 2048 --cpu-seconds 900 --file-size-mb 256
        -- python -m ipykernel_launcher -f {connection_file}

The limits apply to the kernel and everything it starts: address space (a submission that
allocates too much gets a MemoryError instead of taking the machine), CPU seconds, and the size
of any file it writes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from typing import Final

MB: Final = 1024 * 1024


def apply_limits(memory_mb: int, cpu_seconds: int, file_size_mb: int) -> None:
    """Set hard and soft rlimits for this process and its children (0 means no limit)."""
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    if file_size_mb:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_mb * MB, file_size_mb * MB))


def main(argv: list[str] | None = None) -> None:
    """Parse the limits, apply them and exec the kernel command."""
    parser = argparse.ArgumentParser(prog="python -m grading.kernel_launcher")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--file-size-mb", type=int, default=0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command after --")
    apply_limits(args.memory_mb, args.cpu_seconds, args.file_size_mb)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
