"""The answer corpus's cache (tests/test_workbook_answers.py): a notebook's answers are served
from it only while nothing its run reads has changed, and what a run computes goes into it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import test_workbook_answers as corpus
from workbook_answers import ANSWERS, OK

from helpers import course
from helpers.checks import STEPS

ROOT = corpus.ROOT
BOOKS = [nb.number for nb in course.workbook()]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the corpus's run reads, to change one file at a time."""
    root = tmp_path_factory.mktemp("checkout")
    for folder in ("helpers", "workbook"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (*corpus.SHARED, *corpus.CODE):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, root / name)
    return root


def _changed(tree: Path, name: str, answers: list[tuple[str, str, str]] = ANSWERS) -> list[str]:
    """The notebooks whose key changes when `name` gains a byte."""
    before = corpus.keys(tree, answers)
    path = tree / name
    original = path.read_bytes()
    path.write_bytes(original + b"\n")
    try:
        after = corpus.keys(tree, answers)
    finally:
        path.write_bytes(original)
    return [book for book in BOOKS if before[book] != after[book]]


def test_a_copy_has_the_same_keys_one_per_notebook(tree: Path) -> None:
    assert corpus.keys(tree) == corpus.keys(ROOT)
    assert sorted(corpus.keys(ROOT)) == BOOKS and len(set(corpus.keys(ROOT).values())) == 9


@pytest.mark.parametrize(
    "name",
    [
        "helpers/checks/core.py",  # every check's machinery
        "helpers/bigram.py",  # the lesson's module, which solutions call
        "data/names.txt",
        "requirements-lock.txt",
        "tools/measure_answers.py",
        "tests/workbook_answers.py",
    ],
)
def test_what_every_notebook_reads_changes_every_key(tree: Path, name: str) -> None:
    assert _changed(tree, name) == BOOKS


def test_a_notebooks_own_checks_change_its_key_and_those_of_the_notebooks_importing_them(
    tree: Path,
) -> None:
    assert _changed(tree, "helpers/checks/nb_sampling.py") == ["04"]
    # 07's, 08's and 09's checks import names from 06's (their `from helpers.checks.nb_neural_net`).
    assert _changed(tree, "helpers/checks/nb_neural_net.py") == ["06", "07", "08", "09"]
    assert _changed(tree, "workbook/03_count_matrix.ipynb") == ["03"]


def test_a_new_answer_changes_its_notebooks_key_only(tree: Path) -> None:
    more = [*ANSWERS, ("words", OK, "words = open(path).read().split()")]
    before, after = corpus.keys(tree), corpus.keys(tree, more)
    assert [book for book in BOOKS if before[book] != after[book]] == ["01"]


class FakeCache:
    """pytest's config.cache, in memory."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def get(self, key: str, default: Any) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value


@pytest.fixture
def own_run():  # type: ignore[no-untyped-def]
    """The corpus module's state, set aside: this suite's own corpus run may be under way."""
    saved = dict(corpus._running)
    corpus._running.clear()
    try:
        yield
    finally:
        corpus.stop()
        corpus._running.update(saved)


def test_a_stale_notebook_is_computed_and_kept_a_fresh_one_is_served(own_run: None) -> None:
    keys = corpus.keys()
    cache = FakeCache()
    ids = {k: corpus._answer_id(step, code) for k, (step, _, code) in enumerate(ANSWERS)}
    served = {k: (f"✓ cached {ids[k]}", False) for k in ids}  # one line per distinct answer
    for book in BOOKS:
        mine = [k for k, (step, _, _) in enumerate(ANSWERS) if _book(step) == book]
        cache.set(
            corpus._cache_key(book),
            {
                # 06's entry was kept under another key: its inputs have changed since.
                "key": "stale" if book == "06" else keys[book],
                "lines": {ids[k]: list(served[k]) for k in mine},
                "refs": {},
            },
        )
    corpus.start(cache)
    assert corpus._running["stale"] == ("06",) and len(corpus._running["parts"]) == 1
    got, refs = corpus.collect()
    assert sorted(got) == list(range(len(ANSWERS)))
    for k, (step, expected, _) in enumerate(ANSWERS):
        if _book(step) == "06":  # computed: the real verdicts
            line = got[k][0]
            assert line.startswith("✓ ") if expected == OK else expected in line, line
        else:
            assert got[k] == served[k]
    kept = cache.get(corpus._cache_key("06"), None)
    assert kept["key"] == keys["06"]
    assert {k: tuple(v) for k, v in kept["lines"].items()} == {
        ids[k]: got[k] for k, (step, _, _) in enumerate(ANSWERS) if _book(step) == "06"
    }
    assert kept["refs"] and all(v.startswith("✓ ") for v in kept["refs"].values())
    assert "notebooks computed: 06 " in corpus.summary()


def test_without_a_cache_or_with_an_empty_one_everything_is_computed() -> None:
    keys = corpus.keys()
    assert corpus.plan(None, keys) == ({}, tuple(BOOKS))
    assert corpus.plan(FakeCache(), keys) == ({}, tuple(BOOKS))


def _book(step: str) -> str:
    return {nb.slug: nb.number for nb in course.workbook()}[STEPS[step].notebook]


def test_only_a_notebook_that_passed_everything_is_kept() -> None:
    """A computed notebook goes into the cache only if every answer's line has no problem (as
    test_answer judges it), its solved cells ran and its reference solutions pass."""
    mine = [(s, e, c) for s, e, c in ANSWERS if _book(s) == "01"]
    named: dict[str, list[str]] = {}  # answer id -> what its copies' lines must name
    for s, e, c in mine:
        named.setdefault(corpus._answer_id(s, c), []).append(e)
    passing = {
        k: ("✓ right" if OK in names else "✗ " + "; ".join(names), False)
        for k, names in named.items()
    }
    refs = {s: "✓ right" for s, _, _ in mine}
    assert corpus.keepable("01", mine, passing, refs)
    right = next(corpus._answer_id(s, c) for s, e, c in mine if e == OK)
    wrong = next(corpus._answer_id(s, c) for s, e, c in mine if e != OK)
    for changed in (
        {right: ("✗ refused", False)},  # a right answer refused
        {wrong: ("✓ accepted", False)},  # a wrong one accepted
        {wrong: ("✗ some other mistake", False)},  # a hint that names another
        {right: ("✓ right", True)},  # a hang, maybe the machine's
        {right: ("TRACEBACK RuntimeError()", False)},
    ):
        assert not corpus.keepable("01", mine, {**passing, **changed}, refs), changed
    assert not corpus.keepable("01", mine, {k: passing[k] for k in list(passing)[1:]}, refs)
    assert not corpus.keepable("01", mine, passing, {**refs, mine[0][0]: "✗ the solution"})
    assert not corpus.keepable("01", mine, passing, {**refs, "error:01_dataset.ipynb:3": "E"})
