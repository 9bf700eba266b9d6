"""End to end: a learner drags the smoothing slider of 05_nll_smoothing in JupyterLab.

nbval runs the notebook but never renders a widget, so this test does what a learner does:
start JupyterLab on a temporary copy of notebooks/, open the notebook in headless Chromium, run
all cells from the Run menu, move the α slider with the keyboard and the mouse, and check that
the NLL the page shows is, each time, the value computed here independently for the α the
slider shows. Screenshots go to artifacts/ (git-ignored).

The server, the browser and the page are the fixtures of tests/browser_support.py (`lab`,
`browser`, `page`; imported here by name, so other modules may import them from here too).
Without a Chromium the test fails, saying to run `make test` (which provisions one). Deselect
with `-m 'not browser'` (what `make test-fast` does).
"""

from __future__ import annotations

import base64
import math
import re
import time

import pytest
from browser_support import (
    ARTIFACTS,
    STEP_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Lab,
    assert_no_error_outputs,
    browser,
    lab,
    open_and_run_all,
    page,
    save_failure_artifacts,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.slider import smoothing_slider

__all__ = ["browser", "lab", "page"]  # the fixtures, for modules that import them from here

NOTEBOOK = "05_nll_smoothing.ipynb"
# The slider's options, as the contract of helpers/slider.py states them: alpha = 0, then
# quarter-decades from 0.01 to 1e6 rounded to 3 significant digits; each label is f"{a:g}".
ALPHAS = (0.0,) + tuple(float(f"{10 ** (k / 4):.3g}") for k in range(-8, 25))
LABELS = [f"{a:g}" for a in ALPHAS]
TOLERANCE = 5e-5  # the page shows 4 decimals
MIN_TRACK_PX = 400  # room to drag


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


# True once exactly one picture of the slider's Stack is attached and its bytes are `want`
# (base64): a switch replaces one Image view by another, so the test waits for the right one.
PICTURE_JS = """async (want) => {
  const imgs = [...document.querySelectorAll('.smoothing-picture img')];
  if (imgs.length !== 1) return false;
  const bytes = new Uint8Array(await (await fetch(imgs[0].src)).arrayBuffer());
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s) === want;
}"""


def drag_handle(page, handle, track, fraction: float) -> None:
    """Drag a slider's handle with the mouse to `fraction` of the way along its track."""
    box, bar = handle.bounding_box(), track.bounding_box()
    assert box is not None and bar is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(bar["x"] + fraction * bar["width"], y, steps=8)
    page.mouse.up()


def _assert_picture(page, pictures: dict[str, bytes], label: str) -> None:
    """Wait until the page shows the slider's own picture for the α its readout shows."""
    want = base64.b64encode(pictures[label]).decode("ascii")
    try:
        page.wait_for_function(PICTURE_JS, arg=want, polling=100, timeout=STEP_TIMEOUT_MS)
    except PlaywrightError:
        raise AssertionError(
            f"the slider does not show exactly one picture, the one for α {label}"
        ) from None


def _learner_session(
    page,
    lab: Lab,
    table: dict[str, float],
    pictures: dict[str, bytes],
    timings: dict[str, float],
) -> None:
    open_and_run_all(page, lab, NOTEBOOK, timings)
    start = time.monotonic()
    assert_no_error_outputs(page)

    slider = page.locator(".alpha-slider")
    expect(slider).to_have_count(1, timeout=UI_TIMEOUT_MS)
    handle = slider.locator(".noUi-handle")
    expect(handle).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(page.locator(".nll-readout")).to_have_count(1, timeout=UI_TIMEOUT_MS)
    track_box = slider.locator(".noUi-target").bounding_box()
    assert track_box is not None and track_box["width"] >= MIN_TRACK_PX, (
        f"the α track is {track_box and track_box['width']} px wide; want >= {MIN_TRACK_PX}"
    )

    label, nll = _wait_shown(page, table, "1", "")  # the contract's initial value: alpha = 1
    _assert_picture(page, pictures, label)
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
        _assert_picture(page, pictures, label)

    # One mouse drag, as a learner would: grab the handle (now at 1e+06, the right end) and
    # drop it 40% along the track.
    handle.scroll_into_view_if_needed()
    drag_handle(page, handle, slider.locator(".noUi-target"), 0.4)
    new_label, new_nll = _wait_shown(page, table, None, label)
    assert abs(new_nll - table[new_label]) <= TOLERANCE
    assert ALPHAS[LABELS.index(new_label)] < ALPHAS[LABELS.index(label)]
    assert new_nll < nll, "less smoothing must lower the training NLL"
    seen[new_label] = new_nll
    _assert_picture(page, pictures, new_label)

    # Monotone: on the training data the NLL never decreases as alpha grows (alpha = 0 is the
    # maximum-likelihood fit), and it stays below the uniform model's ln 27.
    by_alpha = sorted(seen.items(), key=lambda item: ALPHAS[LABELS.index(item[0])])
    values = [v for _, v in by_alpha]
    assert values == sorted(values), f"NLL not monotone in α: {by_alpha}"
    assert values[-1] <= math.log(27), by_alpha
    assert len(seen) >= 10, seen

    timings["slider moves"] = time.monotonic() - start
    assert_no_error_outputs(page)
    slider.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-05-nll-smoothing.png"))


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


def _png(page_html: str) -> bytes:
    """The PNG bytes of a slider page's `<img src="data:image/png;base64,...">`."""
    match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page_html)
    assert match, page_html[:80]
    return base64.b64decode(match[1])


@pytest.fixture(scope="module")
def pictures() -> dict[str, bytes]:
    """The slider's picture per readout label, drawn in-process by helpers.slider itself: the
    page must show, for the α it shows, the same picture (its pixels are not recomputed here)."""
    words = load_words(ensure_names())
    stoi, itos = bigram.build_vocab(words)
    box = smoothing_slider(bigram.count_matrix(words, stoi), itos, row="a")
    stack = box.children[1]  # one page per alpha: [0] its NLL text, [1] its picture
    images = [_png(page.children[1].value) for page in stack.children]
    assert len(set(images)) == len(LABELS), "one distinct picture per α"
    return dict(zip(LABELS, images, strict=True))


@pytest.mark.browser
def test_learner_drags_the_smoothing_slider(
    page, lab: Lab, nll_table: dict[str, float], pictures: dict[str, bytes]
) -> None:
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
        _learner_session(page, lab, table, pictures, timings)
    except BaseException:
        save_failure_artifacts(page, lab, "browser-05")
        raise
    finally:
        # Shown with -s, or with the captured output of a failure: where the time went.
        print("browser test phases:", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
