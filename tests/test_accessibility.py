"""Accessibility audits: axe-core over the book's pages and over our widgets in
JupyterLab, and each explorer used by keyboard alone.

axe-core comes with `axe-playwright-python` (pinned in pyproject.toml). What this project renders
(the book's pages, template included; our widgets' output areas in JupyterLab) must have no
serious or critical violation. JupyterLab's own interface around them is audited too and its
figures written to artifacts/axe-*.json, but not asserted: it is not ours to fix.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    ARTIFACTS,
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    browser,
    code_notebook,
    lab,
    open_and_run_all,
)
from playwright.sync_api import Browser, Page, expect
from test_book import LAYOUT_JS, WIDTHS, built, offline

__all__ = ["browser", "built", "lab"]

BLOCKING = ("serious", "critical")
NOTEBOOK = "a11y_widgets.ipynb"
CELLS = [
    """import torch

from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.explorers import sampling_explorer, training_explorer
from helpers.slider import smoothing_slider

words = load_words(ensure_names())
stoi, itos = bigram.build_vocab(words)
N = bigram.count_matrix(words, stoi)
P = (N + 1).float()
P /= P.sum(1, keepdim=True)
torch.set_num_threads(1)""",
    'smoothing_slider(N, itos, row="a")',
    "sampling_explorer(P, itos)",
    "training_explorer(N, itos)",
]


def _violations(result: dict) -> list[dict]:
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "target": v["nodes"][0]["target"],
            "html": [n["html"][:200] for n in v["nodes"]],
            "summary": v["nodes"][0].get("failureSummary", "")[:300],
        }
        for v in result["violations"]
    ]


def _count(violations: list[dict]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for v in violations:
        counts[v["impact"]] += v["nodes"]
    return dict(counts)


def _save(name: str, data: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=1), encoding="utf-8")


@pytest.mark.browser
def test_every_page_fits_loads_cleanly_and_passes_axe(browser: Browser, built: Path) -> None:
    """Every page offline, loaded once and audited at a phone's 390 px and a laptop's 1280 px
    (the viewport resized between): no page error, nothing wider than the screen, every picture
    loaded, formulas typeset, interactives live, then axe. (axe itself reads the stylesheets by
    XHR, which file:// refuses: its console errors are not the page's.)"""
    axe = Axe()
    found: dict[int, dict[str, list[dict]]] = {width: {} for width in WIDTHS}
    for watched in offline(browser, WIDTHS[0]):
        for entry in json.loads((built / "manifest.json").read_text())["pages"]:
            page = watched.open((built / entry["page"]).as_uri())
            if entry["interactive"]:  # audit the live controls, not the fallback
                expect(page.locator(".book-widget.is-live").first).to_be_attached()
            if entry["math"]:
                expect(page.locator("mjx-container").first).to_be_attached()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_function(f"() => window.innerWidth === {width}")
                layout = page.evaluate(LAYOUT_JS)
                assert layout["scroll"] <= width, (entry["page"], width, layout)
                assert layout["wide"] == 0 and layout["broken"] == 0, (entry["page"], layout)
                watched.assert_clean()
                # Only violations in the result: the passes' node lists cost 15% of the time.
                result = axe.run(page, options={"resultTypes": ["violations"]}).response
                found[width][entry["page"]] = _violations(result)
                watched.errors.clear()
    blocking = {}
    for width, pages in found.items():
        _save(
            f"axe-book-{width}.json",
            {name: {"counts": _count(v), "violations": v} for name, v in pages.items()},
        )
        for name, vs in pages.items():
            bad = [f"{v['impact']} {v['id']} ×{v['nodes']}: {v['target']}" for v in vs]
            if bad := [b for b, v in zip(bad, vs, strict=True) if v["impact"] in BLOCKING]:
                blocking[f"{name} at {width} px"] = bad
    assert not blocking, blocking


def _luminance(rgb: str) -> float:
    """WCAG relative luminance of a CSS `rgb(r, g, b)`."""
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "first_control"),
    [
        ("05_nll_smoothing.html", "input[type=range]"),
        ("04_sampling.html", "select.seed"),
        ("08_matches_counts.html", "select.rate"),
    ],
)
def test_a_skip_link_reaches_each_interactive(
    browser: Browser, built: Path, name: str, first_control: str
) -> None:
    """Two Tabs from the top reach the skip link, Enter and one Tab the interactive's control
    (code cells are no tab stops); the slider's handle colour has 3:1 against the page."""
    for watched in offline(browser, 1280):
        page = watched.open((built / name).as_uri())
        box = page.locator(".book-widget.is-live")
        expect(box).to_be_attached()
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.textContent")
        assert focused.startswith("Skip to the "), focused
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        control = box.locator(first_control)
        expect(control).to_be_focused()
        if name.startswith("05"):
            accent = control.evaluate("e => getComputedStyle(e).accentColor")
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            hi, lo = sorted((_luminance(accent), _luminance(background)), reverse=True)
            assert (hi + 0.05) / (lo + 0.05) >= 3, (accent, background)
        watched.assert_clean()


@pytest.fixture(scope="module")
def widgets_page(browser: Browser, lab: Lab) -> Iterator[Page]:
    """JupyterLab with a notebook of the slider and both explorers, run once for the module."""
    (lab.root_dir / NOTEBOOK).write_text(json.dumps(code_notebook(CELLS)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page = context.new_page()
        open_and_run_all(page, lab, NOTEBOOK, {})
        for selector in (".alpha-slider", ".next-char", ".train-10"):
            expect(page.locator(selector)).to_be_visible(timeout=UI_TIMEOUT_MS)
        yield page
    finally:
        context.close()


@pytest.mark.browser
def test_axe_finds_nothing_serious_in_our_widgets_in_jupyterlab(widgets_page: Page) -> None:
    axe = Axe()
    ours = _violations(
        axe.run(
            widgets_page, context={"include": [[".jp-Notebook .jp-OutputArea-output"]]}
        ).response
    )
    theirs = _violations(
        axe.run(
            widgets_page, context={"exclude": [[".jp-Notebook .jp-OutputArea-output"]]}
        ).response
    )
    _save(
        "axe-jupyterlab.json",
        {
            "our widgets": {"counts": _count(ours), "violations": ours},
            "JupyterLab (not ours; reported only)": {
                "counts": _count(theirs),
                "violations": theirs,
            },
        },
    )
    print("axe, JupyterLab's own interface (not asserted):", _count(theirs))
    # ipywidgets' own: its slider handle (noUiSlider, role=slider) never gets a name, and the
    # Python side cannot give it one (ipywidgets passes no handleAttributes). Reported in the
    # artifact, not ours to fix here; the book's template names it (see the book audit).
    widget_library = [
        v
        for v in ours
        if v["id"] == "aria-input-field-name" and all('class="noUi-handle' in h for h in v["html"])
    ]
    print("axe, ipywidgets' slider handles (not asserted):", _count(widget_library))
    blocking = [
        f"{v['impact']} {v['id']} ×{v['nodes']}: {v['target']}"
        for v in ours
        if v["impact"] in BLOCKING and v not in widget_library
    ]
    assert not blocking, blocking


def _tab_through(page: Page, first: str, count: int) -> list[str]:
    """Focus `first`, then press Tab `count` times: the class lists focused, in order."""
    page.locator(first).focus()
    seen = [page.evaluate("() => document.activeElement.className")]
    for _ in range(count):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.className"))
    return seen


@pytest.mark.browser
def test_explorers_by_keyboard_alone(widgets_page: Page) -> None:
    page = widgets_page
    # Sampling explorer: Tab goes next character -> new name -> seed; Enter and Space press.
    order = _tab_through(page, ".next-char", 2)
    assert "next-char" in order[0] and "new-name" in order[1], order
    assert page.evaluate("() => document.activeElement.closest('.seed-box') !== null"), order
    choice = page.locator(".choice")
    page.locator(".next-char").focus()
    page.keyboard.press("Enter")
    expect(choice).to_have_text(
        re.compile(r"^drew '.' after '\.' with probability 0\.\d{4}$"), timeout=STEP_TIMEOUT_MS
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(choice).to_have_text(
        "press 'next character' to draw from row '.'", timeout=STEP_TIMEOUT_MS
    )
    page.keyboard.press("Tab")  # the seed box: type a seed, Enter submits it
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("42")
    page.keyboard.press("Enter")
    expect(page.locator(".name-so-far")).to_have_text("name so far: ''", timeout=STEP_TIMEOUT_MS)

    # Training explorer: Tab goes 1 step -> 10 steps -> 100 steps -> each learning rate.
    rates = ["1", "2", "5", "10", "20", "50", "100", "200"]
    order = _tab_through(page, ".train-1", 3 + len(rates) - 1)
    assert ["train-1" in order[0], "train-10" in order[1], "train-100" in order[2]] == [True] * 3
    named = page.evaluate(
        "() => [...document.querySelectorAll('.learning-rate button')].map(b => b.textContent)"
    )
    assert named == rates, named
    loss = page.locator(".train-loss")
    page.locator(".train-10").focus()
    page.keyboard.press("Enter")
    expect(loss).to_have_text(re.compile(r"^after 10 steps: loss "), timeout=STEP_TIMEOUT_MS)
    page.locator(".train-1").focus()
    page.keyboard.press("Space")
    expect(loss).to_have_text(re.compile(r"^after 11 steps: loss "), timeout=STEP_TIMEOUT_MS)
    active = page.locator(".learning-rate button.mod-active")
    expect(active).to_have_text("50", timeout=STEP_TIMEOUT_MS)
    page.locator(".train-100").focus()
    for _ in range(3 + len(rates) - 1 - 2):  # Tab from "100 steps" to the rate "200"
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "200"
    page.keyboard.press("Enter")
    expect(active).to_have_text("200", timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("Shift+Tab")  # back to "100", pressed by Space
    page.keyboard.press("Space")
    expect(active).to_have_text("100", timeout=STEP_TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-explorers.png"))
