"""Find a Chromium for the browser tests, or install one; print its path.

    python tools/chromium.py    # prints e.g. /usr/bin/chromium (messages go to stderr)

`make test` runs this before pytest and passes the path on as MAKEMORE_CHROMIUM. In order:
1. MAKEMORE_CHROMIUM, if it names a program;
2. a Chromium or Chrome on PATH (Debian's `chromium`, Ubuntu's `chromium-browser`, Google Chrome);
3. the Chromium that Playwright installed earlier (`playwright install chromium`);
4. install one the ecosystem's way, `playwright install chromium` (needs internet, not root);
5. where that cannot download and we are root on Debian/Ubuntu: `apt-get install chromium`.
If none of that gives a browser, it prints one paragraph saying what to do and exits 2.

The browser tests and benchmarks/browser.py launch the browser `chromium_path` names: steps 1
to 3 again (MAKEMORE_CHROMIUM first, which `make` sets to what this printed), never an install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_TIMEOUT = 900  # seconds for one install attempt; a browser download is ~170 MB

HELP = (
    "No Chromium or Chrome was found for the browser tests, and none could be installed: "
    "`playwright install chromium` needs internet, and `apt-get install chromium` needs root "
    "on Debian or Ubuntu. Install Chromium or Google Chrome with your system's package manager, "
    "or point MAKEMORE_CHROMIUM at one (MAKEMORE_CHROMIUM=/path/to/chrome make test), then run "
    "`make test` again. `make test-fast` runs every other test without a browser."
)


class NoBrowser(RuntimeError):
    """No Chromium to drive; the message says how to get one."""


def _say(message: str) -> None:
    print(f"browser: {message}", file=sys.stderr, flush=True)


def _runnable(path: str | os.PathLike[str] | None) -> str | None:
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


def playwright_chromium(playwright: Any = None) -> str | None:
    """The Chromium that `playwright install chromium` put in its cache, if it is there.

    `playwright` is a running Playwright (inside `sync_playwright()`), or None to start one.
    """
    if playwright is None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            return None
        with sync_playwright() as p:
            return playwright_chromium(p)
    try:
        return _runnable(playwright.chromium.executable_path)
    except Exception:  # Playwright's own Error when it has no browser of its own
        return None


def find(playwright: Any = None) -> str | None:
    """A Chromium or Chrome that is already on this machine (steps 1 to 3)."""
    named = os.environ.get("MAKEMORE_CHROMIUM")
    if named:
        if _runnable(named):
            return named
        _say(f"MAKEMORE_CHROMIUM={named} is not a program; looking elsewhere")
    for name in ON_PATH:
        if path := shutil.which(name):
            return path
    return playwright_chromium(playwright)


def chromium_path(playwright: Any = None) -> str:
    """The browser to launch (steps 1 to 3), or NoBrowser saying how to get one."""
    path = find(playwright)
    if path is None:
        raise NoBrowser(
            f"no Chromium found (MAKEMORE_CHROMIUM, {', '.join(ON_PATH)} on PATH, or "
            f"Playwright's): run `make test`, which provisions one"
        )
    return path


def _attempt(command: list[str], env: dict[str, str] | None = None) -> bool:
    _say("running " + " ".join(command))
    try:
        done = subprocess.run(
            command, stdout=sys.stderr, stderr=sys.stderr, timeout=INSTALL_TIMEOUT, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _say(f"that did not work: {error}")
        return False
    return done.returncode == 0


def install() -> None:
    """Steps 4 and 5: Playwright's own download, then Debian's package when we are root."""
    if _attempt([sys.executable, "-m", "playwright", "install", "chromium"]):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if _attempt(["apt-get", "update", "-qq"], env):
            # Debian names it chromium; Ubuntu's chromium-browser installs a snap.
            for package in ("chromium", "chromium-browser"):
                if _attempt(["apt-get", "install", "-y", "-qq", package], env):
                    return


def main() -> int:
    path = find()
    if path is None:
        _say("no Chromium or Chrome here; installing one")
        install()
        path = find()
    if path is None:
        print(HELP, file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
