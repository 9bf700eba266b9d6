"""What the prose of the notebooks says is true: its code exists, its figures are the outputs'.

1. **Code the prose names exists.** Every backticked reference in the markdown of a notebook,
   of the workbook, of docs/ or of the README to our modules (`bigram.sample_name(P, itos, g)`,
   `ngram.count_matrix`, `helpers.bigram`), to torch (`torch.multinomial(...)`,
   `F.cross_entropy(logits, ys)`), or to a helper function by its own name (`load_words(path)`)
   must resolve to what exists, and, when the reference shows a call, the arguments shown must
   bind to the function's signature.
2. **Figures the prose gives are the notebook's outputs.** Every figure of the markdown with two
   decimals or more (`2.4541`, `0.61`) or grouped by commas (`228,146`) must be printed in the
   notebook's stored outputs, to the digits quoted (an output of 2.45409 supports `2.4541` and
   `2.454`), unless the sentence says whose figure it is instead. The marks read naturally:
   - the video or the lecture (`the video prints …`, `the lecture's notebook stores …`), another
     convention or solution (`… found elsewhere`), a paper or program by name (`makemore.py`);
   - another notebook of the course (`notebook 05`, `05's`): the figure is then looked up in
     that notebook's outputs;
   - arithmetic done in the prose: a figure right after `=` or `≈` whose left side computes
     it (`ln 27 ≈ 3.2958`, `1 − 0.66 = 0.34`), and the same figure again further on;
   - a setting, not a result: a number the notebook's code writes (`lr 50`, `2_000` steps), or
     one the sentence shows in code (`momentum=0.99`);
   - a figure printed by an earlier notebook (the learner has seen it: 228,146 bigrams).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [ROOT / "notebooks" / nb.name for nb in course.NOTEBOOKS]
WORKBOOK = [ROOT / "workbook" / nb.name for nb in course.workbook()]
HELPERS = ["bigram", "ngram", "data", "plots", "explorers", "slider", "checks", "course"]

# --- 1. code references --------------------------------------------------------------------------

SPAN = re.compile(r"`([^`\n]+)`")
QUALIFIED = re.compile(
    r"^(?:helpers\.)?(bigram|ngram|data|plots|explorers|slider|checks|course)"
    r"\.([A-Za-z_]\w*)(\(.*\))?$"
)
TORCH = re.compile(r"^(torch|F)\.([A-Za-z_][\w.]*?)(\(.*\))?$")
BARE = re.compile(r"^([a-z_]\w*)(\(.*\))$")


def _public_functions() -> dict[str, object]:
    """Every public function of helpers' modules, by its bare name (for `load_words(path)`)."""
    found: dict[str, object] = {}
    for name in HELPERS:
        module = importlib.import_module(f"helpers.{name}")
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and not attr.startswith("_"):
                if value.__module__.startswith("helpers"):
                    found.setdefault(attr, value)
    return found


def _markdown(path: Path) -> list[tuple[int, str]]:
    nb = nbformat.read(path, as_version=4)
    return [(k, c.source) for k, c in enumerate(nb.cells) if c.cell_type == "markdown"]


def _binds(target: object, call: str) -> str | None:
    """None if the call's arguments, as written, fit target's signature; else why not."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return None  # prose, not code: `F.one_hot(…)` with an ellipsis, say
    if not isinstance(node, ast.Call):
        return None
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return None
    try:
        signature = inspect.signature(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None  # a builtin without a signature: resolving it is all we can check
    try:
        signature.bind(*node.args, **{k.arg: k.value for k in node.keywords if k.arg})
    except TypeError as err:
        return str(err)
    return None


FILE_NAME = re.compile(r"\.(toml|py|md|txt|ipynb|json|ya?ml|csv|html|cfg)$")


def _resolve(span: str, functions: dict[str, object]) -> str | None:
    """None if `span` names nothing of ours, or names what exists; else the problem."""
    span = span.strip()
    if FILE_NAME.search(span):
        return None  # `course.toml` is a file, not helpers.course's attribute
    if m := QUALIFIED.match(span):
        module = importlib.import_module(f"helpers.{m.group(1)}")
        if not hasattr(module, m.group(2)):
            return f"helpers.{m.group(1)} has no {m.group(2)}"
        if m.group(3):
            call = f"f{m.group(3)}"
            return _binds(getattr(module, m.group(2)), call)
        return None
    if m := TORCH.match(span):
        target: object = torch if m.group(1) == "torch" else F
        for part in m.group(2).split("."):
            if not hasattr(target, part):
                return f"{m.group(1)}.{m.group(2)} does not exist"
            target = getattr(target, part)
        return _binds(target, f"f{m.group(3)}") if m.group(3) else None
    if (m := BARE.match(span)) and m.group(1) in functions:
        return _binds(functions[m.group(1)], f"f{m.group(2)}")
    return None


DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def _texts(path: Path) -> list[tuple[int, str]]:
    if path.suffix == ".md":
        return [(0, path.read_text(encoding="utf-8"))]
    return _markdown(path)


@pytest.mark.parametrize(
    "path", NOTEBOOKS + WORKBOOK + DOCS, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_the_code_the_prose_names_exists(path):
    functions = _public_functions()
    wrong = []
    for k, text in _texts(path):
        for span in SPAN.findall(text):
            problem = _resolve(span, functions)
            if problem:
                wrong.append(f"cell {k}: `{span}`: {problem}")
    assert not wrong, f"{path.parent.name}/{path.name}:\n" + "\n".join(wrong)


# --- 2. figures ----------------------------------------------------------------------------------

# "about 60", "~400": a count given roughly must round what is printed to the digits it shows.
ROUGHLY = re.compile(r"(?:about|around|nearly|roughly|~)\s*(\d+(?:,\d{3})*)(?![\w.,]\d|\.\d)")
FIGURE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+\.\d{2,})(?![\w]|[.,]\d)")
NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?")
ANOTHER_SOURCE = re.compile(
    r"video|lecture|karpathy|makemore\.py|elsewhere|other solutions|convention|paper",
    re.IGNORECASE,
)
OTHER_NOTEBOOK = re.compile(r"\bnotebooks? (\d\d)\b|\b(\d\d)(?:'s|–\d\d)\b|\bof (\d\d)\b")
ARITHMETIC = re.compile(r"(ln|log|√|²|³|×|/|\+|−|\^|\d\s*-\s*\d|\*)[^=≈]{0,40}[=≈]\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z*(`])|\n\s*\n|\n- |\n\d+\. |\|")


def _outputs(path: Path) -> str:
    text = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            text.append(out.get("text", ""))
            data = out.get("data", {})
            text += [data.get("text/plain", ""), data.get("text/html", "")]
            text += [str(v) for k, v in out.get("metadata", {}).items() if k == "alt"]
    return "\n".join(t if isinstance(t, str) else "".join(t) for t in text)


Printed = tuple[set[str], list[tuple[float, int]]]


def _printed(outputs: str) -> Printed:
    """The numbers printed in the outputs: text (commas dropped), values and decimals."""
    texts, values = set(), []
    for raw in NUMBER.findall(outputs):
        plain = raw.replace(",", "")
        texts.add(plain)
        decimals = len(plain.split(".")[1]) if "." in plain and "e" not in plain else 0
        values.append((float(plain), decimals))
    return texts, values


def _supported(figure: str, printed: Printed) -> bool:
    plain = figure.replace(",", "")
    texts, values = printed
    if plain in texts:
        return True
    if "." not in plain:
        return False
    decimals = len(plain.split(".")[1])
    target = float(plain)
    # a value printed to as many digits or more that rounds to the figure: 2.45409 supports
    # 2.4541 and 2.454; 3.759 does not support 3.7590
    return any(d >= decimals and round(v, decimals) == target for v, d in values)


def _roughly(figure: str, printed: Printed) -> bool:
    """`about 400` holds if a value printed rounds to 400 at its last nonzero digit."""
    plain = figure.replace(",", "")
    step = 10 ** (len(plain) - len(plain.rstrip("0"))) if plain.strip("0") else 1
    target = int(plain)
    return any(abs(v - target) <= step / 2 for v, _ in printed[1])


def _literals(path: Path) -> set[float]:
    """The numbers the notebook's code writes: its settings (lr 50, 2_000 steps, 1e-3)."""
    found: set[float] = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = [x for x in cell.source.splitlines() if not x.lstrip().startswith(("!", "%"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
                found.add(float(node.value))
    return found


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are not prose
    text = re.sub(r"\$[^$]*\$", "", text)  # nor is LaTeX
    return [s for s in SENTENCE_END.split(text) if s and s.strip()]


def _outputs_of_notebooks(numbers: set[str]) -> list[Printed]:
    found = []
    for number in numbers:
        try:
            found.append(_printed(_outputs(ROOT / "notebooks" / course.by_number(number).name)))
        except KeyError:
            pass
    return found


def unsupported_figures(path: Path) -> list[str]:
    """The figures of the notebook's markdown that nothing supports (see the module docstring).

    Supported: printed by this notebook or an earlier one (the learner has seen it), or by the
    notebook the sentence names; a number the notebook's code writes (a setting); arithmetic done
    in the sentence; a sentence that names another source.
    """
    earlier = [nb.number for nb in course.NOTEBOOKS]
    earlier = earlier[: earlier.index(path.name[:2])]
    printed = _printed(
        _outputs(path)
        + "\n".join(_outputs(ROOT / "notebooks" / course.by_number(n).name) for n in earlier)
    )
    literals = _literals(path)
    computed: set[str] = set()  # figures the prose has worked out already
    wrong = []
    for k, text in _markdown(path):
        if "nav" in nbformat.read(path, as_version=4).cells[k].metadata:
            continue
        for sentence in _sentences(text):
            if ANOTHER_SOURCE.search(sentence):
                continue
            others = {n for m in OTHER_NOTEBOOK.finditer(sentence) for n in m.groups() if n}
            elsewhere = _outputs_of_notebooks(others)
            code = " ".join(SPAN.findall(sentence)).replace("_", "")
            for m in FIGURE.finditer(sentence):
                figure = m.group(1)
                if float(figure.replace(",", "")) in literals or figure.replace(",", "") in code:
                    continue  # a setting the code writes, not a result
                if figure in computed:
                    continue
                if ARITHMETIC.search(sentence[max(0, m.start() - 60) : m.start()]):
                    computed.add(figure)
                    continue
                if _supported(figure, printed) or any(_supported(figure, o) for o in elsewhere):
                    continue
                wrong.append(f"cell {k}: {figure} in “{sentence.strip()[:160]}”")
            for m in ROUGHLY.finditer(sentence):
                figure = m.group(1)
                value = float(figure.replace(",", ""))
                if value < 10 or value in literals or figure in computed:
                    continue
                if not (_roughly(figure, printed) or any(_roughly(figure, o) for o in elsewhere)):
                    wrong.append(f"cell {k}: about {figure} in “{sentence.strip()[:160]}”")
    return wrong


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_figures_of_the_prose_are_in_the_outputs(path):
    wrong = unsupported_figures(path)
    assert not wrong, (
        f"{path.name}: figures not in its outputs, nor said to be another source's:\n"
        + "\n".join(wrong)
    )


# --- the tests' own checks -----------------------------------------------------------------------


def test_the_reference_check_catches_the_stale_names():
    functions = _public_functions()
    assert _resolve("bigram.count_matrix(words, stoi, n=3)", functions)  # no n= in bigram's
    assert _resolve("bigram.training_pairs(words, stoi, 3)", functions)
    assert _resolve("bigram.no_such_function", functions)
    assert _resolve("ngram.count_matrix(words, stoi, 3)", functions) is None
    assert _resolve("load_words(path)", functions) is None
    assert _resolve("load_words(path, 1, 2, 3)", functions)
    assert _resolve("torch.multinomial", functions) is None
    assert _resolve("F.no_such", functions)
    assert _resolve("P.sum(1, keepdim=True)", functions) is None  # a variable's: not checked
    assert _resolve("solution()", functions)  # helpers.checks.learner.solution needs a name
    assert _resolve("course.toml", functions) is None


def test_the_figure_check_reads_as_intended():
    printed = _printed("loss 2.4540941 and 228146 examples; 0.6064 [3.759]")
    assert _supported("2.4541", printed) and _supported("2.454", printed)
    assert _supported("228,146", printed) and _supported("0.61", printed)
    assert not _supported("2.4542", printed) and not _supported("228,147", printed)
    assert not _supported("3.7590", printed), "3.759 says nothing of a fourth decimal"
    assert [m.group(1) for m in FIGURE.finditer("about 2.21 (α = 1), 27 × 27 = 729, 1,458.")] == [
        "2.21",
        "1,458",
    ]
    assert ARITHMETIC.search("ln 27 ≈ ") and ARITHMETIC.search("Each of the 2 × 2,539 = ")
    assert ARITHMETIC.search("1 − (0.8² + 0.1² + 0.1²) = ")
    assert not ARITHMETIC.search("the loss is ")
    counts = _printed("tensor([61, 33, 6]) 406")
    assert _roughly("400", counts) and _roughly("60", counts) and not _roughly("20", counts)


# --- 3. no main path leans on a Going deeper -----------------------------------------------------

GOING_DEEPER = "## Going deeper"
QUALIFIED_NAME = re.compile(r"\b(?:" + "|".join(HELPERS) + r")\.\w+")
RECALL = re.compile(r"#.*\b(notebook|notebooks|lecture|lesson)\b")


def _main_path_cells(path: Path) -> list:
    cells = [c for c in nbformat.read(path, as_version=4).cells if "nav" not in c.metadata]
    for k, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith(GOING_DEEPER):
            return cells[:k]
    return cells


def _helpers_called(cells: list) -> set[str]:
    """`bigram.x`, `ngram.x`, ... that the code of these cells uses."""
    used = set()
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = [x for x in cell.source.splitlines() if not x.lstrip().startswith(("!", "%"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in HELPERS
            ):
                used.add(f"{node.value.id}.{node.attr}")
    return used


def test_what_a_main_path_uses_a_main_path_taught():
    """Each helper a main path calls is named in the prose of this main path or an earlier one."""
    taught: set[str] = set()
    missing = []
    for path in NOTEBOOKS:
        cells = _main_path_cells(path)
        prose = " ".join(c.source for c in cells if c.cell_type == "markdown")
        named = {m.group(0) for m in QUALIFIED_NAME.finditer(prose)}
        named |= {f"{m}.{n}" for m in HELPERS for n in re.findall(r"`(\w+)", prose)}
        taught |= named
        # a line may recall where its step was taught, in a comment: `# notebook 03's stoi`
        code = [c.source for c in cells if c.cell_type == "code"]
        recalled = [x for src in code for x in src.splitlines() if RECALL.search(x)]
        for name in sorted(_helpers_called(cells) - taught):
            if any(name in line for line in recalled):
                continue
            missing.append(f"{path.name}: `{name}` on the main path, taught on none")
    assert not missing, "\n".join(missing)
