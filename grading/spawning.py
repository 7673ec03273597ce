"""Spawning helper processes from the ``cmacademy`` console script without running it again."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def main_script_hidden() -> Iterator[None]:
    """Processes spawned meanwhile do not run the parent's main script again (as ``__mp_main__``).

    A ``spawn`` child runs the parent's ``__main__`` file again when that module has no import
    name, as with the ``cmacademy`` console script: every worker re-imported the whole CLI, and
    nbformat's IRI grammar (about 2 s of CPU each), and a script without a ``__main__`` guard
    would run its work twice. Spawned jobs are module-level functions of importable modules, so
    no child needs the script; without a ``__file__``, multiprocessing leaves ``__main__`` alone,
    as for an interactive session.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path
