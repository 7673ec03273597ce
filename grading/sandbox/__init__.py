"""The sandbox of every grading kernel: the launcher, warm kernel hosts and their pool.

`grading.sandbox.launcher` is what a course's grading kernelspec runs (``python -m
grading.sandbox``); `grading.sandbox.kernel_pool` starts one warm `grading.sandbox.kernel_host`
per grading worker, from which kernels are forked. This package imports nothing heavy: the
launcher starts once per kernel.
"""
