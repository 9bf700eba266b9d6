"""Build the course as a static web page that needs no network: `make book`.

    python tools/book.py            # build book/ unless it is up to date
    python tools/book.py --force    # build even if it is
    python tools/book.py --check    # exit 1 if book/ is missing or stale (no build)

Every notebook of notebooks/ (discovered, in file-name order; 00_index becomes index.html) is
executed fresh from a clean kernel with its widget state stored, its figures get their alt text
(tools/alt.py), and nbconvert's HTML exporter writes one page per notebook with the template in
web/templates/book (course navigation, WCAG AA colours). The browser files the pages load are
copied from npm packages pinned in web/package-lock.json (`npm ci`): RequireJS, the widget
renderer @jupyter-widgets/html-manager (which switches the smoothing slider's pages by its
`jslink`, no kernel), MathJax 3 with its fonts. No page loads anything from a CDN.

Explorers whose buttons call Python (their box has the class `needs-kernel`) are shown as
their first picture, drawn from the stored widget state, with one line saying to run the
notebook for the live version. Links between notebooks point at the pages; links into the
workbook point at the repository (pyproject.toml's [project.urls] Repository, else
$MAKEMORE_REPO_URL, else the git remote `origin` on GitHub), or, without one, at copies of the
workbook notebooks shipped in the book.

book/manifest.json records a hash of everything the build reads (`inputs_hash`);
tests/test_book.py fails when it no longer matches: run `make book`.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import nbformat

from helpers import course
from tools.alt import copy_alt
from tools.execute import notebook_client

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
WEB = ROOT / "web"
BUILD = ROOT / "book"  # committed, like the workbook: tests/test_book.py fails when stale
STATIC = "_static/"
TITLE = "makemore, part 1: the bigram notebooks"
# (file or folder in web/node_modules, where it goes under _static/)
ASSETS = [
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "embed-amd.js"),
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
]
# The widget renderer's icon fonts (Font Awesome), which its CSS finds beside embed-amd.js.
RENDERER_FONTS = ("*.woff2", "*.woff")
NEEDS_KERNEL = "needs-kernel"  # the class of a widget box whose controls call Python
NEEDS_KERNEL_NOTE = (
    "This explorer runs Python: what you see is its first picture. Run the notebook in "
    "JupyterLab (make lab) for the live version."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def notebooks() -> list[Path]:
    """The index and the course's notebooks, in the order course.toml declares them."""
    return [NOTEBOOKS / "00_index.ipynb"] + [NOTEBOOKS / nb.name for nb in course.NOTEBOOKS]


def inputs() -> list[Path]:
    """Every file the build reads: the notebooks, the code they run, the builder, the assets."""
    files = notebooks() + sorted(WORKBOOK.glob("*.ipynb"))
    files += sorted((ROOT / "helpers").rglob("*.py"))
    files += [ROOT / "tools" / "book.py", ROOT / "tools" / "alt.py", ROOT / "requirements-lock.txt"]
    files += [ROOT / "course.toml"]
    files += [WEB / "package.json", WEB / "package-lock.json"]
    files += sorted(p for p in (WEB / "templates").rglob("*") if p.is_file())
    return files


def inputs_hash() -> str:
    """sha256 over the inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in inputs():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def stale_reason(build: Path = BUILD) -> str | None:
    """Why book/ is not the book of the current inputs, or None if it is."""
    manifest = build / "manifest.json"
    if not manifest.is_file():
        return f"{build.relative_to(ROOT)} has not been built"
    recorded = json.loads(manifest.read_text(encoding="utf-8")).get("inputs_sha256")
    if recorded != inputs_hash():
        return "its inputs changed since it was built"
    built_for = json.loads(manifest.read_text(encoding="utf-8")).get("repository")
    if built_for != repository_url(None):
        return f"it links to the repository {built_for}, now {repository_url(None)}"
    return None


# --- browser files from npm -------------------------------------------------------------------


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
    for pattern in RENDERER_FONTS:
        for font in (modules / "@jupyter-widgets/html-manager/dist").glob(pattern):
            shutil.copyfile(font, static / font.name)


# --- notebooks to pages -----------------------------------------------------------------------


def execute(path: Path) -> Any:
    """Run a notebook top to bottom in a fresh kernel, keeping the widget state."""
    nb = nbformat.read(path, as_version=4)
    if any(c.cell_type == "code" for c in nb.cells):
        notebook_client(nb, path.parent, 600, store_widget_state=True).execute()
    copy_alt(nb)
    return nb


def title_of(nb: Any, fallback: str) -> str:
    """The notebook's first `# heading`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match[1].strip()
    return fallback


def _static_html(model_id: str, state: dict[str, Any]) -> str:
    """A widget tree's texts and pictures as plain HTML, from the stored state."""
    model = state.get(model_id, {})
    name, values = model.get("model_name", ""), model.get("state", {})
    if name == "HTMLModel":
        return f'<div class="static-picture">{values.get("value", "")}</div>'
    if name == "LabelModel":
        return f"<p>{html.escape(values.get('value', ''))}</p>"
    parts = []
    for child in values.get("children", []):
        parts.append(_static_html(child.removeprefix("IPY_MODEL_"), state))
    return "".join(parts)


def static_explorers(nb: Any) -> int:
    """Replace the live view of each widget box that needs a kernel by its static picture."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            model = state.get(view["model_id"], {})
            if NEEDS_KERNEL not in model.get("state", {}).get("_dom_classes", []):
                continue
            output.data.pop(WIDGET_VIEW)
            output.data["text/html"] = (
                f'<div class="static-explorer"><p class="needs-kernel-note">'
                f"{html.escape(NEEDS_KERNEL_NOTE)}</p>"
                f"{_static_html(view['model_id'], state)}</div>"
            )
            replaced += 1
    if replaced and not any(
        WIDGET_VIEW in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
    ):
        nb.metadata.pop("widgets", None)  # nothing live left: no widget renderer on this page
    return replaced


def rewrite_links(nb: Any, names: set[str], workbook_url: str) -> None:
    """Links to notebooks go to their pages; links into ../workbook/ go to `workbook_url`."""

    def target(match: re.Match[str]) -> str:
        link = match[2]
        path, _, anchor = link.partition("#")
        anchor = f"#{anchor}" if anchor else ""
        if path.startswith("../workbook/"):
            return f"{match[1]}({workbook_url}{path.removeprefix('../workbook/')}{anchor})"
        if path in names:
            page = "index.html" if path.startswith("00_") else path[: -len(".ipynb")] + ".html"
            return f"{match[1]}({page}{anchor})"
        return match[0]

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"(\]\s?)\(([^)\s]+)\)", target, cell.source)


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


def page_name(path: Path) -> str:
    return "index.html" if path.name.startswith("00_") else path.stem + ".html"


def repository_url(given: str | None) -> str | None:
    """The repository's web address: given, pyproject.toml's [project.urls] Repository,
    $MAKEMORE_REPO_URL, or the git remote `origin`'s (on GitHub)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    url = given or project.get("urls", {}).get("Repository") or os.environ.get("MAKEMORE_REPO_URL")
    if not url:
        try:
            url = subprocess.run(
                ["git", "-C", str(ROOT), "remote", "get-url", "origin"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
        match = re.match(r"(?:git@github\.com:|https://github\.com/)(.+?)(?:\.git)?$", url)
        if not match:
            return None
        url = f"https://github.com/{match[1]}"
    return url.rstrip("/")


def build(out: Path, repo: str | None) -> dict[str, Any]:
    """Build the book into `out`; return the manifest."""
    from nbconvert import HTMLExporter

    started = time.monotonic()
    digest = inputs_hash()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    static = tmp / STATIC
    static.mkdir(parents=True)
    npm_assets(static)
    if repo:
        workbook_url = f"{repo}/blob/main/workbook/"
    else:  # no repository known: ship the workbook notebooks with the book
        shutil.copytree(WORKBOOK, tmp / "workbook", ignore=shutil.ignore_patterns("*.json"))
        workbook_url = "workbook/"
    exporter = HTMLExporter(
        template_name="book",
        extra_template_basedirs=[str(WEB / "templates")],
        require_js_url=STATIC + "require.js",
        widget_renderer_url=STATIC + "embed-amd.js",
        mathjax_url=STATIC + "mathjax/tex-chtml.js",
        jupyter_widgets_base_url=STATIC,
    )
    paths = notebooks()
    names = {p.name for p in paths}
    executed = {}
    for path in paths:
        seconds = time.monotonic()
        executed[path] = execute(path)
        print(f"book: executed {path.name} in {time.monotonic() - seconds:.1f} s", flush=True)
    titles = {p: title_of(nb, p.stem) for p, nb in executed.items()}
    pages = []
    shared: str | None = None  # the template's styles, the same on every page: one file
    for i, path in enumerate(paths):
        nb = executed[path]
        seconds = time.monotonic()
        static_explorers(nb)
        rewrite_links(nb, names, workbook_url)
        book: dict[str, Any] = {
            "title": TITLE,
            "static": STATIC,
            "source": f"{repo}/blob/main/notebooks/{path.name}" if repo else None,
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
        css, body = shared_css(body)
        if shared is None:
            shared = css
            (tmp / STATIC / SHARED_CSS).write_text(css, encoding="utf-8")
        elif css != shared:
            sys.exit(f"tools/book.py: {page_name(path)} has other template styles than the rest")
        (tmp / page_name(path)).write_text(body, encoding="utf-8")
        pages.append(
            {
                "page": page_name(path),
                "notebook": path.name,
                "title": titles[path],
                "seconds": round(time.monotonic() - seconds, 2),
            }
        )
        print(f"book: {page_name(path)}", flush=True)
    manifest = {
        "inputs_sha256": digest,
        "pages": pages,
        "repository": repo,
        "seconds": round(time.monotonic() - started, 1),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return manifest


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even if up to date")
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    args = parser.parse_args()
    reason = stale_reason()
    if args.check:
        if reason:
            print(f"book/ is stale: {reason}; run `make book`", file=sys.stderr)
            return 1
        return 0
    if reason is None and not args.force:
        print("book: book/ is up to date (--force to rebuild)")
        return 0
    manifest = build(BUILD, repository_url(None))
    print(
        f"book: {len(manifest['pages'])} pages in {BUILD.relative_to(ROOT)} "
        f"({size_of(BUILD) / 1e6:.1f} MB) in {manifest['seconds']:.0f} s; "
        f"open {BUILD.relative_to(ROOT)}/index.html"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
