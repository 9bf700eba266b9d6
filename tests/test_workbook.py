"""The workbook: generated from the step declarations, current, ruff clean, and every diagnosis
tested by construction.

Every step's reference is ✓ and every mistake's wrong value gets that mistake's message. The
notebooks run in a kernel (shipped, solved, and with the corpus of learners' answers) in
tests/test_workbook_answers.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

from helpers import course
from helpers.checks import NOTEBOOKS, STEPS, learner
from helpers.checks.core import MAX_LINE, Wrong, diagnose

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook"
BOOKS = sorted(WORKBOOK.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = json.loads((WORKBOOK / "solutions.json").read_text(encoding="utf-8"))
MISTAKES = [(s, k) for s in STEPS.values() for k in range(len(s.mistakes))]


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "workbook.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


# --- generated and current -----------------------------------------------------------------------


def test_committed_workbook_is_a_fresh_generation() -> None:
    run = _tool("--check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_marking_again_changes_nothing(tmp_path: Path) -> None:
    """--mark finds every step's cell by its text; on the committed notebooks it is a no-op."""
    from tools import workbook as tool

    for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert tool.mark(tmp_path) == []
    first = tmp_path / course.workbook()[0].name  # the workbook's first notebook (course.toml)
    nb = nbformat.read(first, as_version=4)
    for cell in nb.cells:  # markers wiped: --mark puts every one back where it was
        cell.metadata.pop("workbook", None)
    nbformat.write(nb, first)
    assert [line.split(":")[0] for line in tool.mark(tmp_path)] == [first.name]
    assert tool.mark(tmp_path) == []


def test_generated_workbook_is_ruff_clean() -> None:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", str(WORKBOOK)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout


def test_one_declaration_per_check_name_and_every_step_marked() -> None:
    assert len(STEPS) == 45
    assert sorted(SOLUTIONS) == sorted(STEPS)
    covered = {SOLUTIONS[n]["slug"] for n in STEPS}
    assert covered <= set(NOTEBOOKS)
    assert [p.name for p in BOOKS] == sorted({SOLUTIONS[n]["notebook"] for n in STEPS})


def test_no_checks_module_over_500_lines() -> None:
    for path in (ROOT / "helpers" / "checks").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name


def test_workbook_is_committed_without_outputs() -> None:
    for path in BOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_references_come_from_the_data_not_the_lesson_module() -> None:
    """Only the seed constant comes from helpers.bigram, whose results the checks judge."""
    for path in (ROOT / "helpers" / "checks").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("import ", "from ")) and "bigram" in line:
                assert line.startswith("from helpers.bigram import SEED"), (path.name, line)


# --- (a) every diagnosis, by construction ---------------------------------------------------------


@pytest.mark.parametrize("name", list(STEPS))
def test_reference_is_right(name: str) -> None:
    step = STEPS[name]
    assert diagnose(step, step.reference())
    assert all(len(h) <= MAX_LINE for h in step.hints)


@pytest.mark.parametrize(
    ("name", "k"),
    [(s.name, k) for s, k in MISTAKES],
    ids=[f"mistake-{s.name}-{k}" for s, k in MISTAKES],
)
def test_mistake_is_named(name: str, k: int) -> None:
    step = STEPS[name]
    mistake = step.mistakes[k]
    wrong = {**step.reference(), **mistake.makes()}
    with pytest.raises(Wrong) as err:
        diagnose(step, wrong)
    assert str(err.value).endswith(mistake.says)  # a guard (core.changed) leads with the facts
    assert len(str(err.value)) <= MAX_LINE


def test_unknown_names_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for fn in (learner.check, learner.hint, learner.solution):
        fn("count_matrx")
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and "'count_matrix'" in out and "Traceback" not in out
    learner.check("typo")
    assert capsys.readouterr().out.startswith("✗ no check named 'typo'")


@pytest.mark.parametrize("arg", [None, 42, ["emma"], 1.5, ("words",)])
def test_any_object_is_one_line(arg: object, capsys: pytest.CaptureFixture[str]) -> None:
    for fn in (learner.check, learner.hint, learner.solution, learner.progress):
        fn(arg)  # type: ignore[operator]
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and "Traceback" not in out, (fn.__name__, out)
    with pytest.raises(learner.NotYet) as err:
        learner.needs(arg)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_a_value_passed_for_its_name_is_told_the_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    words = ["emma", "olivia"]
    learner.check(words, {"words": words})
    assert capsys.readouterr().out == '✗ check takes the step\'s name in quotes: check("words").\n'
    with pytest.raises(learner.NotYet) as err:
        learner.needs("typo")
    assert "no check named 'typo'" in str(err.value)


def test_a_learners_function_that_never_returns_is_stopped() -> None:
    from helpers.checks.core import call

    def trigrams_of(word: str) -> list[str]:
        while True:
            pass

    with pytest.raises(Wrong) as err:
        call({"trigrams_of": trigrams_of}, "trigrams_of", "emma", seconds=0.5)
    assert "ran 0.5 s of CPU without returning" in str(err.value)  # CPU time, not the clock


def test_nan_and_none_values_get_a_fact_not_could_not_check() -> None:
    import torch

    for N in (
        torch.full((27, 27), float("nan")),
        None,
        "N",
        torch.zeros(27, 27, dtype=torch.int32),
    ):
        ok, line = learner.result("count_matrix", {"N": N})
        assert not ok and line.startswith("✗ ") and "could not check" not in line, line
    assert learner.result("count_matrix", {"N": torch.zeros(27, 27, dtype=torch.int32)})[
        1
    ].startswith("✗ `N` is all zeros (its sum should be 228,146)")


def test_a_cause_is_named_only_when_the_value_proves_it() -> None:
    """The slips of round 3 that were told a cause they did not make."""
    import torch

    from helpers.checks import ref

    letters = sorted(set("".join(ref.words())))
    stoi = {s: i for i, s in enumerate(letters)} | {".": 26}  # '.' is 26: nothing collides
    line = learner.result("stoi_itos", {"stoi": stoi, "itos": {i: s for s, i in stoi.items()}})[1]
    assert "collide" not in line and "stoi['a'] is 0" in line
    N = ref.N().clone()
    N[:, 0] = 0  # the end '.' missing
    line = learner.result("count_matrix", {"N": N.int()})[1]
    assert "end '.'" in line and "start" not in line, line
    W = ref.seeded_W().requires_grad_()
    W2 = W - 0.1 * torch.ones(27, 27)  # W = W - ...: not a leaf
    line = learner.result("gradient_step", {"W": W2})[1]
    assert "no longer the leaf" in line, line


def test_PyTorchs_errors_the_lesson_teaches_are_said_in_its_words() -> None:
    learner._last.clear()
    learner._last.update(
        value=None,
        error=RuntimeError(
            "Trying to backward through the graph a second time (or directly access saved "
            "tensors after they have already been freed). Specify retain_graph=True if ..."
        ),
        source="for k in range(4):\n    loss.backward()",
    )
    try:
        line = learner._raised(learner.STEPS["backward"])
    finally:
        learner._last.clear()
    assert (
        line is not None
        and "own forward pass" in line
        and "retain_graph" not in line.split("(PyTorch")[0]
    )


def test_a_dict_looked_up_with_a_tensor_is_told_item() -> None:
    learner._last.clear()
    learner._last.update(
        value=None,
        error=KeyError(torch.tensor([3])),
        source="ix = torch.multinomial(p, 1, generator=g)\nout.append(itos[ix])",
    )
    try:
        line = learner._raised(learner.STEPS["sampling_P"])
    finally:
        learner._last.clear()
    assert line is not None and "KeyError: tensor([3])" in line and ".item()" in line, line


@pytest.mark.parametrize(
    ("step", "error", "says"),
    [
        ("words", FileNotFoundError(2, "No such file or directory", "names.txt"), "open(path)"),
        ("bigram_counts", KeyError(("<S>", "e")), ".get(key, 0) + 1"),
        ("ranked", TypeError("bad operand type for unary -: 'str'"), "sorted(b.items())"),
    ],
)
def test_python_errors_with_a_cause_the_lesson_teaches(
    step: str, error: Exception, says: str
) -> None:
    learner._last.clear()
    names = " ".join(n for n in learner.STEPS[step].reads if n.isidentifier()) or "x"
    learner._last.update(value=None, error=error, source=f"{names} = 1")
    try:
        line = learner._raised(learner.STEPS[step])
    finally:
        learner._last.clear()
    assert line is not None and line.startswith("✗ ") and says in line, line


def test_hint_then_solution(capsys: pytest.CaptureFixture[str]) -> None:
    hints = STEPS["count_matrix"].hints
    learner._hints_given.pop("count_matrix", None)
    for k, text in enumerate(hints, start=1):
        learner.hint("count_matrix")
        assert capsys.readouterr().out == f"hint {k}/{len(hints)}: {text}\n"
    learner.hint("count_matrix")
    assert 'solution("count_matrix")' in capsys.readouterr().out
    learner.solution("count_matrix")
    assert "N = torch.zeros((27, 27), dtype=torch.int32)" in capsys.readouterr().out


def test_first_hints_nudge_without_code() -> None:
    for step in STEPS.values():
        assert step.hints[0] != step.hints[1], step.name
    for name in ("one_hot_float", "softmax", "gradient_step", "stoi_itos", "count_matrix"):
        assert " = " not in STEPS[name].hints[0], name


def test_a_printed_value_is_read_again_only_when_reading_it_changes_nothing() -> None:
    """`print(len(words))` shows len(words); a printed draw from g is never drawn a second time."""
    import torch

    from helpers.checks.learner import _printed

    g = torch.Generator().manual_seed(2147483647)
    ns = {
        "words": ["emma", "ava"],
        "N": torch.ones(3, 3, dtype=torch.int32),
        "g": g,
        "torch": torch,
    }
    assert _printed("print(len(words))", ns) == 2
    assert _printed("print(min(len(w) for w in words))", ns) == 3
    assert _printed("print(N[1, 2].item(), N.sum().item())", ns) == (1, 9)
    state = g.get_state()
    assert _printed("print(torch.rand(1, generator=g))", ns) is None
    assert torch.equal(g.get_state(), state), "the check drew from the learner's generator"
