"""Learners' answers to the workbook's blanks, written as learners write them: (step, expected,
code). `expected` is "✓" for a right answer; for a wrong one, words the check's line must hold
because they name the mistake this answer makes (the lecture's classic mistakes and the slips
around them). Each answer runs in a kernel in the state the notebook has right before its blank.
"""

from __future__ import annotations

from textwrap import dedent

OK = "✓"


def _(text: str) -> str:
    return dedent(text).strip("\n")


LOOP_N = _("""
    g = torch.Generator().manual_seed(2147483647)
    for _ in range(5):
        out = []
        ix = 0
        while True:
            ROW
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        print("".join(out))
""")


def loop(row: str, **swap: str) -> str:
    code = LOOP_N.replace("ROW", row)
    for old, new in swap.items():
        assert old in code, old
        code = code.replace(old, new)
    return code


def keep(name: str, row: str, count: int = 5, gen: str = ", generator=g") -> str:
    return _(f"""
        g = torch.Generator().manual_seed(2147483647)
        {name} = []
        for _ in range({count}):
            out = []
            ix = 0
            while True:
                {row}
                ix = torch.multinomial(p, num_samples=1, replacement=True{gen}).item()
                out.append(itos[ix])
                if ix == 0:
                    break
            {name}.append("".join(out))
    """)


def nll(
    words: str,
    P: str = "P",
    minus: bool = True,
    per_word: bool = False,
    log: str = "torch.log(prob)",
) -> str:
    return _(f"""
        log_likelihood = 0.0
        n = 0
        for w in {words}:
            chs = ["."] + list(w) + ["."]
            for ch1, ch2 in zip(chs, chs[1:]):
                prob = {P}[stoi[ch1], stoi[ch2]]
                log_likelihood += {log}
                {"" if per_word else "n += 1"}
            {"n += 1" if per_word else ""}
        nll = {"-" if minus else ""}log_likelihood
        print(nll / n)
    """)


def fast_nll(P: str = "P", minus: bool = True) -> str:
    return _(f"""
        ix1 = torch.tensor([stoi[c] for w in words for c in "." + w])
        ix2 = torch.tensor([stoi[c] for w in words for c in w + "."])
        log_likelihood = {P}[ix1, ix2].log().sum()
        n = len(ix1)
        nll = {"-" if minus else ""}log_likelihood
        print(nll / n)
    """)


FORWARD = _("""
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
    xenc = F.one_hot(xs, num_classes=27).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdim=True)
    loss = -probs[torch.arange(5), ys].log().mean()
""")


def train(body: str, setup: str = "", steps: int = 100) -> str:
    return (
        _(setup)
        + "\n"
        + _(f"""
        losses = []
        for k in range({steps}):
            logits = W[xs]
            counts = logits.exp()
            probs = counts / counts.sum(1, keepdims=True)
            loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
            losses.append(loss.item())
    """)
        + "\n"
        + body
    )


RESET_W = _("""
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
""")
STEP = "    W.grad = None\n    loss.backward()\n    W.data += -50 * W.grad"
TRI = 'chs = ["."] * 2 + list(word) + ["."]'

ANSWERS: list[tuple[str, str, str]] = [
    # 01 · the dataset
    ("words", OK, "words = open(path).read().splitlines()"),
    ("words", OK, "with open(path) as f:\n    words = f.read().splitlines()"),
    ("words", OK, "words = [line.strip() for line in open(path)]"),
    ("words", OK, "words = open(path).read().split()"),
    ("words", OK, "from pathlib import Path\n\nwords = Path(path).read_text().splitlines()"),
    ("words", OK, 'words = [w for w in open(path).read().split("\\n") if w]'),
    ("words", OK, 'words = open(path).read().split("\\n")'),
    ("words", "empty name at the end", 'words = (open(path).read() + "\\n").split("\\n")'),
    ("words", "readlines", "words = open(path).readlines()"),
    ("words", "one string", "words = open(path).read()"),
    ("words", "32,033", "words = open(path).read().splitlines()[:1000]"),
    ("n_words", OK, "len(words)"),
    ("n_words", OK, "sum(1 for _ in words)"),
    ("n_words", OK, "n = len(words)\nn"),
    ("n_words", OK, "for _ in words:\n    pass\nlen(words)"),
    ("n_words", OK, "words.__len__()"),
    ("n_words", OK, "count = 0\nfor w in words:\n    count += 1\ncount"),
    ("n_words", "different", "len(set(words))"),
    ("n_words", OK, "print(len(words))"),
    ("n_words", "shows no value", "len(words);"),
    ("n_words", "counts characters", "sum(len(w) for w in words)"),
    ("n_words", "length of one name", "len(words[0])"),
    ("n_words", "no number", "words[:3]"),
    ("shortest", OK, "min(len(w) for w in words)"),
    ("shortest", OK, "min(map(len, words))"),
    ("shortest", OK, "len(min(words, key=len))"),
    ("shortest", OK, "sorted(len(w) for w in words)[0]"),
    ("shortest", OK, "for _ in words:\n    pass\nmin([len(w) for w in words])"),
    ("shortest", "alphabetically", "min(words)"),
    ("shortest", "other end", "max(len(w) for w in words)"),
    ("shortest", "name itself", "min(words, key=len)"),
    ("longest", OK, "max(len(w) for w in words)"),
    ("longest", OK, "max(map(len, words))"),
    ("longest", OK, "len(max(words, key=len))"),
    ("longest", OK, "lengths = [len(w) for w in words]\nmax(lengths)"),
    ("longest", "alphabetically", "max(words)"),
    ("longest", "other end", "min(len(w) for w in words)"),
    ("longest", "name itself", "max(words, key=len)"),
    # 02 · bigrams in a dictionary
    (
        "zip_pairs",
        OK,
        "for w in words[:1]:\n    for ch1, ch2 in zip(w, w[1:]):\n        print(ch1, ch2)",
    ),
    (
        "zip_pairs",
        OK,
        "w = words[0]\nfor i in range(len(w) - 1):\n    ch1, ch2 = w[i], w[i + 1]\n    print(ch1, ch2)",
    ),
    (
        "zip_pairs",
        OK,
        'for w in ["emma"]:\n    for ch1, ch2 in zip(w, w[1:]):\n        print(ch1, ch2)',
    ),
    (
        "zip_pairs",
        OK,
        "for w in words[:3]:\n    for ch1, ch2 in zip(w, w[1:]):\n        print(ch1, ch2)",
    ),
    (
        "zip_pairs",
        "with itself",
        "for w in words[:1]:\n    for ch1, ch2 in zip(w, w):\n        print(ch1, ch2)",
    ),
    (
        "zip_pairs",
        "reversed",
        "for w in words[:1]:\n    for ch1, ch2 in zip(w[1:], w):\n        print(ch1, ch2)",
    ),
    (
        "tokens",
        OK,
        'for w in words[:3]:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        OK,
        'for w in words[:3]:\n    chs = ["<S>", *w, "<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        OK,
        'for w in words[:3]:\n    chs = ["<S>"] + [c for c in w] + ["<E>"]\n    for i in range(len(chs) - 1):\n        ch1, ch2 = chs[i], chs[i + 1]',
    ),
    (
        "tokens",
        OK,
        'for w in ["emma"]:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        "end token",
        'for w in words[:3]:\n    chs = ["<S>"] + list(w)\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        "start token",
        'for w in words[:3]:\n    chs = list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        '"<S>" and "<E>"',
        'for w in words[:3]:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        "list(w) splits",
        'for w in words[:3]:\n    chs = ["<S>", w, "<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        print(ch1, ch2)',
    ),
    (
        "tokens",
        "zip(chs, chs[1:])",
        'for w in words[:3]:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs):\n        print(ch1, ch2)',
    ),
    (
        "bigram_counts",
        OK,
        'b = {}\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1',
    ),
    (
        "bigram_counts",
        OK,
        'from collections import Counter\n\nb = Counter()\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    b.update(zip(chs, chs[1:]))',
    ),
    (
        "bigram_counts",
        OK,
        'from collections import defaultdict\n\nb = defaultdict(int)\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for pair in zip(chs, chs[1:]):\n        b[pair] += 1',
    ),
    (
        "bigram_counts",
        OK,
        'b = {}\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for pair in zip(chs, chs[1:]):\n        if pair in b:\n            b[pair] += 1\n        else:\n            b[pair] = 1',
    ),
    (
        "bigram_counts",
        OK,
        'from collections import Counter\n\nb = Counter(p for w in words for p in zip(["<S>"] + list(w), list(w) + ["<E>"]))',
    ),
    (
        "bigram_counts",
        "every count in b is 1",
        'b = {}\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] = 1',
    ),
    (
        "bigram_counts",
        "<E> is forgotten",
        'b = {}\nfor w in words:\n    chs = ["<S>"] + list(w)\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1',
    ),
    (
        "bigram_counts",
        "<S> is forgotten",
        'b = {}\nfor w in words:\n    chs = list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1',
    ),
    (
        "bigram_counts",
        "tuples",
        'b = {}\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[ch1 + ch2] = b.get(ch1 + ch2, 0) + 1',
    ),
    (
        "bigram_counts",
        "first three words",
        'b = {}\nfor w in words[:3]:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1',
    ),
    ("bigram_counts", "still empty", "b = {}"),
    ("ranked", OK, "sorted(b.items(), key=lambda kv: -kv[1])[:10]"),
    ("ranked", OK, "sorted(b.items(), key=lambda kv: kv[1], reverse=True)[:10]"),
    ("ranked", OK, "from collections import Counter\n\nCounter(b).most_common(10)"),
    (
        "ranked",
        OK,
        "import operator\n\nsorted(b.items(), key=operator.itemgetter(1), reverse=True)[:10]",
    ),
    ("ranked", OK, "top = sorted(b.items(), key=lambda x: -x[1])\ntop[:10]"),
    ("ranked", "has count 1, the smallest", "sorted(b.items(), key=lambda kv: kv[1])[:10]"),
    ("ranked", "count is not the largest", "sorted(b.items())[:10]"),
    ("ranked", "more than ten items", "sorted(b.items(), key=lambda kv: -kv[1])"),
    ("ranked", "fewer than ten", "sorted(b.items(), key=lambda kv: -kv[1])[:5]"),
    ("ranked", "keys alone", "sorted(b, key=lambda k: -b[k])[:10]"),
    # 03 · the count matrix
    (
        "tensor_basics",
        OK,
        "a = torch.zeros((3, 5), dtype=torch.int32)\na[1, 3] += 1\na[1, 3] += 1\na[0, 0] = 5\na",
    ),
    ("tensor_basics", OK, "a = torch.zeros(3, 5, dtype=torch.int32)\na[1][3] += 2\na[0][0] = 5\na"),
    (
        "tensor_basics",
        OK,
        "a = torch.zeros((3, 5), dtype=torch.int)\na[1, 3] = a[1, 3] + 1\na[1, 3] += 1\na[0, 0] = 5\na",
    ),
    (
        "tensor_basics",
        OK,
        "a = torch.zeros((3, 5), dtype=torch.long)\na[1, 3] += 1\na[1, 3] += 1\na[0, 0] = 5\na",
    ),
    (
        "tensor_basics",
        "a[1, 3] is 1",
        "a = torch.zeros((3, 5), dtype=torch.int32)\na[1, 3] += 1\na[0, 0] = 5\na",
    ),
    (
        "tensor_basics",
        "holds floats",
        "a = torch.zeros((3, 5))\na[1, 3] += 1\na[1, 3] += 1\na[0, 0] = 5\na",
    ),
    (
        "tensor_basics",
        "3 rows and 5 columns",
        "a = torch.zeros((5, 3), dtype=torch.int32)\na[1, 2] += 2\na[0, 0] = 5\na",
    ),
    (
        "tensor_basics",
        "top-left",
        "a = torch.zeros((3, 5), dtype=torch.int32)\na[1, 3] += 1\na[1, 3] += 1\na",
    ),
    (
        "tensor_basics",
        "stopped with IndexError",
        "a = torch.zeros((3, 5), dtype=torch.int32)\na[3, 1] += 2\na[0, 0] = 5\na",
    ),
    (
        "N28",
        OK,
        'N = torch.zeros((28, 28), dtype=torch.int32)\nchars = sorted(list(set("".join(words))))\nstoi = {s: i for i, s in enumerate(chars)}\nstoi["<S>"] = 26\nstoi["<E>"] = 27\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "N28",
        OK,
        'N = torch.zeros((28, 28), dtype=torch.int64)\nchars = sorted(set("".join(words)))\nstoi = {ch: i for i, ch in enumerate(chars)} | {"<S>": 26, "<E>": 27}\nfor w in words:\n    chs = ["<S>", *w, "<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "N28",
        "end token <E>",
        'N = torch.zeros((28, 28), dtype=torch.int32)\nchars = sorted(list(set("".join(words))))\nstoi = {s: i for i, s in enumerate(chars)}\nstoi["<S>"] = 26\nstoi["<E>"] = 27\nfor w in words:\n    chs = ["<S>"] + list(w)\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "N28",
        "stopped with IndexError",
        'N = torch.zeros((28, 28), dtype=torch.int32)\nchars = sorted(list(set("".join(words))))\nstoi = {s: i + 1 for i, s in enumerate(chars)}\nstoi["<S>"] = 27\nstoi["<E>"] = 28\nfor w in words:\n    chs = ["<S>"] + list(w) + ["<E>"]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "stoi_itos",
        OK,
        'stoi = {s: i + 1 for i, s in enumerate(chars)}\nstoi["."] = 0\nitos = {i: s for s, i in stoi.items()}',
    ),
    (
        "stoi_itos",
        OK,
        'stoi = {ch: i for i, ch in enumerate(["."] + chars)}\nitos = {i: ch for ch, i in stoi.items()}',
    ),
    (
        "stoi_itos",
        OK,
        'stoi = {s: i for i, s in enumerate(chars, start=1)}\nstoi["."] = 0\nitos = {v: k for k, v in stoi.items()}',
    ),
    ("stoi_itos", OK, 'itos = ["."] + chars\nstoi = {s: i for i, s in enumerate(itos)}'),
    (
        "stoi_itos",
        OK,
        'itos = dict(enumerate(["."] + chars))\nstoi = {s: i for i, s in itos.items()}',
    ),
    (
        "stoi_itos",
        "stoi['a'] is 0",
        'stoi = {s: i for i, s in enumerate(chars)}\nstoi["."] = 0\nitos = {i: s for s, i in stoi.items()}',
    ),
    (
        "stoi_itos",
        "'.' is missing",
        "stoi = {s: i + 1 for i, s in enumerate(chars)}\nitos = {i: s for s, i in stoi.items()}",
    ),
    ("stoi_itos", "separate", 'stoi["."] = 0\nitos = {i: s for s, i in stoi.items()}'),
    (
        "stoi_itos",
        "undo stoi",
        'stoi = {s: i + 1 for i, s in enumerate(chars)}\nstoi["."] = 0\nitos = stoi',
    ),
    (
        "count_matrix",
        OK,
        'N = torch.zeros((27, 27), dtype=torch.int32)\nfor w in words:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "count_matrix",
        OK,
        'N = torch.zeros((27, 27), dtype=torch.int64)\nfor w in words:\n    for ch1, ch2 in zip("." + w, w + "."):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "count_matrix",
        OK,
        'from collections import Counter\n\npairs = Counter(p for w in words for p in zip("." + w, w + "."))\nN = torch.zeros((27, 27), dtype=torch.int32)\nfor (a, b2), k in pairs.items():\n    N[stoi[a], stoi[b2]] = k',
    ),
    (
        "count_matrix",
        "holds floats",
        'N = torch.zeros((27, 27))\nfor w in words:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "count_matrix",
        "end '.' is forgotten",
        'N = torch.zeros((27, 27), dtype=torch.int32)\nfor w in words:\n    chs = ["."] + list(w)\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    (
        "count_matrix",
        "doubled",
        'N = torch.zeros((27, 27), dtype=torch.int32)\nfor w in words * 2:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        N[stoi[ch1], stoi[ch2]] += 1',
    ),
    ("item", OK, "N[1, 2], N[1, 2].item()"),
    ("item", OK, "N[1][2], N[1][2].item()"),
    ("item", OK, "(N[1, 2], int(N[1, 2]))"),
    ("item", OK, 'N[stoi["a"], stoi["b"]], N[stoi["a"], stoi["b"]].item()'),
    ("item", "still a tensor", "N[1, 2], N[1, 2]"),
    ("item", "'ba'", "N[2, 1], N[2, 1].item()"),
    ("item", "two things", "N[1, 2].item()"),
    ("item", "first should be the tensor", "N[1, 2].item(), N[1, 2].item()"),
    # 04 · sampling
    ("first_row", OK, "p = N[0].float()\np = p / p.sum()\np"),
    ("first_row", OK, "p = N[0] / N[0].sum()\np"),
    ("first_row", OK, "p = N[0].float()\np /= p.sum()\np"),
    ("first_row", OK, "p = N[0, :].float() / N[0, :].sum()\np"),
    ("first_row", "32,033", "p = N[0].float()\np"),
    ("first_row", "column 0", "p = N[:, 0].float()\np = p / p.sum()\np"),
    ("first_row", "floored", "p = N[0] // N[0].sum()\np"),
    ("first_row", "smoothed row", "p = (N[0] + 1).float()\np = p / p.sum()\np"),
    ("first_row", OK, "p = N[0].double()\np = p / p.sum()\np"),
    (
        "one_draw",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()",
    ),
    (
        "one_draw",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nix = int(torch.multinomial(p, 1, True, generator=g))",
    ),
    (
        "one_draw",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nix = torch.multinomial(p, num_samples=1, replacement=True, generator=g)[0].item()",
    ),
    (
        "one_draw",
        "fresh seed",
        "g = torch.Generator().manual_seed(2147483647)\nix = torch.multinomial(p, num_samples=1, replacement=True).item()",
    ),
    (
        "one_draw",
        "ix is a tensor",
        "g = torch.Generator().manual_seed(2147483647)\nix = torch.multinomial(p, num_samples=1, replacement=True, generator=g)",
    ),
    (
        "one_draw",
        "drawn twice",
        "g = torch.Generator().manual_seed(2147483647)\nix = torch.multinomial(p, 1, True, generator=g).item()\nix = torch.multinomial(p, 1, True, generator=g).item()",
    ),
    (
        "seeded_rand",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\np = torch.rand(3, generator=g)\np = p / p.sum()\np",
    ),
    (
        "seeded_rand",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\np = torch.rand(3, generator=g)\np /= p.sum()\np",
    ),
    (
        "seeded_rand",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\np = torch.rand((3,), generator=g)\np = p / p.sum(0)\np",
    ),
    (
        "seeded_rand",
        "does not sum to 1",
        "g = torch.Generator().manual_seed(2147483647)\np = torch.rand(3, generator=g)\np",
    ),
    (
        "seeded_rand",
        "fresh seed",
        "g = torch.Generator().manual_seed(2147483647)\np = torch.rand(3)\np = p / p.sum()\np",
    ),
    (
        "seeded_rand",
        "torch.randn",
        "g = torch.Generator().manual_seed(2147483647)\np = torch.randn(3, generator=g)\np = p / p.sum()\np",
    ),
    ("sampling_loop", OK, loop("p = N[ix].float()\n        p = p / p.sum()")),
    ("sampling_loop", OK, loop("p = N[ix] / N[ix].sum()")),
    ("sampling_loop", OK, loop("p = N[ix].float()\n        p /= p.sum()")),
    ("sampling_loop", OK, loop("row = N[ix].float()\n        p = row / row.sum()")),
    (
        "sampling_loop",
        "fresh seed",
        loop("p = N[ix].float() / N[ix].sum()", **{", generator=g": ""}),
    ),
    (
        "sampling_loop",
        "seeded again",
        loop(
            "p = N[ix].float() / N[ix].sum()",
            **{"    out = []": "    g = torch.Generator().manual_seed(2147483647)\n    out = []"},
        ),
    ),
    (
        "sampling_loop",
        "not 5 of them",
        loop("p = N[ix].float() / N[ix].sum()", **{"range(5)": "range(4)"}),
    ),
    (
        "sampling_loop",
        "every name at once",
        loop(
            "p = N[ix].float() / N[ix].sum()",
            **{"    out = []\n": "", "for _ in range(5):": "out = []\nfor _ in range(5):"},
        ),
    ),
    (
        "sampling_loop",
        "does not end in '.'",
        loop(
            "p = N[ix].float() / N[ix].sum()",
            **{
                "        out.append(itos[ix])\n        if ix == 0:\n            break": "        if ix == 0:\n            break\n        out.append(itos[ix])"
            },
        ),
    ),
    ("sampling_loop", "columns", loop("p = N[:, ix].float() / N[:, ix].sum()")),
    ("uniform_loop", OK, loop("p = torch.ones(27) / 27.0")),
    ("uniform_loop", OK, loop("p = torch.ones(27) / 27")),
    ("uniform_loop", OK, loop("p = torch.full((27,), 1 / 27)")),
    ("uniform_loop", "count model", loop("p = N[ix].float() / N[ix].sum()")),
    ("uniform_loop", "fresh seed", loop("p = torch.ones(27) / 27.0", **{", generator=g": ""})),
    (
        "uniform_loop",
        "not 5 of them",
        loop("p = torch.ones(27) / 27.0", **{"range(5)": "range(3)"}),
    ),
    ("P_keepdim", OK, "P = N.float()\nP /= P.sum(1, keepdim=True)"),
    ("P_keepdim", OK, "P = N.float()\nP = P / P.sum(1, keepdims=True)"),
    ("P_keepdim", OK, "P = N / N.sum(dim=1, keepdim=True)"),
    ("P_keepdim", OK, "P = N.float()\nP /= P.sum(axis=1, keepdim=True)"),
    ("P_keepdim", OK, "P = N.float() / N.float().sum(1).unsqueeze(1)"),
    ("P_keepdim", OK, "P = (N / N.sum(1)[:, None]).float()"),
    ("P_keepdim", "columns of P", "P = N.float()\nP /= P.sum(1)"),
    ("P_keepdim", "columns of P", "P = N.float()\nP = P / P.sum(0, keepdim=True)"),
    ("P_keepdim", "float32", "P = N.double()\nP /= P.sum(1, keepdim=True)"),
    ("P_keepdim", "whole table", "P = N.float() / N.sum()"),
    ("P_keepdim", "smoothed", "P = (N + 1).float()\nP /= P.sum(1, keepdim=True)"),
    ("sampling_P", OK, loop("p = P[ix]")),
    ("sampling_P", OK, loop("p = P[ix, :]")),
    ("sampling_P", OK, loop("p = P[ix].clone()")),
    ("sampling_P", "columns", loop("p = P[:, ix] / P[:, ix].sum()")),
    ("sampling_P", "fresh seed", loop("p = P[ix]", **{", generator=g": ""})),
    (
        "sampling_P",
        "every name at once",
        loop(
            "p = P[ix]",
            **{"    out = []\n": "", "for _ in range(5):": "out = []\nfor _ in range(5):"},
        ),
    ),
    # 05 · negative log-likelihood and smoothing
    ("nll_three_words", OK, nll("words[:3]")),
    (
        "nll_three_words",
        OK,
        nll("words[:3]", log="math.log(prob.item())").replace(
            "log_likelihood = 0.0", "import math\n\nlog_likelihood = 0.0"
        ),
    ),
    ("nll_three_words", OK, nll("words[:3]", log="prob.log()")),
    ("nll_three_words", OK, nll('["emma", "olivia", "ava"]')),
    ("nll_three_words", "minus sign", nll("words[:3]", minus=False)),
    ("nll_three_words", "counts words", nll("words[:3]", per_word=True)),
    ("nll_three_words", "base 10", nll("words[:3]", log="torch.log10(prob)")),
    (
        "nll_three_words",
        "already the average",
        nll("words[:3]").replace("nll = -log_likelihood", "nll = -log_likelihood / n"),
    ),
    ("average_nll", OK, fast_nll()),
    ("average_nll", "minus sign", fast_nll(minus=False)),
    ("average_nll", "words[:3]", nll("words[:3]")),
    (
        "average_nll",
        "already the smoothed",
        "P = (N + 1).float()\nP /= P.sum(1, keepdim=True)\n" + fast_nll(),
    ),
    ("smoothing", OK, "P = (N + 1).float()\nP /= P.sum(1, keepdim=True)"),
    ("smoothing", OK, "P = (N + 1) / (N + 1).sum(1, keepdim=True)"),
    ("smoothing", OK, "P = N.float() + 1\nP = P / P.sum(1, keepdims=True)"),
    (
        "smoothing",
        OK,
        "import torch.nn.functional as F\n\nP = F.normalize((N + 1).float(), p=1, dim=1)",
    ),
    ("smoothing", "still has zeros", "P = N.float()\nP /= P.sum(1, keepdim=True)"),
    ("smoothing", "columns", "P = (N + 1).float()\nP /= P.sum(1)"),
    (
        "smoothing",
        "after normalising",
        "P = N.float()\nP /= P.sum(1, keepdim=True)\nP = P + 1\nP /= P.sum(1, keepdim=True)",
    ),
    ("smoothing", "float32", "P = (N + 1).double()\nP /= P.sum(1, keepdim=True)"),
    ("andrejq", OK, nll('["andrejq"]')),
    ("andrejq", OK, nll('["andrejq"]', log="prob.log()")),
    ("andrejq", "minus sign", nll('["andrejq"]', minus=False)),
    (
        "andrejq",
        "unsmoothed",
        "P0 = N.float()\nP0 /= P0.sum(1, keepdim=True)\n" + nll('["andrejq"]', P="P0"),
    ),
    ("smoothed_nll", OK, fast_nll()),
    (
        "smoothed_nll",
        "unsmoothed",
        "P0 = N.float()\nP0 /= P0.sum(1, keepdim=True)\n" + fast_nll(P="P0"),
    ),
    ("smoothed_nll", "minus sign", fast_nll(minus=False)),
    # 06 · the forward pass and its loss
    (
        "pairs_emma",
        OK,
        'xs, ys = [], []\nfor w in words[:1]:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        xs.append(stoi[ch1])\n        ys.append(stoi[ch2])\nxs = torch.tensor(xs)\nys = torch.tensor(ys)',
    ),
    (
        "pairs_emma",
        OK,
        'xs = torch.tensor([stoi[c] for c in "." + words[0]])\nys = torch.tensor([stoi[c] for c in words[0] + "."])',
    ),
    (
        "pairs_emma",
        OK,
        'xs, ys = [], []\nfor ch1, ch2 in zip("." + words[0], words[0] + "."):\n    xs.append(stoi[ch1])\n    ys.append(stoi[ch2])\nxs = torch.tensor(xs, dtype=torch.long)\nys = torch.tensor(ys, dtype=torch.long)',
    ),
    (
        "pairs_emma",
        OK,
        'xs, ys = [], []\nfor w in words[:1]:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        xs.append(stoi[ch1])\n        ys.append(stoi[ch2])\nxs = torch.LongTensor(xs)\nys = torch.LongTensor(ys)',
    ),
    (
        "pairs_emma",
        "swapped",
        'xs = torch.tensor([stoi[c] for c in words[0] + "."])\nys = torch.tensor([stoi[c] for c in "." + words[0]])',
    ),
    (
        "pairs_emma",
        "4 pairs",
        'xs = torch.tensor([stoi[c] for c in "." + words[0][:-1]])\nys = torch.tensor([stoi[c] for c in words[0]])',
    ),
    (
        "pairs_emma",
        "int64",
        'xs, ys = [], []\nfor w in words[:1]:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        xs.append(stoi[ch1])\n        ys.append(stoi[ch2])\nxs = torch.Tensor(xs)\nys = torch.Tensor(ys)',
    ),
    (
        "pairs_emma",
        "int64",
        'xs = torch.tensor([stoi[c] for c in "." + words[0]], dtype=torch.int32)\nys = torch.tensor([stoi[c] for c in words[0] + "."], dtype=torch.int32)',
    ),
    (
        "pairs_emma",
        "should be tensors",
        'xs = [stoi[c] for c in "." + words[0]]\nys = [stoi[c] for c in words[0] + "."]',
    ),
    (
        "pairs_emma",
        "first word only",
        'xs = torch.tensor([stoi[c] for w in words[:2] for c in "." + w])\nys = torch.tensor([stoi[c] for w in words[:2] for c in w + "."])',
    ),
    ("one_hot_float", OK, "xenc = F.one_hot(xs, num_classes=27).float()"),
    ("one_hot_float", OK, "xenc = F.one_hot(xs, 27).float()"),
    ("one_hot_float", OK, "xenc = F.one_hot(xs, num_classes=27).to(torch.float32)"),
    ("one_hot_float", OK, "xenc = torch.zeros(5, 27)\nxenc[torch.arange(5), xs] = 1"),
    ("one_hot_float", OK, "xenc = torch.eye(27)[xs]"),
    ("one_hot_float", "int64", "xenc = F.one_hot(xs, num_classes=27)"),
    ("one_hot_float", "num_classes", "xenc = F.one_hot(xs).float()"),
    ("one_hot_float", "one-hot of ys", "xenc = F.one_hot(ys, num_classes=27).float()"),
    ("one_hot_float", "not float32", "xenc = F.one_hot(xs, num_classes=27).double()"),
    (
        "logits",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nW = torch.randn((27, 27), generator=g)\nlogits = xenc @ W",
    ),
    (
        "logits",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nW = torch.randn(27, 27, generator=g)\nlogits = torch.matmul(xenc, W)",
    ),
    (
        "logits",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nW = torch.randn((27, 27), generator=g, requires_grad=True)\nlogits = xenc @ W",
    ),
    (
        "logits",
        OK,
        "g = torch.Generator().manual_seed(2147483647)\nW = torch.randn((27, 27), generator=g)\nlogits = W[xs]",
    ),
    ("logits", "not the lesson's seeded W", "W = torch.randn((27, 27))\nlogits = xenc @ W"),
    (
        "logits",
        "does not exist",
        "W = torch.randn((27, 27), generator=g)\nlogits = xenc @ W",
    ),
    (
        "logits",
        "not the lesson's seeded W",
        "g = torch.Generator().manual_seed(42)\nW = torch.randn((27, 27), generator=g)\nlogits = xenc @ W",
    ),
    (
        "logits",
        "one column",
        "g = torch.Generator().manual_seed(2147483647)\nW = torch.randn((27, 1), generator=g)\nlogits = xenc @ W",
    ),
    ("softmax", OK, "counts = logits.exp()\nprobs = counts / counts.sum(1, keepdim=True)"),
    ("softmax", OK, "probs = F.softmax(logits, dim=1)"),
    ("softmax", OK, "probs = logits.softmax(1)"),
    ("softmax", OK, "counts = logits.exp()\nprobs = counts / counts.sum(dim=-1, keepdim=True)"),
    ("softmax", OK, "probs = torch.exp(logits) / torch.exp(logits).sum(1, keepdims=True)"),
    ("softmax", "columns", "probs = F.softmax(logits, dim=0)"),
    ("softmax", "no exp", "probs = logits / logits.sum(1, keepdim=True)"),
    ("softmax", "whole table", "counts = logits.exp()\nprobs = counts / counts.sum()"),
    ("softmax", "those are the counts", "counts = logits.exp()\nprobs = counts"),
    (
        "softmax",
        "stopped with RuntimeError",
        "counts = logits.exp()\nprobs = counts / counts.sum(1)",
    ),
    (
        "nlls_loop",
        OK,
        "nlls = torch.zeros(5)\nfor i in range(5):\n    y = ys[i].item()\n    p = probs[i, y]\n    nlls[i] = -torch.log(p)",
    ),
    (
        "nlls_loop",
        OK,
        "nlls = torch.zeros(5)\nfor i in range(5):\n    nlls[i] = -probs[i, ys[i]].log()",
    ),
    (
        "nlls_loop",
        OK,
        "import math\n\nnlls = torch.zeros(5)\nfor i in range(5):\n    nlls[i] = -math.log(probs[i][ys[i]].item())",
    ),
    ("nlls_loop", OK, "nlls = torch.tensor([-probs[i, ys[i]].log().item() for i in range(5)])"),
    (
        "nlls_loop",
        "minus sign",
        "nlls = torch.zeros(5)\nfor i in range(5):\n    nlls[i] = probs[i, ys[i]].log()",
    ),
    (
        "nlls_loop",
        "input x",
        "nlls = torch.zeros(5)\nfor i in range(5):\n    nlls[i] = -probs[i, xs[i]].log()",
    ),
    (
        "nlls_loop",
        "no log",
        "nlls = torch.zeros(5)\nfor i in range(5):\n    nlls[i] = -probs[i, ys[i]]",
    ),
    ("nlls_loop", "still all zeros", "nlls = torch.zeros(5)"),
    ("loss_by_indexing", OK, "loss = -probs[torch.arange(5), ys].log().mean()\nloss"),
    ("loss_by_indexing", OK, "loss = F.nll_loss(probs.log(), ys)\nloss"),
    ("loss_by_indexing", OK, "loss = F.cross_entropy(logits, ys)\nloss"),
    ("loss_by_indexing", OK, "loss = -probs[range(5), ys].log().mean()\nloss"),
    ("loss_by_indexing", OK, "loss = -torch.log(probs[torch.arange(len(ys)), ys]).mean()\nloss"),
    ("loss_by_indexing", "minus sign", "loss = probs[torch.arange(5), ys].log().mean()\nloss"),
    ("loss_by_indexing", "sum of the 5", "loss = -probs[torch.arange(5), ys].log().sum()\nloss"),
    ("loss_by_indexing", "no log", "loss = -probs[torch.arange(5), ys].mean()\nloss"),
    ("loss_by_indexing", "5x5 block", "loss = -probs[:, ys].log().mean()\nloss"),
    # 07 · training
    ("backward", OK, FORWARD + "\nW.grad = None\nloss.backward()"),
    ("backward", OK, FORWARD + "\nif W.grad is not None:\n    W.grad.zero_()\nloss.backward()"),
    (
        "backward",
        OK,
        FORWARD.replace(
            "counts = logits.exp()\nprobs = counts / counts.sum(1, keepdim=True)\nloss = -probs[torch.arange(5), ys].log().mean()",
            "loss = F.cross_entropy(logits, ys)",
        )
        + "\nloss.backward()",
    ),
    (
        "backward",
        OK,
        FORWARD.replace(
            "probs = counts / counts.sum(1, keepdim=True)", "probs = F.softmax(logits, dim=1)"
        )
        + "\nW.grad = None\nloss.backward()",
    ),
    (
        "backward",
        "minus sign",
        FORWARD.replace("loss = -probs", "loss = probs") + "\nW.grad = None\nloss.backward()",
    ),
    ("backward", "twice", FORWARD + "\nloss.backward(retain_graph=True)\nloss.backward()"),
    (
        "backward",
        "sum of the 5",
        FORWARD.replace(".log().mean()", ".log().sum()") + "\nloss.backward()",
    ),
    ("backward", "W.grad is None", FORWARD),
    ("gradient_step", OK, "W.data += -0.1 * W.grad"),
    ("gradient_step", OK, "with torch.no_grad():\n    W -= 0.1 * W.grad"),
    ("gradient_step", OK, "W.data -= 0.1 * W.grad"),
    ("gradient_step", OK, "W.data = W.data - 0.1 * W.grad"),
    ("gradient_step", OK, "lr = 0.1\nwith torch.no_grad():\n    W.add_(W.grad, alpha=-lr)"),
    ("gradient_step", "wrong sign", "W.data += 0.1 * W.grad"),
    ("gradient_step", "twice as far", "W.data += -0.1 * W.grad\nW.data += -0.1 * W.grad"),
    ("gradient_step", "10 times", "W.data += -1.0 * W.grad"),
    ("gradient_step", "through W.data", "W -= 0.1 * W.grad"),
    (
        "dataset",
        OK,
        'xs, ys = [], []\nfor w in words:\n    chs = ["."] + list(w) + ["."]\n    for ch1, ch2 in zip(chs, chs[1:]):\n        xs.append(stoi[ch1])\n        ys.append(stoi[ch2])\nxs = torch.tensor(xs)\nys = torch.tensor(ys)\nnum = xs.nelement()',
    ),
    (
        "dataset",
        OK,
        'xs = torch.tensor([stoi[c] for w in words for c in "." + w])\nys = torch.tensor([stoi[c] for w in words for c in w + "."])\nnum = len(xs)',
    ),
    (
        "dataset",
        OK,
        'xs = torch.tensor([stoi[c] for w in words for c in "." + w])\nys = torch.tensor([stoi[c] for w in words for c in w + "."])\nnum = xs.shape[0]',
    ),
    (
        "dataset",
        "int64",
        'xs = torch.tensor([stoi[c] for w in words for c in "." + w], dtype=torch.int32)\nys = torch.tensor([stoi[c] for w in words for c in w + "."], dtype=torch.int32)\nnum = xs.nelement()',
    ),
    (
        "dataset",
        "int64",
        'xs = torch.Tensor([stoi[c] for w in words for c in "." + w])\nys = torch.Tensor([stoi[c] for w in words for c in w + "."])\nnum = xs.nelement()',
    ),
    (
        "dataset",
        "32,033 pairs short",
        'xs = torch.tensor([stoi[c] for w in words for c in "." + w[:-1]])\nys = torch.tensor([stoi[c] for w in words for c in w])\nnum = xs.nelement()',
    ),
    (
        "dataset",
        "swapped",
        'ys = torch.tensor([stoi[c] for w in words for c in "." + w])\nxs = torch.tensor([stoi[c] for w in words for c in w + "."])\nnum = xs.nelement()',
    ),
    (
        "dataset",
        "number of examples",
        'xs = torch.tensor([stoi[c] for w in words for c in "." + w])\nys = torch.tensor([stoi[c] for w in words for c in w + "."])\nnum = len(words)',
    ),
    (
        "training_loop",
        OK,
        train(
            STEP.replace(
                "    W.grad = None\n", "    if W.grad is not None:\n        W.grad.zero_()\n"
            )
        ),
    ),
    ("training_loop", "already trained", train(STEP) + "\n" + train(STEP)),
    (
        "training_loop",
        "not reset",
        train(STEP.replace("    W.grad = None\n", ""), RESET_W, steps=5),
    ),
    ("training_loop", "100 steps", train(STEP, RESET_W, steps=5)),
    # 08 · the net learns the counts
    (
        "trained_net",
        "random start",
        RESET_W + "\nlogits = W[xs]\nloss = F.cross_entropy(logits, ys) + 0.01 * (W**2).mean()",
    ),
    (
        "net_samples",
        OK,
        keep(
            "from_net",
            "xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()\n                counts = (xenc @ W).exp()\n                p = counts / counts.sum(1, keepdims=True)",
        ),
    ),
    ("net_samples", OK, keep("from_net", "p = F.softmax(W[ix], dim=0)")),
    ("net_samples", OK, keep("from_net", "p = W[ix].exp() / W[ix].exp().sum()")),
    ("net_samples", OK, keep("from_net", "p = torch.softmax(W[ix].detach(), 0)")),
    ("net_samples", "count model", keep("from_net", "p = P[ix]")),
    ("net_samples", "fresh seed", keep("from_net", "p = F.softmax(W[ix], dim=0)", gen="")),
    ("net_samples", "not 5 of them", keep("from_net", "p = F.softmax(W[ix], dim=0)", count=4)),
    (
        "net_samples",
        "not the trained net",
        "W = torch.randn((27, 27), generator=torch.Generator().manual_seed(2147483647))\n"
        + keep("from_net", "p = F.softmax(W[ix], dim=0)"),
    ),
    ("count_samples", OK, keep("from_counts", "p = P[ix]")),
    ("count_samples", OK, keep("from_counts", "p = P[ix, :]")),
    ("count_samples", OK, keep("from_counts", "p = (N[ix] + 1).float() / (N[ix] + 1).sum()")),
    ("count_samples", "net's names", keep("from_counts", "p = F.softmax(W[ix], dim=0)")),
    ("count_samples", "not 5 of them", keep("from_counts", "p = P[ix]", count=6)),
    ("count_samples", "fresh seed", keep("from_counts", "p = P[ix]", gen="")),
    (
        "net_table",
        OK,
        "counts = W.exp()\nP_net = counts / counts.sum(1, keepdims=True)\n"
        + keep("from_table", "p = P_net[ix]"),
    ),
    ("net_table", OK, "P_net = torch.softmax(W, dim=1)\n" + keep("from_table", "p = P_net[ix]")),
    (
        "net_table",
        OK,
        "P_net = (W.exp() / W.exp().sum(1, keepdim=True)).detach()\n"
        + keep("from_table", "p = P_net[ix]"),
    ),
    (
        "net_table",
        "columns",
        "P_net = torch.softmax(W, dim=0)\n" + keep("from_table", "p = P_net[ix] / P_net[ix].sum()"),
    ),
    ("net_table", "without dividing", "P_net = W.exp()\n" + keep("from_table", "p = P_net[ix]")),
    ("table_gap", OK, "diff = (P_net - P).abs()\ni, j = divmod(diff.argmax().item(), 27)"),
    ("table_gap", OK, "diff = (P - P_net).abs()\nk = diff.argmax().item()\ni, j = k // 27, k % 27"),
    (
        "table_gap",
        OK,
        "diff = torch.abs(P_net - P)\ni, j = (int(t) for t in torch.nonzero(diff == diff.max())[0])",
    ),
    ("table_gap", OK, "diff = (P_net - P).abs()\ni, j = divmod(int(diff.argmax()), 27)"),
    (
        "table_gap",
        "tensors",
        "diff = (P_net - P).abs()\nidx = diff.argmax()\ni, j = idx // 27, idx % 27",
    ),
    ("table_gap", "negative", "diff = P_net - P\ni, j = divmod(diff.argmax().item(), 27)"),
    ("table_gap", "swapped", "diff = (P_net - P).abs()\nj, i = divmod(diff.argmax().item(), 27)"),
    (
        "table_gap",
        "stopped with TypeError",
        "diff = (P_net - P).abs()\ni, j = divmod(diff.argmax(), 27)",
    ),
    # 09 · trigrams
    (
        "trigrams_of",
        OK,
        f"def trigrams_of(word):\n    {TRI}\n    return list(zip(chs, chs[1:], chs[2:]))",
    ),
    (
        "trigrams_of",
        OK,
        f"def trigrams_of(word):\n    {TRI}\n    return [tuple(chs[i : i + 3]) for i in range(len(chs) - 2)]",
    ),
    (
        "trigrams_of",
        OK,
        'def trigrams_of(word):\n    chs = ".." + word + "."\n    return list(zip(chs, chs[1:], chs[2:]))',
    ),
    (
        "trigrams_of",
        "tuples",
        f'def trigrams_of(word):\n    {TRI}\n    return ["".join(t) for t in zip(chs, chs[1:], chs[2:])]',
    ),
    (
        "trigrams_of",
        "tuples",
        f"def trigrams_of(word):\n    {TRI}\n    return zip(chs, chs[1:], chs[2:])",
    ),
    (
        "trigrams_of",
        "two '.'",
        'def trigrams_of(word):\n    chs = ["."] + list(word) + ["."]\n    return list(zip(chs, chs[1:], chs[2:]))',
    ),
    (
        "trigrams_of",
        "end token",
        'def trigrams_of(word):\n    chs = ["."] * 2 + list(word)\n    return list(zip(chs, chs[1:], chs[2:]))',
    ),
    (
        "trigrams_of",
        "pairs, not triples",
        f"def trigrams_of(word):\n    {TRI}\n    return list(zip(chs, chs[1:]))",
    ),
    ("trigrams_of", "returns nothing", f"def trigrams_of(word):\n    {TRI}"),
    (
        "trigram_counts",
        OK,
        "trigram_counts = Counter(t for w in words for t in trigrams_of(w))\nN3 = torch.zeros((729, 27), dtype=torch.int32)\nfor (a, b2, c), k in trigram_counts.items():\n    N3[stoi[a] * 27 + stoi[b2], stoi[c]] += k",
    ),
    (
        "trigram_counts",
        "flattened",
        "trigram_counts = Counter(t for w in words for t in trigrams_of(w))\nN3 = torch.zeros((27, 27, 27), dtype=torch.int32)\nfor (a, b2, c), k in trigram_counts.items():\n    N3[stoi[a], stoi[b2], stoi[c]] += k",
    ),
    (
        "trigram_counts",
        "end '.' is forgotten",
        'trigram_counts = Counter(t for w in words for t in zip(".." + w, "." + w, w))\nN3 = torch.zeros((729, 27), dtype=torch.int32)\nfor (a, b2, c), k in trigram_counts.items():\n    N3[stoi[a] * 27 + stoi[b2], stoi[c]] += k',
    ),
]

TRI_NLL = _("""
    nll = {}
    for n, N in ((2, ngram.count_matrix(words, stoi, 2)), (3, N3)):
        for alpha in (0.0, 1.0):
            P_ = (N + alpha).double()
            P_ /= P_.sum(1, keepdim=True)
            logp = torch.where(N > 0, P_.log(), torch.zeros_like(P_))
            nll[n, alpha] = -(N * logp).sum().item() / N.sum().item()
""")
TRI_INPUTS = _("""
    xs, ys = ngram.training_pairs(words, stoi, 3)
    X1X2
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((2 * V, V), generator=g)
    xenc = torch.cat([F.one_hot(x1, V), F.one_hot(x2, V)], dim=1).float()
    logits_index = W[x1] + W[V + x2]
    num = xs.nelement()
""")
TRI_TRAIN = _("""
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((2 * V, V), generator=g, requires_grad=True)
    losses = []
    for k in range(STEPS):
        logits = xenc @ W
        loss = F.cross_entropy(logits, ys) + 0.01 * (W**2).mean()
        losses.append(loss.item())
        RESET
        loss.backward()
        W.data += -30 * W.grad
""")
ANSWERS += [
    ("trigram_nll", OK, TRI_NLL),
    ("trigram_nll", "negative", TRI_NLL.replace("= -(N * logp)", "= (N * logp)")),
    ("trigram_nll", "sums", TRI_NLL.replace(" / N.sum().item()", "")),
    ("trigram_inputs", OK, TRI_INPUTS.replace("X1X2", "x1, x2 = xs // V, xs % V")),
    (
        "trigram_inputs",
        OK,
        TRI_INPUTS.replace("X1X2", 'x1 = torch.div(xs, V, rounding_mode="floor")\nx2 = xs % 27'),
    ),
    ("trigram_inputs", "swapped", TRI_INPUTS.replace("X1X2", "x2, x1 = xs // V, xs % V")),
    ("trigram_train", "not reset", TRI_TRAIN.replace("STEPS", "5").replace("RESET", "pass")),
    (
        "trigram_train",
        "wrong sign",
        TRI_TRAIN.replace("STEPS", "5").replace("RESET", "W.grad = None").replace("-30 *", "30 *"),
    ),
    (
        "trigram_train",
        "learning rate 50",
        TRI_TRAIN.replace("STEPS", "5").replace("RESET", "W.grad = None").replace("-30 *", "-50 *"),
    ),
    (
        "trigram_train",
        "100 steps",
        TRI_TRAIN.replace("STEPS", "5").replace("RESET", "W.grad = None"),
    ),
]

# Found by a second learner (branch `learner`): styles and slips the answers above lack.
_DRAW = "ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()"
_NAMES = _("""
    g = torch.Generator().manual_seed(2147483647)
    for i in range(5):
        name = ""
        ix = 0
        while True:
            p = N[ix] / N[ix].sum()
            ix = torch.multinomial(p, 1, replacement=True, generator=g).item()
            name += itos[ix]
            if ix == 0:
                break
        print(name)
""")
_TRAIN = _("""
    progress = widgets.IntProgress(max=100)
    losses = []
    for k in range(100):
        xenc = F.one_hot(xs, num_classes=27).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
        losses.append(loss.item())
        W.grad = None
        loss.backward()
        UPDATE
        progress.value = k + 1
""")
_COUNT = _("""
    N = torch.zeros(27, 27).int()
    for w in words:
        chs = CHS
        for a, b in zip(chs, chs[1:]):
            N[stoi[a], stoi[b]] += 1
""")
ANSWERS += [
    ("one_draw", "seeded with 42", "g = torch.Generator().manual_seed(42)\n" + _DRAW),
    ("one_draw", "never seeded", "g = torch.Generator()\n" + _DRAW),
    (
        "seeded_rand",
        "seeded with 1",
        "g = torch.Generator().manual_seed(1)\np = torch.rand(3, generator=g)\np = p / p.sum()\np",
    ),
    (
        "sampling_loop",
        OK,
        _NAMES.replace('name = ""', "out = ''")
        .replace("name +=", "out +=")
        .replace("print(name)", "print(out)"),
    ),
    ("sampling_loop", OK, _NAMES),  # the name kept in `name`: no later cell reads `out`
    ("sampling_loop", "seeded with 3", _NAMES.replace("2147483647", "3").replace("name", "out")),
    ("count_matrix", OK, _COUNT.replace("CHS", "['.'] + list(w) + ['.']")),
    ("count_matrix", "start '.' is forgotten", _COUNT.replace("CHS", "list(w) + ['.']")),
    (
        "training_loop",
        OK,
        _TRAIN.replace("UPDATE", "with torch.no_grad():\n        W -= 50 * W.grad"),
    ),
    ("training_loop", "learning rate 50", _TRAIN.replace("UPDATE", "W.data += -0.1 * W.grad")),
    ("P_keepdim", OK, "P = (N.float().T / N.float().sum(1)).T"),
    ("P_keepdim", OK, "P = N / N.sum(1, keepdim=True)"),
    ("first_row", OK, "p = N[0].to(torch.float32)\np = p / p.sum()"),
    ("shortest", OK, "len(min(words, key=len))"),
    ("longest", OK, "l = [len(w) for w in words]\nmax(l)"),
    (
        "stoi_itos",
        OK,
        "stoi = dict((c, i + 1) for i, c in enumerate(chars))\nstoi['.'] = 0\nitos = dict((i, c) for c, i in stoi.items())",
    ),
    ("softmax", OK, "counts = logits.exp()\nprobs = logits.softmax(1)"),
    ("loss_by_indexing", OK, "loss = F.cross_entropy(logits, ys)\nloss"),
    ("gradient_step", OK, "W.data.add_(W.grad, alpha=-0.1)"),
    (
        "one_hot_float",
        OK,
        "xenc = torch.nn.functional.one_hot(xs, num_classes=27).to(torch.float32)",
    ),
]
ANSWERS += [  # print(...) on the last line shows its value too
    ("shortest", OK, "print(min([len(w) for w in words]))"),
    ("item", OK, "print(N[1, 2], N[1, 2].item())"),
    ("longest", "the alphabetically last name (max(words))", "print(len(max(words)))"),
    ("shortest", "the alphabetically first name (min(words))", "len(min(words))"),
]
ANSWERS += [  # the loop's pair under other names
    (
        "zip_pairs",
        OK,
        "for w in words[:1]:\n    print(w)\n    for a, b in zip(w, w[1:]):\n        print(a, b)",
    ),
    (
        "zip_pairs",
        OK,
        "for w in words[:1]:\n    print(w)\n    for i in range(len(w) - 1):\n        print(w[i], w[i + 1])",
    ),
    (
        "zip_pairs",
        "with itself",
        "for w in words[:1]:\n    print(w)\n    for x, y in zip(w, w):\n        print(x, y)",
    ),
    (
        "tokens",
        OK,
        "for w in words[:3]:\n    chs = ['<S>'] + list(w) + ['<E>']\n    for pair in zip(chs, chs[1:]):\n        print(*pair)",
    ),
    (
        "tokens",
        OK,
        "for w in words[:3]:\n    chs = ['<S>', *w, '<E>']\n    for x, y in zip(chs, chs[1:]):\n        print(x, y)",
    ),
    (
        "count_samples",
        "append each name",
        "g = torch.Generator().manual_seed(2147483647)\nfrom_counts = []\nfor _ in range(5):\n    out = []\n    ix = 0\n    while True:\n        ix = torch.multinomial(P[ix], 1, replacement=True, generator=g).item()\n        out.append(itos[ix])\n        if ix == 0:\n            break\n    print(''.join(out))",
    ),
]
_TRAINED = (
    RESET_W
    + "\nfor _ in range(100):\n    logits = F.one_hot(xs, num_classes=27).float() @ W\n"
    + "    loss = F.cross_entropy(logits, ys) + 0.01 * (W**2).mean()\n"
    + "    W.grad = None\n    loss.backward()\n    W.data += -50 * W.grad"
)
_TABLE = _("""
    P_net = TABLE
    g = torch.Generator().manual_seed(2147483647)
    from_table = []
    for _ in range(5):
        out = []
        ix = 0
        while True:
            ix = torch.multinomial(P_net[ix].clamp(min=0), 1, True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        from_table.append("".join(out))
""")
ANSWERS += [
    ("trained_net", OK, _TRAINED),
    ("trained_net", "went uphill", _TRAINED.replace("-50 *", "50 *")),
    ("trained_net", "not reset", _TRAINED.replace("    W.grad = None\n", "")),
    ("net_table", OK, _TABLE.replace("TABLE", "F.softmax(W, dim=1)")),
    ("net_table", "keepdim forgotten", _TABLE.replace("TABLE", "W.exp() / W.exp().sum(1)")),
]
ANSWERS += [
    (
        "trigram_train",
        OK,
        _("""
            g = torch.Generator().manual_seed(2147483647)
            W = torch.randn((2 * V, V), generator=g, requires_grad=True)
            losses = []
            for k in range(100):
                loss = F.cross_entropy(xenc @ W, ys) + 0.01 * (W**2).mean()
                losses.append(loss.item())
                W.grad = None
                loss.backward()
                W.data += -30 * W.grad
        """),
    ),
]

# Blind set 1: answers written by someone who had read only the workbook (JSON lines: step,
# intent, code, mistake), added after they were measured (tools/measure_answers.py). A right
# answer must be ✓; a wrong one ✗ (the words of its line were judged by hand, see the round-4
# note). Left out: the three training loops (their 100 steps cost most of the run time), and
# three answers whose writer's "wrong" the notebook does not share: a last-line print of the
# count (shown, read again by the check), a right answer whose only slip was the name in the
# check cell, and names drawn from N where P was asked that come out the same.
_SLOW = {"training_loop", "trained_net", "trigram_train"}
_SAME = {13, 60, 271}  # line numbers (from 0) of the three answers above
_LOOPS_FOREVER = {122}  # the writer's own endless while loop: it would only test the time limit


def _blind() -> list[tuple[str, str, str]]:
    import json
    from pathlib import Path

    out = []
    path = Path(__file__).with_name("workbook_answers_set1.jsonl")
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        d = json.loads(line)
        if d["step"] in _SLOW or k in _LOOPS_FOREVER:
            continue
        right = d["intent"] == "right" or k in _SAME
        out.append((d["step"], OK if right else "✗ ", d["code"]))
    return out


ANSWERS += _blind()

# From the held-out blind set 2, after it was measured: the three ✗ lines a judge found naming
# a cause the learner had not made (now facts and the rule).
ANSWERS += [
    (
        "zip_pairs",
        "does not exist",
        "for w in words[:1]:\n    print(w)\n    for i in range(len(w)):\n        print(w[i], w[(i + 1) % len(w)])",
    ),
    (
        "count_samples",
        "does not end in '.'",
        'g = torch.Generator().manual_seed(2147483647)\nfrom_counts = []\nfor i in range(5):\n    out = []\n    ix = 0\n    while True:\n        p = P[ix]\n        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()\n        out.append(itos[ix])\n        if ix == 0:\n            break\n    from_counts.append("".join(out[:-1]))',
    ),
    (
        "trigram_inputs",
        "integer indices",
        "xs, ys = ngram.training_pairs(words, stoi, 3)  # xs is the flattened context c1*27 + c2\nx1, x2 = xs / V, xs % V\n\ng = torch.Generator().manual_seed(2147483647)\nW = torch.randn((2 * V, V), generator=g)\nxenc = torch.cat([F.one_hot(x1, num_classes=V), F.one_hot(x2, num_classes=V)], dim=1).float()\nlogits_index = W[x1] + W[V + x2]\nnum = xs.nelement()",
    ),
]

# Blind set 3 (tests/workbook_answers_set3.jsonl): 243 answers to 01-09 by two writers who had
# read only the workbook, added after they were measured and the checks fixed (the round-4
# note). "says", where present, is a phrase a judge chose from the ✗ line as naming the
# mistake made; the other wrong answers must be refused. The three training loops are left
# out, as for set 1 (their mistakes are each exercised in tests/test_workbook.py).


def _blind3() -> list[tuple[str, str, str]]:
    import json
    from pathlib import Path

    path = Path(__file__).with_name("workbook_answers_set3.jsonl")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["step"] in _SLOW:
            continue
        out.append((d["step"], OK if d["intent"] == "right" else d.get("says", "✗ "), d["code"]))
    return out


ANSWERS += _blind3()
