"""03 · The count matrix."""

from __future__ import annotations

from typing import Any

import torch

from helpers.checks import ref
from helpers.checks.core import SHOWN, Mistake, Rule, Step, declare, get, is_tensor


def _integer(name: str) -> Rule:
    return Rule(
        f"`{name}` holds floats: counts are whole numbers, make it with dtype=torch.int32.",
        lambda v: v[name].is_floating_point(),
    )


def _tensor(name: str) -> Rule:
    return Rule(
        f"`{name}` is not a tensor: make it with torch.zeros(...).",
        lambda v: not is_tensor(v[name]),
    )


def _ix28() -> dict[str, int]:
    letters = sorted(set("".join(ref.words())))
    return {s: i for i, s in enumerate(letters)} | {"<S>": 26, "<E>": 27}


def _no_start() -> dict[str, torch.Tensor]:
    N = ref.N().clone()
    N[0] = 0  # the pairs ('.', first letter) are row 0
    return {"N": N}


def _N28(end: str = "<E>") -> torch.Tensor:
    return ref.table(ref.bigrams("<S>", end), _ix28(), 28)


def _from0() -> dict[str, int]:
    letters = sorted(set("".join(ref.words())))
    return {s: i for i, s in enumerate(letters)} | {".": 0}


def _look_itos(ns: Any) -> dict[str, Any]:
    """stoi and itos; a list itos (itos[i] works the same) is read as the dict it stands for."""
    itos = get(ns, "itos")
    if isinstance(itos, list | tuple):
        itos = dict(enumerate(itos))
    return {"stoi": get(ns, "stoi"), "itos": itos}


def _A(twice: int = 2) -> torch.Tensor:
    a = torch.zeros((3, 5), dtype=torch.int32)
    a[1, 3] = twice
    a[0, 0] = 5
    return a


def _item_shape(v: dict[str, Any]) -> bool:
    x = v[SHOWN]
    return not (isinstance(x, tuple) and len(x) == 2)


declare(
    Step(
        name="tensor_basics",
        notebook="count_matrix",
        reads=("a",),
        blank="a = ...  # a 3x5 tensor of zeros with dtype torch.int32\n# add 1 to the entry at "
        "row 1, column 3, twice; then set the entry at row 0, column 0 to 5\na",
        hints=(
            "Make a 3x5 tensor of int32 zeros, add 1 to the cell at row 1, column 3 twice, "
            "then set the top-left cell to 5.",
            "a = torch.zeros((3, 5), dtype=torch.int32); a[1, 3] += 1; a[1, 3] += 1; a[0, 0] = 5",
        ),
        anchor="a = torch.zeros((3, 5), dtype=torch.int32)",
        reference=lambda: {"a": _A()},
        done=lambda v: "a[1, 3] = 2 and a[0, 0] = 5 in a 3x5 tensor of whole numbers",
        shape=(_tensor("a"),),
        rules=(_integer("a"),),
        mistakes=(
            Mistake("a[1, 3] is 1: add 1 twice, a[1, 3] += 1 on two lines.", lambda: {"a": _A(1)}),
            Mistake(
                "the top-left entry should be 5: a[0, 0] = 5 (row 0, column 0).",
                lambda: {"a": _A() - 5 * (torch.arange(15).view(3, 5) == 0).int()},
            ),
            Mistake(
                "the shape should be 3 rows and 5 columns: torch.zeros((3, 5), ...).",
                lambda: {"a": _A().T.contiguous()},
                when=lambda v: v["a"].shape != (3, 5),
            ),
        ),
    ),
    Step(
        name="N28",
        notebook="count_matrix",
        reads=("N", "stoi"),
        blank="N = ...  # a 28x28 int32 tensor of zeros\nchars = ...  # the characters of the "
        'names, once each, sorted\nstoi = ...  # string to index: the letters 0-25, then "<S>" '
        '26 and "<E>" 27\n# count every bigram of every word into N (the loop of notebook 02, '
        "with N[ix1, ix2] += 1)",
        hints=(
            "A 28x28 int32 tensor: letters 0-25, <S> 26, <E> 27; add 1 at [ix1, ix2] for every "
            "pair.",
            'stoi = {s: i for i, s in enumerate(chars)}; stoi["<S>"] = 26; stoi["<E>"] = 27; '
            "then the loop of 02 with N[ix1, ix2] += 1.",
        ),
        anchor="N = torch.zeros((28, 28), dtype=torch.int32)",
        reference=lambda: {"N": _N28(), "stoi": _ix28()},
        done=lambda v: (
            f"N.sum() = {int(v['N'].sum()):,} bigrams in 28x28; row <E> and column "
            "<S> empty: wasted space"
        ),
        shape=(
            _tensor("N"),
            Rule("`stoi` should be a dict.", lambda v: not isinstance(v["stoi"], dict)),
        ),
        rules=(_integer("N"),),
        mistakes=(
            Mistake(
                "N.sum() is 32,033 short (one per word): the end token <E> is forgotten.",
                lambda: {"N": _N28("")},
            ),
            Mistake(
                'stoi: the letters 0-25 (enumerate(chars)), then "<S>" 26 and "<E>" 27.',
                lambda: {"stoi": ref.stoi()},
            ),
            Mistake(
                "shape: 26 letters + <S> + <E> is 28x28.",
                lambda: {"N": torch.zeros((27, 27), dtype=torch.int32)},
                when=lambda v: v["N"].shape != (28, 28),
            ),
            Mistake(
                "rows and columns swapped: rows by ch1, columns by ch2, N[ix1, ix2].",
                lambda: {"N": _N28().T.contiguous()},
            ),
        ),
    ),
    Step(
        name="stoi_itos",
        notebook="count_matrix",
        reads=("stoi", "itos"),
        blank="# chars: the sorted characters, as you made them in the 28x28 cell above\nstoi = "
        '...  # string to index: the letters a-z are 1-26, and "." is 0\nitos = ...  # index '
        "to string: undoes stoi",
        hints=(
            "The letters take indices from 1 up, so that index 0 is free for the sentinel '.'; "
            "itos maps each index back to its character.",
            'stoi = {s: i + 1 for i, s in enumerate(chars)}; stoi["."] = 0; '
            "itos = {i: s for s, i in stoi.items()}",
        ),
        anchor="stoi = {s: i + 1 for i, s in enumerate(chars)}",
        look=_look_itos,
        reference=lambda: {"stoi": ref.stoi(), "itos": ref.itos()},
        done=lambda v: "stoi['.'] = 0, 'a' = 1 ... 'z' = 26; itos undoes it (27 symbols)",
        shape=(
            Rule(
                "stoi and itos should both be dicts.",
                lambda v: not (isinstance(v["stoi"], dict) and isinstance(v["itos"], dict)),
            ),
        ),
        mistakes=(
            Mistake(
                'stoi still has separate "<S>"/"<E>": the 27x27 table uses one "." for both, at 0.',
                lambda: {"stoi": _ix28()},
                when=lambda v: "<S>" in v["stoi"] or "<E>" in v["stoi"],
            ),
            Mistake(
                "stoi['a'] is 0: in the 27x27 table index 0 is the sentinel '.''s, and the "
                "letters take 1-26: i + 1.",
                lambda: {"stoi": _from0()},
                when=lambda v: v["stoi"].get("a") == 0,
            ),
            Mistake(
                "'.' is missing from stoi: the sentinel takes index 0, stoi['.'] = 0.",
                lambda: {"stoi": {k: i for k, i in ref.stoi().items() if k != "."}},
                when=lambda v: "." not in v["stoi"],
            ),
            Mistake(
                "itos should undo stoi: itos = {i: s for s, i in stoi.items()}.",
                lambda: {"itos": ref.stoi()},
                when=lambda v: v["itos"] != {i: s for s, i in v["stoi"].items()},
            ),
        ),
    ),
    Step(
        name="count_matrix",
        notebook="count_matrix",
        reads=("N",),
        blank="N = ...  # a 27x27 int32 tensor of zeros\n# count every bigram of every word into "
        'N, with "." before and after each word\n# (rows and columns by stoi)',
        hints=(
            "One 27x27 table of int32 zeros; pad each word with '.' on both sides and add 1 at "
            "[index of ch1, index of ch2] for every pair.",
            "Inside the loop: ix1 = stoi[ch1]; ix2 = stoi[ch2]; N[ix1, ix2] += 1",
        ),
        anchor="N = torch.zeros((27, 27), dtype=torch.int32)",
        reference=lambda: {"N": ref.N()},
        done=lambda v: (
            f"N.sum() = {int(v['N'].sum()):,} bigrams in a 27x27 table; N[0, 1] = "
            f"{int(v['N'][0, 1]):,} start with a"
        ),
        shape=(_tensor("N"),),
        rules=(_integer("N"),),
        mistakes=(
            Mistake(
                "28x28: that is separate <S> and <E>. The 27x27 table uses one '.' for both, at "
                "index 0: chs = ['.'] + list(w) + ['.'].",
                lambda: {"N": _N28()},
                when=lambda v: v["N"].shape == (28, 28),
            ),
            Mistake(
                "N.sum() is 32,033 short (one per word): the end '.' is forgotten.",
                lambda: {"N": ref.table(ref.bigrams(".", ""), ref.stoi())},
            ),
            Mistake(
                "row 0 is all zeros, N.sum() 32,033 short: the start '.' is forgotten, "
                "chs = ['.'] + list(w) + ['.'].",
                _no_start,
            ),
            Mistake(
                "N[0, 0] counts '..', which never occurs: a letter shares index 0 with the "
                "sentinel. Number the letters from 1.",
                lambda: {"N": ref.table(ref.bigrams(), _from0())},
            ),
            Mistake(
                "rows and columns swapped: rows by ch1, columns by ch2, N[ix1, ix2] += 1.",
                lambda: {"N": ref.N().T.contiguous()},
            ),
            Mistake(
                "every count is doubled: the counting loop ran twice into the same N. Run the "
                "cell again from N = torch.zeros(...).",
                lambda: {"N": 2 * ref.N()},
            ),
        ),
    ),
    Step(
        name="item",
        notebook="count_matrix",
        reads=(SHOWN,),
        blank="...  # the count of 'ab' (row 1, column 2) as indexing N gives it, and as a "
        "Python number\n# (one expression that shows both, separated by a comma: a, b)",
        hints=(
            "Indexing a tensor gives a 0-d tensor; .item() gives its number.",
            "N[1, 2], N[1, 2].item()",
        ),
        anchor="N[1, 2], N[1, 2].item()",
        reference=lambda: {SHOWN: (ref.N()[1, 2], int(ref.N()[1, 2]))},
        done=lambda v: f"N[1, 2] is a 0-d tensor, N[1, 2].item() the number {v[SHOWN][1]}",
        shape=(
            Rule(
                "the cell should show two things side by side: N[1, 2], N[1, 2].item()",
                _item_shape,
            ),
            Rule(
                "the second is still a tensor: .item() turns it into a Python number.",
                lambda v: is_tensor(v[SHOWN][1]),
            ),
            Rule(
                "the first should be the tensor N[1, 2] as indexing gives it (no .item()).",
                lambda v: not is_tensor(v[SHOWN][0]),
            ),
        ),
        mistakes=(
            Mistake(
                "that is 'ba' (row 2, column 1): 'ab' is row 1 ('a'), column 2 ('b').",
                lambda: {SHOWN: (ref.N()[2, 1], int(ref.N()[2, 1]))},
            ),
        ),
    ),
)
