"""The browser tests' pytest fixtures: one JupyterLab and one Chromium per test module.

`lab` (a server on a temporary copy of notebooks/), `browser` (Chromium driven by Playwright),
`page` (a fresh context and page): import them into a test module by name. The pieces without
pytest (the server, the browser, the learner's steps) are tools/lab.py's, re-exported here for
the tests; which browser is tools/chromium.py's. Without one the browser tests fail (never
skip), saying how to get one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tools.chromium import NoBrowser
from tools.lab import (
    ARTIFACTS,
    KERNEL_IDLE,
    ROOT,
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    LabFailed,
    assert_no_error_outputs,
    code_notebook,
    launch,
    menu,
    open_and_run_all,
    save_failure_artifacts,
    start_lab,
)

# Re-exported for the test modules, beside the fixtures defined here.
__all__ = [
    "ARTIFACTS", "KERNEL_IDLE", "ROOT", "STEP_TIMEOUT_MS", "UI_TIMEOUT_MS", "Lab",
    "assert_no_error_outputs", "browser", "code_notebook", "lab", "menu", "open_and_run_all",
    "page", "save_failure_artifacts",
]  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a temporary copy of notebooks/ (see `start_lab`), one per test module."""
    try:
        with start_lab(tmp_path_factory.mktemp("jupyterlab")) as server:
            yield server
    except LabFailed as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright (see `chromium_path`); fails if there is none."""
    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except NoBrowser as err:
            pytest.fail(str(err), pytrace=False)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, lab: Lab) -> Iterator[Page]:
    """A fresh browser context and page, closed afterwards whatever happens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
