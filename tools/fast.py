"""`make test-fast`: the unit tests and the notebooks under nbval, side by side (two cores).

    python tools/fast.py [PYTEST_ARGS...]

Runs `pytest tests -m 'not browser and not corpus'` and `pytest notebooks` as two processes at
once, each with PYTEST_ARGS, then prints each one's output in that order and exits with the
first non-zero code (0 when both passed). The browser tests and the answer corpus are left to
`make test`. No extra package: two subprocesses.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = (
    ("unit tests", ["tests", "-m", "not browser and not corpus"]),
    ("notebooks", ["notebooks"]),
)


def main(argv: list[str]) -> int:
    start = time.monotonic()
    runs = []
    for name, args in PARTS:
        out = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        cmd = [sys.executable, "-m", "pytest", *args, *argv]
        print(f"test-fast: {' '.join(cmd[1:])}", flush=True)
        runs.append(
            (name, out, subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT))
        )
    codes = []
    for name, out, proc in runs:
        codes.append(proc.wait())
        out.seek(0)
        print(f"===== {name} =====")
        print(out.read(), end="")
        out.close()
    took = time.monotonic() - start
    verdict = "passed" if not any(codes) else "FAILED"
    exits = ", ".join(f"{name} exit {code}" for (name, _), code in zip(PARTS, codes, strict=True))
    print(f"test-fast: {verdict} in {took:.0f} s ({exits})")
    return next((c for c in codes if c), 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
