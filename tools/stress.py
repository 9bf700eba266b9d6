"""Run the test suite while every core is kept busy, and say how it went (`make stress`).

    python tools/stress.py [--workers N] [-- PYTEST_ARGS...]

Starts N load workers (default: one per core this process may run on), each a Python process
spinning at normal priority, so pytest and everything it starts (kernels, JupyterLab,
Chromium) compete for every core as on a busy machine. Then runs `python -m pytest
PYTEST_ARGS` (plain `pytest`, i.e. `make test`'s selection, when none are given), stops the
workers and prints one line: pytest's result, its wall and CPU time, and how busy the workers
kept the cores (their CPU time over the wall time). Exits with pytest's code. No extra package:
the load is this file's own, so it runs wherever the tests run.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A worker: integer and float arithmetic in a tight loop, forever (it is killed at the end).
SPIN = "x = 1.0\nwhile True:\n    for i in range(100_000):\n        x = (x * 1.000001 + i) % 97.0\n"


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def start_workers(n: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL) for _ in range(n)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> float:
    """Kill the workers; their CPU seconds in all."""
    cpu = 0.0
    for proc in workers:
        try:
            proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
    for proc in workers:
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = -signal.SIGKILL
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", type=int, default=cores(), help="load workers (default: one per core)"
    )
    parser.add_argument("pytest_args", nargs="*", help="after --: passed on to pytest")
    args = parser.parse_args(argv)
    if args.workers < 1:
        print("tools/stress.py: --workers must be at least 1", file=sys.stderr)
        return 2
    # Stopped from outside (SIGTERM, as CI or `kill` stop a job), the workers go too: the
    # handler raises, `subprocess.run` kills pytest, and `finally` kills the workers.
    previous = signal.signal(signal.SIGTERM, _terminated)
    workers = start_workers(args.workers)
    started = time.monotonic()
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        tests = subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        wall = time.monotonic() - started
        load_cpu = stop_workers(workers)
        signal.signal(signal.SIGTERM, previous)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    verdict = "passed" if tests.returncode == 0 else f"FAILED (pytest exit code {tests.returncode})"
    print(
        f"stress: pytest {' '.join(args.pytest_args) or '(all)'} {verdict} under load: "
        f"{wall:.0f} s wall, {cpu:.0f} s CPU for the tests; {args.workers} load workers on "
        f"{cores()} cores kept {load_cpu / wall:.2f} cores busy on average",
        flush=True,
    )
    return tests.returncode


if __name__ == "__main__":
    sys.exit(main())
