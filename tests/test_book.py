"""The static web edition (`make book`, issue 22): current, offline, and its slider alive.

`make test` builds the book first (`make book`, which does nothing when it is up to date). The
stale test compares the hash of the build's inputs recorded in book/manifest.json with
the inputs now. The browser test opens the built 05 page from the file system in Chromium with
every non-file request aborted (and asserts none was even attempted), moves the smoothing slider
by keyboard and by mouse, and checks the NLL shown against conftest's plain-Python `plain_nll`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, UI_TIMEOUT_MS, browser
from playwright.sync_api import Browser, Page, Route, expect
from test_browser import ALPHAS, LABELS, TOLERANCE, _wait_shown, drag_handle, nll_table

__all__ = ["browser", "nll_table"]  # nll_table: conftest's plain-Python NLL per slider label

from tools import book

BUILD: Path = book.BUILD
LOCAL = ("file:", "data:", "blob:", "about:")


def test_book_is_current() -> None:
    reason = book.stale_reason()
    assert reason is None, f"book/ is stale: {reason}. Run `make book` and commit book/."


def test_book_has_a_page_per_notebook_and_loads_nothing_remote() -> None:
    manifest = json.loads((BUILD / "manifest.json").read_text(encoding="utf-8"))
    assert [p["notebook"] for p in manifest["pages"]] == [n.name for n in book.notebooks()]
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")
    for entry in manifest["pages"]:
        text = (BUILD / entry["page"]).read_text(encoding="utf-8")
        # Scripts, styles and images come from the book itself (links in prose may go out).
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", text):
            assert not remote.search(tag), f"{entry['page']}: {tag[:120]}"
        assert "No description has been provided" not in text, entry["page"]
        # The template's styles are one shared file, not 260 kB copied into every page.
        assert f'href="{book.STATIC}{book.SHARED_CSS}"' in text, entry["page"]
        assert '<style type="text/css">' not in text, entry["page"]
        assert not re.search(r"<img\b[^>]*\balt=\"\s*\"", text), f"{entry['page']}: empty alt"


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A page whose every non-file request is aborted; yields (page, attempted, failed)."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    attempted: list[str] = []
    failed: list[str] = []

    def block(route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    context.route("**/*", block)
    context.on("request", lambda r: None if r.url.startswith(LOCAL) else attempted.append(r.url))
    context.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page = context.new_page()
    try:
        yield page, attempted, failed
    finally:
        context.close()


def _open(page: Page, name: str) -> None:
    page.goto((BUILD / name).as_uri())
    page.wait_for_load_state("load")


@pytest.mark.browser
def test_the_books_slider_works_offline(offline_page, nll_table: dict[str, float]) -> None:
    page, attempted, failed = offline_page
    _open(page, "05_nll_smoothing.html")
    slider = page.locator(".alpha-slider")
    handle = slider.locator(".noUi-handle")
    expect(handle).to_be_visible(timeout=UI_TIMEOUT_MS)
    # The formulas are typeset by the bundled MathJax.
    expect(page.locator("mjx-container").first).to_be_attached(timeout=UI_TIMEOUT_MS)

    label, nll = _wait_shown(page, nll_table, "1", "")
    seen = {label: nll}
    for key, want in (("Home", "0"), ("ArrowRight", LABELS[1]), ("End", LABELS[-1])):
        handle.press(key)
        label, nll = _wait_shown(page, nll_table, want, label)
        seen[label] = nll
        alt = page.locator(".smoothing-picture img").get_attribute("alt") or ""
        assert f"α = {label} at {nll_table[label]:.4f}" in alt, alt
    # The mouse: drag the handle from the right end to 40% along the track.
    drag_handle(page, handle, slider.locator(".noUi-target"), 0.4)
    label, nll = _wait_shown(page, nll_table, None, label)
    seen[label] = nll
    assert 0 < ALPHAS[LABELS.index(label)] < ALPHAS[-1]
    assert len(seen) >= 5, seen
    for shown, value in seen.items():
        assert abs(value - nll_table[shown]) <= TOLERANCE
    assert nll_table["0"] < nll_table["1"] < nll_table[LABELS[-1]] < math.log(27)

    _open(page, "04_sampling.html")  # an explorer that needs Python: its picture and a line
    expect(page.locator(".needs-kernel-note")).to_contain_text("Run the notebook")
    expect(page.locator(".static-explorer svg").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "book-04.png"))
    assert not attempted, f"the book tried the network: {attempted[:5]}"
    assert not failed, f"files the book could not load: {failed[:5]}"
