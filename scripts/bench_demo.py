"""Time `cmacademy demo` as a user runs it, phase by phase, from its log.

Usage: python scripts/bench_demo.py [--trainees 30] [--workers 2] [--runs 1] [--keep DIR]

Runs ``cmacademy demo --out DIR`` with its output going to a pipe (as to a log file, not a
terminal), notes when each line arrives, and prints for each run:

- ``phase_<name>_seconds=`` from one stage line to the next (the CLI start and bank check are
  ``phase_start``, until the first stage line);
- ``max_log_gap_seconds=``: the longest silence of the log (the demo promises a line at least
  every 10 s);
- ``demo_seconds=``: the whole command, which should stay within 30 s on 2 cores;
- ``load_before=`` / ``load_after=``: the machine's 1-minute load average around the run (other
  work on the machine slows the demo; compare runs only at similar load).

Every run is reported, not only the best.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

#: The demo's stage lines (grading.demo.run_demo's ``step`` calls) -> the phase's short name.
STAGES: Final = (
    ("setting up the course", "setup"),
    ("simulating", "simulate"),
    ("grading", "grade"),
    ("scoring the reports", "score_reports"),
    ("certifying", "certify"),
    ("writing reports", "reports"),
    ("graded ", "summary"),
)
#: The longest silence the demo's log may have (seconds).
MAX_GAP: Final = 10.0
#: The demo's target on this machine (seconds).
TARGET: Final = 30.0


def phase_of(line: str) -> str | None:
    """The phase a log line starts, or None."""
    text = re.sub(r"^[\W\d:.]*", "", line.strip())
    return next((name for prefix, name in STAGES if text.startswith(prefix) or prefix in line[:80]), None)


def run_once(out: Path, trainees: int, workers: int) -> tuple[float, dict[str, float], float, int]:
    """Run the demo once; return (seconds, phase -> seconds, longest log gap, exit code)."""
    command = [str(Path(sys.executable).parent / "cmacademy"), "demo", "--out", str(out),
               "--trainees", str(trainees), "--workers", str(workers)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ)
    assert proc.stdout is not None
    marks: list[tuple[str, float]] = [("start", 0.0)]
    last, gap = 0.0, 0.0
    for raw in proc.stdout:
        now = time.perf_counter() - start
        gap, last = max(gap, now - last), now
        phase = phase_of(raw.decode(errors="replace"))
        if phase is not None and phase != marks[-1][0]:
            marks.append((phase, now))
    code = proc.wait()
    seconds = time.perf_counter() - start
    gap = max(gap, seconds - last)
    phases = {
        name: (marks[i + 1][1] if i + 1 < len(marks) else seconds) - at for i, (name, at) in enumerate(marks)
    }
    return seconds, phases, gap, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="Leave the last demo in this directory.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        for run in range(1, args.runs + 1):
            out = args.keep if args.keep and run == args.runs else Path(tmp) / f"demo{run}"
            load_before = os.getloadavg()[0]
            seconds, phases, gap, code = run_once(out, args.trainees, args.workers)
            print(
                f"run={run} trainees={args.trainees} workers={args.workers} cpus={os.cpu_count()} exit={code} "
                f"load_before={load_before:.2f} load_after={os.getloadavg()[0]:.2f}"
            )
            for name, spent in phases.items():
                print(f"phase_{name}_seconds={spent:.1f}")
            print(f"max_log_gap_seconds={gap:.1f} (at most {MAX_GAP:.0f})")
            print(f"demo_seconds={seconds:.1f} (target {TARGET:.0f})", flush=True)
            if code != 0:
                sys.exit(f"cmacademy demo exited {code}")


if __name__ == "__main__":
    main()
