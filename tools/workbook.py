"""Generate workbook/ from the solution notebooks 01-08 (`make workbook`).

    python tools/workbook.py           # write workbook/*.ipynb and workbook/solutions.json
    python tools/workbook.py --check   # exit 1 if the committed workbook differs from a fresh one

A solution cell marked with metadata {"workbook": {"check": name, "blank": text}} (set by the
marking script, invisible to a reader of the solution notebook) becomes the blank `text`,
followed by a new cell `check("name")`. Its source goes to workbook/solutions.json, which
`solution("name")` prints. Every other cell is kept; a code cell that uses a name the learner
makes in a blank gets a first line `%%needs <checks>`, so it runs only once those checks pass
(else it prints one line saying so). Outputs are stripped. The output is deterministic.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.checks import CHECKS  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
SOURCES = [f"{n:02d}_" for n in range(1, 9)]
IMPORT = "from helpers.checks import check, hint, solution"


class MarkerError(Exception):
    """A marker that names no check, or a check that no cell is marked for."""


def sources() -> list[Path]:
    """The solution notebooks 01-08."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name[:3] in SOURCES)


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names the cell loads, names it assigns); lines of IPython syntax are left out."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    loads: set[str] = set()
    stores: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            stores.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            stores.update((a.asname or a.name).split(".")[0] for a in node.names)
    return loads, stores


def _link(text: str, here: set[str]) -> str:
    """Point links to notebooks that have no workbook edition at the solution notebooks."""

    def fix(m: re.Match[str]) -> str:
        name = m.group(1)
        return m.group(0) if name in here else f"](../notebooks/{name}"

    return re.sub(r"\]\((\d\d_[\w-]+\.ipynb)", fix, text)


def _intro(path: Path, checks: list[str]) -> nbformat.NotebookNode:
    text = (
        f"**Workbook edition** of [{path.name}](../notebooks/{path.name}): the lesson's prose "
        f"with {len(checks)} of its steps left for you to write. Fill each cell that holds "
        f"`...`, run it, then run the `check(...)` cell below it: it prints ✓ with the value "
        f'that proves your answer, or ✗ with a hint. `hint("name")` gives the next hint, '
        f'`solution("name")` the reference solution. A cell that starts with `%%needs` builds '
        f"on your answers: it runs once their checks pass. Start again: *File → Revert "
        f"Notebook to Checkpoint*, or `git checkout workbook/{path.name}`."
    )
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = "workbook-intro"
    return cell


def generate(path: Path, here: set[str]) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """The workbook edition of one solution notebook, and its reference solutions by check."""
    nb = nbformat.read(path, as_version=4)
    out = nbformat.v4.new_notebook()
    out.metadata = {k: v for k, v in nb.metadata.items() if k != "widgets"}
    solutions: dict[str, str] = {}
    owned: dict[str, list[str]] = {}  # a name the learner makes -> the checks it rests on
    first_code = True
    for cell in nb.cells:
        marker = cell.metadata.get("workbook")
        meta = {k: v for k, v in cell.metadata.items() if k not in ("workbook", "execution")}
        if cell.cell_type != "code":
            new = nbformat.v4.new_markdown_cell(_link(cell.source, here))
            new.id, new.metadata = cell.id, meta
            if cell.cell_type == "raw":
                new = nbformat.v4.new_raw_cell(cell.source)
                new.id = cell.id
            out.cells.append(new)
            if cell.source.startswith("# ") and not any(
                c.id == "workbook-intro" for c in out.cells
            ):
                out.cells.append(_intro(path, []))
            continue
        if marker:
            name = marker["check"]
            if name not in CHECKS:
                raise MarkerError(
                    f"{path.name}: cell {cell.id} is marked for unknown check {name!r}"
                )
            if CHECKS[name].notebook != path.name:
                raise MarkerError(f"{path.name}: check {name!r} belongs to {CHECKS[name].notebook}")
            if name in solutions:
                raise MarkerError(f"{path.name}: check {name!r} is marked twice")
            solutions[name] = cell.source
            blank = nbformat.v4.new_code_cell(marker["blank"].rstrip("\n"))
            blank.id, blank.metadata = cell.id, meta
            test = nbformat.v4.new_code_cell(f'check("{name}")')
            test.id = f"{cell.id}-check"[:64]
            out.cells += [blank, test]
            _, stores = _names(cell.source)
            for var in stores:
                owned[var] = [name]
        else:
            loads, stores = _names(cell.source)
            deps: list[str] = []
            for var in sorted(loads - stores):
                for dep in owned.get(var, []):
                    if dep not in deps:
                        deps.append(dep)
            order = list(CHECKS)
            deps.sort(key=order.index)
            source = cell.source
            if deps:
                source = f"%%needs {' '.join(deps)}\n{source}"
            for var in stores:
                if deps:
                    owned[var] = deps
                else:
                    owned.pop(var, None)
            new = nbformat.v4.new_code_cell(source)
            new.id, new.metadata = cell.id, meta
            out.cells.append(new)
            if first_code:
                first_code = False
                imp = nbformat.v4.new_code_cell(IMPORT)
                imp.id = "workbook-import"
                out.cells.append(imp)
    for cell in out.cells:
        if cell.get("id") == "workbook-intro":
            cell.source = _intro(path, list(solutions)).source
    missing = [
        c.name for c in CHECKS.values() if c.notebook == path.name and c.name not in solutions
    ]
    if missing:
        raise MarkerError(
            f"{path.name}: no cell is marked for {', '.join(missing)} (run wb_mark.py)"
        )
    nbformat.validate(out)
    return out, solutions


def build() -> dict[str, str]:
    """Every file of workbook/ as text, by file name."""
    paths = sources()
    here = {p.name for p in paths}
    files: dict[str, str] = {}
    solutions: dict[str, str] = {}
    for path in paths:
        nb, sol = generate(path, here)
        files[path.name] = nbformat.writes(nb) + "\n"
        solutions.update(sol)
    files["solutions.json"] = (
        json.dumps(solutions, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with workbook/, write nothing"
    )
    args = parser.parse_args(argv)
    try:
        files = build()
    except MarkerError as err:
        print(f"tools/workbook.py: {err}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (WORKBOOK / name).is_file()
            or (WORKBOOK / name).read_text(encoding="utf-8") != text
        ]
        extra = sorted(p.name for p in WORKBOOK.glob("*") if p.is_file() and p.name not in files)
        if stale or extra:
            print(f"workbook/ is stale ({', '.join(stale + extra)}): run `make workbook`")
            return 1
        print(f"workbook/ is current ({len(files)} files)")
        return 0
    WORKBOOK.mkdir(exist_ok=True)
    for name, text in files.items():
        (WORKBOOK / name).write_text(text, encoding="utf-8")
    checks = len(json.loads(files["solutions.json"]))
    print(f"workbook/: {len(files) - 1} notebooks, {checks} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
