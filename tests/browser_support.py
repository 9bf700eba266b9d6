"""The browser tests' pytest fixtures: one JupyterLab and one Chromium for the whole session.

`lab` (a server on a temporary copy of notebooks/, reset after each module), `browser`
(Chromium driven by Playwright), `page` (a fresh context and page): import them into a test
module by name. The server and the browser themselves are tests/conftest.py's session fixtures
`lab_server` and `chromium_browser`, started once when a first test needs them. The pieces without
pytest (the server, the browser, the learner's steps) are tools/lab.py's, re-exported here for
the tests; which browser is tools/chromium.py's. Without one the browser tests fail (never
skip), saying how to get one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tools.lab import (
    ARTIFACTS,
    KERNEL_IDLE,
    ROOT,
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    assert_no_error_outputs,
    code_notebook,
    menu,
    open_and_run_all,
    reset_lab,
    save_failure_artifacts,
)

# Re-exported for the test modules, beside the fixtures defined here.
__all__ = [
    "ARTIFACTS", "KERNEL_IDLE", "ROOT", "STEP_TIMEOUT_MS", "UI_TIMEOUT_MS", "Lab",
    "assert_no_error_outputs", "browser", "code_notebook", "lab", "menu", "open_and_run_all",
    "page", "save_failure_artifacts",
]  # fmt: skip


@pytest.fixture(scope="module")
def lab(lab_server: Lab) -> Iterator[Lab]:
    """The session's JupyterLab (conftest's `lab_server`: a temporary copy of notebooks/, see
    `start_lab`), handed to one test module and reset after it (`reset_lab`: no kernel, no
    workspace left for the next module)."""
    try:
        yield lab_server
    finally:
        reset_lab(lab_server)


@pytest.fixture(scope="module")
def browser(chromium_browser: Browser) -> Browser:
    """The session's headless Chromium (conftest's `chromium_browser`, see `launch`)."""
    return chromium_browser


@pytest.fixture
def page(browser: Browser, lab: Lab) -> Iterator[Page]:
    """A fresh browser context and page, closed afterwards whatever happens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
