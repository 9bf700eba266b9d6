"""Explorers for "Going deeper": draw a name one character at a time (04), watch the net train (08).

Each explorer is a box of ipywidgets whose pictures are small SVG strings, built in the kernel from
the 27x27 tables only: an update is O(V^2) arithmetic and a few kB of text, so a button press is
answered at the speed of the screen (`make bench` measures it in the page). What one press
changes (a name, its last choice and the bars; a loss, its curve and softmax(W)) is one `HTML`
widget, set once per press: ipywidgets sends one message per widget, so separate widgets could
show a learner (or a test) a new name beside the previous choice. `box.parts` names the widgets
to drive from Python (`box.parts["next"].click()`, `box.parts["view"].value`).
`StaticBox` is the box they (and the smoothing slider of 05) are shown in: its display bundle
also carries a one-line `text/plain` and, if it has one, an `image/png` picture, which static
views (GitHub, nbviewer, an HTML export) show while JupyterLab shows the live widget.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]
import torch

from helpers import bigram, ngram
from helpers.bigram import SEED

LEARNING_RATES: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0)


class StaticBox(widgets.VBox):
    """A `VBox` whose display also carries a short text and an optional PNG for static views."""

    def __init__(
        self,
        children: list[widgets.Widget],
        summary: str | Callable[[], str],
        picture: Callable[[], bytes] | None = None,
        alt: Callable[[], str] | None = None,
        needs_kernel: bool = False,
        parts: dict[str, widgets.Widget] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(children, **kwargs)
        # The widgets a caller drives or reads by name (`box.parts["next"].click()`, `.value`):
        # tests and tools/book.py use these instead of positions in `children`.
        self.parts: dict[str, widgets.Widget] = dict(parts or {})
        if needs_kernel:  # its controls call Python: a static page shows its picture instead
            self.add_class("needs-kernel")
        self._summary = summary
        self._picture = picture
        self._alt = alt

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The widget view, a one-line `text/plain`, and `image/png` of the current picture
        with its text alternative in the display metadata (`alt`, which exporters write)."""
        data: dict[str, Any] = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self._summary if isinstance(self._summary, str) else self._summary()
        metadata: dict[str, Any] = {}
        if self._picture is not None:
            data["image/png"] = base64.b64encode(self._picture()).decode("ascii")
            if self._alt is not None:
                metadata["image/png"] = {"alt": self._alt()}
        return data, metadata


def _fmt(x: float) -> str:
    """A coordinate for SVG: two decimals are more than a screen can show."""
    return f"{x:.2f}"


def row_bars_svg(
    row: list[float], itos: dict[int, str], chosen: int | None = None, context: str = "."
) -> str:
    """The probabilities of one row of `P` as an SVG bar chart, the drawn bar marked."""
    V = len(row)
    width, height, base, top = 22 * V + 10, 190, 160, 30
    scale = (base - top) / max(max(row), 1e-12)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'class="bars" data-context="{html.escape(context)}">',
        f'<text x="5" y="16" font-size="13">P(next character | {html.escape(repr(context))})'
        + (f", drawn: {html.escape(repr(itos[chosen]))}" if chosen is not None else "")
        + "</text>",
    ]
    for i, p in enumerate(row):
        ch = html.escape(itos[i])
        h = p * scale
        mark = i == chosen
        parts.append(
            f'<rect class="bar{" chosen" if mark else ""}" data-ch="{ch}" data-p="{p:.6f}" '
            f'x="{5 + 22 * i}" y="{_fmt(base - h)}" width="18" height="{_fmt(h)}" '
            f'fill="{"#d95f02" if mark else "#4c78a8"}"><title>{ch}: {p:.4f}</title></rect>'
        )
        weight = ' font-weight="bold"' if mark else ""
        parts.append(
            f'<text x="{14 + 22 * i}" y="{base + 16}" font-size="13" text-anchor="middle"'
            f"{weight}>{ch}</text>"
        )
    if chosen is not None:
        x = 14 + 22 * chosen
        y = base - row[chosen] * scale - 4
        parts.append(f'<text x="{x}" y="{_fmt(y)}" font-size="11" text-anchor="middle">▼</text>')
    parts.append("</svg>")
    return "".join(parts)


def sampling_view_html(name: str, choice: str, bars: str) -> str:
    """The sampling explorer's view: the name so far, the last choice and the row's bars, as one
    HTML value, so the page shows all three of the same draw at once (never a half update)."""
    return (
        f'<div class="name-so-far">{html.escape(name)}</div>'
        f'<div class="choice">{html.escape(choice)}</div>'
        f'<div class="row-bars">{bars}</div>'
    )


def sampling_explorer(P: torch.Tensor, itos: dict[int, str], seed: int = SEED) -> StaticBox:
    """Draw names one character at a time with the lesson's loop, seeing each row of `P`.

    Defined for 04_sampling (Going deeper). children: [0] the buttons "next character" and
    "new name" with the seed box, [1] the view (one `HTML`: the name so far `.name-so-far`, the
    probability of the last choice `.choice`, the row drawn from as bars `.row-bars`), updated
    in one message per press. The same widgets by name in `box.parts`: "next", "new", "seed",
    "view". Every press of "next character" is one
    `torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g)`; after the end
    marker the next press starts the next name from the same generator, so from the lesson's
    seed the names come out as the lesson's loop (and `bigram.sample_name`) draws them. "new
    name" abandons the name being drawn; a new seed starts over; a seed torch cannot take is
    reported in the choice line and changes nothing.
    """
    V = P.shape[1]
    if P.shape[0] != V:
        raise ValueError(f"P must be square (a bigram table), got shape {tuple(P.shape)}")
    sentinel = itos[0]
    next_button = widgets.Button(description="next character").add_class("next-char")
    new_button = widgets.Button(description="new name").add_class("new-name")
    seed_box = widgets.IntText(value=seed, description="seed").add_class("seed-box")
    view = widgets.HTML().add_class("sampling-view")

    g = torch.Generator().manual_seed(seed)
    out: list[str] = []
    state: dict[str, Any] = {"ix": 0, "done": False, "shown": (None, 0)}

    def show(chosen: int | None, context: int, notice: str | None = None) -> None:
        """Redraw the name, the choice line (or `notice`) and the bars of row `context`."""
        state["shown"] = (chosen, context)
        word = "".join(out)
        name = f"finished name: {word!r}" if state["done"] else f"name so far: {word!r}"
        if notice is not None:
            choice = notice
        elif chosen is None:
            choice = f"press 'next character' to draw from row {itos[context]!r}"
        else:
            p = P[context, chosen].item()
            choice = f"drew {itos[chosen]!r} after {itos[context]!r} with probability {p:.4f}"
        bars = row_bars_svg(P[context].tolist(), itos, chosen, itos[context])
        view.value = sampling_view_html(name, choice, bars)

    def start_name() -> None:
        out.clear()
        state["ix"], state["done"] = 0, False

    def next_char(_: object = None) -> None:
        if state["done"]:
            start_name()
        context = state["ix"]
        p = P[context]
        ix = int(torch.multinomial(p, num_samples=1, replacement=True, generator=g).item())
        if ix == 0:
            state["done"] = True
        else:
            out.append(itos[ix])
        state["ix"] = ix
        show(ix, context)

    def new_name(_: object = None) -> None:
        start_name()
        show(None, 0)

    def reseed(change: dict) -> None:
        try:
            g.manual_seed(int(change["new"]))
        except (RuntimeError, ValueError, OverflowError):  # outside torch's seed range
            notice = f"seed {change['new']} is out of range; the seed is unchanged"
            chosen, context = state["shown"]
            show(chosen, context, notice)
            return
        new_name()

    next_button.on_click(next_char)
    new_button.on_click(new_name)
    seed_box.observe(reseed, names="value")
    new_name()
    return StaticBox(
        [widgets.HBox([next_button, new_button, seed_box]), view],
        summary=(
            f"sampling explorer: draws names from P one character at a time "
            f"(seed {seed}, end marker {sentinel!r}); run the notebook to use it"
        ),
        needs_kernel=True,
        parts={"next": next_button, "new": new_button, "seed": seed_box, "view": view},
    )


def heatmap_svg(T: torch.Tensor, itos: dict[int, str], title: str, css: str) -> str:
    """A V x V table of probabilities as SVG squares, darker = more probable."""
    V = T.shape[0]
    cell, left, top = 9, 14, 30
    size = left + cell * V + 4
    rows = T.tolist()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{top + cell * V + 4}" '
        f'class="{css}">',
        f'<text x="{left}" y="14" font-size="13">{html.escape(title)}</text>',
        f'<text x="{left}" y="26" font-size="9">next character →</text>',
    ]
    for i, row in enumerate(rows):
        parts.append(
            f'<text x="{left - 3}" y="{top + cell * i + 8}" font-size="8" '
            f'text-anchor="end">{html.escape(itos[i])}</text>'
        )
        for j, p in enumerate(row):
            # sqrt: most cells are tiny; the square root keeps them visible next to the largest.
            shade = math.sqrt(max(p, 0.0))
            parts.append(
                f'<rect x="{left + cell * j}" y="{top + cell * i}" width="{cell}" '
                f'height="{cell}" fill="#08306b" fill-opacity="{shade:.3f}" data-p="{p:.6f}">'
                f"<title>{html.escape(itos[i] + itos[j])}: {p:.4f}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def loss_curve_svg(losses: list[float], bound: float, ceiling: float) -> str:
    """The loss after each step so far as an SVG line, the count model's loss dashed."""
    width, height, left, right, top, bottom = 330, 250, 48, 10, 24, 30
    steps = len(losses) - 1
    x_max = max(steps, 10)
    hi = max(max(losses), ceiling)
    lo = bound - 0.05 * (hi - bound)

    def x(k: float) -> float:
        return left + (width - left - right) * k / x_max

    def y(v: float) -> float:
        return top + (height - top - bottom) * (hi - v) / (hi - lo)

    stride = max(1, len(losses) // 600)  # at most ~600 points: the screen has fewer pixels
    kept = list(range(0, len(losses), stride))
    if kept[-1] != steps:
        kept.append(steps)
    points = " ".join(f"{_fmt(x(k))},{_fmt(y(losses[k]))}" for k in kept)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'class="loss-curve" data-steps="{steps}" data-loss="{losses[-1]:.6f}">',
            f'<text x="{left}" y="14" font-size="13">training loss after each step</text>',
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y(bound))}" '
            f'y2="{_fmt(y(bound))}" stroke="#1b9e77" stroke-dasharray="5,4"/>',
            f'<text x="{width - right}" y="{_fmt(y(bound) - 4)}" font-size="10" '
            f'text-anchor="end" fill="#1b9e77">count model {bound:.4f}</text>',
            f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}" stroke="#888"/>',
            f'<line x1="{left}" x2="{width - right}" y1="{height - bottom}" '
            f'y2="{height - bottom}" stroke="#888"/>',
            f'<text x="{left - 4}" y="{_fmt(y(hi) + 4)}" font-size="10" '
            f'text-anchor="end">{hi:.2f}</text>',
            f'<text x="{left - 4}" y="{_fmt(y(lo) + 4)}" font-size="10" '
            f'text-anchor="end">{lo:.2f}</text>',
            f'<text x="{left}" y="{height - bottom + 14}" font-size="10">0</text>',
            f'<text x="{width - right}" y="{height - bottom + 14}" font-size="10" '
            f'text-anchor="end">{x_max} steps</text>',
            f'<polyline points="{points}" fill="none" stroke="#4c78a8" stroke-width="2"/>',
            f'<circle cx="{_fmt(x(steps))}" cy="{_fmt(y(losses[-1]))}" r="3" fill="#4c78a8"/>',
            "</svg>",
        ]
    )


def training_view_html(steps: int, loss: str, diff: str, curve: str, net: str) -> str:
    """The training explorer's view after `steps` steps: the loss line, the largest difference,
    the loss curve and softmax(W), as one HTML value, so the page shows all four of the same
    step at once; each part carries `data-steps`, so a reader can tell which step it shows."""
    return (
        f'<div class="train-loss" data-steps="{steps}">{html.escape(loss)}</div>'
        f'<div class="train-diff" data-steps="{steps}">{html.escape(diff)}</div>'
        '<div class="train-pictures" style="display: flex; align-items: flex-end; gap: 8px">'
        f'<div class="train-curve" data-steps="{steps}">{curve}</div>'
        f'<div class="net-table" data-steps="{steps}">{net}</div></div>'
    )


def training_explorer(
    N: torch.Tensor, itos: dict[int, str], lr: float = 50.0, l2: float = 0.0
) -> StaticBox:
    """Train the one-layer net from W = 0 by buttons and watch softmax(W) become P.

    Defined for 08_matches_counts (Going deeper). children: [0] the buttons "1 step",
    "10 steps", "100 steps" with the learning rates (toggle buttons), [1] an `HBox` of the view
    (one `HTML`: the loss `.train-loss`, the largest |softmax(W) - P| `.train-diff`, the loss
    curve `.train-curve` and softmax(W) `.net-table`, updated in one message per press) and P
    (`HTML`, `.count-table`, never changes). The same widgets by name in `box.parts`: "1 step",
    "10 steps", "100 steps", "rate", "view", "counts". Each step is plain gradient descent with
    `ngram.count_loss_and_grad`: the one-hot net's full-batch gradient, computed from the counts
    in O(V^2). It keeps up with the screen when torch runs on one thread
    (`torch.set_num_threads(1)` in the notebook; on two threads a busy machine made 10 steps take
    p90 164 ms instead of 2 ms); it never changes torch's thread count itself.
    """
    V = N.shape[1]
    if lr not in LEARNING_RATES:
        raise ValueError(f"lr must be one of {LEARNING_RATES}, got {lr}")
    P = bigram.probabilities(N, 0.0, dtype=torch.float64)  # the count model (05, alpha = 0)
    bound = bigram.average_nll(N, 0.0)
    W = bigram.init_weights(V, V).detach()  # zeros: the uniform model, loss ln V
    loss, grad = ngram.count_loss_and_grad(W, N, l2)
    losses = [loss]

    buttons = []
    for k in (1, 10, 100):
        button = widgets.Button(description=f"{k} step{'s' if k > 1 else ''}")
        button.add_class(f"train-{k}")
        buttons.append((k, button))
    # Buttons, not a slider: each is reached by Tab, pressed by Enter or Space, and named by
    # its text; ipywidgets' slider handle has no accessible name in JupyterLab (axe: serious).
    rate = widgets.ToggleButtons(
        options=[(f"{r:g}", r) for r in LEARNING_RATES],
        value=lr,
        description="learning rate",
        tooltips=[f"learning rate {r:g}" for r in LEARNING_RATES],
        style={"description_width": "initial", "button_width": "42px"},
    )
    rate.add_class("learning-rate")
    view = widgets.HTML().add_class("training-view")
    count_map = widgets.HTML(heatmap_svg(P, itos, "P (counts, α = 0)", "count-table"))
    count_map.add_class("count-map")

    def show() -> None:
        steps = len(losses) - 1
        loss_text = (
            f"after {steps} step{'' if steps == 1 else 's'}: loss {losses[-1]:.4f} nats "
            f"(count model {bound:.4f}, gap {losses[-1] - bound:.4f})"
        )
        Q = ngram.net_probabilities(W)
        diff = (Q.to(torch.float64) - P).abs().max().item()
        view.value = training_view_html(
            steps,
            loss_text,
            f"largest |softmax(W) - P| = {diff:.4f}",
            loss_curve_svg(losses, bound, math.log(V)),
            heatmap_svg(Q, itos, "softmax(W) (the net)", "net-heatmap"),
        )

    def train(steps: int) -> None:
        nonlocal grad
        for _ in range(steps):
            W.sub_(rate.value * grad)
            loss, grad = ngram.count_loss_and_grad(W, N, l2)
            losses.append(loss)
        show()

    for k, button in buttons:
        button.on_click(lambda _, k=k: train(k))
    show()
    return StaticBox(
        [
            widgets.HBox([button for _, button in buttons] + [rate]),
            # bottoms aligned: the two tables side by side, the view's text lines above its own
            widgets.HBox([view, count_map], layout=widgets.Layout(align_items="flex-end")),
        ],
        summary=(
            f"training explorer: gradient descent on the bigram net from W = 0 "
            f"(count model's loss {bound:.4f}); run the notebook to use it"
        ),
        needs_kernel=True,
        parts={
            **{button.description: button for _, button in buttons},
            "rate": rate,
            "view": view,
            "counts": count_map,
        },
    )
