"""Build the course as a static web edition that needs no network: `make book`.

    python tools/book.py              # build book/ (and dist/makemore-bigram-book.zip)
    python tools/book.py --out DIR    # build into DIR instead (tests compare two builds)
    python tools/book.py --no-zip --if-changed   # `make site`: only if an input changed

The pages are made from the notebooks of notebooks/ as they are committed, with the outputs
that one execution stored and nbval verifies: nothing is executed again. One page per notebook
(discovered, in file-name order; 00_index becomes index.html), exported by nbconvert's HTML
exporter with the template in web/templates/book (course navigation, WCAG AA colours, a layout
that works from 390 px up).

The interactives live without Python. Their frames are recorded at build time by driving the
live widgets of helpers/ from Python (tools/frames.py): the smoothing slider's page per alpha
(05), the sampling explorer's draws for a few seeds (04), the training explorer's steps for each
learning rate (08); web/book.js switches between them in the page. Each shows its first frame
(picture and text) without JavaScript. MathJax 3 (from npm, web/package-lock.json) is loaded
only by pages with formulas, book.js only by pages with an interactive; no page loads anything
from a CDN, and none loads a widget renderer.

The build is deterministic: the same inputs give byte-identical files (no random ids, no
timings; the zips have fixed dates). Links into the workbook go to workbook.zip (the workbooks,
helpers/, the setup files), shipped in the book.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import nbformat

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
WEB = ROOT / "web"
BUILD = ROOT / "book"  # built, never committed (.gitignore): `make book`, `make test`
ZIP = ROOT / "dist" / "makemore-bigram-book.zip"  # the book for readers without a host
STATIC = "_static/"
FRAMES = "frames/"
TITLE = "makemore, part 1: the bigram notebooks"
# (file or folder in web/node_modules, where it goes under _static/)
ASSETS = [
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WORKBOOK_ZIP = "workbook.zip"
# What workbook.zip holds besides workbook/: enough to run it (`make lab`): the course
# declaration the checks read, and the README pyproject.toml names.
WORKBOOK_FILES = (
    "Makefile",
    "pyproject.toml",
    "requirements-lock.txt",
    "environment.yml",
    "course.toml",
    "README.md",
)
WORKBOOK_DIRS = ("helpers", "tools", "workbook", "notebooks")
WORKBOOK_README = """makemore, part 1: the bigram notebooks -- the workbook

Each notebook of workbook/ is a lesson of the course with blanks to fill in and checks that
say whether an answer is right. They import helpers/ and read the names data set.

Unzip, then in the folder, with Python 3.11+ (or conda: environment.yml):
       make lab    # a virtual environment .venv, data/names.txt (needs the network), then
                   # JupyterLab opens; the workbook is in workbook/
Without make: python3 -m venv .venv && .venv/bin/pip install -c requirements-lock.txt -e .
then .venv/bin/python -m helpers.data and .venv/bin/jupyter lab.
"""
# Everything a build reads (tests/test_book.py records what one opens and holds it to this):
# `--if-changed` rebuilds only when a hash of these has changed since book/ was built.
# web/node_modules is not hashed: npm fills it from web/package-lock.json, which is.
INPUTS = (*WORKBOOK_DIRS, "web", "data/names.txt", *WORKBOOK_FILES)
STAMP = ROOT / "build" / "book.inputs"  # the inputs' hash when book/ was last built
# A fixed date for every file in the zips: the same inputs give the same bytes.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
MATH = re.compile(r"\$[^$\s][^$]*\$|\$\$|\\\(|\\\[")


def notebooks() -> list[Path]:
    """The index and the course's notebooks, in the order course.toml declares them."""
    return [NOTEBOOKS / "00_index.ipynb"] + [NOTEBOOKS / nb.name for nb in course.NOTEBOOKS]


def page_name(path: Path) -> str:
    return "index.html" if path.name.startswith("00_") else path.stem + ".html"


def write_zip(target: Path, files: list[tuple[str, bytes]]) -> None:
    """A zip of (name, bytes) in the given order, with fixed dates: byte-identical per input."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def tracked(folder: str) -> list[Path]:
    """The files of `folder` that git tracks (no caches, no local data), in sorted order."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--", folder],
        capture_output=True,
        check=False,
    )
    names = [n for n in done.stdout.decode().split("\0") if n] if done.returncode == 0 else []
    if not names:  # not a git checkout (an unpacked zip): every file but caches
        names = [
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
    return sorted(ROOT / n for n in names if (ROOT / n).is_file())


def workbook_zip(target: Path) -> None:
    """The workbook in a form that runs: workbook/, helpers/, the lessons, the setup files."""
    files = [("makemore-bigram/README-workbook.txt", WORKBOOK_README.encode())]
    for name in WORKBOOK_FILES:
        if (ROOT / name).is_file():
            files.append((f"makemore-bigram/{name}", (ROOT / name).read_bytes()))
    for folder in WORKBOOK_DIRS:
        for path in tracked(folder):
            rel = path.relative_to(ROOT).as_posix()
            files.append((f"makemore-bigram/{rel}", path.read_bytes()))
    write_zip(target, files)


# --- the interactives: recorded frames, shown by web/book.js ---------------------------------


def _svg_for_page(svg: str, label: str) -> str:
    """A widget's SVG for a responsive page: a viewBox instead of a fixed size, no per-element
    tooltips, and one text alternative for the whole picture."""
    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', svg)
    height = re.search(r'<svg[^>]*\sheight="([0-9.]+)"', svg)
    assert width and height, svg[:120]
    svg = re.sub(r"<title>.*?</title>", "", svg)
    head = f'<svg role="img" aria-label="{html.escape(label)}" viewBox="0 0 {width[1]} {height[1]}"'
    head += f' style="max-width:{width[1]}px"'
    svg = (
        re.sub(r'\s(?:width|height)="[0-9.]+"', "", svg[: svg.index(">")], count=2)
        + svg[svg.index(">") :]
    )
    return head + svg[len("<svg") :]


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def pack(values: list[int]) -> str:
    """Integers 0..4095 as two base64 digits each (web/book.js unpacks them)."""
    assert all(0 <= v < 4096 for v in values)
    return "".join(B64[v >> 6] + B64[v & 63] for v in values)


def compact_heatmap(svg: str) -> str:
    """The heatmap's 729 squares without their per-square numbers and repeated fill (one `g`)."""
    svg = re.sub(r' data-p="[^"]*"', "", svg)
    svg = svg.replace(' fill="#08306b" fill-opacity', " fill-opacity")
    first = svg.index("<rect")
    return svg[:first] + '<g fill="#08306b">' + svg[first : svg.rindex("</svg>")] + "</g></svg>"


def _frames_json(data: Any) -> str:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return (
        '<script type="application/json" class="frames">' + text.replace("</", "<\\/") + "</script>"
    )


def slider_html(recorded: dict[str, Any], out: Path, stem: str) -> str:
    """05's slider: a native range over the recorded alphas, its NLL text in a live region."""
    folder = out / FRAMES / stem
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for k, f in enumerate(recorded["frames"]):
        (folder / f"alpha-{k:02d}.png").write_bytes(f["png"])
        src = f"{FRAMES}{stem}/alpha-{k:02d}.png"
        frames.append({"label": f["label"], "text": f["text"], "src": src, "alt": f["alt"]})
    k = recorded["start"]
    first = frames[k]
    png = recorded["frames"][k]["png"]  # its size from the PNG header, shown at 1 / scale
    width, height = (round(int.from_bytes(png[o : o + 4]) / recorded["scale"]) for o in (16, 20))
    uid = f"alpha-{stem[:2]}"
    return (
        f'<div class="book-widget book-slider" id="slider-{stem[:2]}" tabindex="-1">'
        f'<div class="slider-controls" hidden>'
        f'<label for="{uid}">α</label>'
        f'<input type="range" id="{uid}" min="0" max="{len(frames) - 1}" step="1" value="{k}"'
        f' aria-valuetext="α = {first["label"]}">'
        f'<output for="{uid}" class="alpha-readout">α = {first["label"]}</output></div>'
        f'<p class="nll-readout" aria-live="polite">{html.escape(first["text"])}</p>'
        f'<img class="slider-picture" src="{first["src"]}" alt="{html.escape(first["alt"])}"'
        f' width="{width}" height="{height}">' + _frames_json({"frames": frames}) + "</div>"
    )


REPLAY_NOTE = (
    "In this page the explorer replays what its own Python code drew when the book was built"
)


def sampler_html(recorded: dict[str, Any]) -> str:
    """04's explorer: step or play through the recorded draws of each seed."""
    runs = recorded["runs"]
    options = "".join(
        f'<option value="{r["seed"]}">{r["seed"]}{" (the lesson’s)" if i == 0 else ""}</option>'
        for i, r in enumerate(runs)
    )
    first = runs[0]["frames"][0]
    itos = recorded["itos"]
    bars = _svg_for_page(
        recorded["first_svg"],
        f"Bar chart of P(next character | {itos[0]!r}), the row a name starts from.",
    )
    return (
        '<div class="book-widget book-sampler" id="explorer-04" tabindex="-1">'
        f'<p class="book-note">{REPLAY_NOTE}: every press of <b>next character</b> from a few '
        "seeds, the lesson’s first (its names are the lesson’s). Step through them or play.</p>"
        '<div class="explorer-controls" hidden>'
        f'<label>seed <select class="seed">{options}</select></label> '
        '<button type="button" class="prev">previous</button> '
        '<button type="button" class="next-char">next character</button> '
        '<button type="button" class="play" aria-pressed="false">play</button> '
        '<button type="button" class="restart">start over</button> '
        '<span class="position"></span></div>'
        '<div aria-live="polite">'
        f'<p class="name-so-far">{html.escape(first["name"])}</p>'
        f'<p class="choice">{html.escape(first["choice"])}</p></div>'
        f'<div class="row-bars book-svg">{bars}</div>'
        + _frames_json({"itos": itos, "rows": recorded["rows"], "runs": runs})
        + "</div>"
    )


def trainer_html(recorded: dict[str, Any]) -> str:
    """08's explorer: for each learning rate, the recorded steps, curve, softmax(W) and P."""
    runs = recorded["runs"]
    default = next(i for i, r in enumerate(runs) if r["lr"] == recorded["default_lr"])
    options = "".join(
        f'<option value="{r["lr"]:g}"{" selected" if i == default else ""}>{r["lr"]:g}</option>'
        for i, r in enumerate(runs)
    )
    first = runs[default]["frames"][0]
    steps = [f["steps"] for f in runs[default]["frames"]]
    fig = recorded["first"]
    curve = _svg_for_page(fig["curve"], "Training loss at step 0: ln 27, the uniform model.")
    net = _svg_for_page(
        compact_heatmap(fig["net"]),
        "softmax(W) at step 0 as a 27 by 27 table of squares: all the same shade.",
    )
    count = _svg_for_page(
        compact_heatmap(fig["count"]),
        "P from the counts as a 27 by 27 table of squares, darker = more probable: dark where "
        "a pair is common (a name ending in 'n', 'a' or 'e'; 'an', 'ar' inside), pale elsewhere.",
    )
    uid = "steps-08"
    return (
        '<div class="book-widget book-trainer" id="explorer-08" tabindex="-1">'
        f'<p class="book-note">{REPLAY_NOTE}: its 1, 10 and 100 step buttons pressed up to '
        f"{', '.join(map(str, steps))} steps, for every learning rate. Choose a rate, then move "
        "through the steps or play them.</p>"
        '<div class="explorer-controls" hidden>'
        f'<label>learning rate <select class="rate">{options}</select></label> '
        f'<label for="{uid}">steps</label>'
        f'<input type="range" id="{uid}" min="0" max="{len(steps) - 1}" step="1" value="0"'
        ' aria-valuetext="after 0 steps">'
        '<output class="steps-readout">0 steps</output> '
        '<button type="button" class="play" aria-pressed="false">play</button></div>'
        '<div aria-live="polite">'
        f'<p class="train-loss">{html.escape(first["loss"])}</p>'
        f'<p class="train-diff">{html.escape(first["diff"])}</p></div>'
        '<div class="train-pictures book-svg">'
        f'<div class="train-curve">{curve}</div><div class="net-table">{net}</div>'
        f'<div class="count-table">{count}</div></div>'
        + _frames_json(
            {
                "runs": [
                    {
                        "lr": r["lr"],
                        "frames": [dict(f, shades=pack(f["shades"])) for f in r["frames"]],
                    }
                    for r in runs
                ]
            }
        )
        + "</div>"
    )


PROGRESS_NOTE = (
    '<p class="book-note">(In the notebook a progress bar counts the training steps here while '
    "the loop runs.)</p>"
)


def call_kwargs(source: str, name: str) -> dict[str, Any]:
    """The literal keyword arguments of the call `name(...)` in a cell's source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
            return {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    raise ValueError(f"no call of {name} in the cell")


def interactives(nb: Any, out: Path, stem: str, recorder: Any) -> list[tuple[str, str]]:
    """Replace each widget output by its recorded interactive; return its skip links."""
    skips = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            text = "".join(data.get("text/plain", ""))
            if text.startswith("smoothing slider"):
                row = call_kwargs(cell.source, "smoothing_slider").get("row", "a")
                new = slider_html(recorder.slider(row), out, stem)
                skips.append((f"#slider-{stem[:2]}", "Skip to the slider"))
            elif text.startswith("sampling explorer"):
                new = sampler_html(recorder.sampler())
                skips.append((f"#explorer-{stem[:2]}", "Skip to the explorer"))
            elif text.startswith("training explorer"):
                new = trainer_html(recorder.trainer())
                skips.append((f"#explorer-{stem[:2]}", "Skip to the explorer"))
            elif "Progress(" in text:
                new = PROGRESS_NOTE
            else:
                sys.exit(f"tools/book.py: {stem}: a widget the book cannot show: {text[:80]}")
            output["data"] = {"text/html": new}
            output.setdefault("metadata", {}).clear()
    return skips


class Recorder:
    """The frames of tools/frames.py, computed once per build (torch on one thread, as 08)."""

    def __init__(self) -> None:
        import torch

        from tools import frames

        torch.set_num_threads(1)
        self.frames = frames
        self.course = frames.course()

    def slider(self, row: str) -> dict[str, Any]:
        return self.frames.slider_frames(self.course, row)

    def sampler(self) -> dict[str, Any]:
        return self.frames.sampler_frames(self.course)

    def trainer(self) -> dict[str, Any]:
        return self.frames.trainer_frames(self.course)


def rewrite_links(nb: Any, names: set[str]) -> None:
    """Links to notebooks go to their pages; links into ../workbook/ to workbook.zip."""

    def target(match: re.Match[str]) -> str:
        link = match[2]
        path, _, anchor = link.partition("#")
        anchor = f"#{anchor}" if anchor else ""
        if path.startswith("../workbook/"):
            return f"{match[1]}({WORKBOOK_ZIP})"
        if path in names:
            page = "index.html" if path.startswith("00_") else path[: -len(".ipynb")] + ".html"
            return f"{match[1]}({page}{anchor})"
        return match[0]

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"(\]\s?)\(([^)\s]+)\)", target, cell.source)


def has_math(nb: Any) -> bool:
    return any(c.cell_type == "markdown" and MATH.search(c.source) for c in nb.cells)


# Every code cell's input is a tab stop in nbconvert's lab template (tabindex="0" on a box that
# does not scroll: the code wraps): 39 Tab presses to reach 05's slider. Not in the book.
INPUT_TABSTOP = re.compile(r'(<div class="jp-Cell-inputWrapper") tabindex="0"')


def npm_assets(static: Path) -> None:
    """`npm ci` in web/ when needed (pinned by package-lock.json), then copy what pages load."""
    modules = WEB / "node_modules"
    lock = WEB / "package-lock.json"
    installed = modules / ".package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("tools/book.py: npm not found; install Node.js 18+ (it brings npm)")
        print("book: npm ci (web/package-lock.json)", flush=True)
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=WEB,
        )
        if done.returncode != 0:
            sys.exit("tools/book.py: npm ci failed (it needs the npm registry once)")
    for source, target in ASSETS:
        src, dst = modules / source, static / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)


def title_of(nb: Any, fallback: str) -> str:
    """The notebook's first `# heading`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match[1].strip()
    return fallback


SHARED_CSS = "book.css"
TEMPLATE_STYLE = re.compile(r'<style type="text/css">\n?(.*?)</style>\n?', re.S)


def shared_css(body: str) -> tuple[str, str]:
    """Move the page's template styles (every unscoped <style>) into one linked stylesheet."""
    css = "\n".join(m.group(1) for m in TEMPLATE_STYLE.finditer(body))
    link = f'<link rel="stylesheet" href="{STATIC}{SHARED_CSS}">\n'
    parts = TEMPLATE_STYLE.split(body)
    # split() alternates text and captured css: keep the text, one link where the first style was
    text = parts[0::2]
    return css, text[0] + link + "".join(text[1:])


def build(out: Path, only: set[str] | None = None) -> dict[str, Any]:
    """Build the book into `out` (replaced); return the manifest. `only`: the notebooks' file
    names to make pages of (the rest are still read for the course bar's titles)."""
    from nbconvert import HTMLExporter

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    static = tmp / STATIC
    static.mkdir(parents=True)
    npm_assets(static)
    shutil.copyfile(WEB / "book.js", static / "book.js")
    workbook_zip(tmp / WORKBOOK_ZIP)
    exporter = HTMLExporter(
        template_name="book",
        extra_template_basedirs=[str(WEB / "templates")],
        mathjax_url=STATIC + "mathjax/tex-chtml.js",
    )
    paths = notebooks()
    names = {p.name for p in paths}
    loaded = {p: nbformat.read(p, as_version=4) for p in paths}
    titles = {p: title_of(nb, p.stem) for p, nb in loaded.items()}
    recorder: Recorder | None = None
    pages = []
    shared: str | None = None  # the template's styles, the same on every page: one file
    for i, path in enumerate(paths):
        if only is not None and path.name not in only:
            continue
        nb = loaded[path]
        nb.metadata.pop("widgets", None)  # never a widget renderer: the interactives are ours
        skips: list[tuple[str, str]] = []
        if any(WIDGET_VIEW in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])):
            recorder = recorder or Recorder()
            skips = interactives(nb, tmp, path.stem, recorder)
        rewrite_links(nb, names)
        book: dict[str, Any] = {
            "title": TITLE,
            "static": STATIC,
            "math": has_math(nb),
            "interactive": any(href for href, _ in skips),
            "skips": skips,
            "workbook": WORKBOOK_ZIP,
            "prev": None,
            "next": None,
        }
        if i > 0:
            book["prev"] = {"href": page_name(paths[i - 1]), "title": titles[paths[i - 1]]}
        if i + 1 < len(paths):
            book["next"] = {"href": page_name(paths[i + 1]), "title": titles[paths[i + 1]]}
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": titles[path]}, "book": book}
        )
        body = INPUT_TABSTOP.sub(r"\1", body)
        css, body = shared_css(body)
        if shared is None:
            shared = css
            (static / SHARED_CSS).write_text(css, encoding="utf-8")
        elif css != shared:
            sys.exit(f"tools/book.py: {page_name(path)} has other template styles than the rest")
        (tmp / page_name(path)).write_text(body, encoding="utf-8")
        pages.append(
            {
                "page": page_name(path),
                "notebook": path.name,
                "title": titles[path],
                "math": book["math"],
                "interactive": book["interactive"],
            }
        )
    manifest = {"pages": pages, "workbook": WORKBOOK_ZIP}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return manifest


def book_zip(folder: Path, target: Path) -> None:
    """The built book as one zip (for readers without a web host): unzip, open index.html."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    write_zip(
        target,
        [
            (f"makemore-bigram-book/{p.relative_to(folder).as_posix()}", p.read_bytes())
            for p in files
        ],
    )


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def input_files(root: Path = ROOT) -> list[Path]:
    """The files of INPUTS under `root`, sorted (no caches, no node_modules, no dot-files)."""
    found = []
    for name in INPUTS:
        path = root / name
        for p in [path] if path.is_file() else sorted(path.rglob("*")):
            parts = p.relative_to(root).parts
            skip = {"node_modules", "__pycache__"} & set(parts) or any(
                x.startswith(".") for x in parts
            )
            if p.is_file() and not skip:
                found.append(p)
    return sorted(found)


def inputs_key(root: Path = ROOT) -> str:
    """A hash of every input file's name and bytes, and of this Python."""
    h = hashlib.sha256(sys.version.encode())
    for p in input_files(root):
        for part in (p.relative_to(root).as_posix().encode(), p.read_bytes()):
            h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BUILD, help="where to build (default book/)")
    parser.add_argument("--no-zip", action="store_true", help="skip dist/makemore-bigram-book.zip")
    parser.add_argument(
        "--if-changed",
        action="store_true",
        help="build book/ only if its inputs changed since it was last built (make site)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    default = args.out.resolve() == BUILD
    key = inputs_key() if default else ""
    if args.if_changed and default and (BUILD / "manifest.json").is_file():
        if STAMP.is_file() and STAMP.read_text() == key:
            print("book: book/ is up to date (its inputs are unchanged since it was built)")
            return 0
    manifest = build(args.out)
    if default:
        STAMP.parent.mkdir(exist_ok=True)
        STAMP.write_text(key)
    if not args.no_zip:
        book_zip(args.out, ZIP)
    where = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(
        f"book: {len(manifest['pages'])} pages in {where} ({size_of(args.out) / 1e6:.1f} MB) "
        f"in {time.monotonic() - started:.0f} s; open {where}/index.html"
        + ("" if args.no_zip else f"; zip: {ZIP.relative_to(ROOT)}")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
