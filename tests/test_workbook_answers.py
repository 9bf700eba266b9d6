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

import hashlib
import json
import os
import re
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


def _halves(books: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`books` (workbook notebook numbers) in two groups of about equal cost, one per core:
    each notebook, most answers first, joins the group with fewer answers so far."""
    number = {nb.slug: nb.number for nb in course.workbook()}
    per_book = Counter(number[STEPS[step].notebook] for step, _, _ in ANSWERS)
    groups: tuple[list[str], list[str]] = ([], [])
    load = [0, 0]
    for book in sorted(books, key=lambda n: -per_book[n]):
        k = load.index(min(load))
        groups[k].append(book)
        load[k] += per_book[book]
    return tuple(sorted(groups[0])), tuple(sorted(groups[1]))


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


# The corpus is computed in worker processes. conftest.py starts them as soon as this file is
# collected (`start()`), so they run beside the other tests; the tests here only collect what
# the workers found.
#
# A notebook's answers are computed again only when something its run reads has changed since
# they were last computed on this machine (as Jupyter Book's execution cache re-executes only
# the notebooks whose code changed): the key below hashes all of it, and pytest's cache
# (.pytest_cache, never committed) keeps each notebook's lines under its key. A fresh checkout
# (CI) has no cache and computes everything; `pytest --cache-clear` or `-p no:cacheprovider`
# (make stress) does too.
SHARED = ("course.toml", "pyproject.toml", "requirements-lock.txt", "data/names.txt")
CODE = ("tools/measure_answers.py", "tests/test_workbook_answers.py", "tests/workbook_answers.py")


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def keys(root: Path = ROOT, answers: list[tuple[str, str, str]] = ANSWERS) -> dict[str, str]:
    """Each workbook notebook's key: a hash of everything its answers' run reads. That is the
    notebook, its steps' reference solutions and answers, helpers/ (every module but the
    other notebooks' checks, helpers/checks/nb_*.py, beyond the ones its own import), the
    harness, the data, the pinned packages and this Python and torch."""
    import torch

    helpers = sorted(p for p in (root / "helpers").rglob("*") if p.is_file() and p.suffix != ".pyc")
    checks = {p.stem: p for p in helpers if p.parent.name == "checks" and p.stem.startswith("nb_")}
    shared = _sha(
        sys.version,
        torch.__version__,
        *(str(p.relative_to(root)) for p in helpers if p not in checks.values()),
        *(p.read_bytes() for p in helpers if p not in checks.values()),
        *((root / f).read_bytes() for f in (*SHARED, *CODE)),
    )
    solutions = json.loads((root / "workbook" / "solutions.json").read_text(encoding="utf-8"))
    out = {}
    for nb in course.workbook():
        own, todo = set(), [f"nb_{nb.slug}"]
        while todo:  # its checks module and the checks modules that one imports, and so on
            name = todo.pop()
            if name in checks and name not in own:
                own.add(name)
                todo += re.findall(r"\bnb_\w+", checks[name].read_text())  # any mention
        steps = sorted(s for s in solutions if STEPS[s].notebook == nb.slug)
        out[nb.number] = _sha(
            shared,
            *(checks[name].read_bytes() for name in sorted(own)),
            (root / "workbook" / f"{nb.file}.ipynb").read_bytes(),
            json.dumps({s: solutions[s] for s in steps}, sort_keys=True),
            *(f"{step}\0{code.strip()}" for step, _, code in answers if step in steps),
        )
    return out


_running: dict[str, Any] = {}


def _cache_key(book: str) -> str:
    return f"makemore/corpus/{book}"


def plan(cache: Any, fresh: dict[str, str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(notebook -> its cache entry, for those whose entry has their key now; the others)."""
    cached: dict[str, Any] = {}
    for book, key in fresh.items():
        entry = cache.get(_cache_key(book), None) if cache is not None else None
        if isinstance(entry, dict) and entry.get("key") == key:
            cached[book] = entry
    return cached, tuple(book for book in fresh if book not in cached)


def start(cache: Any = None) -> None:
    """Start the workers (once) for the notebooks whose cached lines are missing or stale;
    `lines` waits for them. `cache`: pytest's (config.cache), or None to compute everything."""
    if _running:
        return
    fresh = keys()
    cached, stale = plan(cache, fresh)
    parts = [p for p in _halves(stale) if p]
    _running.update(cache=cache, keys=fresh, cached=cached, stale=stale)
    _running["started"] = time.perf_counter()
    if parts:
        pool = ProcessPoolExecutor(len(parts))
        _running.update(pool=pool, parts=[pool.submit(_part, p) for p in parts])
    else:
        _running["parts"] = []


def stop() -> None:
    """End the workers, finished or not (a run stopped early must not leave them behind)."""
    pool = _running.pop("pool", None)
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
    _running.clear()


def _answer_id(step: str, code: str) -> str:
    return _sha(step, code.strip())[:16]


@pytest.fixture(scope="module")
def lines() -> tuple[dict[int, tuple[str, bool]], dict[str, str]]:
    start()
    return collect()


def collect() -> tuple[dict[int, tuple[str, bool]], dict[str, str]]:
    """Wait for the workers: (answer index -> (line, hang)) and the reference solutions' lines,
    cached or computed; the computed notebooks' go into the cache."""
    found: dict[str, tuple[str, bool]] = {}  # answer id -> (line, hang)
    refs: dict[str, str] = {}
    for entry in _running["cached"].values():
        found.update({k: (line, hang) for k, (line, hang) in entry["lines"].items()})
        refs.update(entry["refs"])
    computed: dict[str, tuple[str, bool]] = {}
    for future in _running["parts"]:
        got, ref = future.result()
        computed.update({_answer_id(*ANSWERS[k][::2]): v for k, v in got.items()})
        refs.update(ref)
    found.update(computed)
    seconds = time.perf_counter() - _running["started"]
    cache, stale = _running["cache"], _running["stale"]
    number = {nb.slug: nb.number for nb in course.workbook()}
    book_of = {s: number[STEPS[s].notebook] for s in STEPS}
    if cache is not None:
        for book in stale:
            mine = [(step, exp, code) for step, exp, code in ANSWERS if book_of[step] == book]
            ids = {_answer_id(step, code) for step, _, code in mine}
            entry_lines = {k: list(v) for k, v in computed.items() if k in ids}
            entry_refs = {s: r for s, r in refs.items() if book_of.get(s) == book}
            if not keepable(book, mine, computed, refs):
                continue
            cache.set(
                _cache_key(book),
                {"key": _running["keys"][book], "lines": entry_lines, "refs": entry_refs},
            )
    kept = ", ".join(sorted(_running["cached"])) or "none"
    _running["summary"] = (
        f"answer corpus: {len(ANSWERS)} answers; notebooks computed: "
        f"{', '.join(stale) or 'none'} ({seconds:.0f} s since the workers started); from "
        f"this machine's cache, their inputs unchanged: {kept}"
    )
    print(f"\n{_running['summary']}")
    out = {
        k: found[_answer_id(step, code)]
        for k, (step, _, code) in enumerate(ANSWERS)
        if _answer_id(step, code) in found
    }
    return out, refs


def keepable(
    book: str,
    mine: list[tuple[str, str, str]],
    computed: dict[str, tuple[str, bool]],
    refs: dict[str, str],
) -> bool:
    """Whether a computed notebook may be kept: every answer of it checked without a problem,
    its solved cells ran and its reference solutions pass. A failure, a hang (it may be the
    machine's) or a harness error is computed again next run, never served from the cache."""
    if any(s.startswith(f"error:{book}") for s in refs):
        return False
    for step, expected, code in mine:
        got = computed.get(_answer_id(step, code))
        if got is None or problem(got[0], got[1], expected) is not None:
            return False
    return all(refs.get(step, "").startswith("✓ ") for step in {step for step, _, _ in mine})


def summary() -> str:
    """The line conftest.py prints at the end of the run: what was computed, what was cached."""
    return str(_running.get("summary", ""))


def problem(line: str, hang: bool, expected: str) -> str | None:
    """What is wrong with an answer's check line (None: nothing). test_answer asserts it; a
    notebook with any problem is never kept in the cache, so the next run computes it again."""
    if hang:
        return f"the answer hung: {line}"
    if "\n" in line or "Traceback" in line:  # one line, never a traceback
        return line
    if "could not check" in line:
        return line
    if expected == OK and not line.startswith("✓ "):
        return f"a right answer refused: {line}"
    if expected != OK and not line.startswith("✗ "):
        return f"a wrong answer accepted: {line}"
    if expected != OK and expected not in line:
        return f"the hint does not name the mistake ({expected!r}): {line}"
    if len(line) > 301:
        return f"longer than 301 characters: {line}"
    return None


@pytest.mark.parametrize(("step", "expected", "code"), ANSWERS, ids=IDS)
def test_answer(lines, step: str, expected: str, code: str, request) -> None:  # type: ignore[no-untyped-def]
    k = IDS.index(request.node.callspec.id)
    line, hang = lines[0][k]
    assert (wrong := problem(line, hang, expected)) is None, wrong


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
