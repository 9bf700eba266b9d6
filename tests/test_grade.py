"""tools/grade.py on a folder of five returned workbooks: solved, blank, half done, one whose
kernel crashes, one that loops. Each runs in a fresh kernel; the crash and the hang are reported
and skipped; the CSV holds student x step."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat

from helpers import checks, course
from tools import grade as tool

ROOT = Path(__file__).resolve().parent.parent

FIRST = course.workbook()[0]  # the workbook's first notebook (01), declared in course.toml
BOOK = ROOT / "workbook" / FIRST.name
SOLUTIONS = json.loads((ROOT / "workbook" / "solutions.json").read_text(encoding="utf-8"))
STEPS = [name for name, step in checks.STEPS.items() if step.notebook == FIRST.slug]  # in order


def _filled(k: int, extra: str | None = None) -> nbformat.NotebookNode:
    """Notebook 01 with its first k blanks filled with the solutions (and `extra` as the last
    blank's text, if given)."""
    nb = nbformat.read(BOOK, as_version=4)
    checks = [i for i, c in enumerate(nb.cells) if c.source.startswith('check("')]
    for n, i in enumerate(checks[:k]):
        nb.cells[i - 1].source = SOLUTIONS[STEPS[n]]["solution"]
    if extra is not None:
        nb.cells[checks[-1] - 1].source = extra
    return nb


def test_grade_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    books = {
        "solved": _filled(4),
        "blank": _filled(0),
        "half": _filled(2),
        "crash": _filled(3, "import os\n\nos._exit(1)"),
        "loop": _filled(3, "while True:\n    pass"),
    }
    for student, nb in books.items():
        (folder / student).mkdir()
        nbformat.write(nb, folder / student / BOOK.name)
    out = tmp_path / "grades.csv"
    lines, results = tool.grade(folder, out, timeout=12, jobs=3)

    rows = {r["student"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == set(books)
    assert [rows["solved"][s] for s in STEPS] == ["1", "1", "1", "1"]
    assert [rows["blank"][s] for s in STEPS] == ["0", "0", "0", "0"]
    assert [rows["half"][s] for s in STEPS] == ["1", "1", "0", "0"]
    assert "crashed" in rows["crash"]["problems"] and rows["crash"]["passed"] == "0"
    assert "timed out" in rows["loop"]["problems"] and rows["loop"]["passed"] == "0"
    assert len(lines) <= 24 and all(len(line) <= 120 for line in lines)
    assert any("solved" in line and "4/4" in line for line in lines)
