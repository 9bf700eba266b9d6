"""Alt text for the notebooks' figures: from each cell's metadata into its outputs.

A figure's text alternative is written once, in the lesson's words, in the metadata of the cell
that draws it: `"alt": ["...", ...]`, one text per PNG the cell shows, in order. The lecture's
code stays as the lecture writes it (a plain `plt.imshow(...)`). After every execution,
tools/execute.py calls `copy_alt`, which writes each text into its output's
display metadata, `{"image/png": {"alt": "..."}}`: JupyterLab, nbconvert and the book write it
into the `<img alt>`. A helper that draws its own picture (the smoothing slider) puts its alt
text into that metadata itself. tests/test_alt_text.py checks that every PNG has one.
"""

from __future__ import annotations

from typing import Any


def png_outputs(cell: Any) -> list[Any]:
    """The cell's outputs that carry an `image/png`, in order."""
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def alt_of(output: Any) -> str:
    """The alt text in an output's display metadata ('' if none)."""
    return str(output.get("metadata", {}).get("image/png", {}).get("alt", ""))


def copy_alt(nb: Any) -> int:
    """Write each code cell's `metadata.alt` texts into its PNG outputs; return how many.

    Raises ValueError when a cell has more alt texts than figures: the texts would describe
    figures it no longer draws.
    """
    written = 0
    for cell in nb.cells if hasattr(nb, "cells") else nb["cells"]:
        texts = cell.get("metadata", {}).get("alt")
        if cell.get("cell_type") != "code" or not texts:
            continue
        outputs = png_outputs(cell)
        if len(texts) > len(outputs):
            raise ValueError(
                f"cell {cell.get('id')}: {len(texts)} alt texts for {len(outputs)} figures"
            )
        for text, output in zip(texts, outputs):  # noqa: B905 (fewer texts: checked by the test)
            output.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = text
            written += 1
    return written
