"""The frames of the book's interactives, recorded at build time from the live widgets' own code.

The web edition has no kernel, so `tools/book.py` drives the widgets of `helpers/` from Python
(`Button.click()`, `.value`) exactly as a learner's clicks would, and records what each shows
after every input: the smoothing slider's page per α (05), the sampling explorer's draws for a
few seeds (04), the training explorer's steps for each learning rate (08). The page then switches
between the recorded frames in the browser (`web/book.js`), with no Python at all.

Each recorder returns plain JSON-able data; pictures are kept as the numbers the widget's own
SVG carries (`data-p`, `fill-opacity`) so the page can redraw them without shipping one SVG per
frame, and as the widget's own SVG for the first frame (the page without JavaScript).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from typing import Any

import torch

from helpers import bigram
from helpers.bigram import SEED
from helpers.data import ensure_names, load_words
from helpers.explorers import LEARNING_RATES, sampling_explorer, training_explorer
from helpers.slider import smoothing_slider

# The sampling explorer: the lesson's seed first (its names are the lesson's), then a few others.
SEEDS: tuple[int, ...] = (SEED, 1, 42, 2026)
NAMES_PER_SEED = {SEED: 10}  # the lesson prints 5 names; 10 go a little further
DEFAULT_NAMES = 5
# The training explorer: the step counts recorded, each reached with its 1/10/100-step buttons.
STEPS: tuple[int, ...] = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)


@dataclass
class Course:
    """The tables the notebooks build (01, 03, 04): names, vocabulary, counts, P."""

    itos: dict[int, str]
    N: torch.Tensor
    P: torch.Tensor


def course() -> Course:
    """As 04 builds them: `P = N.float()` with its rows normalised (no smoothing)."""
    words = load_words(ensure_names())
    stoi, itos = bigram.build_vocab(words)
    N = bigram.count_matrix(words, stoi)
    P = N.float()
    P /= P.sum(1, keepdim=True)
    return Course(itos, N, P)


def _numbers(svg: str, attribute: str) -> list[float]:
    return [float(x) for x in re.findall(rf'{attribute}="([0-9.]+)"', svg)]


SLIDER_DPI = 144  # twice the notebook's 72: sharp on a 2x screen, shown at the same 648 px


def slider_frames(c: Course, row: str = "a", dpi: int = SLIDER_DPI) -> dict[str, Any]:
    """05's slider: for each α its label, NLL text, PNG and alt text, moved by `.value`."""
    box = smoothing_slider(c.N, c.itos, row=row, dpi=dpi)
    slider, stack = box.children[0], box.children[1]
    start = slider.index
    frames = []
    for k, (label, alpha) in enumerate(slider.options):
        slider.value = alpha
        assert slider.index == k
        page = stack.children[slider.index]  # the page the browser's link shows
        found = re.search(r'src="([^"]+)" alt="([^"]*)"', page.children[1].value)
        assert found is not None, "each page of the slider is an <img> with its alt text"
        src, alt = found.groups()
        png = base64.b64decode(src.removeprefix("data:image/png;base64,"))
        frames.append({"label": label, "alpha": alpha, "text": page.children[0].value})
        frames[-1]["png"], frames[-1]["alt"] = png, alt
    return {"start": start, "frames": frames, "scale": dpi / 72}


def _part(view: str, css: str) -> str:
    """The content of the view's `<div class="css" ...>`: the explorers of helpers/explorers.py
    show each press as one HTML value of such divs (sampling_view_html, training_view_html)."""
    found = re.search(rf'<div class="{css}"[^>]*>(.*?)</div>(?=<div|</div>|$)', view, flags=re.S)
    assert found is not None, f"the explorer's view has a .{css} part"
    return found[1]


def sampler_frames(c: Course, seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """04's explorer: every press of "next character" until a few names are finished, per seed.

    A frame is the explorer's two lines and its bars after one press: the row drawn from
    (`context`) and the character drawn (`chosen`), read back from the bars' own SVG.
    """
    box = sampling_explorer(c.P, c.itos)
    next_button, seed_box, view = box.parts["next"], box.parts["seed"], box.parts["view"]

    def shown() -> tuple[str, str, str]:
        """The view's name line, choice line and bars (one widget: all from the same draw)."""
        name, choice = _part(view.value, "name-so-far"), _part(view.value, "choice")
        return html.unescape(name), html.unescape(choice), _part(view.value, "row-bars")

    rows: dict[int, list[float]] = {}
    runs = []
    stoi = {s: i for i, s in c.itos.items()}
    for seed in seeds:
        seed_box.value = seed  # as typing a seed and Enter: a new generator, a new name
        name, choice, _ = shown()
        frames = [{"name": name, "choice": choice, "context": 0}]
        finished = 0
        while finished < NAMES_PER_SEED.get(seed, DEFAULT_NAMES):
            next_button.click()
            name, choice, svg = shown()
            drawn_from = re.search(r'data-context="([^"]*)"', svg)
            assert drawn_from is not None, "the bars name the row they show"
            context = stoi[html.unescape(drawn_from[1])]
            chosen = re.search(r'class="bar chosen" data-ch="([^"]*)"', svg)
            assert chosen is not None, "a press always marks the drawn bar"
            rows.setdefault(context, _numbers(svg, "data-p"))
            frames.append(
                {
                    "name": name,
                    "choice": choice,
                    "context": context,
                    "chosen": stoi[html.unescape(chosen[1])],
                }
            )
            finished += name.startswith("finished")
        runs.append({"seed": seed, "frames": frames})
    seed_box.value = seeds[0]
    first_svg = shown()[2]
    rows.setdefault(0, _numbers(first_svg, "data-p"))
    return {
        "itos": [c.itos[i] for i in range(len(c.itos))],
        "rows": {str(k): v for k, v in sorted(rows.items())},
        "runs": runs,
        "first_svg": first_svg,
    }


def trainer_frames(c: Course, steps: tuple[int, ...] = STEPS) -> dict[str, Any]:
    """08's explorer: for each learning rate, a fresh explorer pressed to each of `steps`.

    A frame is its two lines, its loss curve (the widget's SVG) and softmax(W) as the heatmap's
    shades (`fill-opacity` x 1000, the widget's own numbers).
    """
    runs = []
    first: dict[str, str] = {}
    for lr in LEARNING_RATES:
        box = training_explorer(c.N, c.itos, lr=lr)
        press = {k: box.parts[f"{k} step{'s' if k > 1 else ''}"] for k in (1, 10, 100)}
        view, count_map = box.parts["view"], box.parts["counts"]
        done, frames = 0, []
        for target in steps:
            for size in (100, 10, 1):
                while target - done >= size:
                    press[size].click()
                    done += size
            net, curve = _part(view.value, "net-table"), _part(view.value, "train-curve")
            shades = [round(1000 * x) for x in _numbers(net, "fill-opacity")]
            frames.append(
                {
                    "steps": done,
                    "loss": html.unescape(_part(view.value, "train-loss")),
                    "diff": html.unescape(_part(view.value, "train-diff")),
                    "curve": curve,
                    "shades": shades,
                }
            )
            if not first:
                first = {"curve": curve, "net": net, "count": count_map.value}
        runs.append({"lr": lr, "frames": frames})
    return {"runs": runs, "first": first, "default_lr": 50.0}
