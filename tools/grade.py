"""Grade a folder of returned workbooks: each runs in a fresh kernel with a time limit.

    python tools/grade.py FOLDER [--csv grades.csv] [--timeout 300] [--jobs 2]

Every .ipynb under FOLDER is one returned workbook notebook; its student is the first folder
under FOLDER (alice/04_sampling.ipynb -> alice) or, for a file directly in FOLDER, its name
(alice_04_sampling.ipynb -> alice_04_sampling). Each notebook runs top to bottom in its own
kernel, as "Restart and run all" would, errors allowed; a check counts as passed when its
`check("name")` cell printed ✓. A notebook that runs past the time limit, or whose kernel dies,
is reported and skipped. Writes a CSV of student x step (1 passed, 0 not, blank if the step is
not in the student's notebooks) and prints a one-screen summary. No server, no extra package.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_one(path: Path, timeout: float) -> dict[str, Any]:
    """Run one notebook in a child process with a wall-clock limit: {"checks": {name: bool}} or
    {"problem": "..."}."""
    cmd = [sys.executable, __file__, "--one", str(path), "--timeout", str(timeout)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and the kernel it started
        proc.communicate()
        return {"problem": f"timed out after {timeout:g} s"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        return {"problem": f"could not run ({tail[:100]})"}
    return dict(json.loads(lines[-1]))


def _execute(path: Path, timeout: float) -> dict[str, Any]:
    """In the child: execute the notebook, read its check cells."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from tools.execute import notebook_client

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:
        return {"problem": f"not a notebook ({type(err).__name__})"}
    client = notebook_client(nb, ROOT / "workbook", timeout, allow_errors=True)
    try:
        client.execute()
    except CellTimeoutError:
        return {"problem": f"timed out after {timeout:g} s"}
    except DeadKernelError:
        return {"problem": "crashed (the kernel died)"}
    except Exception as err:
        return {"problem": f"could not run ({type(err).__name__}: {str(err)[:80]})"}
    checks: dict[str, bool] = {}
    for cell in nb.cells:
        src = cell.source.strip() if cell.cell_type == "code" else ""
        if src.startswith('check("') and src.endswith('")'):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []))
            checks[src[len('check("') : -2]] = text.startswith("✓")
    return {"checks": checks}


def student_of(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder)
    return rel.parts[0] if len(rel.parts) > 1 else path.stem


def grade(
    folder: Path, out: Path, timeout: float = 300, jobs: int = 1
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Grade every notebook under `folder`; write the CSV `out`; return the summary lines and
    the results by student."""
    from helpers.checks import STEPS

    paths = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda p: run_one(p, timeout), paths))
    by_student: dict[str, dict[str, Any]] = {}
    for path, res in zip(paths, results, strict=True):
        entry = by_student.setdefault(student_of(path, folder), {"checks": {}, "problems": []})
        if "problem" in res:
            entry["problems"].append(f"{path.name}: {res['problem']}")
        else:
            entry["checks"].update(res["checks"])
    steps = [s for s in STEPS if any(s in e["checks"] for e in by_student.values())]
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *steps, "passed", "problems"])
        for student, entry in sorted(by_student.items()):
            marks = ["" if s not in entry["checks"] else int(entry["checks"][s]) for s in steps]
            passed = sum(1 for m in marks if m == 1)
            writer.writerow([student, *marks, passed, "; ".join(entry["problems"])])
    width = max((len(s) for s in by_student), default=7)
    lines = [f"{len(paths)} notebooks of {len(by_student)} students -> {out}"]
    for student, entry in sorted(by_student.items()):
        done = sum(entry["checks"].values())
        note = "; ".join(entry["problems"])
        lines.append(
            f"  {student:<{width}}  {done:>2}/{len(entry['checks']):<2} steps pass"
            + (f"  ({note})" if note else "")
        )
    hardest = sorted(
        (sum(e["checks"].get(s, False) for e in by_student.values()), s) for s in steps
    )[:5]
    if hardest:
        lines.append("  fewest passes: " + ", ".join(f"{s} {n}" for n, s in hardest))
    return lines, by_student


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--csv", type=Path, default=Path("grades.csv"))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per notebook")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        os.environ.setdefault("MPLBACKEND", "agg")
        print(json.dumps(_execute(args.folder, args.timeout)))
        return 0
    if not args.folder.is_dir():
        print(f"tools/grade.py: {args.folder} is not a folder", file=sys.stderr)
        return 2
    lines, _ = grade(args.folder, args.csv, args.timeout, args.jobs)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
