"""Every "Defined in NN..." in a helper's docstring names a notebook that shows that function.

A docstring line such as `Defined in 07_training.` promises the learner that notebook 07 is
where the function is taught. The promise holds when that notebook's code uses the function of
that module (`bigram.forward_nll(...)`, or `from helpers.bigram import forward_nll`: helpers.bigram
and helpers.ngram share some names, and `bigram.count_matrix` does not show `ngram.count_matrix`),
or defines its inline twin: a `def` whose name the docstring gives in backticks (e.g. "Defined
in 08_matches_counts (inline as `loss_and_grad`)").
Names are read from the parsed code, so a mention in a comment or a string does not count.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFINED_IN = re.compile(r"Defined in (\d\d)(?:_(\w+))?")
BACKTICKED = re.compile(r"`([A-Za-z_]\w*)`")


def _documented_functions() -> list[tuple[str, str, str]]:
    """(module file, function name, docstring) for every helper function with a docstring."""
    found = []
    for path in sorted((ROOT / "helpers").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                doc = ast.get_docstring(node)
                if doc and DEFINED_IN.search(doc):
                    found.append((path.name, node.name, doc))
    return found


def _notebook(number: str, name: str | None) -> Path | None:
    if name:
        path = NOTEBOOKS / f"{number}_{name}.ipynb"
        return path if path.exists() else None
    matches = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    return matches[0] if len(matches) == 1 else None


def _code_names(path: Path) -> tuple[set[str], set[str]]:
    """(`module.name`s used, functions defined) in a notebook's code, shell and magic lines skipped.

    `bigram.forward_nll` is used as such, and so is `forward_nll` after `from helpers.bigram
    import forward_nll`.
    """
    used: set[str] = set()
    defined: set[str] = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = [
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("!", "%"))
        ]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                used.add(f"{node.value.id}.{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module[:8] == "helpers.":
                used |= {f"{node.module[8:]}.{a.name}" for a in node.names}
            elif isinstance(node, ast.FunctionDef):
                defined.add(node.name)
    return used, defined


CLAIMS = [
    (module, function, number, name, doc)
    for module, function, doc in _documented_functions()
    for number, name in DEFINED_IN.findall(doc)
]


def test_the_helpers_make_such_claims():
    assert CLAIMS, "no helper docstring says 'Defined in NN': did the pattern change?"


@pytest.mark.parametrize(
    ("module", "function", "number", "name", "doc"),
    CLAIMS,
    ids=[f"{m}:{f}->{n}" for m, f, n, _, _ in CLAIMS],
)
def test_defined_in_names_a_notebook_that_shows_the_function(module, function, number, name, doc):
    path = _notebook(number, name or None)
    assert path is not None, (
        f"{module}: {function} says 'Defined in {number}_{name}', and there is no such notebook"
    )
    used, defined = _code_names(path)
    twins = set(BACKTICKED.findall(doc)) & defined
    qualified = f"{module.removesuffix('.py')}.{function}"
    assert qualified in used or twins, (
        f"{module}: {function} says it is defined in {path.name}, but that notebook's code neither "
        f"uses {qualified} nor defines an inline twin named in the docstring"
    )
