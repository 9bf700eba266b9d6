"""JupyterLab in headless Chromium, for the browser tests and benchmarks/browser.py.

`start_lab` runs a JupyterLab server on a temporary copy of notebooks/; `launch` starts the
Chromium that tools/chromium.py finds; `open_and_run_all`, `menu` and the other helpers are the
learner's steps in the page. The pytest fixtures built on these are in tests/browser_support.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tools.chromium import chromium_path
from tools.execute import KERNELSPEC

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0  # seconds
# Page load, kernel start, widget render: generous for a busy 2-core machine. Passed to every
# expect(...) assertion explicitly: those default to 5 s, not to the page's default timeout.
# Only a failure ever waits this long: a passing test goes on as soon as the page is ready, so
# these are sized for a machine whose every core is busy (`make stress`), not for speed.
UI_TIMEOUT_MS = 120_000
RUN_ALL_TIMEOUT_MS = 300_000  # a whole notebook (05 runs in ~5-15 s here)
STEP_TIMEOUT_MS = 60_000  # one widget update: a kernel round trip and a redraw


def launch(playwright: Any) -> Browser:
    """Headless Chromium (tools.chromium's `chromium_path`) with the flags these machines need."""
    return playwright.chromium.launch(
        executable_path=chromium_path(playwright), headless=True, args=CHROMIUM_ARGS
    )


# --- JupyterLab server --------------------------------------------------------------------


@dataclass
class Lab:
    base_url: str
    token: str
    root_dir: Path
    log: Path
    start_seconds: float


class LabFailed(RuntimeError):
    """JupyterLab did not start; the message carries the end of its log."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def _log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _status_ok(base_url: str, token: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop_server(proc: subprocess.Popen, base_url: str, token: str) -> None:
    """POST /api/shutdown, then SIGTERM, then SIGKILL the server's process group (its kernels)."""
    request = urllib.request.Request(
        f"{base_url}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
    )
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except (urllib.error.URLError, OSError):
        pass  # not up, or already gone: the signals below still apply
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    # Kernels are in the server's own process group (start_new_session): none may outlive it.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextlib.contextmanager
def start_lab(tmp: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1, a free port and a random token, isolated in `tmp`.

    Its root is `tmp/notebooks`, a copy of notebooks/ (write more notebooks into it freely).
    """
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.is_file():
        raise LabFailed(f"{jupyter} not found: run `make test` (it installs the project)")
    root_dir = tmp / "notebooks"
    shutil.copytree(
        NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    settings = tmp / "user-settings"
    # All cells attached to the page (no windowing), so every output can be found and checked.
    _write_json(
        settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
        {"windowingMode": "none"},
    )
    # No "receive Jupyter news?" toast over the notebook, and no request to the internet.
    _write_json(
        settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    token = secrets.token_hex(24)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        JUPYTER_TOKEN=token,  # in the environment, not on the command line (ps shows that)
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        IPYTHONDIR=str(tmp / "ipython"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = time.monotonic()
        deadline = started + SERVER_START_TIMEOUT
        while not _status_ok(base_url, token):
            if proc.poll() is not None:
                raise LabFailed(f"jupyter lab exited with {proc.returncode}:\n{_log_tail(log)}")
            if time.monotonic() > deadline:
                raise LabFailed(
                    f"jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT:.0f} s:"
                    f"\n{_log_tail(log)}"
                )
            time.sleep(0.2)  # polling a server that is starting, not waiting on the page
        yield Lab(base_url, token, root_dir, log, time.monotonic() - started)
    finally:
        _stop_server(proc, base_url, token)


def _api(lab: Lab, method: str, path: str) -> Any:
    """One request to the server's REST API; the decoded JSON answer (None if empty)."""
    request = urllib.request.Request(
        f"{lab.base_url}{path}", method=method, headers={"Authorization": f"token {lab.token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def reset_lab(lab: Lab) -> None:
    """Between users of one server: shut down every session and kernel, forget every workspace
    (which would reopen the last user's notebooks, and start their kernels, in the next page)."""
    for session in _api(lab, "GET", "/api/sessions"):
        _api(lab, "DELETE", f"/api/sessions/{session['id']}")
    for kernel in _api(lab, "GET", "/api/kernels"):
        _api(lab, "DELETE", f"/api/kernels/{kernel['id']}")
    for space in _api(lab, "GET", "/lab/api/workspaces")["workspaces"]["ids"]:
        _api(lab, "DELETE", f"/lab/api/workspaces/{space}")


# --- the learner's steps --------------------------------------------------------------------

KERNEL_IDLE = re.compile(r"\|\s*Idle$")
RUN_ALL_DONE_JS = """() => {
  const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  if (outputs.some(o => /Traceback|Error/.test(o.textContent)
                     && o.dataset.mimeType === 'application/vnd.jupyter.stderr')) return 'error';
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""


def menu(page: Page, title: str, command: str) -> None:
    """Open a main-menu menu by its title and click the item that runs `command`."""
    page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{title}$")).click()
    page.locator(f'.lm-Menu .lm-Menu-item[data-command="{command}"]').click()


def open_and_run_all(page: Page, lab: Lab, notebook: str, timings: dict[str, float]) -> None:
    """Open `notebook` (relative to the lab's root), clear its outputs, run all cells, wait."""
    start = time.monotonic()
    page.goto(f"{lab.base_url}/lab/tree/{notebook}?token={lab.token}")
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=UI_TIMEOUT_MS)
    # windowingMode "none" attaches every cell, so no output can hide from the checks below.
    stored = json.loads((lab.root_dir / notebook).read_text(encoding="utf-8"))
    expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(
        len(stored["cells"]), timeout=UI_TIMEOUT_MS
    )
    # The toolbar's execution indicator says "idle" before the kernel exists; the status bar's
    # kernel text says "| Idle" only once it has started.
    status = page.locator("#jp-main-statusbar").get_by_text(KERNEL_IDLE)
    expect(status).to_be_visible(timeout=UI_TIMEOUT_MS)
    timings["open + kernel start"] = time.monotonic() - start
    # Clear the stored outputs first, so a cell the run has finished ("[n]:") cannot be
    # mistaken for one still showing its stored output and count.
    menu(page, "Edit", "editmenu:clear-all")
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(
        0, timeout=UI_TIMEOUT_MS
    )
    cells = prompts.count()
    assert cells > 0, f"{notebook} shows no code cells"
    expect(prompts).to_have_text([re.compile(r"^\[ ?\]:$")] * cells, timeout=UI_TIMEOUT_MS)
    start = time.monotonic()
    menu(page, "Run", "runmenu:run-all")
    try:
        page.wait_for_function(RUN_ALL_DONE_JS, timeout=RUN_ALL_TIMEOUT_MS)
    except PlaywrightError:
        raise AssertionError(
            f"Run All Cells did not finish within {RUN_ALL_TIMEOUT_MS / 1000:.0f} s; cell prompts: "
            f"{prompts.all_inner_texts()}"
        ) from None
    expect(status).to_be_visible(timeout=UI_TIMEOUT_MS)
    timings["run all"] = time.monotonic() - start


def assert_no_error_outputs(page: Page) -> None:
    """No traceback in any output and no widget that failed to render."""
    stderr = page.locator(
        '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts()
    bad = [text for text in stderr if "Error" in text or "Traceback" in text]
    assert not bad, "the notebook printed errors:\n" + "\n---\n".join(bad)
    widget_errors = page.locator(
        ".jp-Notebook .jp-OutputArea-output", has_text="Error displaying widget"
    )
    assert widget_errors.count() == 0, "a widget failed to render"


def save_failure_artifacts(page: Page, lab: Lab, stem: str) -> None:
    """Best effort: the server log and a screenshot, without hiding the original failure."""
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(lab.log, ARTIFACTS / f"{stem}-jupyterlab.log")
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}-failure.png"), timeout=10_000)
    except PlaywrightError as err:
        print(f"no failure screenshot: {err}")


def code_notebook(cells: list[str]) -> dict:
    """A minimal nbformat-4 notebook of code cells (for notebooks generated by tests)."""
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# In-page timing: performance.now() at the learner's input (a capturing keydown,
# mousedown/click or mouseup listener) to the next mutation of the element showing the result.
# window.__timing.samples collects [input kind, ms]; .mutations counts every mutation with its
# time, so a drag's settle time is the last mutation after the mouseup.
TIMING_JS = """([selector]) => {
  const target = document.querySelector(selector);
  if (!target) throw new Error('no element ' + selector);
  if (window.__timing) window.__timing.observer.disconnect();
  const t = {samples: [], pending: null, mutations: [], released: null};
  for (const kind of ['keydown', 'click', 'mouseup']) {
    document.addEventListener(kind, () => {
      const now = performance.now();
      if (kind === 'mouseup') t.released = now;
      if (kind !== 'mouseup' && t.pending === null) t.pending = [kind, now];
    }, true);
  }
  t.observer = new MutationObserver(() => {
    const now = performance.now();
    t.mutations.push(now);
    if (t.pending === null) return;
    t.samples.push([t.pending[0], now - t.pending[1]]);
    t.pending = null;
  });
  t.observer.observe(target, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  window.__timing = t;
}"""
