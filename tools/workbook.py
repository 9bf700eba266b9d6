"""Mark the solution notebooks' blanks and generate workbook/ from the step declarations.

    python tools/workbook.py --mark    # find each step's solution cell, write its marker
    python tools/workbook.py           # write workbook/*.ipynb and workbook/solutions.json
    python tools/workbook.py --check   # exit 1 if workbook/ is stale (writes nothing)
    python tools/workbook.py --mark --check   # also exit 1 if a marker is stale

`make workbook` runs --mark, then the build. The steps are declared in helpers/checks/nb_*.py:
each names its notebook (by slug: notebooks/NN_<slug>.ipynb, whatever NN is) and an `anchor`, a
line of its solution cell. --mark finds, in that notebook (or, before the lecture's split, in any
covered notebook), the first code cell after the previous step's cell that holds the anchor, and
sets its metadata {"workbook": {"check": name}}; every other marker is removed. Re-run it after
any edit of the notebooks: it depends on the cells' text, not on their positions or ids.

The build turns a marked cell into the step's blank followed by `check("name")`, keeps every
other cell, and opens each code cell that uses a name made in a blank with one line,
`needs(...)`, which lets the cell run once those checks have passed (else one line says which
cell to run first); a blank itself is never gated. The setup cell imports check, hint, needs,
progress, solution and start.
Outputs are stripped; the output is deterministic and `ruff check` clean.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import nbformat

from helpers.checks import NOTEBOOKS, STEPS

ROOT = Path(__file__).resolve().parent.parent

SOURCE = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"
IMPORT = (
    "from helpers.checks import check, hint, needs, progress, solution, start  # noqa: F401"
    '\n\nstart("{name}")'
)
PROGRESS = "progress()  # the steps of this notebook that pass"
REIMPORT = "from helpers.checks import progress\n\n"  # when a cell of the notebook rebinds it
KEEP = "  # noqa: F401 (for your answers)"


class MarkerError(Exception):
    """A step whose solution cell cannot be found, or a marker that names no step."""


def sources(root: Path = SOURCE) -> dict[str, Path]:
    """The covered solution notebooks that exist, by slug, in NOTEBOOKS' order."""
    found = {}
    for slug in NOTEBOOKS:
        paths = sorted(root.glob(f"[0-9][0-9]_{slug}.ipynb"))
        if paths:
            found[slug] = paths[0]
    return found


def _holds(cell: nbformat.NotebookNode, anchor: str) -> bool:
    return cell.cell_type == "code" and any(
        anchor.strip() in line for line in cell.source.splitlines()
    )


def mark(root: Path = SOURCE, write: bool = True) -> list[str]:
    """Set the markers in the solution notebooks; return what changed (or, with write=False,
    what would change), one line per notebook."""
    paths = sources(root)
    books = {slug: nbformat.read(path, as_version=4) for slug, path in paths.items()}
    where: dict[str, tuple[str, int]] = {}
    after: dict[str, int] = {}  # per notebook: the index of the last step's cell
    for step in STEPS.values():
        homes = [step.notebook] if step.notebook in books else list(books)
        hit = None
        for slug in homes:
            cells = books[slug].cells
            start = after.get(slug, -1) + 1
            order = list(range(start, len(cells))) + list(range(start))
            taken = {i for s, i in where.values() if s == slug}
            for i in order:
                if i not in taken and _holds(cells[i], step.anchor):
                    hit = (slug, i)
                    break
            if hit:
                break
        if hit is None:
            raise MarkerError(
                f"no cell of {', '.join(paths[s].name for s in homes)} holds the line "
                f"{step.anchor!r} of step {step.name!r}: update its anchor in helpers/checks/"
            )
        where[step.name] = hit
        after[hit[0]] = hit[1]
    changed = []
    for slug, nb in books.items():
        marks = {i: name for name, (s, i) in where.items() if s == slug}
        before = nbformat.writes(nb)
        for i, cell in enumerate(nb.cells):
            cell.metadata.pop("workbook", None)
            if i in marks:
                cell.metadata["workbook"] = {"check": marks[i]}
        if nbformat.writes(nb) != before:
            if write:
                nbformat.write(nb, paths[slug])
            changed.append(f"{paths[slug].name}: {', '.join(marks.values())}")
    return changed


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


def _intro(path: Path, checks: list[str]) -> str:
    return (
        f"**Workbook edition** of [{path.name}](../notebooks/{path.name}): the lesson's prose "
        f"with {len(checks)} of its steps left for you to write. Fill each cell that holds "
        f"`...`, run it, then run the `check(...)` cell below it: it prints ✓ with the value "
        f'that proves your answer, or ✗ and what is wrong. `hint("name")` gives the next hint, '
        f'`solution("name")` the reference solution, `progress()` the steps that pass. A cell '
        f"that starts with `needs(...)` builds on your answers: it runs once their checks have "
        f"passed; a pass is remembered until the kernel restarts (after a restart, run the "
        f"notebook from the top). Start again: *File → Revert "
        f"Notebook to Checkpoint*, or `git checkout workbook/{path.name}`."
    )


def _keep_imports(nb: nbformat.NotebookNode) -> None:
    """An import that only the blanks' solutions use stays, marked for ruff: the learner's
    answers use it."""
    loads: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            loads |= _names(cell.source)[0]
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.id == "workbook-import":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines = cell.source.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    bound = (alias.asname or alias.name).split(".")[0]
                    row = alias.lineno - 1
                    if bound not in loads and "noqa" not in lines[row]:
                        lines[row] += KEEP
        cell.source = "\n".join(lines)


def _kept(blank: str, solution: str, path: Path, name: str) -> str:
    """The blank, with each line `<<start>>` replaced by the solution's line that starts so
    (lines the learner keeps, written as the notebook writes them today)."""
    lines = []
    for line in blank.rstrip("\n").splitlines():
        m = re.fullmatch(r"(\s*)<<(.+)>>", line)
        if m:
            found = [s for s in solution.splitlines() if s.strip().startswith(m.group(2))]
            if not found:
                raise MarkerError(f"{path.name}: no line of {name}'s cell starts {m.group(2)!r}")
            line = m.group(1) + found[0].strip()
        lines.append(line)
    return "\n".join(lines)


def _deps(loads: set[str], owned: dict[str, list[str]], order: list[str]) -> list[str]:
    """The steps whose names a cell loads, in the steps' order."""
    deps: list[str] = []
    for var in sorted(loads):
        deps += [d for d in owned.get(var, []) if d not in deps]
    return sorted(deps, key=order.index)


def _gate(deps: list[str]) -> str:
    args = ", ".join(f'"{d}"' for d in deps)
    return f"needs({args})\n"


def generate(
    path: Path, here: set[str]
) -> tuple[nbformat.NotebookNode, dict[str, dict[str, object]]]:
    """The workbook edition of one solution notebook, and its steps' solutions."""
    nb = nbformat.read(path, as_version=4)
    out = nbformat.v4.new_notebook()
    out.metadata = {k: v for k, v in nb.metadata.items() if k != "widgets"}
    solutions: dict[str, dict[str, object]] = {}
    owned: dict[str, list[str]] = {}  # a name the learner makes -> the checks it rests on
    order = list(STEPS)
    rebinds_progress = any(  # a cell of the lesson names its own `progress` (a widget)
        "progress" in _names(c.source)[1] for c in nb.cells if c.cell_type == "code"
    )
    first_code = True
    slug = re.sub(r"^\d\d_", "", path.stem)
    for cell in nb.cells:
        marker = cell.metadata.get("workbook")
        meta = {k: v for k, v in cell.metadata.items() if k not in ("workbook", "execution")}
        if cell.cell_type != "code":
            new = (
                nbformat.v4.new_raw_cell(cell.source)
                if cell.cell_type == "raw"
                else nbformat.v4.new_markdown_cell(_link(cell.source, here))
            )
            new.id, new.metadata = cell.id, meta if cell.cell_type != "raw" else {}
            out.cells.append(new)
            if cell.source.startswith("# ") and not any(
                c.id == "workbook-intro" for c in out.cells
            ):
                intro = nbformat.v4.new_markdown_cell("")
                intro.id = "workbook-intro"
                out.cells.append(intro)
            continue
        if marker:
            name = marker.get("check")
            if name not in STEPS:
                raise MarkerError(
                    f"{path.name}: cell {cell.id} is marked for unknown step {name!r}"
                )
            step = STEPS[name]
            solutions[name] = {
                "notebook": path.name,
                "slug": slug,
                "cell": len(out.cells),
                "solution": cell.source,
            }
            blank = nbformat.v4.new_code_cell(_kept(step.blank, cell.source, path, name))
            blank.id, blank.metadata = cell.id, meta
            test = nbformat.v4.new_code_cell(f'check("{name}")')
            test.id = f"{cell.id}-check"[:64]
            out.cells += [blank, test]
            for var in _names(cell.source)[1]:
                owned[var] = [name]
            continue
        loads, stores = _names(cell.source)
        deps = _deps(loads - stores, owned, order)
        gate = deps
        for var in stores:
            if deps:
                owned[var] = deps
            else:
                owned.pop(var, None)
        new = nbformat.v4.new_code_cell((_gate(gate) if gate else "") + cell.source)
        new.id, new.metadata = cell.id, meta
        out.cells.append(new)
        if first_code:
            first_code = False
            setup = IMPORT.format(name=path.name)
            if rebinds_progress:  # imported again by the last cell, after the lesson's own
                setup = setup.replace(" progress,", "")
            imp = nbformat.v4.new_code_cell(setup)
            imp.id = "workbook-import"
            out.cells.append(imp)
    _keep_imports(out)
    end = nbformat.v4.new_code_cell((REIMPORT if rebinds_progress else "") + PROGRESS)
    end.id = "workbook-progress"
    out.cells.append(end)
    for cell in out.cells:
        if cell.get("id") == "workbook-intro":
            cell.source = _intro(path, list(solutions))
    nbformat.validate(out)
    return out, solutions


def build(root: Path = SOURCE) -> dict[str, str]:
    """Every file of workbook/ as text, by file name."""
    paths = sources(root)
    here = {p.name for p in paths.values()}
    files: dict[str, str] = {}
    solutions: dict[str, dict[str, object]] = {}
    for path in paths.values():
        nb, sol = generate(path, here)
        files[path.name] = nbformat.writes(nb) + "\n"
        solutions.update(sol)
    missing = sorted(set(STEPS) - set(solutions))
    if missing:
        raise MarkerError(
            f"no cell is marked for {', '.join(missing)}: run tools/workbook.py --mark"
        )
    files["solutions.json"] = (
        json.dumps(solutions, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mark", action="store_true", help="set the markers, then build")
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare workbook/ and the markers with a fresh build; write nothing (with "
        "--mark: the markers are compared, not written)",
    )
    args = parser.parse_args(argv)
    try:
        if args.mark and args.check:
            stale_marks = mark(write=False)
            if stale_marks:
                print(f"markers are stale ({'; '.join(stale_marks)}): run `make workbook`")
                return 1
        elif args.mark:
            for line in mark():
                print(f"marked {line}")
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
    for old in WORKBOOK.glob("[0-9][0-9]_*.ipynb"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (WORKBOOK / name).write_text(text, encoding="utf-8")
    print(f"workbook/: {len(files) - 1} notebooks, {len(STEPS)} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
