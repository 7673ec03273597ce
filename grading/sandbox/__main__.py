"""``python -m grading.sandbox``: launch a kernel in the sandbox (the grading kernelspec's command)."""

import sys

from grading.sandbox.launcher import main

main(sys.argv[1:])
