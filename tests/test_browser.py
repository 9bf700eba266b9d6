"""End to end: a learner drags the smoothing slider of 05_nll_smoothing in JupyterLab (issue 6).

nbval runs the notebook but never renders a widget, so this test does what a learner does:
start JupyterLab on a temporary copy of notebooks/, open the notebook in headless Chromium, run
all cells from the Run menu, move the α slider with the keyboard and the mouse, and check that
the NLL the page shows is, each time, the value computed here independently for the α the
slider shows. Screenshots go to artifacts/ (git-ignored).

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`; CI's .ci/run does
it). Playwright drives that browser; Playwright's own browser download is never used. Deselect
with `-m 'not browser'` (what `make test-fast` does).
"""

from __future__ import annotations

import json
import math
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

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = "05_nll_smoothing.ipynb"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The slider's options, as the contract of helpers/slider.py states them: alpha = 0, then
# quarter-decades from 0.01 to 1e6 rounded to 3 significant digits; each label is f"{a:g}".
ALPHAS = (0.0,) + tuple(float(f"{10 ** (k / 4):.3g}") for k in range(-8, 25))
LABELS = [f"{a:g}" for a in ALPHAS]
TOLERANCE = 5e-5  # the page shows 4 decimals
SERVER_START_TIMEOUT = 60.0  # seconds
# Page load, kernel start, widget render: generous for a busy 2-core machine. Passed to every
# expect(...) assertion explicitly: those default to 5 s, not to the page's default timeout.
UI_TIMEOUT_MS = 60_000
RUN_ALL_TIMEOUT_MS = 300_000  # the whole notebook (it runs in ~5-15 s here)
STEP_TIMEOUT_MS = 20_000  # one slider move: a kernel round trip and one small PNG


# --- JupyterLab server --------------------------------------------------------------------


@dataclass
class Lab:
    base_url: str
    token: str
    root_dir: Path
    log: Path
    start_seconds: float


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


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1, a free port and a random token, fully isolated in a temp dir."""
    notebook = NOTEBOOKS / NOTEBOOK
    if not notebook.is_file():
        pytest.fail(f"{notebook} does not exist: nothing to test", pytrace=False)
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.is_file():
        pytest.fail(f"{jupyter} not found: install the project (`make install`)", pytrace=False)

    tmp = tmp_path_factory.mktemp("jupyterlab")
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
                pytest.fail(
                    f"jupyter lab exited with {proc.returncode}:\n{_log_tail(log)}", pytrace=False
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT:.0f} s:"
                    f"\n{_log_tail(log)}",
                    pytrace=False,
                )
            time.sleep(0.2)  # polling a server that is starting, not waiting on the page
        yield Lab(base_url, token, root_dir, log, time.monotonic() - started)
    finally:
        _stop_server(proc, base_url, token)


# --- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never Playwright's downloaded build)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it with "
            f"`apt-get install -y chromium` (as root), or deselect the test with "
            f"`-m 'not browser'` (`make test-fast`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, lab: Lab) -> Iterator:
    """A fresh browser context and page, closed afterwards whatever happens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- the learner's steps --------------------------------------------------------------------

KERNEL_IDLE = re.compile(r"\|\s*Idle$")
RUN_ALL_DONE_JS = """() => {
  const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  if (outputs.some(o => /Traceback|Error/.test(o.textContent)
                     && o.dataset.mimeType === 'application/vnd.jupyter.stderr')) return 'error';
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""
# True once the slider's readout shows `want` (or, if want is null, any label but `before`)
# and the NLL label shows the expected value for that readout; returns [label, nll text].
SHOWN_JS = """([want, before, table, tol]) => {
  const readout = document.querySelector('.alpha-slider .widget-readout');
  const nll = document.querySelector('.nll-readout');
  if (!readout || !nll) return false;
  const label = readout.textContent.trim();
  const m = /^average NLL = (\\d+\\.\\d{4}) nats$/.exec(nll.textContent.trim());
  if (!m || !(label in table)) return false;
  if (want !== null ? label !== want : label === before) return false;
  return Math.abs(parseFloat(m[1]) - table[label]) <= tol ? [label, m[1]] : false;
}"""


def _menu(page, title: str, command: str) -> None:
    """Open a main-menu menu by its title and click the item that runs `command`."""
    page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{title}$")).click()
    page.locator(f'.lm-Menu .lm-Menu-item[data-command="{command}"]').click()


def _open_and_run_all(page, lab: Lab, timings: dict[str, float]) -> None:
    start = time.monotonic()
    page.goto(f"{lab.base_url}/lab/tree/{NOTEBOOK}?token={lab.token}")
    expect(page.locator(".jp-NotebookPanel .jp-Notebook")).to_be_visible(timeout=UI_TIMEOUT_MS)
    # windowingMode "none" attaches every cell, so no output can hide from the checks below.
    stored = json.loads((lab.root_dir / NOTEBOOK).read_text(encoding="utf-8"))
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
    _menu(page, "Edit", "editmenu:clear-all")
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(
        0, timeout=UI_TIMEOUT_MS
    )
    cells = prompts.count()
    assert cells > 0, f"{NOTEBOOK} shows no code cells"
    expect(prompts).to_have_text([re.compile(r"^\[ ?\]:$")] * cells, timeout=UI_TIMEOUT_MS)
    start = time.monotonic()
    _menu(page, "Run", "runmenu:run-all")
    try:
        page.wait_for_function(RUN_ALL_DONE_JS, timeout=RUN_ALL_TIMEOUT_MS)
    except PlaywrightError:
        raise AssertionError(
            f"Run All Cells did not finish within {RUN_ALL_TIMEOUT_MS / 1000:.0f} s; cell prompts: "
            f"{prompts.all_inner_texts()}"
        ) from None
    expect(status).to_be_visible(timeout=UI_TIMEOUT_MS)
    timings["run all"] = time.monotonic() - start


def _assert_no_error_outputs(page) -> None:
    stderr = page.locator(
        '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts()
    bad = [text for text in stderr if "Error" in text or "Traceback" in text]
    assert not bad, "the notebook printed errors:\n" + "\n---\n".join(bad)
    widget_errors = page.locator(
        ".jp-Notebook .jp-OutputArea-output", has_text="Error displaying widget"
    )
    assert widget_errors.count() == 0, "a widget failed to render"


def _wait_shown(page, table: dict[str, float], want: str | None, before: str) -> tuple[str, float]:
    """Wait until the readout shows `want` (or moved off `before`) with its NLL; return both."""
    try:
        shown = page.wait_for_function(
            SHOWN_JS, arg=[want, before, table, TOLERANCE], timeout=STEP_TIMEOUT_MS
        ).json_value()
    except PlaywrightError:
        readout = page.locator(".alpha-slider .widget-readout").inner_text(timeout=1000)
        nll = page.locator(".nll-readout").inner_text(timeout=1000)
        expected = table.get(readout.strip(), math.nan)
        raise AssertionError(
            f"waited {STEP_TIMEOUT_MS / 1000:.0f} s for α readout "
            f"{want if want is not None else f'other than {before}'!r} with its NLL: the page "
            f"shows α {readout!r} and {nll!r}; expected for that α: {expected:.4f} "
            f"(± {TOLERANCE:g})"
        ) from None
    label, text = shown
    return label, float(text)


def _learner_session(page, lab: Lab, table: dict[str, float], timings: dict[str, float]) -> None:
    _open_and_run_all(page, lab, timings)
    start = time.monotonic()
    _assert_no_error_outputs(page)

    slider = page.locator(".alpha-slider")
    expect(slider).to_have_count(1, timeout=UI_TIMEOUT_MS)
    handle = slider.locator(".noUi-handle")
    expect(handle).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(page.locator(".nll-readout")).to_have_count(1, timeout=UI_TIMEOUT_MS)

    label, nll = _wait_shown(page, table, "1", "")  # the contract's initial value: alpha = 1
    seen = {label: nll}
    # Keys and where they must take the slider: 4 steps up, 7 down, then both ends. Every
    # step lands on an alpha whose 4-decimal NLL differs from the previous one (asserted below),
    # so a stale label cannot pass for an updated one.
    plan = ["ArrowRight"] * 4 + ["ArrowLeft"] * 7 + ["Home", "End"]
    for key in plan:
        i = LABELS.index(label)
        want = {
            "ArrowRight": LABELS[i + 1],
            "ArrowLeft": LABELS[i - 1],
            "Home": LABELS[0],
            "End": LABELS[-1],
        }[key]
        assert f"{table[want]:.4f}" != f"{table[label]:.4f}", "the plan must change the NLL"
        handle.press(key)
        new_label, new_nll = _wait_shown(page, table, want, label)
        assert abs(new_nll - table[new_label]) <= TOLERANCE
        assert new_nll != nll, f"{key}: α {label} -> {new_label} but the NLL did not change"
        if ALPHAS[LABELS.index(new_label)] > ALPHAS[i]:
            # More smoothing: the model moves toward uniform, the NLL toward ln 27.
            assert abs(math.log(27) - new_nll) < abs(math.log(27) - nll), (key, label, new_label)
        label, nll = new_label, new_nll
        seen[label] = nll

    # One mouse drag, as a learner would: grab the handle (now at 1e+06, the right end) and
    # drop it 40% along the track.
    track = slider.locator(".noUi-target")
    handle.scroll_into_view_if_needed()
    box, bar = handle.bounding_box(), track.bounding_box()
    assert box is not None and bar is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(bar["x"] + 0.4 * bar["width"], y, steps=8)
    page.mouse.up()
    new_label, new_nll = _wait_shown(page, table, None, label)
    assert abs(new_nll - table[new_label]) <= TOLERANCE
    assert ALPHAS[LABELS.index(new_label)] < ALPHAS[LABELS.index(label)]
    assert new_nll < nll, "less smoothing must lower the training NLL"
    seen[new_label] = new_nll

    # Monotone: on the training data the NLL never decreases as alpha grows (alpha = 0 is the
    # maximum-likelihood fit), and it stays below the uniform model's ln 27.
    by_alpha = sorted(seen.items(), key=lambda item: ALPHAS[LABELS.index(item[0])])
    values = [v for _, v in by_alpha]
    assert values == sorted(values), f"NLL not monotone in α: {by_alpha}"
    assert values[-1] <= math.log(27), by_alpha
    assert len(seen) >= 10, seen

    timings["slider moves"] = time.monotonic() - start
    _assert_no_error_outputs(page)
    slider.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-05-nll-smoothing.png"))


def _save_failure_artifacts(page, lab: Lab) -> None:
    """Best effort: the server log and a screenshot, without hiding the original failure."""
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(lab.log, ARTIFACTS / "browser-05-jupyterlab.log")
    try:
        page.screenshot(path=str(ARTIFACTS / "browser-05-failure.png"), timeout=10_000)
    except PlaywrightError as err:
        print(f"no failure screenshot: {err}")


@pytest.fixture(scope="module")
def nll_table(names_plain: list[str], plain_nll_curve) -> dict[str, float]:
    """The expected NLL per slider label: conftest's plain-Python reference (no torch, no
    helpers.bigram) on the names.txt the notebook reads."""
    nll = plain_nll_curve(names_plain)
    return {label: nll(alpha) for label, alpha in zip(LABELS, ALPHAS, strict=True)}


def test_independent_nll_table_meets_known_figures(nll_table: dict[str, float]) -> None:
    """The expected values themselves, checked against figures that do not come from code."""
    table = nll_table
    # The lesson (Karpathy's makemore part 1) prints 2.4541 for the unsmoothed count model; its
    # float32 running sum is ~8e-5 above the exact value, hence the 1e-4.
    assert abs(table["0"] - 2.4541) < 1e-4
    # Math: as alpha grows every row tends to uniform, so the NLL tends to ln 27 from below.
    assert 0 < math.log(27) - table["1e+06"] < 2e-3
    # Math: alpha = 0 is the maximum-likelihood fit, so no alpha does better on the data.
    assert min(table.values()) == table["0"]


@pytest.mark.browser
def test_learner_drags_the_smoothing_slider(page, lab: Lab, nll_table: dict[str, float]) -> None:
    # Expected values: an independent implementation (plain Python), not helpers.bigram.
    table = nll_table
    for stale in (
        "browser-05-nll-smoothing.png",
        "browser-05-failure.png",
        "browser-05-jupyterlab.log",
    ):
        (ARTIFACTS / stale).unlink(missing_ok=True)
    timings = {"server start": lab.start_seconds}
    try:
        _learner_session(page, lab, table, timings)
    except BaseException:
        _save_failure_artifacts(page, lab)
        raise
    finally:
        # Shown with -s, or with the captured output of a failure: where the time went.
        print("browser test phases:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
