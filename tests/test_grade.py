"""tools/grade.py: each returned workbook in a fresh kernel with a time limit, then a CSV of
student x step and a one-screen summary.

What needs a kernel runs in one, each case once: a half-done workbook (notebook 01 up to its
last check, its first two blanks filled with the solutions: real check cells print ✓ and ✗
and the grader reads both, end to end through `grade`), one whose kernel dies, and one that
loops (a tiny notebook each: they need no lesson code). How the grader turns results into the
CSV and the summary (students of one or several notebooks, problems, steps nobody has) needs
none: `run_one` is replaced by recorded results, in process. No time limit here can be hit by
a slow machine: the lesson's notebook has 600 s; only the endless loop is given 1 s.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers import checks, course
from tools import grade as tool

ROOT = Path(__file__).resolve().parent.parent

FIRST = course.workbook()[0]  # the workbook's first notebook (01), declared in course.toml
BOOK = ROOT / "workbook" / FIRST.name
SOLUTIONS = json.loads((ROOT / "workbook" / "solutions.json").read_text(encoding="utf-8"))
STEPS = [name for name, step in checks.STEPS.items() if step.notebook == FIRST.slug]  # in order
GENEROUS = 600.0  # seconds per notebook: a busy machine never reaches it


def _filled(k: int) -> nbformat.NotebookNode:
    """Notebook 01 up to its last check, its first k blanks filled with the solutions."""
    nb = nbformat.read(BOOK, as_version=4)
    check_cells = [i for i, c in enumerate(nb.cells) if c.source.startswith('check("')]
    assert len(check_cells) == len(STEPS)
    for n, i in enumerate(check_cells[:k]):
        nb.cells[i - 1].source = SOLUTIONS[STEPS[n]]["solution"]
    nb.cells = nb.cells[: check_cells[-1] + 1]  # the grader reads check cells only
    return nb


def _tiny(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])


def _rows(out: Path) -> dict[str, dict[str, str]]:
    return {r["student"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}


def test_grade_runs_each_workbook_in_a_kernel(tmp_path: Path) -> None:
    """End to end: a half-done workbook scores its two solved steps, a crash is reported."""
    folder = tmp_path / "returned"
    for student, nb in {"half": _filled(2), "crash": _tiny("import os\n\nos._exit(1)")}.items():
        (folder / student).mkdir(parents=True)
        nbformat.write(nb, folder / student / BOOK.name)
    out = tmp_path / "grades.csv"
    lines, _ = tool.grade(folder, out, timeout=GENEROUS, jobs=2)
    rows = _rows(out)
    assert set(rows) == {"half", "crash"}
    assert [rows["half"][s] for s in STEPS] == ["1", "1", "0", "0"]
    assert rows["half"]["passed"] == "2" and rows["half"]["problems"] == ""
    assert "crashed" in rows["crash"]["problems"] and rows["crash"]["passed"] == "0"
    assert any("half" in line and "2/4" in line for line in lines), lines


def test_a_notebook_that_never_ends_is_stopped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "loop.ipynb"
    nbformat.write(_tiny("while True:\n    pass"), path)
    assert tool.run_one(path, timeout=1) == {"problem": "timed out after 1 s"}


def test_what_is_not_a_notebook_is_reported(tmp_path: Path) -> None:
    """In process: `run_one`'s child reads the file before it starts a kernel."""
    path = tmp_path / "notes.ipynb"
    path.write_text("not json", encoding="utf-8")
    result = tool._execute(path, timeout=GENEROUS)
    assert result["problem"].startswith("not a notebook"), result


def test_results_become_the_csv_and_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process: recorded results per notebook (as `run_one` returns them) into the CSV of
    student x step and the summary, students of one notebook or of several, problems kept."""
    all_steps = {s: True for s in STEPS}
    recorded: dict[str, dict[str, Any]] = {
        "solved/01_dataset.ipynb": {"checks": all_steps},
        "blank/01_dataset.ipynb": {"checks": {s: False for s in STEPS}},
        "half/01_dataset.ipynb": {"checks": {**all_steps, "shortest": False, "longest": False}},
        "crash/01_dataset.ipynb": {"problem": "crashed (the kernel died)"},
        "loop/01_dataset.ipynb": {"problem": "timed out after 300 s"},
        # one student, two notebooks: their steps are merged
        "two/01_dataset.ipynb": {"checks": {"words": True, "n_words": False}},
        "two/02_bigram_dict.ipynb": {"checks": {"tokens": True}},
        # a notebook directly in the folder: its name is the student
        "eve_01_dataset.ipynb": {"checks": {"words": False}},
    }
    folder = tmp_path / "returned"
    for rel in recorded:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("{}", encoding="utf-8")
    (folder / "two" / ".ipynb_checkpoints").mkdir()
    (folder / "two" / ".ipynb_checkpoints" / "01_dataset-checkpoint.ipynb").write_text("{}")

    def run_one(path: Path, timeout: float) -> dict[str, Any]:
        assert timeout == 300
        return recorded[path.relative_to(folder).as_posix()]

    monkeypatch.setattr(tool, "run_one", run_one)
    out = tmp_path / "grades.csv"
    lines, by_student = tool.grade(folder, out, timeout=300, jobs=3)

    header = next(csv.reader(out.open(encoding="utf-8")))
    assert header == ["student", *STEPS, "tokens", "passed", "problems"]  # the course's order
    rows = _rows(out)
    assert set(rows) == {"solved", "blank", "half", "crash", "loop", "two", "eve_01_dataset"}
    assert [rows["solved"][s] for s in STEPS] == ["1"] * 4 and rows["solved"]["passed"] == "4"
    assert [rows["blank"][s] for s in STEPS] == ["0"] * 4 and rows["blank"]["passed"] == "0"
    assert [rows["half"][s] for s in STEPS] == ["1", "1", "0", "0"]
    assert [rows["two"][s] for s in [*STEPS, "tokens"]] == ["1", "0", "", "", "1"]
    assert rows["two"]["passed"] == "2"
    assert rows["solved"]["tokens"] == ""  # a step not in the student's notebooks: blank
    assert rows["crash"]["problems"] == "01_dataset.ipynb: crashed (the kernel died)"
    assert rows["loop"]["problems"] == "01_dataset.ipynb: timed out after 300 s"
    assert rows["crash"]["passed"] == "0" and rows["crash"]["words"] == ""
    assert by_student["eve_01_dataset"]["checks"] == {"words": False}

    assert lines[0] == f"8 notebooks of 7 students -> {out}"
    assert len(lines) <= 24 and all(len(line) <= 120 for line in lines)
    assert any("solved" in line and "4/4" in line for line in lines)
    assert any("loop" in line and "timed out" in line for line in lines)
    # fewest passes first: longest, shortest, tokens (1 each: solved, solved, two), then n_words
    # (solved, half) and words (solved, half, two)
    assert lines[-1] == "  fewest passes: longest 1, shortest 1, tokens 1, n_words 2, words 3"


def test_the_command_line_says_one_line_for_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tool.main([str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"tools/grade.py: {tmp_path / 'nowhere'} is not a folder"
