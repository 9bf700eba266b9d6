"""End to end: a learner uses the sampling and the training explorer in JupyterLab (issue 14).

One JupyterLab server for this module, on a small notebook generated into its root that builds
`N`, `P` and `itos` as notebooks 04 and 08 do and shows both explorers (the same calls the
explorer cells of 04 and 08 make). Every number the page shows is checked against one computed
here from names.txt with plain Python (counts, softmax, gradient descent); only the names drawn
come from torch, through the lesson's own loop written out below (`torch.multinomial` is what
defines them). No fixed sleeps: every wait is for the page to show an expected state.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter

import pytest
import torch
from browser_support import (
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    assert_no_error_outputs,
    browser,
    code_notebook,
    lab,
    open_and_run_all,
    page,
    save_failure_artifacts,
)
from playwright.sync_api import Page, expect

__all__ = ["browser", "lab", "page"]

NOTEBOOK = "explorers_browser_test.ipynb"
SEED = 2147483647
PROB_TOL = 5e-5 + 1e-6  # the labels show 4 decimals
LOSS_TOL = 1e-4  # 4 decimals shown, and the page's W is float32
CELL_TOL = 2e-6  # data-p carries 6 decimals

SETUP = """import torch

from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.explorers import sampling_explorer, training_explorer

words = load_words(ensure_names())
stoi, itos = bigram.build_vocab(words)
N = bigram.count_matrix(words, stoi)
P = (N + 1).float()
P /= P.sum(1, keepdim=True)"""


# --- the independent reference ------------------------------------------------------------


class Reference:
    """Counts, P (alpha = 1 and 0) and gradient descent from W = 0, in plain Python."""

    def __init__(self, words: list[str]) -> None:
        self.chars = ["."] + sorted(set("".join(words)))
        self.V = len(self.chars)
        self.ix = {c: i for i, c in enumerate(self.chars)}
        pairs: Counter[tuple[int, int]] = Counter()
        for w in words:
            chs = "." + w + "."
            for a, b in zip(chs, chs[1:], strict=False):
                pairs[self.ix[a], self.ix[b]] += 1
        V = self.V
        self.N = [[pairs[i, j] for j in range(V)] for i in range(V)]
        self.rows = [sum(r) for r in self.N]
        self.total = sum(self.rows)
        self.P1 = [[(c + 1) / (s + V) for c in r] for r, s in zip(self.N, self.rows, strict=True)]
        self.P0 = [[c / s for c in r] for r, s in zip(self.N, self.rows, strict=True)]
        self.bound = (
            -sum(
                c * math.log(c / s) for r, s in zip(self.N, self.rows, strict=True) for c in r if c
            )
            / self.total
        )

    def softmax(self, W: list[list[float]]) -> list[list[float]]:
        out = []
        for row in W:
            m = max(row)
            e = [math.exp(x - m) for x in row]
            s = sum(e)
            out.append([x / s for x in e])
        return out

    def loss(self, W: list[list[float]]) -> float:
        Q = self.softmax(W)
        return (
            -sum(
                c * math.log(q)
                for rn, rq in zip(self.N, Q, strict=True)
                for c, q in zip(rn, rq, strict=True)
                if c
            )
            / self.total
        )

    def step(self, W: list[list[float]], lr: float) -> list[list[float]]:
        """One full-batch gradient step of the one-hot net: dL/dW_ij = (S_i q_ij - N_ij) / T."""
        Q = self.softmax(W)
        return [
            [w - lr * (s * q - c) / self.total for w, q, c in zip(rw, rq, rn, strict=True)]
            for rw, rq, rn, s in zip(W, Q, self.N, self.rows, strict=True)
        ]

    def lesson_names(self, seed: int, count: int) -> list[str]:
        """The lesson's sampling loop (04), on P = (N + 1) / row sums as 04 builds it."""
        P = (torch.tensor(self.N) + 1).float()
        P /= P.sum(1, keepdim=True)
        g = torch.Generator().manual_seed(seed)
        names = []
        for _ in range(count):
            out = []
            ix = 0
            while True:
                p = P[ix]
                ix = int(torch.multinomial(p, 1, replacement=True, generator=g).item())
                if ix == 0:
                    break
                out.append(self.chars[ix])
            names.append("".join(out))
        return names


@pytest.fixture(scope="module")
def ref(names_plain: list[str]) -> Reference:
    return Reference(names_plain)


def test_reference_meets_known_figures(ref: Reference) -> None:
    """The reference itself, against figures that do not come from code."""
    assert ref.V == 27 and ref.total == 228146  # 32,033 names + their end markers (01, 06)
    assert abs(ref.bound - 2.4541) < 1e-4  # the lesson's count-model loss
    assert abs(ref.loss([[0.0] * 27 for _ in range(27)]) - math.log(27)) < 1e-12  # uniform


# --- page helpers ---------------------------------------------------------------------------

BARS_JS = """(sel) => [...document.querySelectorAll(sel + ' svg.bars rect.bar')].map(r => [
  r.dataset.ch, parseFloat(r.dataset.p), parseFloat(r.getAttribute('height')),
  r.classList.contains('chosen')])"""
CELLS_JS = (
    """(sel) => [...document.querySelectorAll(sel + ' rect')].map(r => parseFloat(r.dataset.p))"""
)
PROB_RE = re.compile(r"^drew '(.)' after '(.)' with probability (\d\.\d{4})$")
LOSS_RE = re.compile(
    r"^after (\d+) steps?: loss (\d\.\d{4}) nats \(count model (\d\.\d{4}), gap (-?\d\.\d{4})\)$"
)


def _text(page: Page, css: str) -> str:
    return page.locator(css).inner_text(timeout=STEP_TIMEOUT_MS).strip()


def _check_bars(page: Page, ref: Reference, context: str, chosen: str | None) -> None:
    """Wait for the bars of row `context` (with `chosen` marked), then check every bar."""
    marked = "null" if chosen is None else json.dumps(chosen)
    page.wait_for_function(
        f"""() => {{
          const svg = document.querySelector('.row-bars svg.bars');
          if (!svg || svg.dataset.context !== {json.dumps(context)}) return false;
          const c = svg.querySelector('rect.chosen');
          return {marked} === null ? c === null : (c !== null && c.dataset.ch === {marked});
        }}""",
        timeout=STEP_TIMEOUT_MS,
    )
    bars = page.evaluate(BARS_JS, ".row-bars")
    row = ref.P1[ref.ix[context]]
    assert [b[0] for b in bars] == ref.chars, "one bar per character, in vocabulary order"
    top = max(b[2] for b in bars)
    for (ch, p, height, _), want in zip(bars, row, strict=True):
        assert abs(p - want) <= CELL_TOL, (context, ch, p, want)
        assert abs(height / top - want / max(row)) < 0.01, (context, ch, "bar height")
    assert [b[0] for b in bars if b[3]] == ([] if chosen is None else [chosen])


def _sampling_session(page: Page, ref: Reference) -> None:
    box = page.locator(".jp-OutputArea-output", has=page.locator(".next-char"))
    expect(box).to_have_count(1, timeout=UI_TIMEOUT_MS)
    next_button = page.locator(".next-char")
    first, second = ref.lesson_names(SEED, 2)
    expect(page.locator(".name-so-far")).to_have_text("name so far: ''", timeout=UI_TIMEOUT_MS)
    _check_bars(page, ref, ".", None)

    def draw(expected_name: str, k: int, finished: bool) -> None:
        """Click once; the page must show the k-th character of expected_name (or its end)."""
        next_button.click()
        done = k == len(expected_name)
        drawn = "." if done else expected_name[k]
        context = "." if k == 0 else expected_name[k - 1]
        label = (
            f"finished name: {expected_name!r}"
            if done
            else f"name so far: {expected_name[: k + 1]!r}"
        )
        expect(page.locator(".name-so-far")).to_have_text(label, timeout=STEP_TIMEOUT_MS)
        m = PROB_RE.match(_text(page, ".choice"))
        assert m, _text(page, ".choice")
        assert (m[1], m[2]) == (drawn, context)
        want = ref.P1[ref.ix[context]][ref.ix[drawn]]
        assert abs(float(m[3]) - want) <= PROB_TOL, (context, drawn, m[3], want)
        _check_bars(page, ref, context, drawn)
        assert done == finished

    # From the lesson's seed, click by click: the lesson's first name, then its second.
    for k in range(len(first) + 1):
        draw(first, k, finished=k == len(first))
    for k in range(min(3, len(second))):
        draw(second, k, finished=False)

    # "new name" drops the name being drawn.
    page.locator(".new-name").click()
    expect(page.locator(".name-so-far")).to_have_text("name so far: ''", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".choice")).to_have_text(
        "press 'next character' to draw from row '.'", timeout=STEP_TIMEOUT_MS
    )
    _check_bars(page, ref, ".", None)

    # A new seed, typed: the explorer starts over from it.
    seed_input = page.locator(".seed-box input")
    seed_input.fill("42")
    seed_input.press("Enter")
    (from_42,) = ref.lesson_names(42, 1)
    for k in range(min(2, len(from_42) + 1)):
        draw(from_42, k, finished=k == len(from_42))


def _lr_readout(page: Page) -> float:
    """The learning rate whose toggle button is pressed."""
    return float(_text(page, ".learning-rate button.mod-active"))


def _training_session(page: Page, ref: Reference) -> None:
    V = ref.V
    W = [[0.0] * V for _ in range(V)]
    steps = 0
    expect(page.locator(".train-loss")).to_have_count(1, timeout=UI_TIMEOUT_MS)

    def check(steps: int, W: list[list[float]]) -> None:
        want_loss = ref.loss(W)
        label = page.locator(".train-loss")
        expect(label).to_have_text(re.compile(rf"^after {steps} steps?: "), timeout=STEP_TIMEOUT_MS)
        m = LOSS_RE.match(label.inner_text().strip())
        assert m, label.inner_text()
        assert abs(float(m[2]) - want_loss) <= LOSS_TOL, (steps, m[2], want_loss)
        assert abs(float(m[3]) - ref.bound) <= PROB_TOL
        assert abs(float(m[4]) - (want_loss - ref.bound)) <= LOSS_TOL
        # The pictures arrive after the label: wait for the curve of this step.
        page.wait_for_function(
            f"""() => {{ const s = document.querySelector('.train-curve svg');
                 return s && s.dataset.steps === '{steps}'; }}""",
            timeout=STEP_TIMEOUT_MS,
        )
        curve_loss = page.locator(".train-curve svg").get_attribute("data-loss")
        assert curve_loss is not None and abs(float(curve_loss) - want_loss) <= LOSS_TOL
        Q = ref.softmax(W)
        shown = page.evaluate(CELLS_JS, ".net-table")
        want = [q for row in Q for q in row]
        assert len(shown) == V * V
        worst = max(abs(a - b) for a, b in zip(shown, want, strict=True))
        assert worst <= CELL_TOL + 1e-5, f"softmax(W) cell off by {worst}"
        diff = max(
            abs(q - p)
            for rq, rp in zip(Q, ref.P0, strict=True)
            for q, p in zip(rq, rp, strict=True)
        )
        text = _text(page, ".train-diff")
        m2 = re.match(r"^largest \|softmax\(W\) - P\| = (\d\.\d{4})$", text)
        assert m2 and abs(float(m2[1]) - diff) <= LOSS_TOL, (text, diff)

    check(0, W)
    shown_P = page.evaluate(CELLS_JS, ".count-table")
    assert (
        max(abs(a - b) for a, b in zip(shown_P, [p for r in ref.P0 for p in r], strict=True))
        <= CELL_TOL
    )

    def train(k: int) -> None:
        nonlocal W, steps
        lr = _lr_readout(page)
        page.locator(f".train-{k}").click()
        for _ in range(k):
            W = ref.step(W, lr)
        steps += k
        check(steps, W)

    assert _lr_readout(page) == 50.0
    train(1)
    train(10)
    # Keys: Tab from 50 to the next learning rate, 100, and Enter; then 10 steps at 100.
    page.locator(".learning-rate button", has_text=re.compile("^50$")).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".learning-rate button.mod-active")).to_have_text(
        "100", timeout=STEP_TIMEOUT_MS
    )
    train(10)
    # The mouse: click learning rate 1, then 100 steps.
    page.locator(".learning-rate button", has_text=re.compile("^1$")).click()
    expect(page.locator(".learning-rate button.mod-active")).to_have_text(
        "1", timeout=STEP_TIMEOUT_MS
    )
    train(100)
    assert ref.loss(W) > ref.bound  # the reference itself: never below the count model


@pytest.mark.browser
def test_learner_uses_the_explorers(page: Page, lab: Lab, ref: Reference) -> None:
    (lab.root_dir / NOTEBOOK).write_text(
        json.dumps(
            code_notebook(
                [
                    SETUP,
                    "sampling_explorer(P, itos)",
                    "torch.set_num_threads(1)\ntraining_explorer(N, itos)",
                ]
            )
        ),
        encoding="utf-8",
    )
    timings: dict[str, float] = {"server start": lab.start_seconds}
    try:
        open_and_run_all(page, lab, NOTEBOOK, timings)
        assert_no_error_outputs(page)
        _sampling_session(page, ref)
        _training_session(page, ref)
        assert_no_error_outputs(page)
    except BaseException:
        save_failure_artifacts(page, lab, "browser-explorers")
        raise
    finally:
        print("explorer test phases:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
