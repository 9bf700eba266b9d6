"""06 · The bigram model as a neural net: the forward pass of .emma. and its loss."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F

from helpers.checks import ref
from helpers.checks.core import Mistake, Rule, Step, Wrong, declare, get, is_tensor

X, Y = ref.EMMA_X, ref.EMMA_Y
SEED_G = "g = ...  # a torch.Generator seeded with 2147483647\n"


def _uniform(W: Any) -> bool:
    """729 numbers spread over [0, 1) as torch.rand spreads them (never a normal draw: half of
    that is negative)."""
    if not isinstance(W, torch.Tensor) or tuple(W.shape) != (27, 27) or not W.is_floating_point():
        return False
    w = W.detach()
    return bool((w >= 0).all() and (w < 1).all() and w.min() < 0.05 and w.max() > 0.95) and (
        w.unique().numel() > 700
    )


def tensors(*names: str) -> Rule:
    return Rule(
        f"{' and '.join(f'`{n}`' for n in names)} should be tensors: torch.tensor(...) makes "
        "one from a list.",
        lambda v: not all(is_tensor(v[n]) for n in names),
    )


def int64(*names: str) -> Rule:
    """Indices for F.one_hot and for indexing: int64, as torch.tensor of ints makes them."""
    return Rule(
        f"{names[0]} is not int64: F.one_hot and the later cells need int64 indices; "
        f"torch.tensor({names[0]}) of Python ints gives them (torch.Tensor makes floats).",
        lambda v: any(n in v and v[n].dtype != torch.int64 for n in names),
    )


def number(ns: Mapping[str, Any], name: str) -> float:
    value = get(ns, name)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach().item())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Wrong(f"`{name}` should be one number (a 0-d tensor), not a {type(value).__name__}.")
    return float(value)


def _probs(W: torch.Tensor | None = None) -> torch.Tensor:
    return ref.emma_probs(ref.seeded_W() if W is None else W)


def _loss(W: torch.Tensor | None = None) -> float:
    return float(-_probs(W)[torch.arange(5), Y].log().mean())


def loss_mistakes(name: str = "loss") -> tuple[Mistake, ...]:
    want = _loss
    return (
        Mistake(
            f"{name} is negative: the negative log-likelihood is -log p, add the minus sign.",
            lambda: {name: -want()},
        ),
        Mistake(
            f"{name} is the sum of the 5 terms; the average is asked for: .mean().",
            lambda: {name: 5 * want()},
        ),
        Mistake(
            f"{name} has no log: the loss is -log p averaged, "
            "-probs[torch.arange(5), ys].log().mean().",
            lambda: {name: float(-_probs()[torch.arange(5), Y].mean())},
        ),
        Mistake(
            "probs[:, ys] picks a 5x5 block: index with two arrays, "
            "probs[torch.arange(5), ys], one probability per example.",
            lambda: {name: float(-_probs()[:, Y].log().mean())},
        ),
    )


def _look_loss(ns: Mapping[str, Any]) -> dict[str, Any]:
    value = get(ns, "loss")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Wrong(
            f"loss is the Python {type(value).__name__} {value:.4f}, not a tensor: notebook 07 "
            "calls loss.backward() on it, which needs the tensor (no .item() here)."
        )
    return {"loss": number(ns, "loss")}


declare(
    Step(
        name="pairs_emma",
        notebook="neural_net",
        reads=("xs", "ys"),
        blank="# create the training set of bigrams (x,y)\nxs, ys = [], []\n# for each bigram "
        'of the first word (with "." before and after): append the index of ch1\n# to xs and '
        "of ch2 to ys\nxs = ...  # xs as an integer tensor\nys = ...  # ys as an integer tensor",
        hints=(
            "For the first word: add stoi of the first character of each pair to xs, of the "
            "second to ys; then make tensors.",
            "for w in words[:1]: chs = ['.'] + list(w) + ['.']; for ch1, ch2 in zip(chs, "
            "chs[1:]): xs.append(stoi[ch1]); ys.append(stoi[ch2]); then xs = "
            "torch.tensor(xs)",
        ),
        anchor="for w in words[:1]:",
        reference=lambda: {"xs": torch.tensor(X), "ys": torch.tensor(Y)},
        done=lambda v: f"xs = {v['xs'].tolist()}, ys = {v['ys'].tolist()} (int64)",
        shape=(tensors("xs", "ys"),),
        rules=(int64("xs", "ys"),),
        mistakes=(
            Mistake(
                "xs and ys are swapped: the input is the first character of each pair.",
                lambda: {"xs": torch.tensor(Y), "ys": torch.tensor(X)},
            ),
            Mistake(
                "4 pairs: emma has 5, with '.' at both ends, chs = ['.'] + list(w) + ['.'].",
                lambda: {"xs": torch.tensor(X[:4]), "ys": torch.tensor(Y[:4])},
                when=lambda v: len(v["xs"]) == 4,
            ),
            Mistake(
                "more than emma's 5 pairs: this cell takes the first word only, words[:1] "
                "(and starts from empty lists).",
                lambda: {"xs": torch.tensor(X * 2)},
                when=lambda v: len(v["xs"]) > 5,
            ),
        ),
    ),
    Step(
        name="one_hot_float",
        notebook="neural_net",
        reads=("xenc",),
        blank="xenc = ...  # the one-hot encoding of xs (27 classes), ready to multiply a float "
        "tensor\n# (then look at it: plt.imshow(xenc); plt.show())",
        hints=(
            "F.one_hot makes the one-hot rows; they must have 27 slots and be floats, like W, "
            "to be multiplied by W.",
            "xenc = F.one_hot(xs, num_classes=27).float()",
        ),
        anchor="xenc = F.one_hot(xs, num_classes=27).float()",
        reference=lambda: {"xenc": F.one_hot(torch.tensor(X), 27).float()},
        done=lambda v: f"xenc {tuple(v['xenc'].shape)} float32, one 1 per row",
        shape=(tensors("xenc"),),
        rules=(
            Rule(
                "xenc is int64, as F.one_hot returns it: a float W cannot multiply it. Add "
                ".float().",
                lambda v: v["xenc"].dtype == torch.int64,
            ),
            Rule(
                "xenc is not float32 (W is): .float() makes float32.",
                lambda v: v["xenc"].dtype != torch.float32,
            ),
        ),
        mistakes=(
            Mistake(
                "not 27 columns: pass num_classes=27 so every row has 27 slots.",
                lambda: {"xenc": F.one_hot(torch.tensor(X)).float()},
                when=lambda v: tuple(v["xenc"].shape) != (5, 27),
            ),
            Mistake(
                "that is the one-hot of ys: encode the inputs, xs.",
                lambda: {"xenc": F.one_hot(torch.tensor(Y), 27).float()},
            ),
        ),
    ),
    Step(
        name="logits",
        notebook="neural_net",
        reads=("W", "logits"),
        blank=SEED_G + "W = ...  # 27x27 random weights drawn with g (torch.randn)\nlogits = ...  "
        "# the net's output for the five inputs: the one-hot rows times W",
        hints=(
            "W is a 27x27 tensor of normal random numbers drawn with the lesson's seeded "
            "generator; the logits are the one-hot rows times W.",
            "W = torch.randn((27, 27), generator=g); logits = xenc @ W",
        ),
        anchor="logits = xenc @ W",
        reference=lambda: {"W": ref.seeded_W(), "logits": ref.seeded_W()[X]},
        done=lambda v: (
            f"logits (5, 27); logits[3, 13] = {float(v['logits'][3, 13]):.4f}, the dot product "
            f"(xenc[3] * W[:, 13]).sum(), = W[13, 13]"
        ),
        shape=(tensors("W", "logits"),),
        mistakes=(
            Mistake(
                "W has one column: that is the single neuron; here 27 neurons, "
                "torch.randn((27, 27), generator=g).",
                lambda: {"W": ref.seeded_W(27, 1)},
                when=lambda v: tuple(v["W"].shape) == (27, 1),
            ),
            Mistake(
                "every entry of W lies in [0, 1), as torch.rand draws them (uniform); the "
                "lesson's W is normal, about half of it negative: torch.randn((27, 27), "
                "generator=g).",
                lambda: {"W": torch.rand((27, 27), generator=ref.generator())},
                when=lambda v: _uniform(v["W"]),
            ),
            Mistake(
                "W is not the lesson's seeded W: it is the first draw from g right after "
                "g = torch.Generator().manual_seed(2147483647), "
                "W = torch.randn((27, 27), generator=g).",
                lambda: {"W": torch.zeros(27, 27)},
                when=lambda v: (
                    tuple(v["W"].shape) == (27, 27)
                    and not torch.equal(v["W"].detach().float(), ref.seeded_W())
                ),
            ),
            Mistake(
                "logits should be xenc @ W, the one-hot rows times W (a matrix product), "
                "shape (5, 27).",
                lambda: {"logits": ref.seeded_W()[:5]},
            ),
        ),
    ),
    Step(
        name="softmax",
        notebook="neural_net",
        reads=("probs",),
        blank='counts = ...  # the logits exponentiated: positive, like counts ("equivalent N")'
        "\nprobs = ...  # each row of counts divided by its sum: 27 probabilities per example",
        hints=(
            "exp turns the logits into positive counts; divide each row by its own sum so "
            "every row adds up to 1.",
            "counts = logits.exp(); probs = counts / counts.sum(1, keepdim=True)",
        ),
        anchor="counts = logits.exp()  # equivalent N",
        reference=lambda: {"probs": _probs()},
        done=lambda v: (
            "probs (5, 27), rows sum to 1; probs[0] = "
            + ", ".join(f"{x:.4f}" for x in v["probs"][0, :3].tolist())
            + ", ... (the video's)"
        ),
        shape=(tensors("probs"),),
        mistakes=(
            Mistake(
                "the columns of probs sum to 1, not its rows: sum each row, over dim 1, "
                "keeping the sums as a column: counts.sum(1, keepdim=True).",
                lambda: {"probs": torch.softmax(ref.seeded_W()[X], dim=0)},
            ),
            Mistake(
                "no exp: the logits can be negative; exponentiate them first, "
                "counts = logits.exp().",
                lambda: {"probs": (lambda lg: lg / lg.sum(1, keepdim=True))(ref.seeded_W()[X])},
            ),
            Mistake(
                "divided by the sum of the whole table: divide each row by its own sum.",
                lambda: {"probs": (lambda c: c / c.sum())(ref.seeded_W()[X].exp())},
            ),
            Mistake(
                "those are the counts, exp(logits): divide each row by its sum.",
                lambda: {"probs": ref.seeded_W()[X].exp()},
            ),
        ),
    ),
    Step(
        name="nlls_loop",
        notebook="neural_net",
        reads=("nlls",),
        blank="nlls = torch.zeros(5)\nfor i in range(5):\n    x = xs[i].item()  # input "
        "character index\n    ...  # y = the label ys[i]; p = the probability probs gives to "
        "y; nlls[i] = its negative log",
        hints=(
            "For example i: the probability the net gives the label y, its log, and minus "
            "that log is the example's NLL.",
            "y = ys[i].item(); p = probs[i, y]; logp = torch.log(p); nlls[i] = -logp",
        ),
        anchor="nlls[i] = nll",
        reference=lambda: {"nlls": -_probs()[torch.arange(5), Y].log()},
        done=lambda v: (
            f"nlls = {[round(x, 4) for x in v['nlls'].tolist()]}, average "
            f"{float(v['nlls'].mean()):.4f}; the probabilities p = "
            + ", ".join(f"{x:.9f}" for x in (-v["nlls"]).exp().tolist())
        ),
        shape=(tensors("nlls"),),
        mistakes=(
            Mistake(
                "nlls is still all zeros: fill nlls[i] in the loop and run it.",
                lambda: {"nlls": torch.zeros(5)},
            ),
            Mistake(
                "nlls are negative: the negative log-likelihood is -log p, add the minus sign.",
                lambda: {"nlls": _probs()[torch.arange(5), Y].log()},
            ),
            Mistake(
                "that is the probability of the input x: take the label's, probs[i, y] "
                "with y = ys[i].",
                lambda: {"nlls": -_probs()[torch.arange(5), X].log()},
            ),
            Mistake(
                "no log: nlls[i] = -log p, with torch.log(p).",
                lambda: {"nlls": -_probs()[torch.arange(5), Y]},
            ),
        ),
    ),
    Step(
        name="loss_by_indexing",
        notebook="neural_net",
        reads=("loss",),
        blank="loss = ...  # the same loss without a loop: index probs with two tensors, one "
        "probability\n#            per example, then the average negative log\nloss",
        hints=(
            "Index probs with two tensors at once (the rows 0-4, the labels) to get one "
            "probability per example.",
            "loss = -probs[torch.arange(5), ys].log().mean()",
        ),
        anchor="loss = -probs[torch.arange(5), ys].log().mean()",
        look=_look_loss,
        reference=lambda: {"loss": _loss()},
        done=lambda v: f"loss = {v['loss']:.4f} (the video's 3.7693)",
        mistakes=loss_mistakes(),
    ),
)
