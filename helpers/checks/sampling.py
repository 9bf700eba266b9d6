"""What the sampling steps share: a learner's loop is read as (last name, generator state) and
compared with the lesson's loop on the same rows; its mistakes are the loops learners write."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import torch

from helpers.checks import ref
from helpers.checks.core import CELL, Missing, Mistake, Wrong, get

Row = Callable[[int], torch.Tensor]


def generator(ns: Mapping[str, Any]) -> torch.Generator:
    g = get(ns, "g")
    if not isinstance(g, torch.Generator):
        raise Wrong("`g` should be a torch.Generator: torch.Generator().manual_seed(2147483647).")
    if g.initial_seed() != ref.SEED:
        seeded = (
            "was never seeded"
            if g.initial_seed() == torch.Generator().initial_seed()
            else f"is seeded with {g.initial_seed()}"
        )
        raise Wrong(f"g {seeded}: seed it with the lesson's 2147483647, .manual_seed(2147483647).")
    return g


def names(ns: Mapping[str, Any], name: str) -> list[str]:
    value = get(ns, name)
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise Wrong(f"`{name}` should be a list of strings.")
    if not value:
        raise Missing(
            f"`{name}` is empty: the loop in the cell above should append each name to "
            f"{name} (write it and run it)."
        )
    return value


def look_out(ns: Mapping[str, Any]) -> dict[str, Any]:
    """The last name of a loop that prints its names: "".join(out), and g's state."""
    if "out" not in ns and "g" in ns:  # the loop ran, and kept its names some other way
        kept = re.findall(
            r"(\w+)\s*(?:\+=\s*itos\[ix\]|\.append\(itos\[ix\]\))", str(ns.get(CELL, ""))
        )
        if kept and kept[-1] in ns:
            value = ns[kept[-1]]
            name = "".join(value) if isinstance(value, list) else value
            if isinstance(name, str):
                return {"name": name, "state": generator(ns).get_state()}
        raise Wrong(
            "no `out`: the check reads the last name from `out`, the list each draw appends "
            "itos[ix] to (out = [] at the start of each name, as the blank says)."
        )
    out = ns.get("out")
    name = out if isinstance(out, str) and out else "".join(names(ns, "out"))
    return {"name": name, "state": generator(ns).get_state()}


def look_list(name: str) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A loop that keeps its names in a list: the list and g's state."""

    def look(ns: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": names(ns, name), "state": generator(ns).get_state()}

    return look


def reference(row: Callable[[], Row], keep: bool = False) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        drawn = ref.sampling(row())
        return {"name": [n for n, _ in drawn] if keep else drawn[-1][0], "state": drawn[-1][1]}

    return build


def _count(row: Callable[[], Row], k: int, keep: bool) -> dict[str, Any]:
    drawn = ref.sampling(row(), k)
    return {"name": [n for n, _ in drawn] if keep else drawn[-1][0], "state": drawn[-1][1]}


def mistakes(
    row: Callable[[], Row],
    keep: bool = False,
    what: str = "row ix",
    col: Callable[[], Row] | None = None,
) -> tuple[Mistake, ...]:
    """The slips of a sampling loop drawn from `row` (`col`: the same table's columns)."""
    fresh = ref.generator().get_state()

    def other_count(v: dict[str, Any]) -> bool:
        drawn = ref.sampling(row(), 12)
        for k, (name, state) in enumerate(drawn):
            names = [n for n, _ in drawn[: k + 1]] if keep else name
            if k != 4 and torch.equal(v["state"], state) and v["name"] == names:
                return True
        return False

    def no_dot(v: dict[str, Any]) -> bool:
        last = v["name"] if isinstance(v["name"], str) else v["name"][-1]
        return not last.endswith(".")

    def joined(v: dict[str, Any]) -> bool:
        all5 = "".join(n for n, _ in ref.sampling(row()))
        return v["name"] == all5

    return (
        Mistake(
            "g's state is still that of its fresh seed: no draw used g after it was seeded "
            "(torch.multinomial(..., generator=g), with g seeded once, before the loop).",
            lambda: {"state": fresh},
            when=lambda v: torch.equal(v["state"], fresh),
        ),
        Mistake(
            "the last name does not end in '.': the lesson's names keep the '.' that ends them "
            "(every drawn character is appended, the closing '.' too).",
            lambda: {"name": "mor" if not keep else ["mor"]},
            when=no_dot,
        ),
        Mistake(
            "out holds every name at once: out = [] goes inside the loop, before each name.",
            lambda: {"name": "".join(n for n, _ in ref.sampling(row()))},
            when=joined,
        ),
        Mistake(
            "g is seeded again for every name, so every name is the first one: seed g once, "
            "right before the loop.",
            lambda: {
                "name": [n for n, _ in ref.sampling(row(), reseed_each=True)]
                if keep
                else ref.sampling(row(), reseed_each=True)[-1][0],
                "state": ref.sampling(row(), reseed_each=True)[-1][1],
            },
        ),
        Mistake(
            "these are the lesson's names, but not 5 of them (g's state and the names stop "
            "elsewhere): for _ in range(5), drawing each character with generator=g.",
            lambda: _count(row, 4, keep),
            when=other_count,
        ),
        Mistake(
            f"those names come from the columns: p is a row, {what} (what follows ix), not "
            "[:, ix].",
            lambda: _count(col or (lambda: column(row())), 5, keep),
        ),
        Mistake(
            f"not the lesson's seeded names: seed g right before the loop and draw each "
            f"character from {what} with generator=g. If later cells ran since, they changed g "
            "and out: run this cell again, then its check.",
            lambda: _count(lambda: flipped(row()), 5, keep),
            when=lambda v: True,
        ),
    )


def flipped(row: Row) -> Row:
    """Another table's rows (an example of names that are not the lesson's)."""
    return lambda ix: row(ix).flip(0)


def column(row: Row) -> Row:
    """The columns of the table whose rows are `row` (the [:, ix] slip)."""
    table = torch.stack([row(i) for i in range(ref.V)])

    def col(ix: int) -> torch.Tensor:
        c = table[:, ix]
        return c / c.sum()

    return col


def done(v: dict[str, Any]) -> str:
    shown = v["name"] if isinstance(v["name"], str) else ", ".join(v["name"])
    return f"the lesson's seeded names, ... {shown}"
