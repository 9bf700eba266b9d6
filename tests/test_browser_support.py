"""Which Chromium the browser tests drive, and what they say when there is none (no browser)."""

from __future__ import annotations

import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser_support import CHROMIUM_ENV, NoBrowser, chromium_path


def _fake_playwright(path: str) -> SimpleNamespace:
    return SimpleNamespace(chromium=SimpleNamespace(executable_path=path))


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_environment_variable_comes_first(tmp_path: Path, monkeypatch) -> None:
    chosen = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv(CHROMIUM_ENV, str(chosen))
    assert chromium_path(_fake_playwright("/nowhere")) == str(chosen)


def test_a_bad_environment_variable_fails(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "missing"))
    with pytest.raises(NoBrowser, match=CHROMIUM_ENV):
        chromium_path(_fake_playwright("/nowhere"))


def test_path_then_playwrights_own(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    own = _executable(tmp_path / "playwright-chrome")
    assert chromium_path(_fake_playwright(str(own))) == str(own)
    on_path = _executable(bin_dir / "chromium-browser")
    assert chromium_path(_fake_playwright(str(own))) == str(on_path)


def test_none_found_says_run_make_test(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NoBrowser) as err:
        chromium_path(_fake_playwright(str(tmp_path / "not-installed")))
    message = str(err.value)
    assert "`make test`" in message and "\n" not in message
    assert "make install" not in message
