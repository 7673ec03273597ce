"""Report workers start lean: a console script that starts them is not run again in each."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

#: A main script like the ``cmacademy`` console script: importable by path only, no module name.
SCRIPT = textwrap.dedent(
    """
    import os
    import sys
    from pathlib import Path

    if __name__ == "__mp_main__":  # a worker running this script again
        Path(sys.argv[1]).with_suffix(".rerun").write_text(str(os.getpid()))

    if __name__ == "__main__":
        from grading.jobs import run_jobs

        done = [result for _, result in run_jobs(os.getpid, [(n, ()) for n in range(4)], workers=2)]
        assert all(isinstance(pid, int) and pid != os.getpid() for pid in done), done
        assert __file__, "the script's own __file__ is restored"
        Path(sys.argv[1]).write_text(str(len(done)))
    """
)


def test_workers_do_not_run_the_parents_main_script_again(tmp_path: Path) -> None:
    script = tmp_path / "console_script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    marker = tmp_path / "done.txt"
    done = subprocess.run(
        [sys.executable, str(script), str(marker)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert marker.read_text() == "4"
    assert not marker.with_suffix(".rerun").exists()


def test_warm_workers_start_before_the_jobs_are_read() -> None:
    import multiprocessing
    import os

    from grading.jobs import run_jobs

    seen: list[int] = []

    def calls() -> Iterator[tuple[int, tuple[()]]]:
        seen.append(len(multiprocessing.active_children()))  # the pool's workers, already started
        yield from ((n, ()) for n in range(3))

    done = dict(run_jobs(os.getpid, calls(), workers=2, warm=True))
    assert seen[0] >= 2
    assert sorted(done) == [0, 1, 2] and all(isinstance(pid, int) for pid in done.values())
