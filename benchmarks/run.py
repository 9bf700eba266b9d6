"""How fast the lesson's work can go, measured against the lesson's own way in the same run.

    python benchmarks/run.py           # print the table
    python benchmarks/run.py --write   # also write it into docs/figures.md (`make bench`)

Every figure is a median of several repeats after one warm-up, and every speed is reported as
a ratio to a baseline timed in the same run on the same machine, because these machines are
noisy: the ratio is the figure, the milliseconds only its context.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch

from helpers import bigram, ngram
from helpers.data import ensure_names, load_words
from tools.splice import write_figures

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "figures.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of `fn` over `repeats` runs, after one untimed warm-up run."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    """Seconds as a short human figure."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def bench_counts(words, stoi, rows):
    dict_loop = median_seconds(lambda: bigram.bigram_dict(words), 5)
    tensor_loop = median_seconds(lambda: bigram.count_matrix_loop(words, stoi), 3)
    ours = median_seconds(lambda: bigram.count_matrix(words, stoi), 20)
    assert torch.equal(bigram.count_matrix(words, stoi), bigram.count_matrix_loop(words, stoi))
    ratio = dict_loop / ours
    rows.append(
        (
            "27×27 count matrix",
            f"dict loop {fmt(dict_loop)}; `N[i, j] += 1` loop {fmt(tensor_loop)}",
            f"`count_matrix` {fmt(ours)}: **{ratio:,.0f}×** the dict loop, "
            f"{tensor_loop / ours:,.0f}× the tensor loop",
            "— (a plain figure)",
            "—",
        )
    )


def bench_nll(words, stoi, N, rows):
    P = bigram.probabilities(N, 1.0, dtype=torch.float64)
    loop = median_seconds(lambda: bigram.nll_loop(words, P, stoi), 3)
    ours = median_seconds(lambda: bigram.nll_from_counts(N, P), 50)
    assert abs(bigram.nll_loop(words, P, stoi) - bigram.nll_from_counts(N, P)) < 1e-9
    ratio = loop / ours
    rows.append(
        (
            "average NLL (α = 1)",
            f"per-bigram loop {fmt(loop)}",
            f"`nll_from_counts` {fmt(ours)}: **{ratio:,.0f}×**",
            "≥ 1,000×",
            verdict(ratio >= 1000),
        )
    )


def count_steps(W: torch.Tensor, N: torch.Tensor, steps: int, lr: float = 50.0) -> list[float]:
    """`train_onehot`'s plain gradient steps, from the count table (its gradient, notebook 08)."""
    losses = []
    for _ in range(steps):
        loss, grad = ngram.count_loss_and_grad(W, N)
        W -= lr * grad
        losses.append(loss)
    return losses


def bench_training(words, stoi, N, rows):
    xs, ys = bigram.training_pairs(words, stoi)
    steps = 100
    g = torch.Generator().manual_seed(bigram.SEED)
    W0 = torch.randn((27, 27), generator=g)

    def onehot():
        W = W0.clone().requires_grad_()
        return bigram.train_onehot(W, xs, ys, steps)

    def fast():
        return count_steps(W0.clone().double(), N, steps)

    slow_t = median_seconds(onehot, 3)
    fast_t = median_seconds(fast, 20)
    gap = max(abs(a - b) for a, b in zip(onehot(), fast(), strict=True))
    ratio = slow_t / fast_t
    rows.append(
        (
            f"{steps} full-batch GD steps (lr 50)",
            f"one-hot matmul loop {fmt(slow_t)}",
            f"`count_loss_and_grad` steps {fmt(fast_t)}: **{ratio:,.0f}×**; largest loss "
            f"difference {gap:.1e}",
            "≥ 100×, same losses to 1e-5",
            verdict(ratio >= 100 and gap <= 1e-5),
        )
    )
    # Reaching the bound the lesson's way: plain steps from zero weights. The one-hot loop and
    # the count steps follow the same path (same gradients, same updates), so the count steps
    # count the steps and the one-hot loop's measured time per step prices them.
    bound = bigram.average_nll(N, 0.0)
    fit_t = median_seconds(lambda: ngram.fit_fast(N, tolerance=1e-4), 5)
    W, losses = ngram.fit_fast(N, tolerance=1e-4)
    reached = ngram.count_loss_and_grad(W, N)[0] - bound
    plain = count_steps(torch.zeros(N.shape, dtype=torch.float64), N, 50_000)
    plain_steps = next(k for k, loss in enumerate(plain) if loss - bound <= 1e-4)
    extrapolated = plain_steps * slow_t / steps
    rows.append(
        (
            "reach the bound + 1e-4 nats",
            f"one-hot loop, plain steps from W = 0: {plain_steps:,} steps ≈ {fmt(extrapolated)} "
            f"(extrapolated)",
            f"`fit_fast` (momentum, {len(losses) - 1} steps) **{fmt(fit_t)}** "
            f"({extrapolated / fit_t:,.0f}×), {reached:.1e} nats above the bound",
            "< 1 s",
            verdict(fit_t < 1 and reached <= 1e-4),
        )
    )


def bench_sampling(N, itos, rows):
    P = bigram.probabilities(N, 1.0)
    count = 10_000

    def loop():
        g = torch.Generator().manual_seed(bigram.SEED)
        return [bigram.sample_name(P, itos, g) for _ in range(count)]

    def batched():
        g = torch.Generator().manual_seed(bigram.SEED)
        return ngram.sample_names(P, itos, count, g)

    slow_t = median_seconds(loop, 3)
    fast_t = median_seconds(batched, 10)
    ratio = slow_t / fast_t
    rows.append(
        (
            f"sample {count:,} names",
            f"lesson loop {fmt(slow_t)}",
            f"`sample_names` {fmt(fast_t)}: **{ratio:,.0f}×**",
            "≥ 10×",
            verdict(ratio >= 10),
        )
    )


def big_alphabet_file(path: Path, symbols: int = 3000, count: int = 20_000) -> Path:
    """20,000 words of 2-8 characters over 3,000 CJK symbols: a 9M-cell bigram table."""
    rng = random.Random(bigram.SEED)
    alphabet = [chr(0x4E00 + i) for i in range(symbols)]
    words = ["".join(rng.choices(alphabet, k=rng.randint(2, 8))) for _ in range(count)]
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    return path


def bench_big_alphabet(rows):
    """The command line end to end, in its own process, on a 3,000-symbol alphabet."""
    with tempfile.TemporaryDirectory() as folder:
        path = big_alphabet_file(Path(folder) / "big.txt")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "helpers.cli", str(path), "--json", "--samples", "10"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds = time.perf_counter() - start
    ok = done.returncode == 0
    what = f"vocabulary {json.loads(done.stdout)['vocab_size']:,}" if ok else done.stderr[:80]
    rows.append(
        (
            "3,000-symbol alphabet, 20,000 words: `makemore-bigram FILE` end to end",
            "—",
            f"**{fmt(seconds)}** (one run; {what}; the net stops at its step budget)",
            "< 30 s",
            verdict(ok and seconds < 30),
        )
    )


def bench_notebooks(rows):
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from tools.execute import notebook_client

    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    slowest = ("", 0.0)
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        client = notebook_client(nb, path.parent)
        try:
            client.execute()
        except CellExecutionError as err:  # shown in the table, never a traceback here
            failed.append(f"{path.name} ({err.ename})")
        seconds = time.perf_counter() - start
        total += seconds
        slowest = max(slowest, (path.name, seconds), key=lambda x: x[1])
    rows.append(
        (
            f"execute all {len(paths)} notebooks",
            "—",
            f"**{fmt(total)}** in all, each in a fresh kernel (slowest {slowest[0]}: "
            f"{fmt(slowest[1])})" + (f"; **failed**: {', '.join(failed)}" if failed else ""),
            "< 120 s",
            verdict(total < 120 and not failed),
        )
    )


def table(rows) -> str:
    lines = [
        "| work | baseline (the lesson's way) | ours | target | |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the table into docs/figures.md")
    parser.add_argument("--skip-notebooks", action="store_true", help="leave out that row")
    args = parser.parse_args()

    # Every table timed here is tiny (27x27): a second intra-op thread only waits, and while
    # another program kept a core busy it made `exp` on 27x27 about 1,000x slower (measured).
    # The library never changes this setting; the benchmark sets it, here, for the whole run.
    torch.set_num_threads(1)
    words = load_words(ensure_names())
    stoi, itos = bigram.build_vocab(words)
    N = bigram.count_matrix(words, stoi)
    rows: list[tuple[str, ...]] = []
    for step in (
        lambda: bench_counts(words, stoi, rows),
        lambda: bench_nll(words, stoi, N, rows),
        lambda: bench_training(words, stoi, N, rows),
        lambda: bench_sampling(N, itos, rows),
        lambda: bench_big_alphabet(rows),
    ):
        step()
        print(" | ".join(rows[-1]), flush=True)
    if not args.skip_notebooks:
        bench_notebooks(rows)
        print(" | ".join(rows[-1]), flush=True)

    cpu = platform.processor() or platform.machine()
    header = (
        f"Measured by `make bench` on {datetime.date.today():%Y-%m-%d}: {os.cpu_count()} CPUs "
        f"({cpu}), torch {torch.__version__} with {torch.get_num_threads()} thread(s), "
        f"Python {platform.python_version()}. Medians of repeats after a warm-up; each ratio "
        f"is against a baseline timed in the same run."
    )
    text = f"{header}\n\n{table(rows)}\n"
    print()
    print(text)
    if args.write:
        return write_figures(FIGURES, START, END, text, "benchmarks/run.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
