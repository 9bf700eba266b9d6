"""Plots the notebooks share, as plain functions that draw on (and return) a matplotlib Axes.

Each function names the notebook that teaches it. Nothing happens on import: no backend is
chosen and no rcParams change. Pass `ax` to draw into an existing figure; without it a new
figure of a readable size is made (the notebook's inline backend shows it at the end of the
cell). End a plotting cell with `plt.show()` or `;` so no object repr is printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle


def _axes(ax: Axes | None, figsize: tuple[float, float], dpi: float | None = None) -> Axes:
    """The given Axes, or the Axes of a new figure of `figsize` inches."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, dpi=dpi)
    return ax


def length_histogram(words: list[str], ax: Axes | None = None) -> Axes:
    """Bar chart of how many words have each length. Defined in 01_dataset."""
    ax = _axes(ax, (8, 4))
    counts = Counter(len(w) for w in words)
    lengths = range(min(counts), max(counts) + 1)
    bars = ax.bar(lengths, [counts[n] for n in lengths], color="tab:blue")
    ax.bar_label(bars, fontsize=8)
    ax.set_xticks(list(lengths))
    ax.set_xlabel("word length (characters)")
    ax.set_ylabel("number of words")
    ax.set_title(f"Length of the {len(words):,} words")
    ax.grid(axis="y", alpha=0.3)
    return ax


def count_heatmap(
    N: torch.Tensor,
    itos: dict[int, str],
    annotate: bool = True,
    ax: Axes | None = None,
    cmap: str = "Blues",
    title: str | None = None,
) -> Axes:
    """The lesson's heatmap of a count matrix, each cell labelled with its pair and count.

    Defined in 03_count_matrix. Rows are the first character, columns the one that follows.
    The default colour map, Blues, is one hue from light to dark: readable with any colour
    vision and in greyscale (so are viridis, matplotlib's default, and Reds).
    `annotate=False` draws only the colours (a smaller figure, for an overview). A new figure
    is 16x16 inches at 80 dpi when annotated (each cell needs room for its two labels).
    """
    rows, cols = N.shape
    if annotate:
        ax = _axes(ax, (16, 16), dpi=80)
    else:
        ax = _axes(ax, (8, 8))
    ax.imshow(N, cmap=cmap)
    if annotate:
        # Readable numbers: dark text on the light cells, white on the dark ones (the lesson's
        # gray is unreadable on both ends of a sequential map).
        dark = N.max().item() * 0.55
        for i in range(rows):
            for j in range(cols):
                chstr = itos[i] + itos[j]
                color = "white" if N[i, j].item() > dark else "black"
                ax.text(j, i, chstr, ha="center", va="bottom", color=color)
                ax.text(j, i, str(N[i, j].item()), ha="center", va="top", color=color)
    long_labels = any(len(itos[j]) > 1 for j in range(cols))
    ax.set_xticks(range(cols), [itos[j] for j in range(cols)], rotation=90 if long_labels else 0)
    ax.set_yticks(range(rows), [itos[i] for i in range(rows)])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("next character (column)")
    ax.set_ylabel("previous character (row)")
    ax.set_title(title or f"Bigram counts ({rows}x{cols})", pad=12)
    return ax


def outline(
    ax: Axes, rows: Sequence[int] = (), cols: Sequence[int] = (), color: str = "red"
) -> Axes:
    """Draw a box around whole rows and columns of a heatmap. Defined in 03_count_matrix."""
    image = ax.images[0].get_array()
    assert image is not None, "outline() needs a heatmap drawn on ax first"
    height, width = image.shape[:2]
    for i in rows:
        ax.add_patch(Rectangle((-0.5, i - 0.5), width, 1, fill=False, ec=color, lw=3))
    for j in cols:
        ax.add_patch(Rectangle((j - 0.5, -0.5), 1, height, fill=False, ec=color, lw=3))
    return ax


def probability_bars(
    p: torch.Tensor, itos: dict[int, str], ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bar chart of one distribution over the vocabulary, e.g. a row of P.

    Defined in 05_nll_smoothing.
    """
    ax = _axes(ax, (10, 3.5))
    ax.bar(range(len(p)), p.tolist(), color="tab:blue")
    ax.set_xticks(range(len(p)), [itos[i] for i in range(len(p))])
    ax.set_xlabel("character")
    ax.set_ylabel("probability")
    ax.set_title(title or "Probability of each character")
    ax.grid(axis="y", alpha=0.3)
    return ax
