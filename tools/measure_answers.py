"""Run learners' answers against the workbook's checks, in process, and print each verdict.

    python tools/measure_answers.py FILE.jsonl [--root DIR] [--quiet]
    python tools/measure_answers.py --corpus          # tests/workbook_answers.py

FILE.jsonl holds one answer a line: {"step": ..., "intent": "right"|"wrong", "code": ...} (other
fields, such as "mistake", are printed beside the verdict). Each workbook notebook runs top to
bottom in a plain namespace, with every blank filled by its reference solution (as the solved
notebook runs); right before a blank, each answer to it runs in a fresh copy of that state, as
a learner's cell runs (its last expression is the value shown under it, its error is kept),
then `check("step")` runs there and its printed line is the verdict. An answer that runs longer
than --limit seconds is stopped and counted as a hang.

--root DIR measures the checks of another checkout (e.g. a pristine worktree of an older
commit): its helpers/ and workbook/ are used instead of this one's.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import io
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"__builtins__", "In", "Out", "exit", "quit", "get_ipython", "open"}


class Hang(Exception):
    """The learner's code ran past its time limit."""


@dataclass
class Answer:
    step: str
    right: bool
    code: str
    note: str = ""  # the writer's account of the mistake, or the words a hint must hold
    line: str = ""  # the verdict: the line check() printed
    output: str = ""  # what the learner's cell printed
    hang: bool = False
    later: str = ""  # with downstream: the first later cell an accepted answer breaks


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang


@contextlib.contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the main thread after `seconds` of this process's CPU time (ITIMER_PROF:
    a busy machine does not trip it, a loop that never ends does; no limit off the main thread).
    """
    try:
        old = signal.signal(signal.SIGPROF, _alarm)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def run_cell(source: str, ns: dict[str, Any], seconds: float = 60.0) -> tuple[Any, Any, str]:
    """Run a cell as IPython would: (value of its last expression, its error, its output).
    Lines of IPython syntax (%magic, !shell) are left out."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    out = io.StringIO()
    value: Any = None
    error: BaseException | None = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            with limit(seconds):
                tree = ast.parse(code)
                last = None
                if tree.body and isinstance(tree.body[-1], ast.Expr):
                    last = ast.Expression(tree.body[-1].value)
                    tree.body.pop()
                exec(compile(tree, "<cell>", "exec"), ns)
                if last is not None:
                    value = eval(compile(last, "<cell>", "eval"), ns)
                    if code.rstrip().endswith(";"):
                        value = None  # IPython shows nothing after a trailing semicolon
        except Hang as hang:
            error = hang
        except BaseException as err:  # the learner's own error, kept as IPython keeps it
            error = err
    if value is not None:
        ns["_"] = value
    try:
        import matplotlib.pyplot as plt

        plt.close("all")
    except ImportError:
        pass
    return value, error, out.getvalue()


def _dup(v: Any) -> Any:
    import torch

    if isinstance(v, torch.Generator):
        g = torch.Generator()
        g.set_state(v.get_state())
        return g
    if not isinstance(v, torch.Tensor | list | dict | set):
        return v  # numbers, strings, functions, modules, figures
    atoms = (str, int, float, bool, type(None))
    if isinstance(v, list | set) and all(isinstance(x, atoms) for x in v):
        return type(v)(v)  # a list of names: a shallow copy is a full one
    if isinstance(v, dict) and all(isinstance(x, atoms) for x in (*v, *v.values())):
        return dict(v)
    try:
        return copy.deepcopy(v)
    except Exception:
        return v


def snapshot(ns: dict[str, Any]) -> dict[str, Any]:
    return {k: _dup(v) for k, v in ns.items() if k not in SKIP}


def _check_of(source: str) -> str | None:
    m = re.fullmatch(r'\s*check\("([\w-]+)"\)\s*', source)
    return m.group(1) if m else None


def replay(
    answers: list[Answer],
    root: Path = ROOT,
    seconds: float = 120.0,
    log: Any = None,
    downstream: bool = False,
    books: tuple[str, ...] = (),
) -> dict[str, str]:
    """Fill in every answer's `line`; return the reference solutions' check lines by step
    (and "error:<notebook>:<cell>" for a solved cell that raised). `books`: only the
    notebooks whose numbers it lists."""
    learner = sys.modules["helpers.checks.learner"]
    solutions = json.loads((root / "workbook" / "solutions.json").read_text(encoding="utf-8"))
    by_step: dict[str, list[Answer]] = {}
    for a in answers:
        by_step.setdefault(a.step, []).append(a)
    unknown = [a for a in answers if a.step not in solutions]
    for a in unknown:
        a.line = f"(no blank named {a.step!r})"
    refs: dict[str, str] = {}
    paths = sorted((root / "workbook").glob("[0-9][0-9]_*.ipynb"))
    for book in paths:
        if books and book.name[:2] not in books:
            continue
        if log:
            print(f"{book.name} ... ({time.perf_counter():.0f} s)", file=log, flush=True)
        cells = [c for c in json.loads(book.read_text(encoding="utf-8"))["cells"]]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        if not any(_check_of(s) in by_step for s in code):
            continue  # no answer to any of its blanks
        solved = [
            solutions[b]["solution"]
            if (b := _check_of(code[i + 1]) if i + 1 < len(code) else None)
            else s
            for i, s in enumerate(code)
        ]
        ns: dict[str, Any] = {"__name__": "__main__"}
        learner._passed.clear()
        learner._hints_given.clear()
        learner._last.clear()
        for i, source in enumerate(code):
            blank_of = _check_of(code[i + 1]) if i + 1 < len(code) else None
            if blank_of:
                if by_step.get(blank_of):
                    state = snapshot(ns)
                    passed = set(learner._passed)
                    for a in by_step[blank_of]:
                        ans = snapshot(state)
                        learner._passed.clear()
                        learner._passed.update(passed)
                        learner._hints_given.clear()
                        value, error, a.output = run_cell(a.code, ans, seconds)
                        a.hang = isinstance(error, Hang)
                        learner._last.clear()
                        learner._last.update(value=value, error=error, source=a.code)
                        learner._last["printed"] = a.output
                        _, err, printed = run_cell(f'check("{blank_of}")', ans, seconds)
                        a.line = printed.strip() if err is None else f"TRACEBACK {err!r}"
                        if isinstance(err, Hang):
                            a.hang = True
                        if downstream and a.line.startswith("✓"):
                            a.later = _downstream(solved[i + 2 :], ans, seconds)
                    ns = snapshot(state)
                    learner._passed.clear()
                    learner._passed.update(passed)
                source = solutions[blank_of]["solution"]
            name = _check_of(source)
            value, error, printed = run_cell(source, ns)
            if name is not None:
                refs[name] = printed.strip()
                continue
            if error is not None:
                refs[f"error:{book.name}:{i}"] = f"{type(error).__name__}: {error}"
            learner._last.clear()
            learner._last.update(value=value, error=error, source=source)
    return refs


def _downstream(rest: list[str], ns: dict[str, Any], seconds: float) -> str:
    """Run the rest of the notebook after an accepted answer: the first cell that fails, or a
    later check that is no longer ✓."""
    learner = sys.modules["helpers.checks.learner"]
    for k, source in enumerate(rest):
        value, error, printed = run_cell(source, ns, seconds)
        if error is not None:
            return f"cell +{k + 1} raised {type(error).__name__}: {error}"[:200]
        if _check_of(source):
            if not printed.startswith("✓"):
                return f"later {source.strip()}: {printed.strip()}"[:200]
            continue
        # What a later check reads of the cell above it, as a kernel's hook records it.
        learner._last.clear()
        learner._last.update(value=value, error=error, source=source, printed=printed)
    return ""


def load_jsonl(path: Path) -> list[Answer]:
    answers = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError:
            continue
        answers.append(
            Answer(
                step=str(d.get("step", "")),
                right=str(d.get("intent", "")).lower().startswith("right"),
                code=str(d.get("code", "")),
                note=str(d.get("mistake") or ""),
            )
        )
    return answers


def load_corpus() -> list[Answer]:
    sys.path.insert(0, str(ROOT / "tests"))
    from workbook_answers import ANSWERS, OK  # type: ignore[import-not-found]

    return [Answer(step, exp == OK, code, "" if exp == OK else exp) for step, exp, code in ANSWERS]


def verdict(a: Answer) -> str:
    if a.hang:
        return "HANG"
    if a.line.startswith("TRACEBACK") or "Traceback" in a.line or a.line.count("\n"):
        return "TRACEBACK"
    if "could not check" in a.line:
        return "COULD-NOT-CHECK"
    if a.line.startswith("✓"):
        return "accepted"
    if a.line.startswith("✗"):
        return "rejected"
    return "OTHER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--corpus", action="store_true", help="tests/workbook_answers.py")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per answer")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    parser.add_argument("--json", type=Path, help="write every verdict here")
    parser.add_argument(
        "--downstream",
        action="store_true",
        help="after each accepted answer, run the rest of its notebook (slow)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("MPLBACKEND", "Agg")
    import torch

    torch.set_num_threads(1)
    import helpers.checks  # noqa: F401  (the checks of --root)

    answers = load_corpus() if args.corpus else load_jsonl(args.file)
    start = time.perf_counter()
    refs = replay(answers, root, args.limit, log=sys.stderr, downstream=args.downstream)
    took = time.perf_counter() - start
    kinds: dict[str, int] = {}
    for n, a in enumerate(answers):
        v = verdict(a)
        kinds[v] = kinds.get(v, 0) + 1
        if not args.quiet:
            intent = "right" if a.right else "wrong"
            print(f"[{n}] {a.step} ({intent}) {v}: {a.line}")
            if a.note and not a.right:
                print(f"      mistake: {a.note}")
            if a.later:
                print(f"      BREAKS LATER: {a.later}")
    right = [a for a in answers if a.right]
    wrong = [a for a in answers if not a.right]
    bad_refs = {k: v for k, v in refs.items() if not v.startswith("✓")}
    if args.downstream:
        print(f"accepted answers that break a later cell: {sum(bool(a.later) for a in answers)}")
    print(
        f"\n{len(answers)} answers in {took:.1f} s: right accepted "
        f"{sum(verdict(a) == 'accepted' for a in right)}/{len(right)}, wrong rejected "
        f"{sum(verdict(a) == 'rejected' for a in wrong)}/{len(wrong)}; "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    )
    if bad_refs:
        print(f"reference solutions not ✓ in place: {bad_refs}")
    if args.json:
        args.json.write_text(
            json.dumps([a.__dict__ | {"verdict": verdict(a)} for a in answers], indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
