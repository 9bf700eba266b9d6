"""`make test` and `make test-fast`: the suite as pytest processes side by side (two cores).

    python tools/parts.py test [PYTEST_ARGS...]   # everything plain `pytest` runs
    python tools/parts.py fast [PYTEST_ARGS...]   # no browser, no answer corpus

Each plan is a few selections of plain `pytest`'s tests (pyproject.toml's settings, the same
paths and markers); `test`'s together are exactly plain `pytest`'s, each test in one of them
(tests/test_parts.py). All start at once, each with PYTEST_ARGS and its own pytest cache
(.pytest_cache/<part>, so none overwrites another's record of what failed). The first
part's output is shown as it runs, the others' once each is done; then one line: each part's
exit code and the time all took. Exits with the first non-zero code (0 when all passed). No
extra package: subprocesses.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import course  # noqa: E402

UNIT = "not browser and not corpus"
# `fast` evens out its two parts: the workbook's notebooks (the costly ones) with the workbook's
# kernel cases in one, the unit tests with every other notebook (the index and the ones beyond
# the workbook) in the other (here: 84 and 83 s of tests).
WORKBOOK = [f"notebooks/{nb.file}.ipynb" for nb in course.workbook()]
KERNEL = "tests/test_workbook_kernel.py"
OTHERS = sorted(
    str(p.relative_to(ROOT))
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if str(p.relative_to(ROOT)) not in WORKBOOK
)

FAST: tuple[tuple[str, list[str]], ...] = (
    ("workbook notebooks and kernel cases", [*WORKBOOK, KERNEL, "-m", UNIT]),
    ("unit tests and the other notebooks", ["tests", *OTHERS, "-m", UNIT, f"--ignore={KERNEL}"]),
)
PLANS: dict[str, tuple[tuple[str, list[str]], ...]] = {
    # `test` is `fast` beside a third part, the browser tests with the answer corpus: they wait
    # on Chromium and JupyterLab more than they compute, and the other two fill the time they
    # leave a core idle (two parts, the browser's and all the rest, left 170 of 456 core-seconds
    # idle here).
    "test": (("browser tests and the answer corpus", ["tests", "-m", "browser or corpus"]), *FAST),
    "fast": FAST,
}


def _cache(name: str) -> list[str]:
    return ["-o", f"cache_dir=.pytest_cache/{name.replace(' ', '-')}"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in PLANS:
        print(f"tools/parts.py: say which plan: {' or '.join(PLANS)}", file=sys.stderr)
        return 2
    plan, extra = PLANS[argv[0]], argv[1:]
    start = time.monotonic()
    runs = []
    for k, (name, args) in enumerate(plan):
        cmd = [sys.executable, "-m", "pytest", *args, *_cache(name), *extra]
        print(f"{argv[0]} [{name}]: pytest {' '.join(cmd[3:])}", flush=True)
        out = None if k == 0 else tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        runs.append((name, out, proc))
    codes = []
    try:
        for name, out, proc in runs:
            codes.append(proc.wait())
            if out is not None:
                out.seek(0)
                print(f"===== {name} =====")
                print(out.read(), end="", flush=True)
                out.close()
    finally:  # stopped early: each pytest stops as on Ctrl-C (it ends what it started)
        for _, _, proc in runs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for _, _, proc in runs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    took = time.monotonic() - start
    verdict = "passed" if not any(codes) else "FAILED"
    exits = ", ".join(f"{name} exit {code}" for (name, _), code in zip(plan, codes, strict=True))
    print(f"{argv[0]}: {verdict} in {took:.0f} s ({exits})")
    return next((c for c in codes if c), 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
