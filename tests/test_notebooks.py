"""What nbval does not check: how the notebooks are stored and linked.

nbval re-runs each notebook and compares outputs; these tests check that what is committed was
run top to bottom from a clean kernel, holds no error or machine-specific output, teaches with
asserts, and that the navigation, the index and the README table are current.
"""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [ROOT / "notebooks" / nb.name for nb in course.NOTEBOOKS]


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_the_series_is_there():
    on_disk = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [p.name for p in on_disk if p.name != "00_index.ipynb"] == [p.name for p in LESSONS], (
        "notebooks/ holds exactly the notebooks course.toml declares"
    )
    numbers = [p.name[:2] for p in LESSONS]
    assert numbers == sorted(set(numbers)), "two notebooks share a number"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_stored_as_run_top_to_bottom_from_a_clean_kernel(path):
    counts = [c.execution_count for c in _code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), f"re-run {path.name} with tools/execute.py"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_errors_or_machine_specific_text_in_outputs(path):
    for cell in _code_cells(path):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: stored error output"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"/(work|root|home|tmp)/", text), f"{path.name}: a path: {text}"
            assert "Traceback" not in text


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_teaches_with_asserts_and_imports_helpers_plainly(path):
    source = "\n".join(c.source for c in _code_cells(path))
    assert re.search(r"^\s*assert ", source, re.M), f"{path.name} confirms nothing with assert"
    assert "sys.path" not in source, "import helpers as an installed package"
    assert "import *" not in source


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_opens_with_its_title_and_stays_small(path):
    nb = nbformat.read(path, as_version=4)
    content = [c for c in nb.cells if "nav" not in c.metadata]
    assert content[0].cell_type == "markdown"
    heading = course.by_number(path.name[:2]).heading
    assert content[0].source.splitlines()[0] == heading, f"{path.name}: course.toml's {heading!r}"
    assert path.stat().st_size < 1_500_000, "keep a notebook under 1.5 MB (smaller figures)"


def test_navigation_index_and_readme_table_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "nav.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_notebooks_import_the_lesson_never_the_command_line(path):
    # helpers/cli.py is for command-line users; a notebook may show `!makemore-bigram …`.
    for cell in _code_cells(path):
        imports = [line for line in cell.source.splitlines() if "import" in line]
        assert not [line for line in imports if "cli" in line], f"{path.name}: {imports}"


# A stored output that shows how far apart two computations are prints float noise: another CPU
# adds in another order and prints 2.2e-08 where we stored 9.3e-08. Print the claim (`< 1e-6`)
# or a rounding no machine changes instead. Caught two ways: an output line that reports a
# difference, a gap or an error with a tiny number in it, and code that formats such a
# difference in scientific notation.
TINY = re.compile(r"\d(?:\.\d+)?e-(?:0[6-9]|[1-9]\d)")
DIFFERENCE_WORDS = re.compile(r"diff|gap|error|deviation|max \|", re.IGNORECASE)
NOISY_FORMAT = re.compile(r"\{[^{}]*(?:abs\(|\s-\s|diff|err)[^{}]*:[^{}]*e\}")


def _stored_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


WORKBOOK = [ROOT / "workbook" / nb.name for nb in course.workbook()]


@pytest.mark.parametrize("path", LESSONS + WORKBOOK, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_stored_output_prints_float_noise(path):
    for cell in _code_cells(path):
        for line in _stored_text(cell).splitlines():
            assert not (TINY.search(line) and DIFFERENCE_WORDS.search(line)), (
                f"{path.parent.name}/{path.name}: prints noise: {line.strip()!r}; print the claim"
            )
        assert not NOISY_FORMAT.search(cell.source), (
            f"{path.parent.name}/{path.name}: formats a difference in e-notation: print the claim"
        )


def test_the_noise_rule_catches_the_known_case():
    assert TINY.search("largest gradient difference 9.3e-08") and DIFFERENCE_WORDS.search("diff")
    assert NOISY_FORMAT.search('f"largest gradient difference {(a - b).abs().max():.1e}"')
    assert not NOISY_FORMAT.search('f"likelihood = {likelihood:.3e}"')
    assert not TINY.search("likelihood 1.431e-05") or not DIFFERENCE_WORDS.search("likelihood")
