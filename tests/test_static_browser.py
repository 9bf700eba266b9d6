"""Static views of the smoothing slider: an HTML export, and JupyterLab before a run.

A notebook that shows the slider (as 05 does) is generated, stored with its outputs by
tools/execute.py (the way every notebook of the course is stored), exported with
`jupyter nbconvert --to html` and opened in headless Chromium: the slider's picture at α = 1
must be there as an image, not the widget's repr. The expected picture is the one the live
slider shows at α = 1, built here in-process; it must also differ from the pictures at α = 0 and
α = 1e6, so the test knows which α it is looking at. The same stored notebook opened in
JupyterLab, before it is run, must show that picture too (not "Error displaying widget").
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    UI_TIMEOUT_MS,
    Lab,
    browser,
    code_notebook,
    lab,
    page,
    save_failure_artifacts,
)
from playwright.sync_api import Page, expect
from test_browser import _png

from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.slider import smoothing_slider

__all__ = ["browser", "lab", "page"]

NOTEBOOK = "static_slider_test.ipynb"
SETUP = """from helpers import bigram
from helpers.data import ensure_names, load_words
from helpers.slider import smoothing_slider

words = load_words(ensure_names())
stoi, itos = bigram.build_vocab(words)
N = bigram.count_matrix(words, stoi)"""
SLIDER = 'box = smoothing_slider(N, itos, row="a")\nbox'
# The output area of the slider's cell: the one holding a widget view or its static picture.
IMAGES_JS = """() => [...document.querySelectorAll('img')].map(i => [
  i.getAttribute('src') || '', i.complete && i.naturalWidth > 0, i.naturalWidth])"""


@pytest.fixture(scope="module")
def pictures() -> dict[float, bytes]:
    """The live slider's PNG at α = 0, 1 and 1e6, built in-process."""
    words = load_words(ensure_names())
    stoi, itos = bigram.build_vocab(words)
    box = smoothing_slider(bigram.count_matrix(words, stoi), itos, row="a")
    slider, stack = box.children[0], box.children[1]
    out = {}
    for alpha in (0.0, 1e6, 1.0):
        slider.value = alpha  # the browser shows the stack's child at the slider's index
        out[alpha] = _png(stack.children[slider.index].children[1].value)
    assert len(set(out.values())) == 3, "the three pictures must differ"
    return out


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated notebook, executed and stored by tools/execute.py."""
    path = tmp_path_factory.mktemp("static") / NOTEBOOK
    path.write_text(json.dumps(code_notebook([SETUP, SLIDER])), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "execute.py"), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return path


def _picture_bytes(src: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:60]
    return base64.b64decode(src[len(prefix) :])


def test_stored_notebook_carries_the_picture(stored: Path, pictures: dict[float, bytes]) -> None:
    """What static renderers read: the slider's output bundle has the α = 1 PNG and no repr."""
    nb = json.loads(stored.read_text(encoding="utf-8"))
    (output,) = nb["cells"][1]["outputs"]
    data = output["data"]
    assert "application/vnd.jupyter.widget-view+json" in data  # JupyterLab's live widget
    assert base64.b64decode("".join(data["image/png"])) == pictures[1.0]
    assert "VBox(" not in "".join(data["text/plain"])


@pytest.mark.browser
def test_html_export_shows_the_picture(
    stored: Path, page: Page, pictures: dict[float, bytes], tmp_path: Path
) -> None:
    html = tmp_path / "export.html"
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter"),
            "nbconvert",
            "--to",
            "html",
            f"--output-dir={tmp_path}",
            "--output=export",
            str(stored),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    page.goto(html.as_uri())
    body = page.locator("body")
    expect(body).to_contain_text("smoothing_slider", timeout=UI_TIMEOUT_MS)
    assert "VBox(children" not in body.inner_text()
    images = page.wait_for_function(
        f"() => {{ const r = ({IMAGES_JS})(); return r.length > 0 && r.every(x => x[1]) && r; }}",
        timeout=UI_TIMEOUT_MS,
    ).json_value()
    shown = [_picture_bytes(src) for src, _, _ in images]
    assert shown == [pictures[1.0]], "the export must show exactly the α = 1 picture"
    assert all(width >= 400 for _, _, width in images)


@pytest.mark.browser
def test_jupyterlab_shows_the_stored_picture(
    stored: Path, page: Page, lab: Lab, pictures: dict[float, bytes]
) -> None:
    """Opened and not run, the stored notebook shows the picture, not a widget error."""
    shutil.copyfile(stored, lab.root_dir / NOTEBOOK)
    try:
        page.goto(f"{lab.base_url}/lab/tree/{NOTEBOOK}?token={lab.token}")
        output = page.locator(".jp-Notebook .jp-OutputArea-output").last
        expect(output.locator("img")).to_have_count(1, timeout=UI_TIMEOUT_MS)
        src = output.locator("img").get_attribute("src") or ""
        assert _picture_bytes(src) == pictures[1.0]
        assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
    except BaseException:
        save_failure_artifacts(page, lab, "browser-static")
        raise
