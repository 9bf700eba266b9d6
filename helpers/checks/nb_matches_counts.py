"""08 · The net learns the counts: the trained net, samples from both, the two tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from helpers.checks import ref, sampling
from helpers.checks.core import Mistake, Rule, Step, Wrong, declare, get, is_tensor, same
from helpers.checks.nb_neural_net import number, tensors

SEED_G = "g = ...  # a torch.Generator seeded with 2147483647\n"
NOT_TRAINED = (
    "W is not the trained net: run the training cell (check 'trained_net') first, then this cell."
)


def W_trained() -> torch.Tensor:
    return ref.training(100)[1].float()


def _trained(ns: Mapping[str, Any]) -> bool:
    W = get(ns, "W")
    return is_tensor(W) and same(W.detach(), W_trained(), 1e-2)


def _look_trained(ns: Mapping[str, Any]) -> dict[str, Any]:
    W = get(ns, "W")
    if not is_tensor(W):
        raise Wrong("`W` should be a tensor.")
    return {"loss": number(ns, "loss"), "W": W.detach()}


def _end(mode: str = "right", l2: float = 0.01, steps: int = 100) -> dict[str, Any]:
    losses, W = ref.training(steps, mode, l2)
    return {"loss": losses[-1], "W": W.float()}


def _net_row() -> sampling.Row:
    return ref.net_row(W_trained())


def _count_row() -> sampling.Row:
    P = ref.P(1.0)
    return lambda ix: P[ix]


def _look_samples(name: str) -> Any:
    inner = sampling.look_list(name)

    def look(ns: Mapping[str, Any]) -> dict[str, Any]:
        return {**inner(ns), "trained": _trained(ns)}

    return look


def _samples(row: Any, trained: bool = True) -> dict[str, Any]:
    return {**sampling.reference(row, keep=True)(), "trained": trained}


def _look_table(ns: Mapping[str, Any]) -> dict[str, Any]:
    return {"P_net": get(ns, "P_net"), "from_table": get(ns, "from_table"), "trained": _trained(ns)}


def _table() -> torch.Tensor:
    return torch.softmax(W_trained(), dim=1)


def _diff() -> torch.Tensor:
    return (_table() - ref.P(1.0)).abs()


def _argmax() -> tuple[int, int]:
    i, j = divmod(int(_diff().argmax()), ref.V)
    return i, j


def _look_gap(ns: Mapping[str, Any]) -> dict[str, Any]:
    i, j = get(ns, "i"), get(ns, "j")
    return {"diff": get(ns, "diff"), "i": i, "j": j, "trained": _trained(ns)}


def _ints(v: dict[str, Any]) -> bool:
    return any(isinstance(v[k], bool) or not isinstance(v[k], int) for k in ("i", "j"))


declare(
    Step(
        name="trained_net",
        notebook="matches_counts",
        reads=("loss", "W"),
        blank="g = torch.Generator().manual_seed(2147483647)\nW = torch.randn((27, 27), "
        "generator=g, requires_grad=True)\n\nfor _ in range(100):\n    ...  # the training "
        "loop's body:\n    # forward pass (with 0.01 * (W**2).mean()), reset, backward, update",
        hints=(
            "The body of the training loop: forward pass with the penalty, reset the "
            "gradient, backward, a step of 50.",
            "The body of the training loop without the progress bar and the prints.",
        ),
        anchor="for _ in range(100):",
        look=_look_trained,
        reference=_end,
        done=lambda v: f"after 100 steps loss = {v['loss']:.4f}, W trained",
        tol=2e-3,
        mistakes=(
            Mistake(
                "W is still the random start: the update W.data += -50 * W.grad is missing.",
                lambda: {"W": ref.seeded_W()},
            ),
            Mistake(  # uphill, exp overflows in float32: the loss ends inf or nan
                "the loss ends above where it started (or at inf/nan): training went uphill. "
                "The lesson's loss is -log p averaged, and its step W.data += -50 * W.grad.",
                lambda: _end("wrong_sign"),
                when=lambda v: (
                    not abs(v["loss"]) < 1e30 or v["loss"] > ref.training(1)[0][0] + 0.01
                ),
            ),
            Mistake(
                "the loss is still where training starts (3.77): W did not move between the "
                "forward passes. Each of the 100 steps runs backward and the update, inside the "
                "loop.",
                lambda: {"loss": ref.training(1)[0][0]},
                when=lambda v: abs(v["loss"] - ref.training(1)[0][0]) < 0.01,
            ),
            Mistake(
                "gradients not reset between steps: W.grad = None before backward().",
                lambda: _end("no_reset"),
                when=lambda v: same(v["loss"], _end("no_reset")["loss"], 1e-3),
            ),
            Mistake(
                "no penalty: the lesson's loss adds 0.01 * (W**2).mean().", lambda: _end(l2=0.0)
            ),
            Mistake(
                "W and the loss are those of the penalty 0.01 * (W**2).sum(), 729 times the "
                "lesson's: the penalty is 0.01 * (W**2).mean().",
                lambda: _end("penalty_sum"),
            ),
            Mistake(
                "W and the loss are those of a penalty that gives no gradient (from W.data or "
                "a detached W): the penalty is 0.01 * (W**2).mean(), of W itself.",
                lambda: _end("penalty_no_grad"),
            ),
            Mistake(
                "W was trained for 200 steps: the cell starts from the seeded W; run the "
                "whole cell once.",
                lambda: _end(steps=200),
            ),
            Mistake(
                "the loss is negative: -log p needs its minus sign.",
                lambda: {"loss": -_end()["loss"]},
                when=lambda v: v["loss"] < 0,
            ),
        ),
    ),
    Step(
        name="net_samples",
        notebook="matches_counts",
        reads=("g", "from_net"),
        blank="# finally, sample from the 'neural net' model\n" + SEED_G + "from_net = []\n# "
        "5 names with the sampling loop of 04, where p comes from the net:\n# the one-hot of ix, "
        "times W, exponentiated, divided by its sum; append each name to from_net",
        hints=(
            "Inside the sampling loop, p is the net's output for ix: one-hot, times W, exp, "
            "divided by its sum.",
            "xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float(); counts = (xenc @ "
            "W).exp(); p = counts / counts.sum(1, keepdim=True)",
        ),
        anchor='from_net.append("".join(out))',
        look=_look_samples("from_net"),
        reference=lambda: _samples(_net_row),
        done=lambda v: f"from the net: {', '.join(v['name'])}",
        mistakes=(
            Mistake(NOT_TRAINED, lambda: {"trained": False}, when=lambda v: not v["trained"]),
            Mistake(
                "those are the count model's names: here p comes from the net, xenc @ W.",
                lambda: _samples(_count_row),
            ),
            *sampling.mistakes(_net_row, keep=True, what="the net's output for ix")[:5],
        ),
    ),
    Step(
        name="count_samples",
        notebook="matches_counts",
        reads=("g", "from_counts"),
        blank=SEED_G + "from_counts = []\n# the same 5 names' loop with p = P[ix], the count "
        "model; append each name to from_counts",
        hints=(
            "The sampling loop of 04 with p taken from the count model P.",
            "p = P[ix]; from_counts.append(''.join(out)) after each name.",
        ),
        anchor='from_counts.append("".join(out))',
        look=sampling.look_list("from_counts"),
        reference=sampling.reference(_count_row, keep=True),
        done=lambda v: f"from the counts: {', '.join(v['name'])}",
        mistakes=(
            Mistake(
                "those are the net's names: here p = P[ix], the count model.",
                lambda: sampling.reference(_net_row, keep=True)(),
            ),
            *sampling.mistakes(_count_row, keep=True, what="P[ix]"),
        ),
    ),
    Step(
        name="net_table",
        notebook="matches_counts",
        reads=("P_net", "from_table"),
        blank="P_net = ...  # the net's table of probabilities: W exponentiated, each row "
        "divided by its sum\n\ng = torch.Generator().manual_seed(2147483647)\nfrom_table = []\n"
        "# the 5 names' loop once more, with p = P_net[ix]; append each name to from_table",
        hints=(
            "The net's table is softmax of W by rows: exp, then divide each row by its sum.",
            "counts = W.exp(); P_net = counts / counts.sum(1, keepdim=True)",
        ),
        anchor="P_net = counts / counts.sum(1, keepdims=True)",
        look=_look_table,
        reference=lambda: {
            "P_net": _table(),
            "trained": True,
            "from_table": [n for n, _ in ref.sampling(_net_row())],
        },
        done=lambda v: (
            "sampling from P_net = softmax(W) gives from_net exactly: the net is a 27x27 table"
        ),
        shape=(tensors("P_net"),),
        mistakes=(
            Mistake(NOT_TRAINED, lambda: {"trained": False}, when=lambda v: not v["trained"]),
            Mistake(
                "the columns of P_net sum to 1, not its rows: counts.sum(1, keepdim=True).",
                lambda: {"P_net": torch.softmax(W_trained(), dim=0)},
            ),
            Mistake(
                "keepdim forgotten: W.exp().sum(1) has shape (27,) and divides the columns; "
                "counts.sum(1, keepdim=True) divides each row by its own sum.",
                lambda: {"P_net": W_trained().exp() / W_trained().exp().sum(1)},
            ),
            Mistake(
                "P_net is W.exp() without dividing: divide each row by its own sum.",
                lambda: {"P_net": W_trained().exp()},
            ),
            Mistake(
                "P_net is right; from_table should be 5 names drawn with p = P_net[ix] and "
                "g seeded again right before.",
                lambda: {"from_table": ["x."]},
                when=lambda v: same(v["P_net"], _table()),
            ),
        ),
    ),
    Step(
        name="table_gap",
        notebook="matches_counts",
        reads=("diff", "i", "j"),
        blank="diff = ...  # how far the net's table is from P, cell by cell (a 27x27 tensor, "
        ">= 0)\n# the row and column of the largest difference, as Python ints (divmod of its flat "
        "index by 27)\ni, j = ..., ...",
        hints=(
            "diff is the size of the gap in every cell; argmax() numbers the cells row by "
            "row, so divmod by 27 gives (row, column).",
            "diff = (P_net - P).abs(); i, j = divmod(diff.argmax().item(), 27)",
        ),
        anchor="diff = (P_net - P).abs()",
        look=_look_gap,
        reference=lambda: {"diff": _diff(), "i": _argmax()[0], "j": _argmax()[1], "trained": True},
        done=lambda v: (
            f"largest difference {float(v['diff'].max()):.4f} at row {v['i']}, column {v['j']}"
        ),
        shape=(tensors("diff"),),
        rules=(
            Rule(
                "i and j are tensors: itos[i] in the next lines needs Python ints, "
                ".item() (divmod(diff.argmax().item(), 27)).",
                _ints,
            ),
        ),
        mistakes=(
            Mistake(NOT_TRAINED, lambda: {"trained": False}, when=lambda v: not v["trained"]),
            Mistake(
                "diff has negative entries: take the absolute difference, .abs().",
                lambda: {"diff": _table() - ref.P(1.0)},
            ),
            Mistake(
                "diff is the gap between P_net and the counts N, not the probabilities P: "
                "diff = (P_net - P).abs().",
                lambda: {"diff": (_table() - ref.N().float()).abs()},
            ),
            Mistake(
                "i and j are swapped: divmod(k, 27) gives (row, column).",
                lambda: {"i": _argmax()[1], "j": _argmax()[0]},
            ),
            Mistake(
                "(i, j) is not where diff is largest: diff.argmax() gives the flat index "
                "k; divmod(k, 27) gives (row, column).",
                lambda: {"i": 0, "j": 0},
                when=lambda v: same(v["diff"], _diff()),
            ),
        ),
    ),
)
