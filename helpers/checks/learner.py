"""What a learner calls: check, hint, solution, progress, needs. Each prints one line.

The value under a cell is read from the cell itself: an IPython hook keeps the result of the
last cell run that is not a call of these functions (its value, or the error it stopped with),
so a `for _ in ...` loop that shadows `_` changes nothing.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.checks.core import (
    CELL,
    PRINTED,
    SHOWN,
    STEPS,
    Missing,
    Step,
    Wrong,
    diagnose,
    near,
    short,
    values_of,
)

SOLUTIONS = Path(__file__).resolve().parents[2] / "workbook" / "solutions.json"
_OWN = re.compile(r"^\s*((check|hint|solution|progress)\(.*\)\s*;?\s*|#.*|)$")

_hints_given: dict[str, int] = {}
_passed: set[str] = set()
_last: dict[str, Any] = {}  # "value", "error", "source" of the last answer cell
_notebook: list[str] = []  # the workbook notebook this kernel runs (set by start())


class NotYet(Exception):
    """A gated cell whose checks have not passed: shown as one line, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def _ns(ns: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The notebook's globals: those of the frame that called check() (like otter's grader)."""
    if ns is not None:
        return ns
    frame = inspect.currentframe()
    while frame is not None and frame.f_globals.get("__name__", "").startswith("helpers.checks"):
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def _with_shown(step: Step, ns: Mapping[str, Any]) -> Mapping[str, Any]:
    """ns, with `_` the value of the learner's last cell (when the hook has seen one)."""
    if "source" in _last:  # the learner's own cell, for looks that read a loop's names
        ns = {**ns, CELL: _last["source"]}
    if isinstance(_last.get("printed"), str):
        ns = {**ns, PRINTED: _last["printed"]}
    if SHOWN not in step.reads or "value" not in _last:
        return ns
    value = _last["value"]
    if value is None and _last.get("error") is None:
        value = _printed(_last.get("source", ""), ns)
    return {**ns, SHOWN: value}


# Calls a printed argument may make and still be evaluated again for the check: ones that only
# read (never a draw from a generator, never an in-place change).
_READ_ONLY = {
    "len",
    "min",
    "max",
    "sum",
    "sorted",
    "set",
    "list",
    "tuple",
    "int",
    "float",
    "str",
    "abs",
    "round",
    "item",
    "tolist",
    "mean",
    "long",
    "size",
    "dim",
    "numel",
}


def _pure(node: ast.AST) -> bool:
    """True when every call inside `node` is a read-only one (see _READ_ONLY)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in _READ_ONLY:
                return False
        if isinstance(sub, ast.NamedExpr | ast.Lambda | ast.Yield | ast.Await):
            return False
    return True


def _printed(source: str, ns: Mapping[str, Any]) -> Any:
    """What a last line `print(a)` or `print(a, b)` shows: a, or (a, b); None otherwise."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    last = body[-1] if body else None
    if not (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id == "print"
        and last.value.args
        and not last.value.keywords
        and not any(isinstance(a, ast.Starred) for a in last.value.args)
    ):
        return None
    if not all(_pure(a) for a in last.value.args):
        return None  # evaluating it again could draw from g or change a value
    try:
        args = [
            eval(compile(ast.Expression(a), "<cell>", "eval"), dict(ns)) for a in last.value.args
        ]
    except Exception:
        return None
    return args[0] if len(args) == 1 else tuple(args)


# PyTorch's errors whose cause the lesson teaches: (words in the message, the cause in the
# lesson's words). PyTorch's own advice is not repeated where it is the wrong fix for the lesson
# (retain_graph=True for a forward pass left outside the loop).
TAUGHT = (
    (
        "backward through the graph a second time",
        "backward() ran twice through the same graph: each loss.backward() needs its own "
        "forward pass (in a loop: logits, counts, probs and loss inside it, before backward)",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "the loss has no graph back to W: W needs requires_grad=True, and the loss must be "
        "computed from W itself (not W.data, not a copy)",
    ),
    (
        "leaf Variable that requires grad is being used in an in-place operation",
        "W requires grad: change it through W.data (W.data += -0.1 * W.grad), not W itself",
    ),
    (
        "one_hot is only applicable to index tensor",
        "F.one_hot takes integer indices: the tensor given to it must hold int64 indices, not "
        "floats (`/` makes floats, `//` keeps integers)",
    ),
    (
        "must have the same dtype",
        "xenc and W differ in dtype: the one-hot needs .float() before xenc @ W",
    ),
    (
        "expected scalar type",
        "two tensors of different dtypes meet: the one-hot needs .float() before xenc @ W",
    ),
    (
        "unsupported operand type(s) for +: 'NoneType' and",
        "W.grad is None at the update: loss.backward() must run after W.grad = None, not before it",
    ),
    (
        "unsupported operand type(s) for *: 'float' and 'NoneType'",
        "W.grad is None at the update: loss.backward() must run after W.grad = None, not before it",
    ),
    (
        "probability tensor contains either `inf`, `nan` or element < 0",
        "p holds a negative number, inf or nan: torch.multinomial needs weights >= 0 (the "
        "net's are the exponentiated logits, counts = logits.exp(), over their sum)",
    ),
    (
        "invalid multinomial distribution",
        "torch.multinomial needs a row of non-negative weights with a positive sum",
    ),
)


def _raised(step: Step) -> str | None:
    """The error the learner's last cell stopped with, when that cell is this step's."""
    err, source = _last.get("error"), _last.get("source", "")
    if err is None:
        return None
    if SHOWN in step.reads or any(re.search(rf"\b{re.escape(n)}\b", source) for n in step.reads):
        text = short(f"{type(err).__name__}: {err}".splitlines()[0])
        for words, cause in TAUGHT:
            if words in str(err):
                return short(f"✗ your cell above stopped: {cause}. (PyTorch: {text})")
        if isinstance(err, FileNotFoundError) and step.name == "words":
            return short(
                f"✗ your cell above stopped: there is no file {err.filename!r} here; the "
                "notebook's `path` holds where names.txt is: open(path)."
            )
        if isinstance(err, KeyError) and err.args and isinstance(err.args[0], tuple):
            return short(
                f"✗ your cell above stopped with KeyError: {err}: that key is not in the dict "
                "yet; a key seen for the first time starts from 0, .get(key, 0) + 1."
            )
        if isinstance(err, TypeError) and "bad operand type for unary -: 'str'" in str(err):
            return short(
                f"✗ your cell above stopped with TypeError: {err}: the minus met a string; "
                "sorted(b) runs over the keys (pairs of strings), sorted(b.items()) over the "
                "(pair, count) items."
            )
        if step.name == "trigram_counts" and "unhashable type: 'list'" in str(err):
            return short(
                f"✗ your cell above stopped with TypeError: {err}: a list cannot be counted "
                "or be a dict key; the trigrams are tuples, the items of the list "
                "trigrams_of(w) returns: count them one by one."
            )
        if isinstance(err, KeyError) and str(err).startswith("tensor("):
            return short(
                f"✗ your cell above stopped with KeyError: {err}: a dict was looked up with a "
                "tensor; the keys of itos and stoi are Python ints and strings, and .item() "
                "turns a one-element tensor into its number."
            )
        if isinstance(err, NameError) and err.name:
            maker = _maker(err.name)
            where = (
                f'the blank of check("{maker}") makes it' if maker else "an earlier cell makes it"
            )
            return short(
                f"✗ your cell above stopped: `{err.name}` does not exist yet: {where}; run the "
                "notebook's cells from the top, in order."
            )
        if type(err).__name__ in ("Hang", "KeyboardInterrupt"):
            return f"✗ your cell above did not finish in time: {HANG}"
        return f"✗ your cell above stopped with {text} — fix it and run it again, then this check."
    return None


def _maker(name: str) -> str | None:
    """The step of this notebook whose solution assigns `name`."""
    book = _notebook[0] if _notebook else ""
    for step, entry in solutions().items():
        if book and entry.get("notebook") != book:
            continue
        try:
            tree = ast.parse(str(entry.get("solution", "")))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
                return step
    return None


HANG = "a loop that never ends? A sampling loop ends when ix == 0; a while loop needs a break."


def _named(arg: Any, ns: Mapping[str, Any] | None = None) -> str | None:
    """`arg` as a step's name: the string itself, or, for a learner's value passed by mistake
    (check(words)), the name of the step that value belongs to; None when there is none."""
    if isinstance(arg, str):
        return arg
    try:
        space = _ns(ns)
        names = [k for k, v in space.items() if v is arg and not k.startswith("_")]
    except Exception:
        names = []
    for n in names:
        if n in STEPS:
            return n
    return None


def _bad_name(call: str, arg: Any, ns: Mapping[str, Any] | None = None) -> str | None:
    """One line for an argument that names no step; None when it names one."""
    name = _named(arg, ns)
    if isinstance(arg, str):
        return None if arg in STEPS else near(arg)
    if name is not None:
        return f'✗ {call} takes the step\'s name in quotes: {call}("{name}").'
    shown = repr(arg)
    shown = shown if len(shown) <= 40 else type(arg).__name__
    return (
        f'✗ {call} takes a step\'s name in quotes, such as {call}("words"), not {shown}. '
        "(progress() lists this notebook's steps)"
    )


def result(name: Any, ns: Mapping[str, Any] | None = None) -> tuple[bool, str]:
    """(passed, the one line check() prints) for step `name` against the namespace `ns`."""
    bad = _bad_name("check", name, ns)
    if bad is not None:
        return False, bad
    step = STEPS[name]
    ns = _ns(ns)
    try:
        line = "✓ " + diagnose(step, values_of(step, _with_shown(step, ns)))
        ok = True
    except Missing as missing:
        ok, line = False, f"✗ {missing} Hint: {step.hints[0]}"
    except Wrong as wrong:
        ok, line = False, f"✗ {wrong}"
    except Exception as err:  # a learner's object that breaks our comparison: still one line
        ok, line = (
            False,
            f"✗ could not check it ({type(err).__name__}: {err}). Hint: {step.hints[0]}",
        )
    if ok:
        _passed.add(name)
    return ok, short(" ".join(line.split()))


def check(name: Any, ns: Mapping[str, Any] | None = None) -> None:
    """Print one line: ✓ and the value that proves it, or ✗ and what is wrong."""
    bad = _bad_name("check", name, ns)
    if bad is not None:
        print(bad)
        return
    raised = _raised(STEPS[name]) if ns is None else None
    line = raised or result(name, _ns(ns))[1]
    if " Hint: " in line:  # the first hint is given: hint() goes on with the next one
        _hints_given[name] = max(_hints_given.get(name, 0), 1)
    print(line)


def hint(name: Any) -> None:
    """Print the next hint for step `name` (then, once they are used up, where the solution is)."""
    bad = _bad_name("hint", name)
    if bad is not None:
        print(bad)
        return
    hints = STEPS[name].hints
    k = _hints_given.get(name, 0)
    if k < len(hints):
        print(f"hint {k + 1}/{len(hints)}: {hints[k]}")
        _hints_given[name] = k + 1
    else:
        print(f'no more hints: solution("{name}") shows the reference solution')


def solutions() -> dict[str, Any]:
    try:
        return dict(json.loads(SOLUTIONS.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def solution(name: Any) -> None:
    """Print the reference solution of `name`, as the solution notebook writes it."""
    bad = _bad_name("solution", name)
    if bad is not None:
        print(bad)
        return
    entry = solutions().get(name)
    print(entry["solution"] if entry else f"no stored solution for {name!r}: run `make workbook`")


def steps_of(notebook: str) -> list[str]:
    """The steps of a workbook notebook (by file name or slug), in the notebook's order."""
    slug = re.sub(r"^\d\d_|\.ipynb$", "", notebook)
    marked = [(v["cell"], k) for k, v in solutions().items() if v.get("slug") == slug]
    if marked:
        return [k for _, k in sorted(marked)]
    return [s.name for s in STEPS.values() if s.notebook == slug]


def start(notebook: str) -> None:
    """Called by a workbook's first cell: which notebook this kernel runs (for progress())."""
    _notebook[:] = [notebook]
    _hook()


def progress(notebook: Any = None, ns: Mapping[str, Any] | None = None) -> None:
    """Print which steps of this notebook pass: ✓ passed (now or earlier), ✗ not yet."""
    name = notebook if isinstance(notebook, str) else (_notebook[0] if _notebook else "")
    names = steps_of(name) if name else sorted(_passed)
    ns = _ns(ns)
    marks = []
    for step in names:
        ok = step in _passed or (SHOWN not in STEPS[step].reads and result(step, ns)[0])
        marks.append(("✓ " if ok else "✗ ") + step)
    done = sum(m.startswith("✓") for m in marks)
    print(f"{name or 'this session'}: {done}/{len(marks)} steps pass — " + ", ".join(marks))


def needs(*names: Any) -> None:
    """The first line of a cell that builds on the learner's answers: it goes on once their
    checks have passed in this session (a pass is remembered: a later cell may change the
    names on purpose) or pass now; else one line says which cell to run."""
    ns = _ns(None)
    for n in names:
        bad = _bad_name("needs", n, ns)
        if bad is not None:
            raise NotYet(bad)
    waiting = [
        n for n in names if n not in _passed and not (SHOWN in STEPS[n].reads or result(n, ns)[0])
    ]
    if waiting:
        todo = " and ".join(f'check("{n}")' for n in waiting)
        raise NotYet(
            f"⏸ this cell builds on your answers: first run the cell above {todo} and that "
            f"check until it says ✓ (after a restart: run the notebook from the top)."
        )


class _Tee:
    """sys.stdout as it was, also keeping what the running cell prints (for the checks of
    loops that print their pairs)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.kept: list[str] = []

    def write(self, text: str) -> int:
        if sum(map(len, self.kept)) < 200_000:
            self.kept.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _before(*_args: Any) -> None:
    """pre_run_cell: start keeping what this cell prints."""
    import sys

    if not isinstance(sys.stdout, _Tee):
        sys.stdout = _Tee(sys.stdout)
    sys.stdout.kept = []


def _after(result: Any) -> None:
    """post_run_cell: keep the value, error and printed text of the last cell that is not a
    check call."""
    import sys

    source = getattr(getattr(result, "info", None), "raw_cell", "") or ""
    if all(_OWN.match(line) for line in source.splitlines()) and source.strip():
        return
    _last.clear()
    _last.update(
        value=getattr(result, "result", None),
        error=getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None),
        source=source,
    )
    if isinstance(sys.stdout, _Tee):
        _last["printed"] = "".join(sys.stdout.kept)


def _hook() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _after not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("pre_run_cell", _before)
        shell.events.register("post_run_cell", _after)


_hook()
