"""The corpus of learners' answers (tests/workbook_answers.py), each run in a real kernel as a
learner runs it: the solved workbook notebook runs top to bottom; right before each blank, every
answer to that blank runs in the state the notebook has there (restored between answers), then
its `check("name")` cell, whose one line must be ✓ for a right answer, and ✗ naming the
mistake for a wrong one. One kernel serves every notebook; the solved run doubles as the test
that each reference solution is ✓ in place.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from workbook_answers import ANSWERS, OK

from helpers import course
from tools.execute import notebook_client

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook"
SOLUTIONS = json.loads((WORKBOOK / "solutions.json").read_text(encoding="utf-8"))
IDS = [f"answer-{step}-{k}" for k, (step, _, _) in enumerate(ANSWERS)]
SKIP = ("In", "Out", "exit", "quit", "get_ipython", "open")

START = "%reset -f\nimport helpers.checks.learner as _l\n_l._passed.clear()\n" + (
    "import torch\n\ntorch.set_num_threads(1)\n%matplotlib agg"
)
# Answers change the state (W.data += ...): keep a copy of every name before the blank and put
# it back before each answer; names an answer makes are removed.
SNAP = f"""
import copy as _copy, torch as _torch
def _dup(v):
    if isinstance(v, _torch.Generator):
        g = _torch.Generator(); g.set_state(v.get_state()); return g
    if not isinstance(v, (_torch.Tensor, list, dict, set)):
        return v  # numbers, strings, functions, figures: kept (deep copies of figures are slow)
    try:
        return _copy.deepcopy(v)
    except Exception:
        return v
_SNAP = {{k: _dup(v) for k, v in globals().items() if not k.startswith("_") and k not in {SKIP}}}
"""
RESTORE = f"""
for _k in [k for k in globals() if not k.startswith("_") and k not in {SKIP} and k not in _SNAP]:
    del globals()[_k]
globals().update({{k: _dup(v) for k, v in _SNAP.items()}})
"""


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _errors(cell: nbformat.NotebookNode) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]


def _is_check(cell: nbformat.NotebookNode) -> str | None:
    src = cell.source.strip()
    if cell.cell_type == "code" and src.startswith('check("') and src.endswith('")'):
        return src[len('check("') : -2]
    return None


# The notebooks run in two kernels at once (two cores), one per part: the slow ones (03, 07) apart.
SESSIONS = tuple(tuple(nb.number for nb in group) for group in course.workbook_sessions())


def _session(paths: list[Path], cwd: Path) -> dict[str, str]:
    """Run `paths` in one kernel: the check line of every answer and reference solution."""
    by_step: dict[str, list[tuple[int, str]]] = {}
    for k, (step, _, code) in enumerate(ANSWERS):
        by_step.setdefault(step, []).append((k, code))
    nb = nbformat.v4.new_notebook()
    client = notebook_client(nb, cwd, 300, allow_errors=True)
    out: dict[str, str] = {}

    def run(source: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
        client.execute_cell(cell, len(nb.cells) - 1)
        return cell

    with client.setup_kernel():
        for path in paths:
            cells = nbformat.read(path, as_version=4).cells
            run(START)  # first as shipped: blanks as they are
            for cell in cells:
                if cell.cell_type == "code":
                    done = run(cell.source)
                    key = f"shipped-{path.name}-{_is_check(cell) or cell.id}"
                    out[key] = _text(done)
                    if _errors(done):
                        out[f"shipped-error-{path.name}-{cell.id}"] = "\n".join(
                            f"{o.ename}: {' | '.join(o.traceback)}"
                            for o in done.outputs
                            if o.output_type == "error"
                        )
            run(START)
            for i, cell in enumerate(cells):
                if cell.cell_type != "code":
                    continue
                blank_of = _is_check(cells[i + 1]) if i + 1 < len(cells) else None
                if blank_of:  # the blank: first the learners' answers, then the reference
                    run(SNAP)
                    for k, code in by_step.get(blank_of, []):
                        run(RESTORE)
                        run(code)
                        out[IDS[k]] = _text(run(f'check("{blank_of}")'))
                    run(RESTORE)
                    run(SOLUTIONS[blank_of]["solution"])
                    continue
                done = run(cell.source)
                name = _is_check(cell)
                if name:
                    out[f"ref-{name}"] = _text(done)
                elif cell.id == "workbook-progress":
                    out[f"progress-{path.name}"] = _text(done)
                elif _errors(done):
                    out[f"error-{path.name}-{i}"] = "; ".join(_errors(done))
    return out


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The check line of every answer (by test id), of every reference solution (`ref-<step>`)
    and of each notebook's closing progress() (`progress-<notebook>`)."""
    books = sorted(WORKBOOK.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(n for s in SESSIONS for n in s) == [p.name[:2] for p in books]
    start = time.perf_counter()
    with ThreadPoolExecutor(len(SESSIONS)) as pool:
        parts = pool.map(
            lambda s: _session(
                [p for p in books if p.name[:2] in s], tmp_path_factory.mktemp("answers")
            ),
            SESSIONS,
        )
        out = {k: v for part in parts for k, v in part.items()}
    print(f"\n{len(ANSWERS)} answers in {time.perf_counter() - start:.0f} s")
    return out


@pytest.mark.parametrize(("step", "expected", "code"), ANSWERS, ids=IDS)
def test_answer(lines: dict[str, str], step: str, expected: str, code: str, request) -> None:
    line = lines[request.node.callspec.id]
    assert line.count("\n") == 1, line  # one line, never a traceback
    if expected == OK:
        assert line.startswith("✓ "), f"a right answer refused: {line}"
    else:
        assert line.startswith("✗ "), f"a wrong answer accepted: {line}"
        assert expected in line, f"the hint does not name the mistake ({expected!r}): {line}"
    assert len(line) <= 301


def test_every_reference_solution_passes_in_place(lines: dict[str, str]) -> None:
    refs = {k[4:]: v for k, v in lines.items() if k.startswith("ref-")}
    assert sorted(refs) == sorted(SOLUTIONS)
    assert {k: v for k, v in refs.items() if not v.startswith("✓ ")} == {}
    assert [k for k in lines if k.startswith("error-")] == []
    for name, line in lines.items():  # progress() at the end: every step of the notebook passes
        if name.startswith("progress-"):
            done, total = line.split(": ")[1].split(" steps")[0].split("/")
            assert done == total and int(total) >= 4, line


def test_shipped_notebooks_say_one_line_per_check_and_gate(lines: dict[str, str]) -> None:
    """As shipped (blanks), every check prints one ✗ line; a cell that builds on the blanks
    stops with one ⏸ line naming the check to pass first; nothing else fails."""
    shipped = {k[len("shipped-") :]: v for k, v in lines.items() if k.startswith("shipped-")}
    for key, text in shipped.items():
        book, _, what = key.partition(".ipynb-")
        if key.startswith("error-"):
            assert text.startswith("NotYet: ⏸") and 'check("' in text and "\n" not in text, key
        elif what in SOLUTIONS:
            assert text.startswith("✗ ") and text.count("\n") == 1, (key, text)
    assert sum(k.startswith("error-") for k in shipped) >= 9  # gates were met, at least one a book
    for book in {SOLUTIONS[n]["notebook"] for n in SOLUTIONS}:
        assert "0/" in shipped[f"{book}-workbook-progress"], book


def test_the_corpus_covers_every_step_with_right_and_wrong_answers() -> None:
    right = Counter(step for step, expected, _ in ANSWERS if expected == OK)
    wrong = Counter(step for step, expected, _ in ANSWERS if expected != OK)
    assert len(ANSWERS) >= 200
    assert sum(right.values()) >= 100 and sum(wrong.values()) >= 100
