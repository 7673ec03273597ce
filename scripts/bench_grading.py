"""Grade one simulated cohort with `nbgrader autograde` and with `cmacademy grade`, side by side.

Usage: python scripts/bench_grading.py [--trainees 48] [--workers 2] [--exam assoc] [--fresh-too]
       python scripts/bench_grading.py --scale 48,480 [--workers 2] [--exam assoc]

Both runs grade identical copies of the same course, roster and submissions on this machine,
one after the other. The script checks that every trainee's score is identical, then prints
seconds per notebook for both and, last, ``speedup_vs_nbgrader=X.XX``.

The baseline is plain `nbgrader autograde` in the course: one process, a fresh sandboxed kernel
per notebook, verdicts judged outside the kernel (the course's configuration). cm-academy runs
`cmacademy grade --workers N`: worker processes, kernels forked from each worker's warm kernel
host. ``--fresh-too`` also grades a third copy with ``--fresh-kernels``, to show what forking
adds on its own.

``--scale N,M,...`` grades one cohort of each size with `cmacademy grade` alone and prints, per
size, ``seconds_per_submission_N=`` and the grading parent's peak resident memory
(``peak_rss_mb_N=``, its own VmHWM, workers and kernels not included); last,
``scale_ratio=`` (seconds per submission of the largest cohort over the smallest's), which
should stay within 1.10.
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
from typing import Final

import nbformat

from grading.exams.simulate import simulated_submission
from grading.pipeline.collect import collect
from grading.pipeline.course import Course, init_course
from grading.pipeline.gradebook import gradebook, run_nbgrader, tool_env
from grading.pipeline.release import ReleaseError, release
from grading.pipeline.roster import import_roster


def scores(course: Course, exam: str) -> dict[str, float]:
    with gradebook(course.db_url) as gb:
        return {s.student_id: float(s.score) for s in gb.assignment_submissions(exam)}


#: How often the peak memory of the grading parent is read while it runs (seconds).
RSS_POLL: Final = 0.2


#: Courses drawn before giving up when each release refuses to leak an answer by coincidence.
RELEASE_TRIES: Final = 5


def _released_course(folder: Path, roster: Path, exam: str) -> Course:
    """A course with the roster imported and ``exam`` released.

    With hundreds of trainees, a number printed in the handout can equal some trainee's expected
    answer by chance; the release then refuses (rightly), and a new course, with a new secret
    pool, is drawn.
    """
    for attempt in range(1, RELEASE_TRIES + 1):
        shutil.rmtree(folder, ignore_errors=True)
        # The pool is drawn once at the roster's size (not grown again at the import).
        trainees = len(roster.read_text(encoding="utf-8").splitlines()) - 1
        course = init_course(folder, trainees=trainees)
        import_roster(course, roster)
        try:
            release(course, exam)
            return course
        except ReleaseError as exc:
            print(f"course {attempt}: {str(exc).splitlines()[-1].strip()}; drawing a new course", flush=True)
    sys.exit(f"no releasable course in {RELEASE_TRIES} tries")


def prepare(
    root: Path, trainees: int, exam: str, seed: int, copies: tuple[str, ...] = ("cmacademy", "fresh")
) -> tuple[Course, Course, Course | None]:
    roster = root / "roster.csv"
    lines = ["id,name,email,org_unit"] + [
        f"t{i:03d},学员{i:03d},t{i:03d}@bank.example,分行{i % 4 + 1}" for i in range(1, trainees + 1)
    ]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # One course, copied: the copies share its exam pool and variants, so scores must be equal.
    first = _released_course(root / "nbgrader", roster, exam)
    courses = [first]
    for name in copies:
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
    return courses[0], courses[1], (courses[2] if len(courses) > 2 else None)


def _peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory (VmHWM) of a running process, in MB; None once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return None if kb is None else kb / 1024


def cmacademy_grade_rss(course: Course, exam: str, workers: int, *extra: str) -> tuple[float, float]:
    """Seconds `cmacademy grade` takes for the whole cohort, and its peak RSS in MB (exits on an error)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "cmacademy"), "grade", exam, "--course", str(course.root),
             "--workers", str(workers), "--json", *extra],
            stdout=out, stderr=err, env=tool_env(),
        )  # fmt: skip
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _peak_rss_mb(proc.pid) or 0.0)
            time.sleep(RSS_POLL)
        seconds = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            err.seek(0)
            sys.exit(f"cmacademy grade failed:\n{err.read().decode(errors='replace')[-2000:]}")
    return seconds, peak


def cmacademy_grade(course: Course, exam: str, workers: int, *extra: str) -> float:
    """Seconds `cmacademy grade` takes for the whole cohort (exits on an error)."""
    return cmacademy_grade_rss(course, exam, workers, *extra)[0]


def scale(sizes: list[int], workers: int, exam: str, seed: int) -> None:
    """Grade one cohort per size with `cmacademy grade` only; print the cost per submission of each."""
    per: dict[int, float] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-scale-{n}-") as tmp:
            _, ours, _ = prepare(Path(tmp), n, exam, seed, copies=("cmacademy",))
            seconds, peak = cmacademy_grade_rss(ours, exam, workers)
            graded = scores(ours, exam)
            if len(graded) != n:
                sys.exit(f"{n} trainees: only {len(graded)} graded")
        per[n] = seconds / n
        print(f"trainees={n} workers={workers} cpus={os.cpu_count()} cmacademy_grade_seconds={seconds:.1f}")
        print(f"seconds_per_submission_{n}={per[n]:.3f} peak_rss_mb_{n}={peak:.0f}", flush=True)
    print(f"scale_ratio={per[max(sizes)] / per[min(sizes)]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--exam", default="assoc")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh-too", action="store_true", help="Also time --fresh-kernels.")
    parser.add_argument("--scale", help="Cohort sizes to grade with cmacademy only, e.g. 48,480.")
    args = parser.parse_args()
    if args.scale:
        scale([int(n) for n in args.scale.split(",")], args.workers, args.exam, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        baseline, ours, fresh = prepare(Path(tmp), args.trainees, args.exam, args.seed)
        start = time.perf_counter()
        done = run_nbgrader(baseline.root, "autograde", args.exam)
        nbgrader_seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"nbgrader autograde failed:\n{done.stderr[-2000:]}")
        ours_seconds = cmacademy_grade(ours, args.exam, args.workers)
        fresh_seconds = (
            cmacademy_grade(fresh, args.exam, args.workers, "--fresh-kernels")
            if fresh and args.fresh_too
            else 0
        )
        a, b = scores(baseline, args.exam), scores(ours, args.exam)
        differ = sorted(t for t in a if a[t] != b.get(t))
        if fresh and args.fresh_too:
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
