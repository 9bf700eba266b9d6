"""The explorers of 04 and 08 (helpers/explorers.py), driven in process as a learner drives them.

No kernel and no browser: the widgets' own Python API (`Button.click()`, `IntText.value`,
`ToggleButtons.value`) calls the same callbacks a click in JupyterLab calls, and the explorer's
view (`box.parts["view"].value`) is the HTML the page shows, read here with html.parser. Every
number shown is checked against `Reference`, computed from names.txt in plain Python (counts,
softmax, gradient descent); only the names drawn come from torch, through the lesson's own loop
written out below (`torch.multinomial` is what defines them). tests/test_explorers_browser.py
proves, once per explorer, that the same widgets render and respond in JupyterLab.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from typing import Any

import pytest
import torch

from helpers.explorers import StaticBox, sampling_explorer, training_explorer

SEED = 2147483647
PROB_TOL = 5e-5 + 1e-6  # the texts show 4 decimals
LOSS_TOL = 1e-4  # 4 decimals shown, and the explorer's W is float32
CELL_TOL = 2e-6  # data-p carries 6 decimals

PROB_RE = re.compile(r"^drew '(.)' after '(.)' with probability (\d\.\d{4})$")
LOSS_RE = re.compile(
    r"^after (\d+) steps?: loss (\d\.\d{4}) nats \(count model (\d\.\d{4}), gap (-?\d\.\d{4})\)$"
)
DIFF_RE = re.compile(r"^largest \|softmax\(W\) - P\| = (\d\.\d{4})$")


# --- the independent reference ------------------------------------------------------------


class Reference:
    """Counts, P (alpha = 1 and 0) and gradient descent from W = 0, in plain Python."""

    def __init__(self, words: list[str]) -> None:
        self.chars = ["."] + sorted(set("".join(words)))
        self.V = len(self.chars)
        self.ix = {c: i for i, c in enumerate(self.chars)}
        pairs: Counter[tuple[int, int]] = Counter()
        for w in words:
            chs = "." + w + "."
            for a, b in zip(chs, chs[1:], strict=False):
                pairs[self.ix[a], self.ix[b]] += 1
        V = self.V
        self.N = [[pairs[i, j] for j in range(V)] for i in range(V)]
        self.rows = [sum(r) for r in self.N]
        self.total = sum(self.rows)
        self.P1 = [[(c + 1) / (s + V) for c in r] for r, s in zip(self.N, self.rows, strict=True)]
        self.P0 = [[c / s for c in r] for r, s in zip(self.N, self.rows, strict=True)]
        self.bound = (
            -sum(
                c * math.log(c / s) for r, s in zip(self.N, self.rows, strict=True) for c in r if c
            )
            / self.total
        )

    def softmax(self, W: list[list[float]]) -> list[list[float]]:
        out = []
        for row in W:
            m = max(row)
            e = [math.exp(x - m) for x in row]
            s = sum(e)
            out.append([x / s for x in e])
        return out

    def loss(self, W: list[list[float]]) -> float:
        Q = self.softmax(W)
        return (
            -sum(
                c * math.log(q)
                for rn, rq in zip(self.N, Q, strict=True)
                for c, q in zip(rn, rq, strict=True)
                if c
            )
            / self.total
        )

    def step(self, W: list[list[float]], lr: float) -> list[list[float]]:
        """One full-batch gradient step of the one-hot net: dL/dW_ij = (S_i q_ij - N_ij) / T."""
        Q = self.softmax(W)
        return [
            [w - lr * (s * q - c) / self.total for w, q, c in zip(rw, rq, rn, strict=True)]
            for rw, rq, rn, s in zip(W, Q, self.N, self.rows, strict=True)
        ]

    def lesson_P(self) -> torch.Tensor:
        """P = (N + 1) / row sums, as 04 builds it (float32)."""
        P = (torch.tensor(self.N) + 1).float()
        return P / P.sum(1, keepdim=True)

    def lesson_draws(self, g: torch.Generator, count: int) -> list[str]:
        """The lesson's sampling loop (04) from generator `g`: `count` names, each with its
        end marker "." (as the explorer shows a finished name)."""
        P = self.lesson_P()
        names = []
        for _ in range(count):
            out = []
            ix = 0
            while True:
                p = P[ix]
                ix = int(torch.multinomial(p, 1, replacement=True, generator=g).item())
                out.append(self.chars[ix])
                if ix == 0:
                    break
            names.append("".join(out))
        return names

    def lesson_names(self, seed: int, count: int) -> list[str]:
        """The lesson's first `count` names from `seed`, without their end markers."""
        g = torch.Generator().manual_seed(seed)
        return [name[:-1] for name in self.lesson_draws(g, count)]


@pytest.fixture(scope="module")
def ref(names_plain: list[str]) -> Reference:
    return Reference(names_plain)


def test_reference_meets_known_figures(ref: Reference) -> None:
    """The reference itself, against figures that do not come from code."""
    assert ref.V == 27 and ref.total == 228146  # 32,033 names + their end markers (01, 06)
    assert abs(ref.bound - 2.4541) < 1e-4  # the lesson's count-model loss
    assert abs(ref.loss([[0.0] * 27 for _ in range(27)]) - math.log(27)) < 1e-12  # uniform
    # The lesson's first names from its seed, as the video prints them (P = N + 1 normalised).
    assert ref.lesson_names(SEED, 3) == ["cexze", "momasurailezitynn", "konimittain"]


# --- reading a view as the page shows it ---------------------------------------------------


class View(HTMLParser):
    """The text of each classed `<div>` of a view (SVG text left out), and per div the
    attributes of its `<svg>` and of its `<rect>`s and the div's own attributes."""

    def __init__(self, value: str) -> None:
        super().__init__()
        self._open: list[str] = [""]  # "": outside any div
        self._in_svg = 0
        self.text: dict[str, str] = defaultdict(str)
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.svg: dict[str, dict[str, str | None]] = {}
        self.rects: dict[str, list[dict[str, str | None]]] = defaultdict(list)
        self.feed(value)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div":
            css = a.get("class") or ""
            self._open.append(css)
            self.attrs[css] = a
        elif tag == "svg":
            self._in_svg += 1
            self.svg[self._open[-1]] = a
        elif tag == "rect":
            self.rects[self._open[-1]].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._open.pop()
        elif tag == "svg":
            self._in_svg -= 1

    def handle_data(self, data: str) -> None:
        if self._open and not self._in_svg:
            self.text[self._open[-1]] += data


def _view(box: StaticBox) -> View:
    return View(box.parts["view"].value)


# --- the sampling explorer -------------------------------------------------------------------


@pytest.fixture
def sampler(ref: Reference, names_model) -> StaticBox:
    """The sampling explorer on P = (N + 1) / row sums, built as notebook 04 builds it."""
    _, _, itos, N = names_model
    P = (N + 1).float()
    P /= P.sum(1, keepdim=True)
    return sampling_explorer(P, itos)


def _check_sampling(
    view: View, ref: Reference, name: str, finished: bool, context: str, chosen: str | None
) -> None:
    """The view shows `name` (finished or not), the choice of `chosen` after `context` (or the
    prompt to draw from `context`), and the bars of row `context` with `chosen` marked."""
    want = f"finished name: {name!r}" if finished else f"name so far: {name!r}"
    assert view.text["name-so-far"] == want
    choice = view.text["choice"]
    if chosen is None:
        assert choice == f"press 'next character' to draw from row {context!r}"
    else:
        m = PROB_RE.match(choice)
        assert m, choice
        assert (m[1], m[2]) == (chosen, context)
        p = ref.P1[ref.ix[context]][ref.ix[chosen]]
        assert abs(float(m[3]) - p) <= PROB_TOL, (context, chosen, m[3], p)
    assert view.svg["row-bars"]["data-context"] == context
    bars = view.rects["row-bars"]
    assert [b["data-ch"] for b in bars] == ref.chars, "one bar per character, in vocabulary order"
    row = ref.P1[ref.ix[context]]
    heights = [float(b["height"] or "nan") for b in bars]
    for bar, height, p in zip(bars, heights, row, strict=True):
        assert abs(float(bar["data-p"] or "nan") - p) <= CELL_TOL, (context, bar["data-ch"], p)
        assert abs(height / max(heights) - p / max(row)) < 0.01, (context, bar["data-ch"])
    marked = [b["data-ch"] for b in bars if "chosen" in (b["class"] or "").split()]
    assert marked == ([] if chosen is None else [chosen])


def _draw_names(box: StaticBox, ref: Reference, draws: list[str], start: str = "") -> None:
    """Press "next character" once per character of `draws` (each a name with its end marker
    ".", the first continuing `start`), checking the view after every press."""
    for k, drawn in enumerate(draws):
        name = start if k == 0 else ""
        context = name[-1] if name else "."
        for ch in drawn:
            box.parts["next"].click()
            finished = ch == "."
            if not finished:
                name += ch
            _check_sampling(_view(box), ref, name, finished, context, ch)
            context = ch


def test_sampling_explorer_draws_the_lessons_names(sampler: StaticBox, ref: Reference) -> None:
    """From the lesson's seed, click by click: the lesson's first names, every number checked;
    after a finished name the next press starts the next one."""
    _check_sampling(_view(sampler), ref, "", False, ".", None)
    g = torch.Generator().manual_seed(SEED)
    _draw_names(sampler, ref, ref.lesson_draws(g, 5))


def test_new_name_drops_the_name_being_drawn(sampler: StaticBox, ref: Reference) -> None:
    """ "new name" abandons the name and shows row '.'; the generator runs on, unrestarted."""
    g = torch.Generator().manual_seed(SEED)
    (first,) = ref.lesson_draws(g, 1)
    _draw_names(sampler, ref, [first])
    P = ref.lesson_P()
    # Three characters of the second name from the reference generator, drawn by the explorer.
    partial = ""
    ix = 0
    for _ in range(3):
        ix = int(torch.multinomial(P[ix], 1, replacement=True, generator=g).item())
        assert ix != 0, "the lesson's second name has more than 3 characters"
        partial += ref.chars[ix]
    _draw_names(sampler, ref, [partial])
    assert _view(sampler).text["name-so-far"] == f"name so far: {partial!r}"
    sampler.parts["new"].click()
    _check_sampling(_view(sampler), ref, "", False, ".", None)
    _draw_names(sampler, ref, ref.lesson_draws(g, 2))


def test_a_new_seed_starts_over_from_it(sampler: StaticBox, ref: Reference) -> None:
    _draw_names(sampler, ref, ["ce"])  # the lesson's first name begun
    for seed in (42, SEED, 0):
        sampler.parts["seed"].value = seed
        _check_sampling(_view(sampler), ref, "", False, ".", None)
        _draw_names(sampler, ref, ref.lesson_draws(torch.Generator().manual_seed(seed), 2))


@pytest.mark.parametrize("bad", [2**64, -(2**63) - 1])
def test_a_seed_torch_cannot_take_changes_nothing(
    sampler: StaticBox, ref: Reference, bad: int
) -> None:
    """One clear line in the view; the name, the bars and the generator stay as they were."""
    g = torch.Generator().manual_seed(SEED)
    (first,) = ref.lesson_draws(g, 1)
    _draw_names(sampler, ref, [first[:2]])
    before = _view(sampler)
    sampler.parts["seed"].value = bad
    after = _view(sampler)
    assert after.text["choice"] == f"seed {bad} is out of range; the seed is unchanged"
    assert after.text["name-so-far"] == before.text["name-so-far"]
    assert after.rects["row-bars"] == before.rects["row-bars"]
    _draw_names(sampler, ref, [first[2:]], start=first[:2])  # the same generator, continued


def test_sampling_explorer_wants_a_square_table(names_model) -> None:
    _, _, itos, N = names_model
    with pytest.raises(ValueError, match="P must be square"):
        sampling_explorer(N[:5].float(), itos)


def test_each_explorer_shows_a_line_for_static_views(sampler: StaticBox, names_model) -> None:
    _, _, itos, N = names_model
    for box, start in ((sampler, "sampling explorer: "), (training_explorer(N, itos), "train")):
        data, _ = box._repr_mimebundle_()
        assert data["text/plain"].startswith(start), data["text/plain"]
        assert data["text/plain"].endswith("run the notebook to use it")
        assert "needs-kernel" in box._dom_classes


# --- the training explorer -------------------------------------------------------------------


def _cells(rects: list[dict[str, Any]]) -> list[float]:
    return [float(r["data-p"]) for r in rects]


def _check_training(box: StaticBox, ref: Reference, steps: int, W: list[list[float]]) -> None:
    """Every part of the view shows step `steps`, and its numbers are the reference's for W."""
    view = _view(box)
    for part in ("train-loss", "train-diff", "train-curve", "net-table"):
        assert view.attrs[part]["data-steps"] == str(steps), part
    want_loss = ref.loss(W)
    m = LOSS_RE.match(view.text["train-loss"])
    assert m, view.text["train-loss"]
    assert int(m[1]) == steps
    assert abs(float(m[2]) - want_loss) <= LOSS_TOL, (steps, m[2], want_loss)
    assert abs(float(m[3]) - ref.bound) <= PROB_TOL
    assert abs(float(m[4]) - (want_loss - ref.bound)) <= LOSS_TOL
    curve = view.svg["train-curve"]
    assert curve["data-steps"] == str(steps)
    assert abs(float(curve["data-loss"] or "nan") - want_loss) <= LOSS_TOL
    Q = ref.softmax(W)
    shown = _cells(view.rects["net-table"])
    assert len(shown) == ref.V * ref.V
    worst = max(abs(a - b) for a, b in zip(shown, [q for r in Q for q in r], strict=True))
    assert worst <= CELL_TOL + 1e-5, f"softmax(W) cell off by {worst}"
    diff = max(
        abs(q - p) for rq, rp in zip(Q, ref.P0, strict=True) for q, p in zip(rq, rp, strict=True)
    )
    m2 = DIFF_RE.match(view.text["train-diff"])
    assert m2 and abs(float(m2[1]) - diff) <= LOSS_TOL, (view.text["train-diff"], diff)


def test_training_explorer_steps_as_gradient_descent(ref: Reference, names_model) -> None:
    """From W = 0, 1 + 10 steps at the default rate 50, 10 at 100, 100 at 1: after each press
    the loss, the gap, the curve and every cell of softmax(W) are the reference's."""
    _, _, itos, N = names_model
    box = training_explorer(N, itos)
    V = ref.V
    W = [[0.0] * V for _ in range(V)]
    _check_training(box, ref, 0, W)
    counts = View(box.parts["counts"].value)
    shown_P = _cells(counts.rects[""])
    assert (
        max(abs(a - b) for a, b in zip(shown_P, [p for r in ref.P0 for p in r], strict=True))
        <= CELL_TOL
    )
    steps = 0
    rate = box.parts["rate"]
    assert rate.value == 50.0
    for lr, k in ((50.0, 1), (50.0, 10), (100.0, 10), (1.0, 100)):
        rate.value = lr
        box.parts[f"{k} step{'s' if k > 1 else ''}"].click()
        for _ in range(k):
            W = ref.step(W, lr)
        steps += k
        _check_training(box, ref, steps, W)
    assert ref.loss(W) > ref.bound  # the reference itself: never below the count model
    assert View(box.parts["counts"].value).rects == counts.rects, "P never changes"


def test_training_explorer_offers_only_its_rates(names_model) -> None:
    _, _, itos, N = names_model
    with pytest.raises(ValueError, match="lr must be one of"):
        training_explorer(N, itos, lr=3.0)
