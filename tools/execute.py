"""Execute notebooks in place from a clean kernel and store them with their outputs.

    python tools/execute.py notebooks/03_count_matrix.ipynb [more.ipynb ...]
    python tools/execute.py --all

Each notebook runs in a fresh kernel with notebooks/ as its working directory (as in
JupyterLab). Volatile metadata (execution timings) is dropped so a re-run changes only what
really changed. Run it whenever code a notebook uses changes; nbval then compares against it.

Widget state (`metadata.widgets`) is dropped on purpose. Static views get the widgets' pictures
from their display bundles instead: the slider and explorers of helpers/ put an `image/png`
(and a one-line `text/plain`) beside the widget view. Measured: with the state stored,
`jupyter nbconvert --to html` chooses the widget view, which needs the widget html-manager from
unpkg.com (no picture offline, none on GitHub); without it, nbconvert and an untrusted
JupyterLab (a notebook opened before it is run) both choose the `image/png`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from tools.alt import copy_alt

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# The kernel every notebook of the course names (tools/nav.py's index, generated test notebooks).
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook_client(
    nb: nbformat.NotebookNode, cwd: Path, timeout: float = 600, **options: Any
) -> NotebookClient:
    """The one way the project runs a notebook from code: a fresh python3 kernel in `cwd`.

    `options` go to nbclient (`allow_errors=True`, `store_widget_state=True`, ...). Callers:
    `execute` below, tools/book.py, tools/grade.py, benchmarks/run.py and
    tests/test_workbook_answers.py.
    """
    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNELSPEC["name"],
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook top to bottom in a new kernel, save it, return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    start = time.perf_counter()
    notebook_client(nb, path.parent, timeout).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    copy_alt(nb)  # each figure's alt text, from its cell's metadata (tools/alt.py)
    nb.metadata.pop("widgets", None)  # see the module docstring: static views use image/png
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook in notebooks/")
    args = parser.parse_args()
    paths = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name != "00_index.ipynb")
    paths = paths if args.all else args.paths
    if not paths:
        parser.error("name notebooks or pass --all")
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
