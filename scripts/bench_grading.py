"""Grade one simulated cohort with `nbgrader autograde` and with `cmacademy grade`, side by side.

Usage: python scripts/bench_grading.py [--trainees 48] [--workers 2] [--exam assoc] [--fresh-too]

Both runs grade identical copies of the same course, roster and submissions on this machine,
one after the other. The script checks that every trainee's score is identical, then prints
seconds per notebook for both and, last, ``speedup_vs_nbgrader=X.XX``.

The baseline is plain `nbgrader autograde` in the course: one process, a fresh sandboxed kernel
per notebook, verdicts judged outside the kernel (the course's configuration). cm-academy runs
`cmacademy grade --workers N`: worker processes, kernels forked from each worker's warm kernel
host. ``--fresh-too`` also grades a third copy with ``--fresh-kernels``, to show what forking
adds on its own.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grading.exams.simulate import simulated_submission
from grading.pipeline.collect import collect
from grading.pipeline.course import Course, init_course
from grading.pipeline.gradebook import gradebook, run_nbgrader, tool_env
from grading.pipeline.release import release
from grading.pipeline.roster import import_roster


def scores(course: Course, exam: str) -> dict[str, float]:
    with gradebook(course.db_url) as gb:
        return {s.student_id: float(s.score) for s in gb.assignment_submissions(exam)}


def prepare(root: Path, trainees: int, exam: str, seed: int) -> tuple[Course, Course, Course]:
    roster = root / "roster.csv"
    lines = ["id,name,email,org_unit"] + [
        f"t{i:03d},学员{i:03d},t{i:03d}@bank.example,分行{i % 4 + 1}" for i in range(1, trainees + 1)
    ]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # One course, copied: the copies share its exam pool and variants, so scores must be equal.
    first = init_course(root / "nbgrader")
    import_roster(first, roster)
    release(first, exam)
    courses = [first]
    for name in ("cmacademy", "fresh"):
        shutil.copytree(first.root, root / name)
        courses.append(Course.open(root / name))
    source = nbformat.read(courses[0].source(exam) / f"{exam}.ipynb", as_version=4)
    rng = random.Random(seed)
    inbox = root / "inbox"
    for i in range(1, trainees + 1):
        trainee = f"t{i:03d}"
        nb = simulated_submission(exam, trainee, rng.uniform(0.3, 0.95), rng, source)
        (inbox / trainee / exam).mkdir(parents=True)
        nbformat.write(nb, inbox / trainee / exam / f"{exam}.ipynb")
    for course in courses:
        collect(course, exam, inbox)
    return courses[0], courses[1], courses[2]


def cmacademy_grade(course: Course, exam: str, workers: int, *extra: str) -> float:
    """Seconds `cmacademy grade` takes for the whole cohort (exits on an error)."""
    start = time.perf_counter()
    ran = subprocess.run(
        [str(Path(sys.executable).parent / "cmacademy"), "grade", exam, "--course", str(course.root),
         "--workers", str(workers), "--json", *extra],
        capture_output=True, text=True, env=tool_env(), check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if ran.returncode not in (0, 1):
        sys.exit(f"cmacademy grade failed:\n{ran.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--exam", default="assoc")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh-too", action="store_true", help="Also time --fresh-kernels.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        baseline, ours, fresh = prepare(Path(tmp), args.trainees, args.exam, args.seed)
        start = time.perf_counter()
        done = run_nbgrader(baseline.root, "autograde", args.exam)
        nbgrader_seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"nbgrader autograde failed:\n{done.stderr[-2000:]}")
        ours_seconds = cmacademy_grade(ours, args.exam, args.workers)
        fresh_seconds = (
            cmacademy_grade(fresh, args.exam, args.workers, "--fresh-kernels") if args.fresh_too else 0
        )
        a, b = scores(baseline, args.exam), scores(ours, args.exam)
        differ = sorted(t for t in a if a[t] != b.get(t))
        if args.fresh_too:
            c = scores(fresh, args.exam)
            differ += sorted(t for t in a if a[t] != c.get(t))
        n = args.trainees
        print(f"trainees={n} exam={args.exam} workers={args.workers} cpus={os.cpu_count()}")
        print(f"nbgrader_autograde_seconds={nbgrader_seconds:.1f} per_notebook={nbgrader_seconds / n:.2f}")
        if args.fresh_too:
            print(
                f"cmacademy_fresh_kernels_seconds={fresh_seconds:.1f} per_notebook={fresh_seconds / n:.2f} "
                f"speedup={nbgrader_seconds / fresh_seconds:.2f}"
            )
        print(f"cmacademy_grade_seconds={ours_seconds:.1f} per_notebook={ours_seconds / n:.2f}")
        print(
            f"scores_identical={not differ and len(a) == len(b) == n} mean_score={sum(b.values()) / len(b):.2f}"
        )
        if differ:
            sys.exit(f"scores differ for {sorted(set(differ))}")
        print(f"speedup_vs_nbgrader={nbgrader_seconds / ours_seconds:.2f}")


if __name__ == "__main__":
    main()
