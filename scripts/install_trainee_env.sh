#!/usr/bin/env bash
# Build the trainees' Python environment: the trainee distribution cm-academy-trainee (the
# casebank package: case bank, curriculum helpers, practice self-checks, exam session), the
# curriculum notebooks, JupyterLab with nbgrader's assignment list and JupyterHub's single-user
# server. It holds no `grading`, no key, no case generator and no signing code; the script
# checks that before it puts the environment in place.
#
# Usage: scripts/install_trainee_env.sh TARGET [--reuse-packages VENV]
#   TARGET                  the environment to make (replaced whole when it exists)
#   --reuse-packages VENV   take the third-party packages from an existing virtualenv instead of
#                           PyPI (fast and offline; the tests use the project's .venv). Only
#                           VENV's site-packages folder is put on the path: its .pth files are
#                           not run, so an editable cm-academy there stays out of reach.
# Environment: PYTHON, the interpreter of the venv (default: python3, or VENV's with
# --reuse-packages); trainees' servers run it, so it must be executable by every trainee.
#
# The curriculum lands in TARGET/share/cm-academy/curriculum (the hub copies it to trainees).
set -euo pipefail

usage() { echo "usage: $0 TARGET [--reuse-packages VENV]" >&2; exit 2; }
[ $# -ge 1 ] || usage
TARGET=$(realpath -m "$1"); shift
REUSE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reuse-packages) [ $# -ge 2 ] || usage; REUSE=$(realpath "$2"); shift 2 ;;
        *) usage ;;
    esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PARTIAL="$TARGET.partial"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE" "$PARTIAL"' EXIT
rm -rf "$PARTIAL"

fail() { echo "trainee environment: $*" >&2; exit 1; }

if [ -n "$REUSE" ]; then
    [ -x "$REUSE/bin/python" ] || fail "$REUSE is not a virtualenv (no bin/python); give the venv to reuse"
    # The trainees run this interpreter: it must be one they may execute (a pyenv under /root is
    # not), of the same version as the reused packages.
    PY=${PYTHON:-$REUSE/bin/python}
    version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
    [ "$(version "$PY")" = "$(version "$REUSE/bin/python")" ] || \
        fail "$PY is Python $(version "$PY"), the packages of $REUSE are for $(version "$REUSE/bin/python")"
    "$PY" -m venv --without-pip "$PARTIAL"
    purelib() { "$1" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
    echo "$(purelib "$REUSE/bin/python")" > "$(purelib "$PARTIAL/bin/python")/cmacademy-reused-packages.pth"
    # JupyterLab's extensions (nbgrader's Assignments tab) and server-extension switches.
    mkdir -p "$PARTIAL/share" "$PARTIAL/etc"
    [ ! -d "$REUSE/share/jupyter" ] || ln -s "$REUSE/share/jupyter" "$PARTIAL/share/jupyter"
    [ ! -d "$REUSE/etc/jupyter" ] || ln -s "$REUSE/etc/jupyter" "$PARTIAL/etc/jupyter"
    # The reused venv's commands would run its own Python: give the trainee environment its own.
    for entry in jupyterhub-singleuser=jupyterhub.singleuser jupyter=jupyter_core.command \
                 jupyter-lab=jupyterlab.labapp jupyter-server=jupyter_server.serverapp; do
        printf '#!%s\nimport sys\nfrom %s import main\nsys.exit(main())\n' \
            "$TARGET/bin/python" "${entry#*=}" > "$PARTIAL/bin/${entry%%=*}"
        chmod 755 "$PARTIAL/bin/${entry%%=*}"
    done
    PIP=("$PARTIAL/bin/python" -m pip install --quiet --no-deps --no-index --no-build-isolation)
else
    "${PYTHON:-python3}" -m venv "$PARTIAL"
    PIP=("$PARTIAL/bin/python" -m pip install --quiet)
fi

# The trainee distribution: casebank alone, built from a copy so nothing else is in reach.
cp "$ROOT/scripts/trainee-pyproject.toml" "$STAGE/pyproject.toml"
cp -r "$ROOT/casebank" "$STAGE/casebank"
find "$STAGE" -name __pycache__ -prune -exec rm -rf {} +
(cd "$STAGE" && "${PIP[@]}" .)

mkdir -p "$PARTIAL/share/cm-academy"
cp -r "$ROOT/curriculum" "$PARTIAL/share/cm-academy/curriculum"

# The checks run from / so that no source checkout is on the path by accident.
(cd / && "$PARTIAL/bin/python" - <<'PY') || fail "the checks failed; nothing was installed"
import importlib.util
import sys

import casebank.exam
import casebank.teaching
from casebank.load import load_bank

load_bank()
for name in ("grading", "grading.keys", "grading.casegen"):
    if importlib.util.find_spec(name.split(".")[0]) is not None:
        sys.exit(f"{name} is importable in the trainee environment")
PY
leaks=$(find "$PARTIAL" \( -name truth.csv -o -name key_manifest.json -o -name 'signing*.pem' \) -print)
[ -z "$leaks" ] || fail "assessor files in the environment: $leaks"

rm -rf "$TARGET"
mv "$PARTIAL" "$TARGET"
echo "trainee environment ready: $TARGET (casebank, curriculum; no grading, no key)"
