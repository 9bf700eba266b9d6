"""Generate the navigation of the notebook series, so it never drifts.

    python tools/nav.py          # rewrite nav cells, notebooks/00_index.ipynb, README table
    python tools/nav.py --check  # exit 1 if anything is out of date (tests run this)

Each lesson notebook gets a first and a last markdown cell (metadata {"nav": "top"|"bottom"})
linking the previous notebook, the contents and the next one, and a "Next" cell (metadata
{"nav": "next"}) closing the main path, just before "## Going deeper (optional)". Titles come
from course.toml (each notebook's heading `# 05 · Title` must agree), the summary from the
paragraph under the heading.
Only markdown changes: no notebook needs re-executing after this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from helpers import course
from tools.execute import KERNELSPEC
from tools.splice import MarkersMissing, between

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
INDEX = NOTEBOOKS / "00_index.ipynb"
README = ROOT / "README.md"
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"
# The course's shape (order, parts, titles, workbook, video, exercises) is declared in course.toml.
VIDEO = course.VIDEO.url
GOING_DEEPER = "## Going deeper"
WORKBOOK = "../workbook"  # the workbook edition: the same file names, code left to write


def _workbook_link(path: Path) -> str:
    """` ([workbook](…))` for the notebooks the workbook edition covers, else nothing."""
    if not _declared(path).workbook:
        return ""
    return f" ([workbook]({WORKBOOK}/{path.name}))"


def _declared(path: Path) -> course.Notebook:
    return course.by_number(path.name[:2])


def lesson_notebooks() -> list[Path]:
    """Every notebook course.toml declares, in order; exactly the numbered ones on disk."""
    declared = [NOTEBOOKS / nb.name for nb in course.NOTEBOOKS]
    found = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p != INDEX)
    if declared != found:
        names = sorted({p.name for p in declared} ^ {p.name for p in found})
        raise SystemExit(f"tools/nav.py: course.toml and notebooks/ disagree about {names}")
    return declared


def _content_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if "nav" not in c.metadata]


def title_and_summary(nb: nbformat.NotebookNode, path: Path) -> tuple[str, str]:
    """The notebook's `# ` heading and the first paragraph under it, on one line."""
    first = _content_cells(nb)[0]
    lines = [line.strip() for line in first.source.splitlines()]
    if first.cell_type != "markdown" or not lines or not lines[0].startswith("# "):
        raise SystemExit(
            f"{path.name}: the first cell must be markdown starting with '# NN · Title'"
        )
    title = lines[0][2:].strip()
    if lines[0] != _declared(path).heading:
        heading = _declared(path).heading
        raise SystemExit(f"{path.name}: its heading is not course.toml's {heading!r}")
    paragraph: list[str] = []
    for line in lines[1:]:
        if line:
            paragraph.append(line)
        elif paragraph:
            break
    return title, " ".join(paragraph)


def _link(path: Path, title: str, folder: str = "") -> str:
    return f"[{title}]({folder}{path.name})"


def nav_cells(paths: list[Path], titles: dict[Path, str], i: int) -> tuple[str, str]:
    """The top and bottom navigation markdown for notebook i."""
    prev = f"< {_link(paths[i - 1], titles[paths[i - 1]])}" if i > 0 else "< (start)"
    nxt = f"{_link(paths[i + 1], titles[paths[i + 1]])} >" if i + 1 < len(paths) else "(end) >"
    top = f"{prev} | [Contents](00_index.ipynb) | {nxt}"
    if i + 1 < len(paths):
        bottom = f"**Next:** {_link(paths[i + 1], titles[paths[i + 1]])}\n\n{top}"
    else:
        bottom = f"This is the last notebook of the series.\n\n{top}"
    return top, bottom


def next_cell(paths: list[Path], titles: dict[Path, str], i: int) -> str:
    """The line that closes notebook i's main path: a link to the next notebook."""
    if i + 1 < len(paths):
        return f"**Next:** {_link(paths[i + 1], titles[paths[i + 1]])}"
    return "This is the last notebook of the series; [Contents](00_index.ipynb)."


def _with_nav(nb: nbformat.NotebookNode, top: str, bottom: str, nxt: str) -> nbformat.NotebookNode:
    cells = _content_cells(nb)
    top_cell = nbformat.v4.new_markdown_cell(top, metadata={"nav": "top"})
    next_cell_ = nbformat.v4.new_markdown_cell(nxt, metadata={"nav": "next"})
    bottom_cell = nbformat.v4.new_markdown_cell(bottom, metadata={"nav": "bottom"})
    old = {c.metadata["nav"]: c for c in nb.cells if "nav" in c.metadata}
    for cell, kind in ((top_cell, "top"), (next_cell_, "next"), (bottom_cell, "bottom")):
        if kind in old:  # keep ids stable so re-running changes nothing
            cell.id = old[kind].id
    deeper = [
        k
        for k, c in enumerate(cells)
        if c.cell_type == "markdown" and c.source.startswith(GOING_DEEPER)
    ]
    end = deeper[0] if deeper else len(cells)  # the main path ends where Going deeper begins
    nb.cells = [top_cell, *cells[:end], next_cell_, *cells[end:], bottom_cell]
    return nb


def index_notebook(paths: list[Path], titles: dict, summaries: dict) -> nbformat.NotebookNode:
    """notebooks/00_index.ipynb: the contents of the series and the lecture's exercises."""
    v = course.VIDEO
    first_wb, last_wb = course.workbook()[0].number, course.workbook()[-1].number
    first_lec, last_lec = course.lecture()[0].number, course.lecture()[-1].number
    lines = [
        "# makemore, part 1 · Contents",
        "",
        "Karpathy's *makemore* bigram lesson, rebuilt one idea per notebook. Work through them "
        "in order; each ends with a link to the next. The code they teach is collected, tested, "
        "in `helpers/bigram.py`. Each notebook follows the lecture on its main path; a final "
        "section, *Going deeper (optional)*, holds what goes beyond it.",
        "",
        f"**Workbook edition:** notebooks {first_wb}–{last_wb}, with the lesson's key steps left "
        f"for you to write and a check after each, are in [`workbook/`]({WORKBOOK}/) under the "
        f"same file names (the link after each notebook below opens its workbook version).",
        "",
        f"**The video:** [{v.title}]({v.url}). Notebooks {first_lec}–{last_lec} follow it; "
        f"under each section heading, a link such as [▶ 0:24:02]({v.url}&t=1442) opens the "
        f"moment of the video that section follows. The lecture's own notebook: "
        f"[makemore_part1_bigrams.ipynb]({v.notebook}).",
    ]
    for part, members in course.parts():
        chosen = [NOTEBOOKS / nb.name for nb in members]
        lines += ["", f"## {part}", ""]
        lines += [f"- {_link(p, titles[p])}{_workbook_link(p)}: {summaries[p]}" for p in chosen]
    lines += [
        "",
        "## The lecture's exercises",
        "",
        "The exercises Karpathy sets in the description of the lecture's video, and the notebook "
        "that works each one:",
        "",
    ]
    answers = {nb.exercise: NOTEBOOKS / nb.name for nb in course.NOTEBOOKS if nb.exercise}
    for name, text in course.EXERCISES.items():
        answer = answers[name]
        lines += [f"- **{name}**: *“{text}”* → {_link(answer, titles[answer])}"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"nav": "index"})]
    nb.cells[0].id = "contents"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def readme_table(paths: list[Path], titles: dict) -> str:
    """The notebook table of README.md: one row per part (the summaries are in the index)."""
    rows = ["| part | notebooks |", "|---|---|"]
    for part, members in course.parts():
        chosen = [NOTEBOOKS / nb.name for nb in members]
        if chosen:
            rows.append(
                f"| {part} | "
                + "<br>".join(_link(p, titles[p], "notebooks/") for p in chosen)
                + " |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args()
    paths = lesson_notebooks()
    books = {p: nbformat.read(p, as_version=4) for p in paths}
    titles, summaries = {}, {}
    for p in paths:
        titles[p], summaries[p] = title_and_summary(books[p], p)
    wanted: dict[Path, str] = {}
    for i, p in enumerate(paths):
        top, bottom = nav_cells(paths, titles, i)
        nxt = next_cell(paths, titles, i)
        wanted[p] = nbformat.writes(_with_nav(books[p], top, bottom, nxt)) + "\n"
    wanted[INDEX] = nbformat.writes(index_notebook(paths, titles, summaries)) + "\n"
    table = readme_table(paths, titles)
    try:
        wanted[README] = between(README.read_text(encoding="utf-8"), START, END, table, "README.md")
    except MarkersMissing as err:
        print(f"tools/nav.py: error: {err}", file=sys.stderr)
        return 2
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)} (run `make nav`)")
        return 1 if stale else 0
    for p in stale:
        p.write_text(wanted[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
