"""What only a kernel shows, on workbook/01 in one real kernel: the value under a cell (`_`,
read by the IPython hook, even after a loop that shadows `_`), a last-line print, a trailing
semicolon, a learner's own exception, a gate's one line, and a restart (passes are remembered
for the session only). Everything else about the answers runs in process
(tests/test_workbook_answers.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.util import run_sync

ROOT = Path(__file__).resolve().parent.parent
BOOK = next((ROOT / "workbook").glob("01_*.ipynb"))


def _out(cell: nbformat.NotebookNode) -> str:
    parts = []
    for o in cell.outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type == "error":
            parts.append("ERROR " + " | ".join(o.traceback))
    return "".join(parts)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    nb = nbformat.v4.new_notebook()
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    )

    def run(source: str) -> str:
        cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
        client.execute_cell(cell, len(nb.cells) - 1)
        return _out(cell)

    with client.setup_kernel():
        cells = [c.source for c in nbformat.read(BOOK, as_version=4).cells if c.cell_type == "code"]
        run(cells[0])  # path
        run(cells[1])  # the setup cell: check, hint, needs, progress, solution, start
        yield run, client


def test_a_gate_before_its_check_passes_is_one_line(kernel) -> None:  # type: ignore[no-untyped-def]
    run, _ = kernel
    out = run('needs("words")\nwords[:10]')
    assert out.startswith("ERROR ⏸") and 'check("words")' in out and "Traceback" not in out
    assert out.count("\n") == 0


def test_a_learners_exception_is_named_by_the_check(kernel) -> None:  # type: ignore[no-untyped-def]
    run, _ = kernel
    run("words = open(path).read().splitlines()[undefined_name]")
    out = run('check("words")')
    assert out.startswith("✗ your cell above stopped") and out.count("\n") == 1, out


def test_the_value_under_the_cell(kernel) -> None:  # type: ignore[no-untyped-def]
    run, _ = kernel
    run("words = open(path).read().splitlines()")
    assert run('check("words")').startswith("✓ ")
    assert run('needs("words")\nlen(words[:3])') == ""  # the gate opens
    for answer, ok in (
        ("len(words)", True),
        ("for _ in words:\n    pass\nlen(words)", True),  # a loop shadows `_`
        ("print(len(words))", True),  # a last-line print is read again (it changes nothing)
        ("len(words);", False),  # a trailing semicolon shows no value
        ("len(set(words))", False),
    ):
        run(answer)
        out = run('check("n_words")')
        assert out.startswith("✓ " if ok else "✗ ") and out.count("\n") == 1, (answer, out)
    assert run("progress()").startswith("01_dataset.ipynb: 2/4 steps pass")


def test_after_a_restart_the_passes_are_gone(kernel) -> None:  # type: ignore[no-untyped-def]
    run, client = kernel
    run_sync(client.km.restart_kernel)()
    run_sync(client.kc.wait_for_ready)(timeout=60)
    cells = [c.source for c in nbformat.read(BOOK, as_version=4).cells if c.cell_type == "code"]
    run(cells[0])
    run(cells[1])
    out = run('needs("words")')
    assert out.startswith("ERROR ⏸"), out


def test_what_a_cell_prints_is_kept_for_the_checks(kernel) -> None:  # type: ignore[no-untyped-def]
    run, _ = kernel
    run("from helpers.checks import learner as _learner")
    run('for ch1, ch2 in zip("emma", "mma"):\n    print(ch1, ch2)')
    assert run("print(repr(_learner._last.get('printed')))").strip() == repr("e m\nm m\nm a\n")
