"""End to end: a learner fills a blank of the workbook in JupyterLab.

In headless Chromium: open workbook/02_bigram_dict.ipynb, run all cells (every check says ✗),
type a right answer into the `tokens` blank, run it and its check and see ✓; then type a wrong
one (the end token forgotten) and see the hint that names that mistake.

It reuses the server, browser and page fixtures of tests/browser_support.py: the server's root is
a temporary copy of notebooks/; this test adds the workbook notebook to it, in workbook/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_support import KERNEL_IDLE, browser, lab, menu, page
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "02_bigram_dict.ipynb"
TIMEOUT_MS = 120_000  # generous: only a failure waits this long

# the fixtures of tests/browser_support.py (JupyterLab on a temp root, Chromium, a fresh page)
__all__ = ["browser", "lab", "page"]

# the lesson's loop, on one word (the cell's own words[:3] would end on "ava")
RIGHT = (
    'for w in ["emma"]:\n    chs = ["<S>"] + list(w) + ["<E>"]\n'
    "    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)"
)
WRONG = RIGHT.replace(' + ["<E>"]', "")  # the end token forgotten


def _cell_with(page, text: str):
    """The code cell whose source contains `text`."""
    editor = page.locator(".jp-InputArea-editor", has_text=text)
    return page.locator(".jp-CodeCell", has=editor)


def _answer(page, blank, text: str) -> None:
    """Replace the blank cell's text, run it (Shift+Enter), then run its check cell."""
    editor = blank.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)  # no key events: no auto-closed brackets or indents
    page.keyboard.press("Shift+Enter")  # runs the blank, selects the check cell
    page.keyboard.press("Shift+Enter")  # runs the check


@pytest.mark.browser
def test_learner_fills_a_blank_and_sees_tick_then_hint(page, lab) -> None:
    (lab.root_dir / "workbook").mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "workbook" / NOTEBOOK, lab.root_dir / "workbook" / NOTEBOOK)
    page.goto(f"{lab.base_url}/lab/tree/workbook/{NOTEBOOK}?token={lab.token}")
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=TIMEOUT_MS)
    status = page.locator("#jp-main-statusbar").get_by_text(KERNEL_IDLE)
    expect(status).to_be_visible(timeout=TIMEOUT_MS)

    menu(page, "Run", "runmenu:run-all")
    check = _cell_with(page, 'check("tokens")')
    output = check.locator(".jp-OutputArea-output")
    # as shipped: the blank is still `...`, and the check says so in one line
    expect(output).to_have_text(re.compile(r"^✗ .* Hint: "), timeout=TIMEOUT_MS)
    # Run All is over when no cell is running or queued ("[*]:"): the kernel shows "Idle"
    # between two cells too, and a later cell run after the answer would be "the cell above".
    running = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt", has_text="[*]")
    expect(running).to_have_count(0, timeout=TIMEOUT_MS)
    expect(status).to_be_visible(timeout=TIMEOUT_MS)

    # the blank is the cell right above its check (a stable handle while its text changes)
    blank = check.locator("xpath=preceding-sibling::div[contains(@class, 'jp-CodeCell')][1]")
    expect(blank).to_contain_text("chs = list(w)", timeout=TIMEOUT_MS)
    _answer(page, blank, RIGHT)
    expect(output).to_have_text(re.compile(r"^✓ <S>, the characters of w, <E>"), timeout=TIMEOUT_MS)

    _answer(page, blank, WRONG)
    expect(output).to_have_text(
        re.compile(r'^✗ no "<E>" at the end: the end token is forgotten'), timeout=TIMEOUT_MS
    )
    assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
