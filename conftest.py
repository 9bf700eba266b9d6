"""What every pytest run here needs, whatever its paths (`pytest`, `pytest notebooks`,
`pytest tests/test_x.py`); the settings themselves are in pyproject.toml."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

# The notebooks are CPU by design: hide any GPU (from nbval's kernels too, which inherit this
# environment) so a CUDA machine computes exactly what CI does.
os.environ["CUDA_VISIBLE_DEVICES"] = ""
# One thread per process: the suite runs its own processes side by side (two answer-corpus
# workers beside each nbval kernel, JupyterLab's kernels beside Chromium), so a second torch
# thread per process only competes with them for the two cores, spinning while it waits. Set
# here, before torch loads, so nbval's kernels and every subprocess inherit it. The stored
# outputs print no float noise, so they do not depend on it.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_configure(config: pytest.Config) -> None:
    """nbval opens its sanitizer file relative to the working directory: name it from here."""
    sanitize = getattr(config.option, "nbval_sanitize_with", None)
    if sanitize and not Path(sanitize).is_absolute():
        config.option.nbval_sanitize_with = str(config.rootpath / sanitize)


CORPUS = "test_workbook_answers.py"  # the learners' answers, computed beside the other tests


def _corpus(session: pytest.Session) -> ModuleType | None:
    """The answer corpus's test module, if this run selected any of its tests."""
    for item in session.items:
        if item.path.name == CORPUS and isinstance(item, pytest.Function):
            return item.module
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests after the others, in their order: the session's Playwright keeps an event
    loop in this thread from its first browser test on (asyncio.run, which nbval's kernels use,
    would refuse to start after it), and its server and browser then serve every browser test
    in one stretch. The answer corpus's tests last of all (they use no event loop): its workers,
    started at collection, then have the whole run to finish, and fill the core the browser
    tests leave idle while they wait for a page."""
    items.sort(
        key=lambda item: (
            item.path.name == CORPUS,
            item.get_closest_marker("browser") is not None,
        )
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the corpus's workers now, so they run while the other tests do."""
    module = _corpus(session)
    if module is not None and not session.config.option.collectonly:
        module.start(getattr(session.config, "cache", None))


_summary: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    module = _corpus(session)
    if module is not None:
        if module.summary():
            _summary[:] = [module.summary()]
        module.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which notebooks' answers this run computed and which came from the cache."""
    if _summary:
        terminalreporter.write_line(_summary[0])
