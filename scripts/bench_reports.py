"""Render the same qualification reports with a papermill-CLI loop and with `cmacademy report`.

Usage: python scripts/bench_reports.py [--trainees 20] [--workers 2]

Builds one graded and certified simulated cohort (the demo's simulation), then renders every
trainee's report twice: first the way one would script it by hand, a loop of the `papermill` CLI
(a kernel per report) and the `jupyter nbconvert --to html --no-input` CLI per trainee; then with
`cmacademy report --no-pdf` (HTML only, so both produce the same kind of output). Prints seconds
per report for both and, last, ``speedup_vs_papermill_cli=X.XX``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grading.demo import run_demo
from grading.pipeline.gradebook import tool_env
from grading.reports.data import gather
from grading.reports.render import TRAINEE_TEMPLATE
from grading.scheme import load_scheme


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    env = tool_env()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        root = Path(tmp)
        today = dt.date(2026, 11, 27)
        demo = run_demo(root / "demo", args.trainees, workers=args.workers, today=today)
        scheme = load_scheme()
        level_of = {lv.id: lv for lv in scheme.levels}
        cohort, _ = gather(demo.course, "assoc", scheme.level_for_exam("assoc"), level_of, today)
        data_dir, loop_dir = root / "data", root / "loop"
        data_dir.mkdir()
        loop_dir.mkdir()
        for result in cohort.trainees:
            (data_dir / f"{result.decision.trainee}.json").write_text(result.to_json(), encoding="utf-8")

        start = time.perf_counter()
        for result in cohort.trainees:
            trainee = result.decision.trainee
            executed = loop_dir / f"{trainee}.ipynb"
            for command in (
                [str(bin_dir / "papermill"), str(TRAINEE_TEMPLATE), str(executed), "--log-level", "ERROR",
                 "-p", "result_file", str(data_dir / f"{trainee}.json"), "-p", "lang", "zh", "-p", "as_of", today.isoformat()],
                [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--log-level", "ERROR", str(executed)],
            ):  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
                if done.returncode != 0:
                    sys.exit(f"{command[0]} failed for {trainee}:\n{done.stderr[-2000:]}")
        loop_seconds = time.perf_counter() - start

        start = time.perf_counter()
        done = subprocess.run(
            [str(bin_dir / "cmacademy"), "report", "assoc", "--course", str(demo.course.root), "--out", str(root / "ours"),
             "--workers", str(args.workers), "--no-pdf", "--date", today.isoformat()],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        ours_seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"cmacademy report failed:\n{done.stderr[-2000:]}")
        n = len(cohort.trainees)
        written = len(list((root / "ours" / "reports" / "assoc").glob("*.html")))
        print(f"trainees={n} workers={args.workers} reports_written={written} (plus the cohort report)")
        print(f"papermill_cli_loop_seconds={loop_seconds:.1f} per_report={loop_seconds / n:.2f}")
        print(
            f"cmacademy_report_seconds={ours_seconds:.1f} per_report={ours_seconds / n:.2f} (whole command)"
        )
        print(f"speedup_vs_papermill_cli={loop_seconds / ours_seconds:.2f}")


if __name__ == "__main__":
    main()
