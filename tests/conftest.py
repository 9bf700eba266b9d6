"""Shared fixtures: the verified names.txt, small dataset files, a quiet torch, and the
browser tests' one JupyterLab server and one Chromium for the session."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from helpers.data import ensure_names


@pytest.fixture(scope="session")
def names_path() -> Path:
    """The verified data/names.txt (copied or downloaded by helpers.data if missing)."""
    return ensure_names()


@pytest.fixture(scope="session")
def names_plain(names_path: Path) -> list[str]:
    """names.txt read with plain Python, not with helpers: the independent reference."""
    return names_path.read_text(encoding="utf-8").splitlines()


PlainCounts = tuple[Counter, Counter, int]


def _plain_counts(words: list[str], n: int = 2, sentinel: str = ".") -> PlainCounts:
    """(n-gram counts, context totals, V) by a Counter over padded strings: no torch, no helpers.

    V counts the sentinel and every character of the words.
    """
    V = len(set("".join(words))) + 1
    grams: Counter[tuple[str, str]] = Counter()
    for w in words:
        chs = sentinel * (n - 1) + w + sentinel
        for i in range(len(w) + 1):
            grams[chs[i : i + n - 1], chs[i + n - 1]] += 1
    rows: Counter[str] = Counter()
    for (context, _), c in grams.items():
        rows[context] += c
    return grams, rows, V


def _plain_nll_of(counts: PlainCounts, alpha: float) -> float:
    """Average NLL of the add-alpha model on the data it was counted from, by math.log."""
    grams, rows, V = counts
    return -sum(
        c * math.log((c + alpha) / (rows[context] + V * alpha)) for (context, _), c in grams.items()
    ) / sum(grams.values())


def _plain_nll(words: list[str], alpha: float, n: int = 2, sentinel: str = ".") -> float:
    """Average NLL of the add-alpha n-gram count model on its own data, in plain Python."""
    return _plain_nll_of(_plain_counts(words, n, sentinel), alpha)


@pytest.fixture(scope="session")
def plain_nll() -> Callable[..., float]:
    """`plain_nll(words, alpha, n=2, sentinel=".")`: the independent reference NLL."""
    return _plain_nll


@pytest.fixture(scope="session")
def plain_nll_curve() -> Callable[..., Callable[[float], float]]:
    """`plain_nll_curve(words, n=2, sentinel=".")`: alpha -> the reference NLL, counting once."""

    def curve(words: list[str], n: int = 2, sentinel: str = ".") -> Callable[[float], float]:
        counts = _plain_counts(words, n, sentinel)
        return lambda alpha: _plain_nll_of(counts, alpha)

    return curve


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """`write_file(name, content)`: a file in a fresh temporary folder (str is UTF-8 encoded)."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


def _place_names() -> list[str]:
    """A few hundred made-up place names: Cyrillic and Greek, accents, spaces, hyphens."""
    ru_first = ["Ново", "Старо", "Верхне", "Нижне", "Бело", "Черно", "Красно", "Озёрно"]
    ru_second = ["горск", "дольск", "речье", "поле", "град", "ярск"]
    ru_after = ["", " Посад", " Луг", "-на-Волге"]
    el_first = ["Άγιος", "Νέα", "Άνω", "Κάτω", "Παλαιά", "Μικρή"]
    el_second = ["Θήβα", "Σμύρνη", "Ιωνία", "Πέλλα", "Κηφισιά", "Ζάκρος", "Ψαρά"]
    names = [a + b + c for a in ru_first for b in ru_second for c in ru_after]
    names += [f"{a} {b}" for a in el_first for b in el_second]
    return names + names[::9]  # some places share a name: duplicates, as in names.txt


@pytest.fixture(scope="session")
def place_names() -> list[str]:
    """The words of the non-names dataset (the CLI must not assume a-z)."""
    return _place_names()


@pytest.fixture
def place_names_path(tmp_path: Path, place_names: list[str]) -> Path:
    """The place names as a UTF-8 file, one per line."""
    path = tmp_path / "places.txt"
    path.write_text("\n".join(place_names) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def torch_one_thread():
    """Run a whole test module on one torch thread, then restore the setting.

    The functions of helpers/ never change torch's thread count (only the command line, cli.py,
    does). On 27x27 tables a second thread only waits (see benchmarks/run.py). Use it with
    `pytestmark = pytest.mark.usefixtures("torch_one_thread")`.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def names_model(names_path: Path):
    """(words, stoi, itos, N) of names.txt, by the lesson's helpers (helpers.bigram)."""
    from helpers import bigram
    from helpers.data import load_words

    words = load_words(names_path)
    stoi, itos = bigram.build_vocab(words)
    return words, stoi, itos, bigram.count_matrix(words, stoi)


# --- the browser tests' server and browser: one each for the whole session ------------------
# Imported lazily: a run without browser tests never loads Playwright. Test modules use them
# through tests/browser_support.py's `lab`, `browser` and `page`.


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """JupyterLab on a temporary copy of notebooks/ (tools/lab.py's `start_lab`)."""
    from tools.lab import LabFailed, start_lab

    try:
        with start_lab(tmp_path_factory.mktemp("jupyterlab")) as server:
            yield server
    except LabFailed as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright (tools/lab.py's `launch`); fails if there is none."""
    from playwright.sync_api import sync_playwright

    from tools.chromium import NoBrowser
    from tools.lab import launch

    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except NoBrowser as err:
            pytest.fail(str(err), pytrace=False)
        try:
            yield chromium
        finally:
            chromium.close()
