"""End to end: each explorer renders in JupyterLab and responds to a learner.

One notebook generated into the session's JupyterLab builds `N`, `P` and `itos` as notebooks 04
and 08 do and shows both explorers (the same calls the explorer cells of 04 and 08 make); it is
run once for this module. One test per explorer then presses its buttons in Chromium and checks
what the page shows against tests/test_explorers.py's plain-Python `Reference`. The explorers'
logic, click by click and number by number (every draw, seed and bad seed, every training step
and learning rate), is tested in process there; here the point is the page: the widgets render,
a click reaches the kernel, and the answer reaches the screen, every part of it.

Every element read is first waited for in the state it must show (`expect(...)` on its text or
a `wait_for_function` on its data attributes), with generous time-outs; nothing depends on how
long anything took.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    assert_no_error_outputs,
    browser,
    code_notebook,
    lab,
    open_and_run_all,
    save_failure_artifacts,
)
from playwright.sync_api import Browser, Page, expect
from test_explorers import CELL_TOL, DIFF_RE, LOSS_RE, LOSS_TOL, PROB_RE, PROB_TOL, SEED, Reference
from test_explorers import ref as ref

__all__ = ["browser", "lab", "ref"]

NOTEBOOK = "explorers_browser_test.ipynb"
SETUP = """import torch

from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.explorers import sampling_explorer, training_explorer

words = load_words(ensure_names())
stoi, itos = bigram.build_vocab(words)
N = bigram.count_matrix(words, stoi)
P = (N + 1).float()
P /= P.sum(1, keepdim=True)"""

BARS_JS = """() => [...document.querySelectorAll('.row-bars svg.bars rect.bar')].map(r => [
  r.dataset.ch, parseFloat(r.dataset.p), r.classList.contains('chosen')])"""
CELLS_JS = (
    """(sel) => [...document.querySelectorAll(sel + ' rect')].map(r => parseFloat(r.dataset.p))"""
)


@pytest.fixture(scope="module")
def explorers_page(browser: Browser, lab: Lab) -> Iterator[Page]:
    """JupyterLab showing the notebook of both explorers, run once for the module."""
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
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    try:
        timings: dict[str, float] = {"server start": lab.start_seconds}
        try:
            open_and_run_all(page, lab, NOTEBOOK, timings)
            assert_no_error_outputs(page)
        except BaseException:
            save_failure_artifacts(page, lab, "browser-explorers")
            raise
        print("explorer notebook:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        yield page
    finally:
        context.close()


def _wait_bars(page: Page, context: str, chosen: str | None) -> None:
    """Wait until the bars show row `context` with `chosen` marked (none if None)."""
    page.wait_for_function(
        """([context, chosen]) => {
          const svg = document.querySelector('.row-bars svg.bars');
          if (!svg || svg.dataset.context !== context) return false;
          const c = svg.querySelectorAll('rect.chosen');
          return chosen === null ? c.length === 0 : (c.length === 1 && c[0].dataset.ch === chosen);
        }""",
        arg=[context, chosen],
        timeout=STEP_TIMEOUT_MS,
    )


def _shows_draw(page: Page, ref: Reference, name: str, finished: bool, context: str, ch: str):
    """Wait for each part of the sampling view to show the draw of `ch` after `context`, then
    check its probability and its bars against the reference."""
    label = f"finished name: {name!r}" if finished else f"name so far: {name!r}"
    expect(page.locator(".name-so-far")).to_have_text(label, timeout=STEP_TIMEOUT_MS)
    choice = page.locator(".choice")
    expect(choice).to_have_text(
        re.compile(rf"^drew {re.escape(repr(ch))} after {re.escape(repr(context))} with "),
        timeout=STEP_TIMEOUT_MS,
    )
    m = PROB_RE.match(choice.inner_text().strip())
    assert m, choice.inner_text()
    assert abs(float(m[3]) - ref.P1[ref.ix[context]][ref.ix[ch]]) <= PROB_TOL
    _wait_bars(page, context, ch)
    bars = page.evaluate(BARS_JS)
    assert [b[0] for b in bars] == ref.chars
    worst = max(abs(b[1] - p) for b, p in zip(bars, ref.P1[ref.ix[context]], strict=True))
    assert worst <= CELL_TOL, (context, worst)


@pytest.mark.browser
def test_sampling_explorer_renders_and_responds(
    explorers_page: Page, lab: Lab, ref: Reference
) -> None:
    """Clicks and a typed seed reach the kernel; each draw reaches the page whole."""
    page = explorers_page
    try:
        expect(page.locator(".name-so-far")).to_have_text("name so far: ''", timeout=UI_TIMEOUT_MS)
        expect(page.locator(".choice")).to_have_text(
            "press 'next character' to draw from row '.'", timeout=UI_TIMEOUT_MS
        )
        _wait_bars(page, ".", None)
        # From the lesson's seed: its first name, click by click, to its end marker.
        (first,) = ref.lesson_names(SEED, 1)
        for k in range(len(first) + 1):
            page.locator(".next-char").click()
            done = k == len(first)
            _shows_draw(
                page,
                ref,
                first if done else first[: k + 1],
                done,
                "." if k == 0 else first[k - 1],
                "." if done else first[k],
            )
        # "new name" after a character of the second name: back to row '.'.
        page.locator(".next-char").click()
        expect(page.locator(".name-so-far")).to_have_text(
            re.compile(r"^name so far: '.'$"), timeout=STEP_TIMEOUT_MS
        )
        page.locator(".new-name").click()
        expect(page.locator(".name-so-far")).to_have_text(
            "name so far: ''", timeout=STEP_TIMEOUT_MS
        )
        expect(page.locator(".choice")).to_have_text(
            "press 'next character' to draw from row '.'", timeout=STEP_TIMEOUT_MS
        )
        _wait_bars(page, ".", None)
        # A seed typed into the box: the explorer starts over from it.
        seed = page.locator(".seed-box input")
        seed.fill("42")
        seed.press("Enter")
        (from_42,) = ref.lesson_names(42, 1)
        page.locator(".next-char").click()
        _shows_draw(page, ref, from_42[:1], False, ".", from_42[0])
        assert_no_error_outputs(page)
    except BaseException:
        save_failure_artifacts(page, lab, "browser-sampling")
        raise


def _wait_step(page: Page, steps: int) -> None:
    """Wait until every part of the training view shows step `steps`."""
    expect(page.locator(".train-loss")).to_have_text(
        re.compile(rf"^after {steps} steps?: "), timeout=STEP_TIMEOUT_MS
    )
    for part in (".train-diff", ".train-curve", ".train-curve svg", ".net-table"):
        expect(page.locator(part)).to_have_attribute(
            "data-steps", str(steps), timeout=STEP_TIMEOUT_MS
        )


def _shows_step(page: Page, ref: Reference, steps: int, W: list[list[float]]) -> None:
    """Wait for step `steps` in every part, then check the loss, the gap, the curve's last
    point, every cell of softmax(W) and the largest difference against the reference."""
    _wait_step(page, steps)
    want = ref.loss(W)
    m = LOSS_RE.match(page.locator(".train-loss").inner_text().strip())
    assert m and abs(float(m[2]) - want) <= LOSS_TOL, (m and m[0], want)
    assert abs(float(m[4]) - (want - ref.bound)) <= LOSS_TOL
    curve_loss = page.locator(".train-curve svg").get_attribute("data-loss")
    assert curve_loss is not None and abs(float(curve_loss) - want) <= LOSS_TOL
    Q = ref.softmax(W)
    shown = page.evaluate(CELLS_JS, ".net-table")
    assert len(shown) == ref.V * ref.V
    worst = max(abs(a - b) for a, b in zip(shown, [q for r in Q for q in r], strict=True))
    assert worst <= CELL_TOL + 1e-5, f"softmax(W) cell off by {worst}"
    diff = max(
        abs(q - p) for rq, rp in zip(Q, ref.P0, strict=True) for q, p in zip(rq, rp, strict=True)
    )
    m2 = DIFF_RE.match(page.locator(".train-diff").inner_text().strip())
    assert m2 and abs(float(m2[1]) - diff) <= LOSS_TOL


@pytest.mark.browser
def test_training_explorer_renders_and_responds(
    explorers_page: Page, lab: Lab, ref: Reference
) -> None:
    """A step button and a learning-rate button reach the kernel; each step reaches the page
    whole: loss, gap, curve and softmax(W) of the same step."""
    page = explorers_page
    V = ref.V
    W = [[0.0] * V for _ in range(V)]
    try:
        _shows_step(page, ref, 0, W)
        # P is its own widget beside the view: wait for all its cells before reading them.
        expect(page.locator(".count-table rect")).to_have_count(V * V, timeout=UI_TIMEOUT_MS)
        shown_P = page.evaluate(CELLS_JS, ".count-table")
        want_P = [p for r in ref.P0 for p in r]
        assert max(abs(a - b) for a, b in zip(shown_P, want_P, strict=True)) <= CELL_TOL
        active = page.locator(".learning-rate button.mod-active")
        expect(active).to_have_text("50", timeout=UI_TIMEOUT_MS)
        page.locator(".train-10").click()
        for _ in range(10):
            W = ref.step(W, 50.0)
        _shows_step(page, ref, 10, W)
        page.locator(".learning-rate button", has_text=re.compile("^100$")).click()
        expect(active).to_have_text("100", timeout=STEP_TIMEOUT_MS)
        page.locator(".train-1").click()
        W = ref.step(W, 100.0)
        _shows_step(page, ref, 11, W)
        assert_no_error_outputs(page)
    except BaseException:
        save_failure_artifacts(page, lab, "browser-training")
        raise
