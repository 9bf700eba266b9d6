"""The makemore-style command line: for someone who wants the model on their own words, no notebook.

`makemore-bigram FILE` (or `python -m helpers.cli FILE`) reads a one-word-per-line file, reports
its statistics, trains the count model and the one-layer net of the lesson (`helpers.bigram`, as
`helpers.ngram` generalises them), prints their losses and samples new words; `--save`/`--load`
keep a model to sample from later. Every bad input ends in one line on stderr and exit status 2,
never a traceback, and nothing on disk is lost. Notebooks never import this module.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import torch
from tqdm import tqdm  # type: ignore[import-untyped]

from helpers import bigram, ngram
from helpers.data import DataError, check_table, read_words

__all__ = ["load_model", "main", "save_model"]

PROG = "makemore-bigram"
FORMAT = "makemore-bigram/2"  # /1 (P only) is still read
MAX_SAMPLES = 1_000_000
MAX_STEPS = 100_000
MAX_LEN = 10_000
MAX_MODEL_BYTES = 256 * 2**20  # two float32 tables at the table limit, and room
STEP_BUDGET = 100_000_000  # table cells x gradient steps by default (at least MIN_STEPS)
MIN_STEPS = 10
PROGRESS_DELAY = 2.0  # seconds of work before a progress bar shows
TOLERANCE = 1e-3  # the net trains until this close to the count bound (or the budget)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A bad option: one line, exit 2 (argparse would print the usage too)."""
        self.exit(2, f"{PROG}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Train the makemore bigram (or n-gram) model on a one-word-per-line file, "
        "report its statistics and losses, and sample new words from it.",
    )
    p.add_argument("file", nargs="?", help="UTF-8 text file, one word per line")
    p.add_argument("--samples", type=int, default=10, help="words to sample (default 10)")
    p.add_argument(
        "--seed", type=int, default=bigram.SEED, help="random seed (default %(default)s)"
    )
    p.add_argument("--smoothing", type=float, help="add-alpha smoothing (default 1)")
    p.add_argument(
        "--steps", type=int, help=f"gradient steps for the net (default: to within {TOLERANCE:g} "
        "nats of the count bound, or a step budget on big tables)"
    )  # fmt: skip
    p.add_argument("--sentinel", help="start/end character (default '.')")
    p.add_argument("--n", type=int, help="2 bigram (default), 3 trigram, 4")
    p.add_argument("--split", action="store_true", help="80/10/10 train/dev/test by unique word")
    p.add_argument(
        "--model",
        choices=["counts", "net"],
        default="counts",
        help="sample from the count table or the trained net (default counts)",
    )
    p.add_argument("--top-k", type=int, help="sample only among the k likeliest next symbols")
    p.add_argument("--max-len", type=int, help="cut samples at this length (default 3x longest)")
    p.add_argument("--save", metavar="PATH", help="save the model (P and the net's W) to PATH")
    p.add_argument("--force", action="store_true", help="let --save replace an existing file")
    p.add_argument("--load", metavar="PATH", help="sample from a saved model instead of training")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _check_options(args: argparse.Namespace) -> None:
    """Refuse impossible or conflicting options before any work."""
    ranges = [
        ("--samples", args.samples, 0, MAX_SAMPLES),
        ("--seed", args.seed, 0, 2**63 - 1),
        ("--steps", args.steps, 0, MAX_STEPS),
        ("--n", args.n, 2, 4),
        ("--top-k", args.top_k, 1, None),
        ("--max-len", args.max_len, 1, MAX_LEN),
    ]
    for name, value, low, high in ranges:
        if value is not None and (value < low or (high is not None and value > high)):
            bounds = f"between {low} and {high:,}" if high is not None else f"at least {low}"
            raise DataError(f"{name} must be {bounds}, got {value:,}")
    if args.smoothing is not None and not args.smoothing >= 0:
        raise DataError(f"--smoothing must be >= 0, got {args.smoothing}")
    if args.sentinel is not None and len(args.sentinel) != 1:
        raise DataError(f"--sentinel must be one character, got {args.sentinel!r}")
    if args.load:
        given = {
            "FILE": args.file, "--n": args.n, "--smoothing": args.smoothing,
            "--split": args.split, "--steps": args.steps, "--sentinel": args.sentinel,
            "--save": args.save,
        }  # fmt: skip
        ignored = [
            name for name, value in given.items() if value is not None and value is not False
        ]
        if ignored:
            raise DataError(
                f"--load samples from a saved model; {', '.join(ignored)} would be ignored"
            )
    elif args.file is None:
        raise DataError("FILE is required unless --load is given")


# --- saving and loading --------------------------------------------------------------------


def _check_save_target(target: Path, source: Path | None, force: bool) -> None:
    """Refuse a --save that would replace the input, a folder, or a file without --force."""
    if target.is_dir():
        raise DataError(f"{target}: is a directory; --save needs a file name")
    if not target.parent.is_dir():
        raise DataError(f"{target}: no such folder to save into")
    if target.exists():
        if source is not None and source.exists() and os.path.samefile(target, source):
            raise DataError(f"{target}: is the input file; --save would replace your words")
        if not force:
            raise DataError(f"{target}: exists; add --force to replace it")


def save_model(path: str | Path, model: dict) -> None:
    """Write the model beside `path` under a temporary name, then rename: all or nothing."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise DataError(f"{path}: cannot save the model ({err.strerror or err})") from None
    os.close(fd)
    try:
        torch.save({**model, "format": FORMAT}, tmp)
        os.replace(tmp, path)
    except (OSError, RuntimeError) as err:  # torch raises RuntimeError for a write that fails
        raise DataError(
            f"{path}: cannot save the model ({err}); the old file is untouched"
        ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _stuck_context(P: torch.Tensor) -> int | None:
    """A context sampling can reach from the start but never leave through the end, or None."""
    rows, V = P.shape
    live = P > 0
    can_end = live[:, 0].clone()  # backwards from the end symbol (column 0)
    frontier = can_end.nonzero().squeeze(1)
    while len(frontier):
        frontier = frontier[frontier % V != 0]  # context c follows x*(rows//V) + c//V via c%V
        pred = torch.arange(V)[None, :] * (rows // V) + (frontier // V)[:, None]
        step = live[pred, (frontier % V)[:, None].expand_as(pred)] & ~can_end[pred]
        frontier = pred[step].unique()
        can_end[frontier] = True
    seen = torch.zeros(rows, dtype=torch.bool)  # forwards from the start context 0
    seen[0] = True
    frontier = torch.zeros(1, dtype=torch.long)
    while len(frontier):
        succ = (frontier[:, None] * V + torch.arange(1, V)[None, :]) % rows
        frontier = succ[live[frontier, 1:] & ~seen[succ]].unique()
        seen[frontier] = True
    stuck = (seen & ~can_end).nonzero()
    return int(stuck[-1, 0]) if len(stuck) else None  # the last: the start is rarely telling


def load_model(path: str | Path) -> dict:
    """Read and check what `save_model` wrote: P, itos, n, and W and max_len if saved."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_MODEL_BYTES:
        raise DataError(f"{path}: larger than any model --save writes; not a saved model")
    try:
        blob = torch.load(path, weights_only=True)  # never runs code from the file
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a saved model") from None
    except Exception:  # torch raises many types for a file that is not a checkpoint
        raise DataError(f"{path}: not a model saved with --save") from None
    if not isinstance(blob, dict) or blob.get("format") not in (FORMAT, "makemore-bigram/1"):
        raise DataError(f"{path}: not a model saved with --save")

    def bad(what: str) -> DataError:
        return DataError(f"{path}: a damaged model file: {what}")

    n, itos, P, W = blob.get("n"), blob.get("itos"), blob.get("P"), blob.get("W")
    if type(n) is not int or not 2 <= n <= 4:
        raise bad(f"n must be 2, 3 or 4, not {n!r}"[:120])
    if not isinstance(itos, dict) or set(itos) != set(range(len(itos))) or len(itos) < 2:
        raise bad("itos must map 0, 1, 2, ... to the symbols")
    if not all(isinstance(s, str) and len(s) == 1 for s in itos.values()):
        raise bad("every symbol in itos must be one character")
    V = len(itos)
    check_table(V, n, path)
    for name, table in (("P", P), ("W", W)):
        if table is None and name == "W":
            continue
        if not isinstance(table, torch.Tensor) or table.shape != (V ** (n - 1), V):
            raise bad(f"{name} must be a {V ** (n - 1)} x {V} table")
        if not table.dtype.is_floating_point:
            raise bad(f"{name} holds {table.dtype} numbers, not real floating-point ones")
        if not torch.isfinite(table).all():
            raise bad(f"{name} holds NaN or infinite numbers")
    assert isinstance(P, torch.Tensor)
    if (P < 0).any():
        raise bad("P holds negative probabilities")
    sums = P.double().sum(1)
    if not torch.allclose(sums, torch.ones_like(sums), atol=1e-3, rtol=0):
        row = int((sums - 1).abs().argmax())
        raise bad(f"row {row} of P sums to {sums[row].item():.6g}, not 1")
    stuck = _stuck_context(P)
    if stuck is not None:
        context = "".join(itos[(stuck // V**k) % V] for k in range(n - 2, -1, -1))
        raise bad(f"the end symbol cannot be reached after {context!r}: sampling would not end")
    max_len = blob.get("max_len")
    if max_len is not None and (type(max_len) is not int or max_len < 1):
        raise bad("max_len must be a positive whole number")
    return {"P": P.float(), "W": W, "itos": itos, "n": n, "max_len": max_len}


# --- training and sampling -----------------------------------------------------------------


def _progress(total: int, desc: str, quiet: bool) -> tqdm:
    """A progress bar on stderr that shows after PROGRESS_DELAY s, never when `quiet`."""
    return tqdm(
        total=total,
        desc=desc,
        unit="",
        delay=PROGRESS_DELAY,
        disable=quiet,
        file=sys.stderr,
        leave=False,
    )


def _train(N: torch.Tensor, steps: int | None, quiet: bool) -> tuple[torch.Tensor, int]:
    """ngram.fit_fast; by default to TOLERANCE of the bound within the step budget."""
    budget = min(MAX_STEPS, max(MIN_STEPS, STEP_BUDGET // N.numel())) if steps is None else steps
    with _progress(budget, "training the net", quiet) as bar:
        W, losses = ngram.fit_fast(
            N, TOLERANCE if steps is None else 0.0, max_steps=budget + 1,
            on_step=lambda _: bar.update(1),
        )  # fmt: skip
    gap = losses[-1] - bigram.average_nll(N, 0.0)
    if steps is None and gap > TOLERANCE:
        print(
            f"{PROG}: note: the net stopped after its budget of {budget:,} steps, {gap:.3g} nats "
            f"above the count model's bound; --steps trains longer",
            file=sys.stderr,
        )
    return W, len(losses) - 1


def _sample(
    table: torch.Tensor, itos: dict[int, str], args: argparse.Namespace, max_len: int, quiet: bool
) -> tuple[list[str], list[bool]]:
    """`args.samples` words in batches; each cut at `max_len` is marked True."""
    if args.top_k is not None and args.top_k < table.shape[1]:
        kth = table.topk(args.top_k, dim=1).values[:, -1:]
        table = torch.where(table >= kth, table, 0.0)  # the k likeliest of each row (and ties)
    g = torch.Generator().manual_seed(args.seed)
    batch = max(1, min(10_000, 2**22 // table.shape[1], 2**22 // max_len))  # bounded memory
    names: list[str] = []
    with _progress(args.samples, "sampling", quiet) as bar:
        while len(names) < args.samples:
            count = min(batch, args.samples - len(names))
            names += ngram.sample_names(table, itos, count, g, max_len=max_len + 1)
            bar.update(count)
    return [s[:max_len] for s in names], [len(s) > max_len for s in names]


def _report(args: argparse.Namespace, quiet: bool) -> tuple[dict, dict]:
    """Train on args.file: (the --json report, the model to save)."""
    sentinel, n = args.sentinel or ngram.SENTINEL, args.n or 2
    alpha = 1.0 if args.smoothing is None else args.smoothing
    found = read_words(args.file, sentinel)
    words = found.words
    stoi, itos = ngram.build_vocab(words, sentinel)
    cells = check_table(len(stoi), n, args.file, "--n")
    if cells < 100_000:  # tiny tensors: a second thread only waits (benchmarks/run.py measured)
        torch.set_num_threads(1)
    stats = bigram.dataset_stats(words)
    report: dict = {k: stats[k] for k in ("words", "unique", "min_len", "max_len")}
    report |= {"vocab_size": len(stoi), "bigrams": sum(len(w) + 1 for w in words)}
    if n != 2:
        report["n"] = n
    parts = {"train": words}
    if args.split:
        train, dev, test = ngram.split_words(words, args.seed)
        if not (train and dev and test):
            raise DataError(
                f"{args.file}: too few unique words ({stats['unique']}) to split 80/10/10"
            )
        parts = {"train": train, "dev": dev, "test": test}
    counts = {name: ngram.count_matrix(part, stoi, n) for name, part in parts.items()}
    N = counts["train"]
    P = ngram.probabilities(N, alpha)
    W, steps = _train(N, args.steps, quiet)
    if args.split:
        report["split"] = {
            name: {
                "words": len(parts[name]),
                "nll_counts": bigram.nll_from_counts(counts[name], P),
                "nll_neural": ngram.count_loss_and_grad(W, counts[name])[0],
            }
            for name in parts
        }
    report["nll_counts"] = bigram.nll_from_counts(N, P)
    report["nll_neural"] = ngram.count_loss_and_grad(W, N)[0]
    longest = stats["max_len"]
    table = P if args.model == "counts" else ngram.net_probabilities(W).float()
    samples, cut = _sample(table, itos, args, args.max_len or min(3 * longest, MAX_LEN), quiet)
    where = {w: name for name, part in reversed(parts.items()) for w in part}
    report["samples"] = samples
    report |= {
        "lines_stripped": found.stripped, "lines_skipped": found.skipped,
        "vocab": "".join(itos[i] for i in range(len(itos))), "smoothing": alpha,
        "net_steps": steps, "sample_from": args.model, "samples_cut": cut,
    }  # fmt: skip
    report["sample_marks"] = [
        "cut" if c else where.get(s, "new") for s, c in zip(samples, cut, strict=True)
    ]
    model = {"P": P, "W": W.float(), "itos": itos, "n": n, "max_len": longest}
    return report, model


# --- output --------------------------------------------------------------------------------


def _json_safe(value: object) -> object:
    """An infinite NLL (alpha=0 and a pair never seen) becomes null: JSON has no infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    return value


def _mark(name: str, mark: str, split: bool) -> str:
    """A sample as printed: makemore's "in train / in test / new", and cut words marked."""
    if mark == "cut":
        return f"{name}…  (cut at {len(name)} characters)"
    if mark == "new":
        return f"{name}  (new)"
    return f"{name}  (in {mark if split else 'the data'})"


def _text(report: dict, args: argparse.Namespace) -> str:
    """The human-readable report."""
    r = report
    n = args.n or 2
    lines = [
        f"{args.file}: {r['words']:,} words ({r['unique']:,} unique), "
        f"length {r['min_len']}..{r['max_len']}",
        f"lines: {r['lines_stripped']:,} stripped of surrounding whitespace, "
        f"{r['lines_skipped']:,} blank skipped",
        f"vocabulary: {r['vocab_size']} symbols, the sentinel first: {r['vocab']!r}",
        f"{'bigrams' if n == 2 else f'{n}-grams'}: {r['bigrams']:,}",
    ]
    nlls = r.get("split") or {"all the data": r}
    if "split" in r:
        lines.append("both models are fitted on train only")
    for model, key in (
        (f"count model (alpha={r['smoothing']:g})", "nll_counts"),
        (f"neural net ({r['net_steps']:,} steps)", "nll_neural"),
    ):
        lines += [f"NLL of the {model} on {name}: {part[key]:.4f}" for name, part in nlls.items()]
    lines.append(f"samples from the {'count model' if args.model == 'counts' else 'neural net'}:")
    lines += [
        _mark(s, m, "split" in r) for s, m in zip(r["samples"], r["sample_marks"], strict=True)
    ]
    return "\n".join(lines) + "\n"


def _write(text: str) -> None:
    """Write all of stdout at once; a closed pipe or an encoding that cannot hold it: DataError."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError as err:
        raise DataError(
            f"stdout's encoding {encoding} cannot write {text[err.start]!r}; "
            f"set PYTHONIOENCODING=utf-8 or use --json"
        ) from None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)  # so Python's exit flush cannot fail again
        os.dup2(devnull, sys.stdout.fileno())
        raise DataError("stdout was closed before all output was written") from None


def _dumps(report: dict) -> str:
    """One JSON line; with \\u escapes if stdout's encoding cannot hold the characters."""
    text = json.dumps(_json_safe(report), ensure_ascii=False, allow_nan=False)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        text = json.dumps(_json_safe(report), allow_nan=False)
    return text + "\n"


def _run(args: argparse.Namespace, quiet: bool) -> str:
    """Everything main does but the error handling: the text to print."""
    _check_options(args)
    if args.load:
        model = load_model(args.load)
        if args.model == "net" and model["W"] is None:
            raise DataError(f"{args.load}: saved without the net's W; use --model counts")
        torch.set_num_threads(1)  # sampling works on one row per word: one thread is enough
        table = model["P"] if args.model == "counts" else ngram.net_probabilities(model["W"])
        max_len = args.max_len or min(3 * (model["max_len"] or 30), MAX_LEN)
        samples, cut = _sample(table, model["itos"], args, max_len, quiet)
        report = {"samples": samples, "samples_cut": cut, "sample_from": args.model}
        if args.json:
            return _dumps(report)
        return "".join(f"{s}…\n" if c else f"{s}\n" for s, c in zip(samples, cut, strict=True))
    if args.save:
        _check_save_target(Path(args.save), Path(args.file), args.force)
    report, model = _report(args, quiet)
    if args.save:
        save_model(args.save, model)
    return _dumps(report) if args.json else _text(report, args)


def main(argv: list[str] | None = None) -> int:
    """The command line: exit 0 on success, 2 with one line on stderr for bad input."""
    args = _parser().parse_args(argv)
    quiet = args.json or not sys.stderr.isatty()
    try:
        _write(_run(args, quiet))
    except DataError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
