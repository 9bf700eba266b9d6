"""Every figure of every notebook is described: alt text in its display metadata.

A screen reader, nbconvert's HTML and the book read the `alt` of an output's display metadata
(`{"image/png": {"alt": ...}}`); without it nbconvert writes "No description has been provided
for this image". The texts live in each drawing cell's metadata (`"alt": [...]`) and
tools/execute.py copies them into the outputs (tools/alt.py); the slider writes its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tools import alt

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

PLACEHOLDERS = ("figure size", "no description", "<figure", "axes>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_png_has_alt_text(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing, bad = [], []
    for cell in nb["cells"]:
        texts = cell.get("metadata", {}).get("alt")
        outputs = alt.png_outputs(cell)
        if texts is not None:
            assert len(texts) == len(outputs), (
                f"cell {cell['id']}: {len(texts)} alt texts in its metadata for "
                f"{len(outputs)} figures"
            )
        for k, output in enumerate(outputs):
            text = alt.alt_of(output)
            if not text.strip():
                missing.append(f"cell {cell['id']} figure {k + 1}")
            elif len(text) < 40 or any(p in text.lower() for p in PLACEHOLDERS):
                bad.append(f"cell {cell['id']} figure {k + 1}: {text!r}")
            elif texts is not None:
                assert text == texts[k], f"cell {cell['id']}: re-run tools/execute.py"
    assert not missing, (
        f'figures without alt text (add "alt": [...] to the cell\'s metadata, then run '
        f"tools/execute.py): {missing}"
    )
    assert not bad, f"alt text that describes nothing: {bad}"


def test_copy_alt_writes_the_cell_texts_into_the_outputs() -> None:
    png = {"output_type": "display_data", "data": {"image/png": "iVBO", "text/plain": "<F>"}}
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plt.imshow(N)")
    cell.metadata["alt"] = ["the counts as colours", "the second figure"]
    cell.outputs = [
        nbformat.from_dict(png),
        {"output_type": "stream", "name": "stdout", "text": "x"},
        nbformat.from_dict(png),
    ]
    nb.cells = [cell, nbformat.v4.new_code_cell("1")]
    assert alt.copy_alt(nb) == 2
    assert [alt.alt_of(o) for o in alt.png_outputs(cell)] == [
        "the counts as colours",
        "the second figure",
    ]


def test_copy_alt_refuses_texts_for_figures_that_are_gone() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.metadata["alt"] = ["a figure this cell no longer draws"]
    nb.cells = [cell]
    with pytest.raises(ValueError, match="1 alt texts for 0 figures"):
        alt.copy_alt(nb)
