"""tools/chromium.py, the one browser finder: `make test` finds a browser, or installs one, or
says why not; the browser tests and benchmarks launch the one it names (no browser needed)."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

import tools.chromium


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """The tool, on a machine with no browser anywhere: empty PATH, no Playwright download."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MAKEMORE_CHROMIUM", raising=False)
    monkeypatch.setattr(tools.chromium, "playwright_chromium", lambda playwright=None: None)
    return tools.chromium


def _fake_browser(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_a_browser_on_path_is_used_and_nothing_installed(chromium, tmp_path, monkeypatch, capsys):
    fake = _fake_browser(tmp_path, "chromium-browser")
    monkeypatch.setattr(chromium, "install", lambda: pytest.fail("must not install"))
    assert chromium.main() == 0
    assert capsys.readouterr().out.strip() == str(fake)


def test_makemore_chromium_comes_first(chromium, tmp_path, monkeypatch, capsys):
    _fake_browser(tmp_path, "chromium")
    named = _fake_browser(tmp_path / "..", "my-chrome")
    monkeypatch.setenv("MAKEMORE_CHROMIUM", str(named))
    assert chromium.main() == 0
    assert capsys.readouterr().out.strip() == str(named)


def test_playwright_first_then_apt_as_root(chromium, monkeypatch):
    tried: list[list[str]] = []

    def attempt(command: list[str], env: dict[str, str] | None = None) -> bool:
        tried.append(command[1:] if command[0].endswith("python") else command)
        return command[0] == "apt-get"  # no download for Playwright; apt works

    monkeypatch.setattr(chromium, "_attempt", attempt)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: f"/usr/bin/{name}")
    chromium.install()
    assert tried[0][-3:] == ["playwright", "install", "chromium"]
    assert tried[1:] == [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
    ]


def test_no_browser_to_be_had_gives_one_paragraph_and_exit_2(chromium, monkeypatch, capsys):
    monkeypatch.setattr(chromium, "install", lambda: None)
    assert chromium.main() == 2
    out, err = capsys.readouterr()
    assert out == ""
    paragraph = err.strip().splitlines()[-1]
    assert "MAKEMORE_CHROMIUM" in paragraph and "make test-fast" in paragraph
    assert "Traceback" not in err


def test_the_tests_launch_what_make_found_first(chromium, tmp_path, monkeypatch):
    # `make` passes the path it printed as MAKEMORE_CHROMIUM; with none, PATH comes first,
    # then Playwright's own download (a running Playwright is asked, none started).
    monkeypatch.undo()  # the real playwright_chromium, asked through a stand-in Playwright
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MAKEMORE_CHROMIUM", raising=False)
    own = _fake_browser(tmp_path / "..", "playwright-chrome")
    fake = SimpleNamespace(chromium=SimpleNamespace(executable_path=str(own)))
    assert chromium.chromium_path(fake) == str(own)
    on_path = _fake_browser(tmp_path, "chromium-browser")
    assert chromium.chromium_path(fake) == str(on_path)
    named = _fake_browser(tmp_path / "..", "my-chrome")
    monkeypatch.setenv("MAKEMORE_CHROMIUM", str(named))
    assert chromium.chromium_path(fake) == str(named)


def test_no_browser_to_launch_says_run_make_test(chromium):
    nowhere = SimpleNamespace(chromium=SimpleNamespace(executable_path="/nowhere/chrome"))
    with pytest.raises(chromium.NoBrowser) as err:
        chromium.chromium_path(nowhere)
    message = str(err.value)
    assert "`make test`" in message and "\n" not in message
