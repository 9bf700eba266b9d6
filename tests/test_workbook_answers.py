"""The corpus of learners' answers (tests/workbook_answers.py), run in process as a learner runs
them (tools/measure_answers.py): each solved workbook notebook runs top to bottom in a plain
namespace; right before each blank, every answer to it runs in a fresh copy of that state, then
its `check("name")`, whose one line must be ✓ for a right answer and ✗ holding the words that
name the mistake for a wrong one. The solved run doubles as the test that each reference
solution is ✓ in place. Two worker processes share the notebooks (two cores).

What only a kernel shows (`_` after a cell, a last-line print, a gate, a learner's own
exception, a restart) is in tests/test_workbook_kernel.py.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from workbook_answers import ANSWERS, OK

from helpers import course
from helpers.checks import STEPS

pytestmark = pytest.mark.corpus
ROOT = Path(__file__).resolve().parent.parent
IDS = [f"answer-{step}-{k}" for k, (step, _, _) in enumerate(ANSWERS)]


def _halves() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The workbook's notebooks (course.toml) in two groups of about equal cost, one per core:
    each notebook, most answers first, joins the group with fewer answers so far."""
    number = {nb.slug: nb.number for nb in course.workbook()}
    per_book = Counter(number[STEPS[step].notebook] for step, _, _ in ANSWERS)
    groups: tuple[list[str], list[str]] = ([], [])
    load = [0, 0]
    for book in sorted(number.values(), key=lambda n: -per_book[n]):
        k = load.index(min(load))
        groups[k].append(book)
        load[k] += per_book[book]
    return tuple(sorted(groups[0])), tuple(sorted(groups[1]))


PARTS = _halves()


def _part(books: tuple[str, ...]) -> tuple[dict[int, tuple[str, bool]], dict[str, str]]:
    """In a worker: (answer index -> (line, hang)) and the reference lines, for `books`."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import torch

    torch.set_num_threads(1)
    import helpers.checks  # noqa: F401
    from tools.measure_answers import Answer, replay

    # The same code for the same step (the blind sets repeat some answers) runs once: its
    # one line serves every copy, each of which asserts its own expectation on it.
    unique: dict[tuple[str, str], Answer] = {}
    for step, exp, code in ANSWERS:
        unique.setdefault((step, code.strip()), Answer(step, exp == OK, code))
    refs = replay(list(unique.values()), ROOT, seconds=300.0, books=books)
    lines = {}
    for k, (step, _, code) in enumerate(ANSWERS):
        a = unique[step, code.strip()]
        if a.line:
            lines[k] = (a.line, a.hang)
    return lines, refs


# The corpus is computed in two worker processes. conftest.py starts them as soon as this file
# is collected (`start()`), so they run beside the other tests, which keep one core busy at
# most; the tests here only collect what the workers found.
_running: dict[str, Any] = {}


def start() -> None:
    """Start the workers (once); `lines` waits for them."""
    if not _running:
        pool = ProcessPoolExecutor(len(PARTS))
        _running.update(pool=pool, parts=[pool.submit(_part, p) for p in PARTS])
        _running["started"] = time.perf_counter()


def stop() -> None:
    """End the workers, finished or not (a run stopped early must not leave them behind)."""
    pool = _running.pop("pool", None)
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
    _running.clear()


@pytest.fixture(scope="module")
def lines() -> tuple[dict[int, tuple[str, bool]], dict[str, str]]:
    start()
    out: dict[int, tuple[str, bool]] = {}
    refs: dict[str, str] = {}
    for future in _running["parts"]:
        got, ref = future.result()
        out.update(got)
        refs.update(ref)
    seconds = time.perf_counter() - _running["started"]
    print(f"\n{len(ANSWERS)} answers in {seconds:.0f} s since the workers started")
    return out, refs


@pytest.mark.parametrize(("step", "expected", "code"), ANSWERS, ids=IDS)
def test_answer(lines, step: str, expected: str, code: str, request) -> None:  # type: ignore[no-untyped-def]
    k = IDS.index(request.node.callspec.id)
    line, hang = lines[0][k]
    assert not hang, f"the answer hung: {line}"
    assert "\n" not in line and "Traceback" not in line, line  # one line, never a traceback
    assert "could not check" not in line, line
    if expected == OK:
        assert line.startswith("✓ "), f"a right answer refused: {line}"
    else:
        assert line.startswith("✗ "), f"a wrong answer accepted: {line}"
        assert expected in line, f"the hint does not name the mistake ({expected!r}): {line}"
    assert len(line) <= 301


def test_every_reference_solution_passes_in_place(lines) -> None:  # type: ignore[no-untyped-def]
    import json

    solutions = json.loads((ROOT / "workbook" / "solutions.json").read_text(encoding="utf-8"))
    refs = lines[1]
    assert [k for k in refs if k.startswith("error:")] == []
    assert sorted(refs) == sorted(solutions)
    assert {k: v for k, v in refs.items() if not v.startswith("✓ ")} == {}


def test_the_corpus_covers_every_step_with_right_and_wrong_answers() -> None:
    import json

    solutions = json.loads((ROOT / "workbook" / "solutions.json").read_text(encoding="utf-8"))
    right = Counter(step for step, expected, _ in ANSWERS if expected == OK)
    wrong = Counter(step for step, expected, _ in ANSWERS if expected != OK)
    assert len(ANSWERS) >= 200
    assert set(right) == set(solutions) and set(wrong) == set(solutions)
