"""04 · Sampling names."""

from __future__ import annotations

from typing import Any

import torch

from helpers.checks import ref, sampling
from helpers.checks.core import Mistake, Rule, Step, changed, declare, get, is_tensor, same

SEED_G = "g = ...  # a torch.Generator seeded with 2147483647\n"


def _draw(times: int = 1, p: torch.Tensor | None = None) -> dict[str, Any]:
    g = ref.generator()
    for _ in range(times):
        ix = int(torch.multinomial(ref.count_row(0) if p is None else p, 1, True, generator=g))
    return {"ix": ix, "state": g.get_state()}


def _look_draw(ns):  # type: ignore[no-untyped-def]
    return {"ix": get(ns, "ix"), "state": sampling.generator(ns).get_state()}


def _look_rand(ns):  # type: ignore[no-untyped-def]
    fresh = ref.generator().get_state()
    return {"p": get(ns, "p"), "used": not torch.equal(sampling.generator(ns).get_state(), fresh)}


def _rand() -> torch.Tensor:
    p = torch.rand(3, generator=ref.generator())
    return p / p.sum()


def _rule_float32(name: str) -> Rule:
    return Rule(
        f"`{name}` is not float32: the later cells mix it with float32 tensors, so make it "
        "with N.float() (not .double()).",
        lambda v: v[name].dtype != torch.float32,
    )


def _is_tensor(name: str) -> Rule:
    return Rule(f"`{name}` is not a tensor.", lambda v: not is_tensor(v[name]))


def _N_column() -> sampling.Row:
    N = ref.N().float()
    return lambda ix: N[:, ix] / N[:, ix].sum()


LOOP = (
    "for _ in range(5): out = []; ix = 0; while True: p = ...; ix = torch.multinomial(p, "
    "num_samples=1, replacement=True, generator=g).item(); out.append(itos[ix]); "
    "if ix == 0: break"
)


N_KEPT = changed(
    "N",
    ref.N,
    "N must stay the counts (the later cells read it): build P from a copy, "
    "P = (N + 1).float(), not with N += 1 or N = N.float() and /= on N.",
)

declare(
    Step(
        name="first_row",
        notebook="sampling",
        reads=("p",),
        blank="p = ...  # row 0 of N (what follows '.') as probabilities: float, divided by its "
        "sum\np",
        hints=(
            "Row 0 of N (what follows '.'), as float, divided by its sum.",
            "p = N[0].float(); p = p / p.sum()",
        ),
        anchor="p = N[0].float()",
        reference=lambda: {"p": ref.count_row(0)},
        tol=1e-6,
        done=lambda v: (
            f"p sums to 1; p[1] (a) = {float(v['p'][1]):.4f} = 4,410 / 32,033 (the video's 0.1377)"
        ),
        shape=(_is_tensor("p"),),
        rules=(
            Rule(
                "`p` holds whole numbers: make the counts float before dividing, .float().",
                lambda v: not v["p"].is_floating_point(),
            ),
        ),
        mistakes=(
            Mistake(
                "p sums to 32,033: divide by p.sum() to make probabilities.",
                lambda: {"p": ref.N()[0].float()},
            ),
            Mistake(
                "p is row 0 divided by the sum of the whole table, N.sum() = 228,146, so it "
                "sums to 0.1404: divide by the row's own sum, p.sum() (32,033).",
                lambda: {"p": ref.N()[0].float() / ref.BIGRAMS},
            ),
            Mistake(
                "that is column 0 (how names end); row 0, N[0], is how they start.",
                lambda: {"p": ref.N()[:, 0].float() / ref.WORDS},
            ),
            Mistake(
                "the counts were floored: make them float before dividing, .float().",
                lambda: {"p": ref.N()[0] // ref.N()[0].sum()},
            ),
            Mistake(
                "that is the smoothed row, (N + 1): here the lesson takes N as it is.",
                lambda: {"p": ref.P(1.0)[0]},
            ),
            Mistake(
                "p is another row of N as probabilities, not row 0 ('.'): N[0]. If you ran the "
                "sampling cells, they overwrote p: run this cell again, then its check.",
                lambda: {"p": ref.count_row(1)},
                when=lambda v: any(same(v["p"], ref.count_row(k), 1e-6) for k in range(1, ref.V)),
            ),
        ),
    ),
    Step(
        name="one_draw",
        notebook="sampling",
        reads=("g", "ix"),
        blank=SEED_G + "ix = ...  # one index drawn from p with torch.multinomial (one sample, "
        "with replacement,\n#        drawn with g), as a Python int",
        hints=(
            "Seed a generator, then draw one sample from p with it, and turn the 1-element "
            "tensor into a Python int.",
            "g = torch.Generator().manual_seed(2147483647); ix = torch.multinomial(p, "
            "num_samples=1, replacement=True, generator=g).item()",
        ),
        anchor="ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()",
        look=_look_draw,
        reference=_draw,
        done=lambda v: (
            f"ix = {v['ix']}, itos[ix] = 'c' (PyTorch 2.x; the video's older PyTorch drew 'm')"
        ),
        shape=(
            Rule(
                "ix is a tensor: .item() makes it the Python int that itos needs.",
                lambda v: is_tensor(v["ix"]),
            ),
        ),
        mistakes=(
            Mistake(
                "g's state is still that of its fresh seed: the draw did not use g after it was "
                "seeded (torch.multinomial(p, ..., generator=g), after seeding g).",
                lambda: {"state": ref.generator().get_state()},
                when=lambda v: torch.equal(v["state"], ref.generator().get_state()),
            ),
            Mistake(
                "g has drawn twice: seed g again right before the one draw (or run the cell "
                "again from its first line).",
                lambda: _draw(2),
            ),
            Mistake(
                "g's state is not the one a single draw from the fresh seed leaves: seed g, "
                "then draw once with generator=g (if later cells drew from g, run this cell "
                "again, then its check).",
                lambda: _draw(7),
                when=lambda v: not torch.equal(v["state"], _draw()["state"]),
            ),
        ),
    ),
    Step(
        name="seeded_rand",
        notebook="sampling",
        reads=("g", "p"),
        blank=SEED_G + "p = ...  # three random numbers drawn with g (torch.rand), divided by "
        "their sum\np",
        hints=(
            "A seeded generator, three random numbers drawn with it, then make them sum to 1.",
            "g = torch.Generator().manual_seed(2147483647); p = torch.rand(3, generator=g); "
            "p = p / p.sum()",
        ),
        anchor="p = torch.rand(3, generator=g)",
        look=_look_rand,
        reference=lambda: {"p": _rand(), "used": True},
        done=lambda v: f"p = {[round(x, 4) for x in v['p'].tolist()]}, the video's numbers",
        shape=(_is_tensor("p"),),
        mistakes=(
            Mistake(
                "p does not sum to 1: divide by p.sum().",
                lambda: {"p": torch.rand(3, generator=ref.generator())},
            ),
            Mistake(
                "g's state is still that of its fresh seed: no draw used g after it was seeded. "
                "Seed g first, then p = torch.rand(3, generator=g).",
                lambda: {"used": False},
                when=lambda v: not v["used"],
            ),
            Mistake(
                "torch.randn draws normal numbers (some negative); torch.rand draws uniform ones "
                "in [0, 1).",
                lambda: {"p": (lambda r: r / r.sum())(torch.randn(3, generator=ref.generator()))},
            ),
        ),
    ),
    Step(
        name="sampling_loop",
        notebook="sampling",
        reads=("g", "out"),
        blank=SEED_G + "# 5 names: start each at ix = 0 ('.'); repeat: p = row ix of N as "
        "probabilities, draw the\n# next ix with g, append itos[ix] to out, stop after the "
        "'.' (ix == 0); print each name",
        hints=(
            "The loop of the one draw, repeated: the next row is the row of the character "
            "just drawn; a name ends at '.'.",
            LOOP,
        ),
        anchor="p = N[ix].float()",
        look=sampling.look_out,
        reference=sampling.reference(lambda: ref.count_row),
        done=sampling.done,
        mistakes=sampling.mistakes(lambda: ref.count_row, what="N[ix]", col=_N_column),
    ),
    Step(
        name="uniform_loop",
        notebook="sampling",
        reads=("g", "out"),
        blank=SEED_G + "# the same loop for the uniform model: every one of the 27 characters "
        "equally likely",
        hints=(
            "The same loop; only p changes: 27 equal probabilities.",
            "p = torch.ones(27) / 27.0 in place of the row of N.",
        ),
        anchor="p = torch.ones(27) / 27.0",
        look=sampling.look_out,
        reference=sampling.reference(lambda: lambda ix: torch.ones(27) / 27.0),
        done=sampling.done,
        mistakes=(
            Mistake(
                "that is the count model's name: the uniform p is torch.ones(27) / 27.0.",
                sampling.reference(lambda: ref.count_row),
            ),
            Mistake(
                "those are the names of 26 equal probabilities (the '.' or a letter left out): "
                "the uniform model gives each of the 27 characters 1/27, torch.ones(27) / 27.0.",
                sampling.reference(lambda: lambda ix: torch.ones(26) / 26.0),
            ),
            *sampling.mistakes(lambda: lambda ix: torch.ones(27) / 27.0)[:5],
        ),
    ),
    Step(
        name="P_keepdim",
        notebook="sampling",
        reads=("P", "N"),
        blank="P = ...  # the probability table: N as float, each row divided by the sum of "
        "that row",
        hints=(
            "Divide each row of N (as floats) by that row's sum, keeping the sums as a column.",
            "P = N.float(); P /= P.sum(1, keepdim=True)",
        ),
        anchor="P /= P.sum(1, keepdim=True)",
        reference=lambda: {"P": ref.P(0.0), "N": ref.N()},
        tol=1e-6,
        done=lambda v: "every row of P sums to 1; P.sum(1, keepdim=True) is a (27, 1) column",
        shape=(_is_tensor("P"),),
        rules=(_rule_float32("P"),),
        mistakes=(
            N_KEPT,
            Mistake(
                "the columns of P sum to 1, not its rows: sum each row, P.sum(1, keepdim=True) "
                "(without keepdim the (27,) sums broadcast as a row and divide the columns).",
                lambda: {"P": ref.N().float() / ref.N().float().sum(1)},
            ),
            Mistake(
                "divided by the sum of the whole table: divide each row by its own sum.",
                lambda: {"P": ref.N().float() / ref.N().sum()},
            ),
            Mistake(
                "that is the smoothed table (N + 1); here the lesson takes N as it is.",
                lambda: {"P": ref.P(1.0)},
            ),
        ),
    ),
    Step(
        name="sampling_P",
        notebook="sampling",
        reads=("g", "out"),
        blank=SEED_G + "# the sampling loop once more, 5 names, now taking p straight from the "
        "table: row ix of P",
        hints=(
            "The loop of the cell that sampled from N, with p taken from P and g seeded "
            "again right before.",
            "p = P[ix]: the rows of P already sum to 1.",
        ),
        anchor="p = P[ix]",
        look=sampling.look_out,
        reference=sampling.reference(lambda: lambda ix: ref.P(0.0)[ix]),
        done=sampling.done,
        mistakes=sampling.mistakes(lambda: lambda ix: ref.P(0.0)[ix], what="P[ix]"),
    ),
)
