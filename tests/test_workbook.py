"""The workbook edition (issue 12): generated, current, and its checks say the right thing.

(a) with the reference solutions put back, each workbook notebook runs top to bottom and every
    check prints ✓; (b) as shipped (blanks), it runs without an error and every check prints ✗
    with its first hint; (c) each mistake the issue lists gets its own hint. Expected values are
    the lesson's figures or are written out by hand here, never taken from helpers.checks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import torch
from nbclient import NotebookClient

from helpers import checks
from helpers.checks import CHECKS, result

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook"
BOOKS = sorted(WORKBOOK.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = json.loads((WORKBOOK / "solutions.json").read_text(encoding="utf-8"))


# --- generated and current ------------------------------------------------------------------


def test_committed_workbook_is_a_fresh_generation() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "workbook.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _check_cells(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(index, check name) of every `check("name")` cell."""
    found = []
    for i, cell in enumerate(nb.cells):
        src = cell.source.strip()
        if cell.cell_type == "code" and src.startswith('check("') and src.endswith('")'):
            found.append((i, src[len('check("') : -2]))
    return found


def test_eight_notebooks_at_least_four_checks_each_forty_in_all() -> None:
    assert [p.name[:2] for p in BOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08"]
    names = []
    for path in BOOKS:
        nb = nbformat.read(path, as_version=4)
        found = [name for _, name in _check_cells(nb)]
        assert len(found) >= 4, (path.name, found)
        assert all(CHECKS[n].notebook == path.name for n in found)
        names += found
    assert len(names) >= 40 and len(set(names)) == len(names)
    assert sorted(names) == sorted(CHECKS) == sorted(SOLUTIONS)


def test_workbook_is_committed_without_outputs() -> None:
    for path in BOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_markers_are_invisible_in_the_solution_notebooks() -> None:
    """Only metadata marks a cell: no solution notebook's text mentions the checks."""
    for path in sorted((ROOT / "notebooks").glob("0[1-8]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        marked = [c for c in nb.cells if "workbook" in c.metadata]
        assert len(marked) >= 4, path.name
        text = "\n".join(c.source for c in nb.cells)
        assert "helpers.checks" not in text and 'check("' not in text, path.name


def test_solutions_are_the_solution_notebooks_cells() -> None:
    sources = {
        c.metadata["workbook"]["check"]: c.source
        for path in sorted((ROOT / "notebooks").glob("0[1-8]_*.ipynb"))
        for c in nbformat.read(path, as_version=4).cells
        if "workbook" in c.metadata
    }
    assert sources == SOLUTIONS


# --- (a) and (b): run the workbook notebooks ----------------------------------------------------


# Measured here: on a busy 2-core machine torch's second thread made the lesson's one-hot
# training loop (notebook 06) 3x slower (35 s against 9 s). One thread changes no check.
# Figures are made but not rendered to PNG (the agg backend): nbval draws them in the solution
# notebooks; here that saved ~2 s (notebook 03's 27x27 heatmap with 1,458 labels).
ONE_THREAD = "import torch\n\ntorch.set_num_threads(1)\n%matplotlib agg"
RESET = "%reset -f"


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _assert_no_errors(nb: nbformat.NotebookNode, name: str) -> None:
    for i, check_name in _check_cells(nb):  # printed text only: no `Out[n]` under a check
        assert {o.output_type for o in nb.cells[i].outputs} == {"stream"}, (name, check_name)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            # a %%needs cell runs its code nested: an error there is an output, not a failure
            assert out.output_type != "error", f"{name}: {out.get('ename')}: {out.get('evalue')}"
            assert "Traceback" not in out.get("text", ""), f"{name}: {out['text']}"


def _with_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy
    for i, name in _check_cells(nb):
        nb.cells[i - 1].source = SOLUTIONS[name]  # the blank sits right above its check
    return nb


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotebookClient]:
    """One kernel for all eight notebooks, each run after `%reset -f`: one start and one
    `import torch` instead of sixteen (~3 s each here)."""
    cwd = tmp_path_factory.mktemp("workbook")
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    with client.setup_kernel():
        yield client


def _run(client: NotebookClient, nb: nbformat.NotebookNode) -> None:
    """Run `nb` top to bottom in a cleared namespace; an error in any cell fails the test."""
    client.nb = nb
    nb.cells.insert(0, nbformat.v4.new_code_cell(RESET + "\n" + ONE_THREAD))
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    finally:
        del nb.cells[0]


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.name[:2])
def test_shipped_then_solved(path: Path, kernel: NotebookClient) -> None:
    """(b) as shipped, it runs without an error and every check prints ✗ with its first hint;
    (a) with the reference solutions put back, it runs and every check prints ✓."""
    shipped = nbformat.read(path, as_version=4)
    solved = _with_solutions(shipped)
    _run(kernel, shipped)
    _run(kernel, solved)

    _assert_no_errors(shipped, path.name)
    for i, name in _check_cells(shipped):
        lines = _text(shipped.cells[i]).splitlines()
        assert len(lines) == 1 and lines[0].startswith("✗ "), (name, lines)
        assert lines[0].endswith("Hint: " + CHECKS[name].hints[0]), (name, lines)

    _assert_no_errors(solved, path.name)
    for i, name in _check_cells(solved):
        lines = _text(solved.cells[i]).splitlines()
        assert len(lines) == 1 and lines[0].startswith("✓ "), (name, lines)
    skipped = [c.source.splitlines()[0] for c in solved.cells if "⏸" in _text(c)]
    assert not skipped, f"cells skipped although every check passed: {skipped}"


# --- (c) each mistake of the issue has its own hint ----------------------------------------------


@pytest.fixture(scope="module")
def lesson(names_plain: list[str]) -> dict:
    """The lesson's objects, built here by hand from names.txt (plain Python, then tensors)."""
    words = names_plain
    letters = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(letters)}
    stoi["."] = 0
    return {"words": words, "stoi": stoi, "N": _counts(words, stoi), "letters": letters}


def _counts(words: list[str], stoi: dict[str, int], end: bool = True) -> torch.Tensor:
    """The 27x27 table from a Counter of the pairs (with or without the end '.')."""
    pairs = Counter(p for w in words for p in zip("." + w, w + "." if end else w[0:], strict=False))
    N = torch.zeros((27, 27), dtype=torch.int32)
    for (a, b), k in pairs.items():
        N[stoi[a], stoi[b]] += k
    return N


def _line(name: str, **ns) -> str:
    ok, line = result(name, ns)
    assert "\n" not in line
    return line


def test_right_answers_pass(lesson) -> None:
    N = lesson["N"]
    P = N.float()
    P /= P.sum(1, keepdim=True)
    assert _line("count_matrix", N=N).startswith("✓ N.sum() = 228,146")
    assert _line("P_keepdim", P=P).startswith("✓")
    itos = {i: s for s, i in lesson["stoi"].items()}
    assert _line("stoi_itos", stoi=lesson["stoi"], itos=itos).startswith("✓")
    assert _line("n_words", _=len(lesson["words"])).startswith("✓ 32,033 names")
    assert _line("shortest", _=2).startswith("✓ 2 characters")  # the lecture's 2 and 15
    assert _line("longest", _=15).startswith("✓ 15 characters")


def test_expression_cells_name_what_they_show() -> None:
    assert "different" in _line("n_words", _=29_494)  # len(set(words))
    assert "alphabetically" in _line("shortest", _="aaban")  # min(words)
    assert "not a number" in _line("longest", _=None)
    assert "still shows `...`" in _line("n_words", _=...)
    assert "shows no value yet" in _line("n_words")


def test_row_sums_without_keepdim_normalise_the_columns(lesson) -> None:
    P = lesson["N"].float()
    P /= P.sum(1)  # the bug the lesson shows in notebook 04
    line = _line("P_keepdim", P=P)
    assert line.startswith("✗") and "columns" in line and "keepdim=True" in line
    P1 = (lesson["N"] + 1).float()
    assert "columns" in _line("smoothing", P=P1 / P1.sum(1))


def test_end_token_forgotten_is_32033_short(lesson) -> None:
    N = _counts(lesson["words"], lesson["stoi"], end=False)  # no end token
    assert "32,033 short" in _line("count_matrix", N=N) and "end" in _line("count_matrix", N=N)
    b: Counter[tuple[str, str]] = Counter()
    for w in lesson["words"]:
        chs = ["<S>"] + list(w)
        b.update(zip(chs, chs[1:], strict=False))
    line = _line("bigram_counts", b=dict(b))
    assert "32,033 short" in line and "end token <E>" in line
    assert "end token" in _line("tokens", w="ava", chs=["<S>", "a", "v", "a"], ch1="v", ch2="a")
    stoi = lesson["stoi"]
    pairs = [(stoi[a], stoi[b]) for w in lesson["words"] for a, b in zip("." + w, w, strict=False)]
    xs, ys = torch.tensor([p[0] for p in pairs]), torch.tensor([p[1] for p in pairs])
    assert "32,033 short" in _line("dataset", xs=xs, ys=ys, num=len(xs))


def test_separate_start_and_end_tokens_where_27x27_is_asked(lesson) -> None:
    line = _line("count_matrix", N=torch.zeros((28, 28), dtype=torch.int32))
    assert "28x28" in line and "<S> and <E>" in line
    stoi = {s: i for i, s in enumerate(lesson["letters"])} | {"<S>": 26, "<E>": 27}
    line = _line("stoi_itos", stoi=stoi, itos={i: s for s, i in stoi.items()})
    assert '"<S>"/"<E>"' in line and "27x27" in line


def test_characters_indexed_from_0_collide_with_the_sentinel(lesson) -> None:
    stoi = {s: i for i, s in enumerate(lesson["letters"])}
    stoi["."] = 0  # 'a' and '.' both 0
    itos = {i: s for s, i in stoi.items()}
    assert "collide" in _line("stoi_itos", stoi=stoi, itos=itos)
    assert "shares index 0 with the sentinel" in _line(
        "count_matrix", N=_counts(lesson["words"], stoi)
    )


def test_one_hot_left_as_int64() -> None:
    xs = torch.tensor([0, 5, 13, 13, 1])  # emma, by hand
    xenc = torch.nn.functional.one_hot(xs, num_classes=27)
    line = _line("one_hot_float", xenc=xenc)
    assert "int64" in line and ".float()" in line
    assert _line("one_hot_float", xenc=xenc.float()).startswith("✓")


def _nll_loop(P: torch.Tensor, stoi: dict[str, int], words: list[str], minus: bool = True) -> dict:
    """The lesson's loop of notebook 05 (float32 running sum), optionally without the minus."""
    log_likelihood: float | torch.Tensor = 0.0
    n = 0
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
            n += 1
    nll = -log_likelihood if minus else log_likelihood
    return {"log_likelihood": log_likelihood, "nll": nll, "n": n}


def test_nll_without_the_minus_sign(lesson) -> None:
    P = lesson["N"].float()
    P /= P.sum(1, keepdim=True)
    three = lesson["words"][:3]
    assert "minus" in _line("nll_three_words", **_nll_loop(P, lesson["stoi"], three, minus=False))
    right = _nll_loop(P, lesson["stoi"], three)
    assert _line("nll_three_words", **right).startswith("✓ log_likelihood = -38.7856")  # video
    assert "minus" in _line("loss_by_indexing", loss=torch.tensor(-3.7693))  # the video's loss
    nlls = torch.tensor([4.3993, 4.0145, 3.6234, 2.6080, 4.2012])  # the video's five, by hand
    assert "minus" in _line("nlls_loop", nlls=-nlls)
    assert _line("nlls_loop", nlls=nlls).startswith("✓")


def test_a_sum_where_the_average_is_asked() -> None:
    assert "sum" in _line("loss_by_indexing", loss=5 * 3.7693)  # the video's 3.7693, summed
    line = _line("training_loop", losses=[3.7590 * 228_146, 1e9, 1e9])
    assert "sum over all 228,146" in line and ".mean()" in line


def test_log_of_zero_without_smoothing(lesson) -> None:
    P = lesson["N"].float()
    P /= P.sum(1, keepdim=True)  # forgot the + 1
    assert "log(0)" in _line("smoothing", P=P)
    line = _line("andrejq", **_nll_loop(P, lesson["stoi"], ["andrejq"]))
    assert "log(0) = -inf" in line and "Smooth" in line
    P1 = (lesson["N"] + 1).float()
    P1 /= P1.sum(1, keepdim=True)
    line = _line("andrejq", **_nll_loop(P1, lesson["stoi"], ["andrejq"]))
    assert line.startswith("✓ log_likelihood = -27.8672")  # the video's figure


def _seeded_W(requires_grad: bool = False) -> torch.Tensor:
    g = torch.Generator().manual_seed(2147483647)
    return torch.randn((27, 27), generator=g, requires_grad=requires_grad)


def _losses(
    lesson, steps: int, reset: bool = True, sign: float = 1.0, l2: float = 0.01
) -> list[float]:
    """The lesson's loop of notebook 06 on all bigrams, with the given mistakes."""
    stoi, words = lesson["stoi"], lesson["words"]
    pairs = [(stoi[a], stoi[b]) for w in words for a, b in zip("." + w, w + ".", strict=True)]
    xs, ys = torch.tensor([p[0] for p in pairs]), torch.tensor([p[1] for p in pairs])
    W = _seeded_W(requires_grad=True)
    losses = []
    for _ in range(steps):
        xenc = torch.nn.functional.one_hot(xs, num_classes=27).float()
        counts = (xenc @ W).exp()
        probs = counts / counts.sum(1, keepdim=True)
        loss = -probs[torch.arange(len(ys)), ys].log().mean() + l2 * (W**2).mean()
        losses.append(loss.item())
        if reset:
            W.grad = None
        loss.backward()
        assert W.grad is not None
        W.data += sign * -50 * W.grad
    return losses


def test_the_training_loop_is_the_lessons(lesson) -> None:
    right = _losses(lesson, 3)
    assert [round(x, 4) for x in right[:2]] == [3.7686, 3.3788]  # the video's first two losses
    line = _line("training_loop", losses=right)
    assert line == "✗ 3 losses: the lesson takes 100 steps, for k in range(100)."
    assert "penalty" in _line("training_loop", losses=_losses(lesson, 3, l2=0.0))


def test_gradients_not_reset_between_steps(lesson) -> None:
    line = _line("training_loop", losses=_losses(lesson, 3, reset=False))
    assert "not reset" in line
    # and the one backward pass of notebook 06, run twice into the same W.grad
    W = _seeded_W(requires_grad=True)
    xs, ys = torch.tensor([0, 5, 13, 13, 1]), torch.tensor([5, 13, 13, 1, 0])
    for _ in range(2):
        probs = torch.softmax(torch.nn.functional.one_hot(xs, 27).float() @ W, 1)
        loss = -probs[torch.arange(5), ys].log().mean()
        loss.backward()
    assert "not reset" in _line("backward", loss=loss, W=W)


def test_update_with_the_wrong_sign(lesson) -> None:
    assert "wrong sign" in _line("training_loop", losses=_losses(lesson, 3, sign=-1.0))
    # and the single step of notebook 06, on emma
    W = _seeded_W(requires_grad=True)
    xs, ys = torch.tensor([0, 5, 13, 13, 1]), torch.tensor([5, 13, 13, 1, 0])
    probs = torch.softmax(torch.nn.functional.one_hot(xs, 27).float() @ W, 1)
    (-probs[torch.arange(5), ys].log().mean()).backward()
    assert W.grad is not None
    W.data += 0.1 * W.grad
    assert "wrong sign" in _line("gradient_step", W=W)


def _sample(lesson, g: torch.Generator, use_g: bool = True) -> dict:
    """The lesson's loop of notebook 04 on the rows of N; returns the names a check reads."""
    N, itos = lesson["N"], {i: s for s, i in lesson["stoi"].items()}
    for _ in range(5):
        out, ix = [], 0
        while True:
            p = N[ix].float()
            p = p / p.sum()
            gen = g if use_g else None
            ix = int(torch.multinomial(p, num_samples=1, replacement=True, generator=gen).item())
            out.append(itos[ix])
            if ix == 0:
                break
    return {"g": g, "out": out}


def test_sampling_without_the_generator_is_not_reproducible(lesson) -> None:
    torch.manual_seed(12345)  # the global state, as a learner might have it
    seed = 2147483647
    line = _line("sampling_loop", **_sample(lesson, torch.Generator().manual_seed(seed), False))
    assert "not reproducible" in line and "generator=g" in line
    right = _sample(lesson, torch.Generator().manual_seed(seed))
    assert "".join(right["out"]) == "ka."  # the fifth name notebook 04 prints
    assert _line("sampling_loop", **right).startswith("✓")
    unseeded = torch.rand(3)  # no generator=g
    assert "not reproducible" in _line("seeded_rand", p=unseeded / unseeded.sum())
    g = torch.Generator().manual_seed(seed)
    p = lesson["N"][0].float() / lesson["N"][0].sum()
    ix = int(torch.multinomial(p, 1, replacement=True).item())  # no generator=g
    assert "not reproducible" in _line("one_draw", g=g, ix=ix)


def test_missing_names_say_which_cell_to_run_first() -> None:
    assert "run the cell that makes N first" in _line("count_matrix")
    assert "still `...`" in _line("count_matrix", N=...)


def test_hint_then_solution(capsys) -> None:
    hints = CHECKS["count_matrix"].hints
    checks._hints_given.pop("count_matrix", None)
    for k, text in enumerate(hints, start=1):
        checks.hint("count_matrix")
        assert capsys.readouterr().out == f"hint {k}/{len(hints)}: {text}\n"
    checks.hint("count_matrix")
    assert 'solution("count_matrix")' in capsys.readouterr().out
    checks.solution("count_matrix")
    shown = capsys.readouterr().out
    assert "N = torch.zeros((27, 27), dtype=torch.int32)" in shown  # the lesson's line
    assert shown.strip() == SOLUTIONS["count_matrix"].strip()


def test_after_a_check_shows_the_first_hint_hint_gives_the_second(capsys) -> None:
    hints = CHECKS["one_hot_float"].hints
    checks._hints_given.pop("one_hot_float", None)
    checks.check("one_hot_float", {"xenc": ...})
    assert capsys.readouterr().out.strip().endswith(hints[0])
    checks.hint("one_hot_float")
    assert capsys.readouterr().out == f"hint 2/2: {hints[1]}\n"


def test_a_hint_on_a_blank_does_not_give_the_code_away() -> None:
    # the first hint is printed under every untouched blank: it nudges, the second shows code
    for name in ("one_hot_float", "softmax", "gradient_step", "stoi_itos", "count_matrix"):
        first, second = CHECKS[name].hints[:2]
        assert " = " not in first and first != second, name


def test_the_count_matrix_holds_whole_numbers(lesson) -> None:
    N = torch.zeros((27, 27))
    assert "dtype=torch.int32" in _line("count_matrix", N=N)


def test_a_loss_from_an_earlier_W_is_named() -> None:
    W_old = _seeded_W()
    xs, ys = torch.tensor([0, 5, 13, 13, 1]), torch.tensor([5, 13, 13, 1, 0])
    probs = torch.softmax(torch.nn.functional.one_hot(xs, 27).float() @ W_old, 1)
    loss = -probs[torch.arange(5), ys].log().mean()  # the old probs, built without gradients
    line = _line("backward", loss=loss, W=_seeded_W(requires_grad=True))
    assert "earlier W" in line


def test_the_module_does_not_lean_on_the_lesson_module() -> None:
    """References come from the data file, not from helpers.bigram (whose output they check)."""
    source = (ROOT / "helpers" / "checks.py").read_text(encoding="utf-8")
    # (hints may *mention* bigram.xxx as code for the learner; the module never imports it)
    assert not re.search(r"^\s*(from|import)\s.*\bbigram\b", source, re.MULTILINE)
