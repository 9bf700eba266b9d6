"""The smoothing slider of 05_nll_smoothing: drag add-alpha smoothing, watch the loss move.

One widget, `smoothing_slider`, built from the 27x27 count table only. Its 34 pictures (one per
alpha, ~35 kB each) are drawn once and sent once; the browser switches between them itself, so
the picture follows keys and drags at the speed of the screen (`make bench`: a kernel round trip
per move took 50-80 ms on a loaded 2-core machine, the switch ~1 ms). The NLL text of each alpha
is made once too and travels with its picture, so it can never trail it, and the slider works
in a static HTML page with no kernel (`make book`). The figure is a
`matplotlib.figure.Figure` drawn by the Agg canvas directly (never pyplot), so importing or using
this module changes no matplotlib state and never leaves a stray inline plot behind.
"""

from __future__ import annotations

import base64
import html
import io
import math

import ipywidgets as widgets  # type: ignore[import-untyped]
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.image import imsave

from helpers import bigram
from helpers.explorers import StaticBox

# alpha = 0 (no smoothing), then quarter-decades from 0.01 to 1e6. Each value is rounded to the
# 3 significant digits its label shows, so the readout and the value are the same number.
ALPHAS: tuple[float, ...] = (0.0,) + tuple(float(f"{10 ** (k / 4):.3g}") for k in range(-8, 25))

# A log axis has no place for 0, so alpha = 0 is drawn a decade left of the smallest positive
# alpha, on a tick labelled "0", as a separate point that the curve does not join. Nothing is
# hidden in the gap: the slider has no stops between 0 and 0.01.
ZERO_AT = 1e-3


class Pages(widgets.Stack):
    """A `Stack` of `VBox(Label, ...)` pages, one per option of `slider`; `value` is the text
    of the page at the slider's index (in Python at once, whatever the browser shows)."""

    def __init__(self, pages: list[widgets.VBox], slider: widgets.SelectionSlider) -> None:
        super().__init__(pages, selected_index=slider.index)
        self._slider = slider

    @property
    def value(self) -> str:
        return str(self.children[self._slider.index].children[0].value)


def nll_curve(N: torch.Tensor, alphas: tuple[float, ...] = ALPHAS) -> list[float]:
    """`bigram.average_nll(N, alpha)` for every alpha: the slider's curve, computed once.

    Defined in 05_nll_smoothing.
    """
    return [bigram.average_nll(N, a) for a in alphas]


def smoothing_slider(
    N: torch.Tensor, itos: dict[int, str], row: str = "a", dpi: int = 72
) -> StaticBox:
    """A slider over `ALPHAS` with the average NLL, its curve, and `row`'s next-char bars.

    Defined in 05_nll_smoothing. children: [0] the `SelectionSlider` (alpha), [1] a `Stack`
    (its `value` is the NLL text shown) of one page per alpha, each a `VBox` of the `Label`
    "average NLL = ... nats" and an `HTML` `<img>` (the NLL-against-alpha curve with the point
    at that alpha, and P[row] as bars) with its alt text, all made once here; the browser shows
    the page at the slider's index (`jsdlink`), with no kernel callback at all. Displayed, the
    box also carries the current picture as `image/png`, with its alt text, for static views.
    """
    stoi = {s: i for i, s in itos.items()}
    if row not in stoi:
        raise ValueError(f"row must be one of the {len(stoi)} characters of itos, got {row!r}")
    V = N.shape[1]
    ix = stoi[row]
    curve = nll_curve(N)
    mle, uniform = curve[0], math.log(V)
    xs = [ZERO_AT if a == 0 else a for a in ALPHAS]
    counts = N[ix].to(torch.float64)

    def row_probs(alpha: float) -> list[float]:
        """P[row] under add-alpha smoothing (one row: O(V))."""
        return bigram.probabilities(counts.view(1, -1), alpha, torch.float64)[0].tolist()

    def bar_outlines(heights: list[float]) -> list[list[tuple[float, float]]]:
        """Corners of one bar per character, 0.8 wide, centred on its index."""
        return [
            [(i - 0.4, 0), (i - 0.4, h), (i + 0.4, h), (i + 0.4, 0)] for i, h in enumerate(heights)
        ]

    # 9 x 3 inches at `dpi` pixels per inch: 648 x 216 px at 72; the web edition draws its
    # frames at 144 (sharp on a 2x phone screen) and shows them at the same 648 px.
    fig = Figure(figsize=(9.0, 3.0), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    ax_nll, ax_row = fig.subplots(1, 2, width_ratios=(1, 1.3))

    ax_nll.axhline(mle, color="tab:green", lw=1, ls="--", label=f"α = 0 (MLE): {mle:.4f}")
    ax_nll.axhline(uniform, color="tab:red", lw=1, ls="--", label=f"uniform ln {V}: {uniform:.4f}")
    ax_nll.plot(xs[1:], curve[1:], color="tab:blue", lw=1.5)
    ax_nll.plot(xs[:1], curve[:1], "o", color="tab:blue", ms=4)
    (marker,) = ax_nll.plot([], [], "o", color="black", ms=8, mfc="none", mew=2)
    ax_nll.set_xscale("log")
    ax_nll.set_xticks([ZERO_AT, 1e-2, 1, 1e2, 1e4, 1e6], ["0", "0.01", "1", "100", "1e4", "1e6"])
    ax_nll.minorticks_off()
    ax_nll.set_xlim(ZERO_AT / 2, ALPHAS[-1] * 2)
    ax_nll.set_ylim(mle - 0.1 * (uniform - mle), uniform + 0.1 * (uniform - mle))
    ax_nll.set_xlabel("α (log scale; 0 at the left)")
    ax_nll.set_ylabel("average NLL (nats)")
    ax_nll.legend(loc="upper left", fontsize=8, frameon=False)
    ax_nll.set_title("average NLL against α (○ = slider)")

    labels = [itos[i] for i in range(V)]
    # The bars are one PolyCollection (one artist, one draw call) rather than ax.bar's V
    # Rectangles: drawing 27 separate patches per update cost more than everything else.
    bars = PolyCollection(bar_outlines(row_probs(alpha=1.0)), color="tab:blue")
    ax_row.add_collection(bars)
    flat = ax_row.axhline(1 / V, color="tab:red", lw=1, ls="--", label=f"uniform 1/{V}")
    ax_row.set_xticks(range(V), labels)
    ax_row.set_xlim(-0.6, V - 0.4)
    ax_row.set_ylim(0, 1.1 * max(max(row_probs(0.0)), 1 / V))
    ax_row.set_xlabel(f"next character after {row!r}")
    ax_row.set_ylabel("probability")
    ax_row.legend(loc="upper right", fontsize=8, frameon=False)
    ax_row.set_title(f"P(next | {row!r}) at the slider's α")

    # Blitting: draw everything that never changes once (this also runs the layout), keep the
    # pixels, and per update paint only the moving artists (the marker, the bars) over a copy
    # of them. A full redraw re-runs the layout and every tick label: several times slower.
    moving = [marker, bars, flat]  # flat: the uniform line stays visible on top of the bars
    for artist in moving:
        artist.set_animated(True)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    fig.set_layout_engine("none")

    def picture(k: int) -> bytes:
        """The PNG for ALPHAS[k]: the moving artists painted over the kept background."""
        marker.set_data([xs[k]], [curve[k]])
        bars.set_verts(bar_outlines(row_probs(ALPHAS[k])))
        canvas.restore_region(background)
        for artist in moving:
            fig.draw_artist(artist)
        buffer = io.BytesIO()
        # zlib level 1: half the time of the default level 6, about the same size here.
        imsave(buffer, canvas.buffer_rgba(), format="png", pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    pictures = [picture(k) for k in range(len(ALPHAS))]
    texts = [f"average NLL = {nll:.4f} nats" for nll in curve]
    top = sorted(range(V), key=lambda i: -counts[i].item())[:3]
    alts = [
        f"Left: the average NLL in nats against α on a log scale, from {mle:.4f} at α = 0 "
        f"(dashed green line: the counts, maximum likelihood) rising toward the uniform "
        f"model's ln {V} = {uniform:.4f} (dashed red line); a circle marks α = {a:g} at "
        f"{nll:.4f}. Right: bars of P(next character | {row!r}) at α = {a:g}; the most "
        f"likely next characters are "
        + ", ".join(f"{itos[i]!r} ({p[i]:.3f})" for i in top)
        + f", and the dashed red line is the uniform 1/{V}."
        for a, nll, p in ((a, nll, row_probs(a)) for a, nll in zip(ALPHAS, curve, strict=True))
    ]
    slider = widgets.SelectionSlider(
        options=[(f"{a:g}", a) for a in ALPHAS],
        value=1.0,
        description="α",
        continuous_update=True,
        # A track of ~560 px (the picture is 648 px wide): room to drag, 17 px per stop; in a
        # narrower column the slider and the picture shrink with it (nothing cut off).
        layout=widgets.Layout(width="100%", max_width="648px"),
    )
    slider.add_class("alpha-slider")
    # One page per alpha, its NLL text above its picture, all made and sent once; the browser
    # shows the page at the slider's index (jsdlink: no kernel round trip, so text and picture
    # follow keys and drags together, and also in a static page with no kernel at all).
    pages = []
    for text, png, alt in zip(texts, pictures, alts, strict=True):
        label = widgets.Label(text).add_class("nll-readout")
        # An <img> with its alt text in an HTML widget: ipywidgets' Image has no alt (and a
        # tooltip on it fails to render in ipywidgets 8.1.9).
        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        image = widgets.HTML(
            f'<img src="{src}" alt="{html.escape(alt)}" style="max-width: 100%; height: auto">'
        )
        pages.append(widgets.VBox([label, image.add_class("slider-picture")]))
    stack = Pages(pages, slider)
    stack.add_class("smoothing-picture")
    # One way, in the browser only: the kernel never sets the stack's index. (A Python link as
    # well sent the kernel's copy of an earlier index back while keys moved the slider on, and
    # a two-way link then carried it to the slider: a key press undone.)
    widgets.jsdlink((slider, "index"), (stack, "selected_index"))
    return StaticBox(
        [slider, stack],
        summary=lambda: f"smoothing slider at α = {slider.value:g}: {texts[slider.index]}",
        picture=lambda: pictures[slider.index],
        alt=lambda: alts[slider.index],
    )
