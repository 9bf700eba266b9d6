"""`makemore-bigram` (helpers.cli), mostly run in-process through main().

Expected figures come from plain Python on the same file (conftest's `plain_nll`, `names_plain`)
or from the input as the test wrote it; the few real processes are for what only a process
shows: the installed script and `python -m`, a closed pipe, the README's commands.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import torch

from helpers import bigram, cli, ngram

pytestmark = pytest.mark.usefixtures("torch_one_thread")

ROOT = Path(__file__).resolve().parent.parent
PROG = "makemore-bigram"
KEYS = ["words", "unique", "min_len", "max_len", "vocab_size", "bigrams"]
KEYS += ["nll_counts", "nll_neural", "samples"]  # the keys of the first CLI, in their order
NEW_KEYS = {"lines_stripped", "lines_skipped", "vocab", "smoothing", "net_steps", "sample_from"}
NEW_KEYS |= {"samples_cut", "sample_marks"}


def cli_run(*argv, stdout=None, stderr=None) -> tuple[int, str, str]:
    """main(argv) in this process: (exit status, stdout, stderr)."""
    out, err = stdout or io.StringIO(), stderr or io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse's own errors
            status = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    text = out.getvalue() if isinstance(out, io.StringIO) else ""
    return status, text, err.getvalue()


def cli_json(*argv) -> dict:
    status, out, err = cli_run(*argv, "--json")
    assert status == 0 and err == "", err
    return json.loads(out)


def assert_one_line_error(status, out, err, path=None, line=None, what=""):
    assert status == 2 and out == "", (status, out)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    where = "" if path is None else (f"{path}:{line}: " if line else f"{path}: ")
    assert err.startswith(f"{PROG}: error: {where}"), err
    assert what in err, err


@pytest.fixture(scope="module")
def names_report(names_path):
    return cli_json(names_path)


def test_default_json_report_on_names(names_report, names_plain, plain_nll):
    r = names_report
    assert [k for k in r if k in KEYS] == KEYS and set(r) == set(KEYS) | NEW_KEYS
    # Plain Python on the file, and the lesson's figures (32,033 / 228,146 / 27 / 2..15).
    assert r["words"] == len(names_plain) == 32_033
    assert r["unique"] == len(set(names_plain))
    assert (r["min_len"], r["max_len"]) == (2, 15)
    assert r["vocab_size"] == 27 and r["bigrams"] == 228_146
    assert r["vocab"] == ".abcdefghijklmnopqrstuvwxyz"  # the vocabulary itself, sentinel first
    assert r["lines_stripped"] == r["lines_skipped"] == 0
    assert r["nll_counts"] == pytest.approx(plain_nll(names_plain, 1.0), abs=1e-6)  # alpha=1
    bound = plain_nll(names_plain, 0.0)  # the best any bigram table can do on this data
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert len(r["samples"]) == 10 and r["sample_from"] == "counts"
    known = set(names_plain)
    for name, mark, cut in zip(r["samples"], r["sample_marks"], r["samples_cut"], strict=True):
        assert mark == ("cut" if cut else "train" if name in known else "new")
        assert set(name) <= set(r["vocab"][1:])


def test_human_readable_report(names_path, names_report, names_plain):
    status, out, err = cli_run(names_path)
    lines = out.splitlines()
    assert status == 0 and err == ""
    assert lines[0] == f"{names_path}: 32,033 words (29,494 unique), length 2..15"
    assert "0 stripped" in lines[1] and "0 blank skipped" in lines[1]
    assert lines[2].endswith("'.abcdefghijklmnopqrstuvwxyz'") and "228,146" in lines[3]
    nll = f"{names_report['nll_counts']:.4f}"
    assert f"NLL of the count model (alpha=1) on all the data: {nll}" in lines
    assert any(line.startswith("NLL of the neural net (") for line in lines)
    assert lines[-11] == "samples from the count model:"
    known = set(names_plain)
    for line, name in zip(lines[-10:], names_report["samples"], strict=True):
        assert line == f"{name}  ({'in the data' if name in known else 'new'})"


def test_seeds_and_sample_counts(names_path):
    first = cli_json(names_path, "--seed", 1, "--samples", 25)["samples"]
    assert len(first) == 25
    assert cli_json(names_path, "--seed", 1, "--samples", 25)["samples"] == first
    assert cli_json(names_path, "--seed", 2, "--samples", 25)["samples"] != first
    assert cli_json(names_path, "--samples", 0)["samples"] == []
    assert cli_json(names_path, "--seed", 2**63 - 1, "--samples", 3)["samples"]


def test_a_non_names_dataset(place_names_path, place_names, plain_nll):
    r = cli_json(place_names_path, "--samples", 40)
    chars = set("".join(place_names))
    assert r["words"] == len(place_names) and r["unique"] == len(set(place_names))
    assert r["min_len"] == min(map(len, place_names)) and r["max_len"] == max(map(len, place_names))
    assert r["vocab_size"] == len(chars) + 1 and r["vocab"] == "." + "".join(sorted(chars))
    assert r["bigrams"] == sum(len(w) + 1 for w in place_names)
    assert r["nll_counts"] == pytest.approx(plain_nll(place_names, 1.0), abs=1e-6)
    bound = plain_nll(place_names, 0.0)
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert len(r["samples"]) == 40 and all(set(s) <= chars for s in r["samples"])
    status, out, _ = cli_run(place_names_path, "--json")
    assert any(c in out for c in "άёΣ")  # the JSON keeps the letters, not \\u escapes


def test_lines_are_read_as_makemore_reads_them(write_file, plain_nll):
    # CR-only line ends, a trailing space, a tab in front, blank and whitespace-only lines.
    path = write_file("w.txt", "anna \r\tbob\r\r  \rcarl\rbob\r")
    r = cli_json(path)
    assert r["words"] == 4 and r["vocab"] == ".abclnor"  # no space or tab became a symbol
    assert (r["lines_stripped"], r["lines_skipped"]) == (2, 2)
    assert r["nll_counts"] == pytest.approx(plain_nll(["anna", "bob", "carl", "bob"], 1.0))
    out = cli_run(path)[1]
    assert "2 stripped of surrounding whitespace, 2 blank skipped" in out


BAD_FILES = [
    # (file content, line the message must name or None)
    (b"", None),
    (b"\n  \n\r\n\t\n", None),
    (b"anna\r\nbob\n\nZo\xeb\n", 4),  # Latin-1 e-diaeresis: not UTF-8, line 4
    (b"anna\nst.john\nmary.ann\n", 2),  # the sentinel '.' inside a word, first on line 2
]


@pytest.mark.parametrize("content,line", BAD_FILES)
def test_bad_files_exit_2_with_one_line(write_file, content, line):
    path = write_file("bad.txt", content)
    for extra in ([], ["--json"]):
        assert_one_line_error(*cli_run(path, *extra), path, line)


def test_missing_path_directory_and_endless_input(tmp_path):
    missing = tmp_path / "nowhere.txt"
    assert_one_line_error(*cli_run(missing), missing, what="no such file")
    assert_one_line_error(*cli_run(tmp_path), tmp_path, what="directory")
    assert_one_line_error(*cli_run("/dev/zero"), "/dev/zero", what="larger than 64 MiB")


@pytest.mark.parametrize(
    "options",
    [
        ["--samples", "-1"],
        ["--samples", str(10**7)],  # was minutes of silence: refused at once
        ["--seed", str(2**63)],  # was a traceback
        ["--seed", "-1"],
        ["--steps", "-5"],
        ["--steps", str(10**9)],  # was many silent minutes
        ["--steps", str(10**12)],  # was a traceback
        ["--smoothing", "-1"],
        ["--smoothing", "nan"],
        ["--n", "1"],
        ["--n", "9"],
        ["--top-k", "0"],
        ["--max-len", "0"],
        ["--sentinel", "##"],
        ["--samples", "many"],  # argparse's own error, in one line too
    ],
)
def test_bad_options_exit_2_with_one_line(place_names_path, options):
    status, out, err = cli_run(place_names_path, *options)
    assert_one_line_error(status, out, err, what=options[0])


def test_another_sentinel_lets_dots_through(write_file, plain_nll):
    words = ["st.john", "mary-ann", "j.r.", "anna", "bob", "o.k"]
    path = write_file("dots.txt", "\n".join(words) + "\n")
    assert_one_line_error(*cli_run(path), path, 1)
    r = cli_json(path, "--sentinel", "#")
    assert r["words"] == 6 and r["vocab_size"] == len(set("".join(words))) + 1
    assert r["nll_counts"] == pytest.approx(plain_nll(words, 1.0, sentinel="#"), abs=1e-6)
    assert any("." in s for s in cli_json(path, "--sentinel", "#", "--samples", 50)["samples"])


@pytest.fixture
def small_path(write_file):
    words = ["abba", "baca", "cab", "acab", "bac", "abc", "ca", "aab", "caba", "bb"] * 3
    return write_file("small.txt", "\n".join(words)), words


def test_trigrams(small_path, plain_nll):
    path, words = small_path
    r = cli_json(path, "--n", 3)
    assert [k for k in r if k in KEYS or k == "n"] == KEYS[:6] + ["n"] + KEYS[6:] and r["n"] == 3
    assert r["bigrams"] == sum(len(w) + 1 for w in words)  # one example per character + end
    assert r["nll_counts"] == pytest.approx(plain_nll(words, 1.0, n=3), abs=1e-6)
    bound = plain_nll(words, 0.0, n=3)
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert all(set(s) <= set("abc") for s in r["samples"])
    status, out, _ = cli_run(path, "--n", 3)
    assert status == 0 and "3-grams: " in out


def test_split_scores_both_models_on_every_set(names_path, names_plain, plain_nll):
    r = cli_json(names_path, "--split", "--samples", 30)
    parts = r["split"]
    assert list(parts) == ["train", "dev", "test"]
    train, dev, test = ngram.split_words(names_plain, bigram.SEED)
    assert [p["words"] for p in parts.values()] == [len(train), len(dev), len(test)]
    # Both models are fitted on train only: the count model's train NLL is plain Python's.
    assert parts["train"]["nll_counts"] == pytest.approx(plain_nll(train, 1.0), abs=1e-6)
    bound = plain_nll(train, 0.0)
    assert bound - 1e-9 <= parts["train"]["nll_neural"] <= bound + 1e-3
    assert r["nll_counts"] == parts["train"]["nll_counts"]
    for name in ("dev", "test"):
        for model in ("nll_counts", "nll_neural"):
            assert 2.0 < parts[name][model] < 3.0  # near train's 2.45, far below ln 27 = 3.30
    where = {w: "train" for w in train} | {w: "dev" for w in dev} | {w: "test" for w in test}
    for name, mark in zip(r["samples"], r["sample_marks"], strict=True):
        assert mark in ("cut", where.get(name, "new"))
    status, out, _ = cli_run(names_path, "--split")
    for name in ("train", "dev", "test"):
        assert re.search(rf"^NLL of the count model \(alpha=1\) on {name}: \d\.\d{{4}}$", out, re.M)
        assert re.search(
            rf"^NLL of the neural net \(\d+ steps\) on {name}: \d\.\d{{4}}$", out, re.M
        )


def test_split_needs_enough_words(write_file):
    path = write_file("two.txt", "ab\nba\n")
    assert_one_line_error(*cli_run(path, "--split"), path, what="too few unique words")


def test_top_k_1_always_takes_the_likeliest_next_character(names_plain):
    # Plain Python: from the start, follow the most frequent next character until the end.
    follows = Counter(p for w in names_plain for p in zip("." + w, w + ".", strict=True))
    greedy, ch = "", "."
    while True:
        ch = max((n for (c, n) in follows if c == ch), key=lambda n: follows[ch, n])
        if ch == ".":
            break
        greedy += ch
    path = ROOT / "data" / "names.txt"
    samples = cli_json(path, "--top-k", 1, "--samples", 5)["samples"]
    assert samples == [greedy] * 5
    assert len(set(cli_json(path, "--top-k", 3, "--samples", 40)["samples"])) > 1


def test_samples_are_capped_and_a_cut_word_is_marked(names_path, write_file):
    r = cli_json(names_path, "--max-len", 3, "--samples", 50)
    assert all(len(s) <= 3 for s in r["samples"]) and any(r["samples_cut"])
    for name, cut, mark in zip(r["samples"], r["samples_cut"], r["sample_marks"], strict=True):
        assert (mark == "cut") == cut and (len(name) == 3 if cut else True)
    out = cli_run(names_path, "--max-len", 3, "--samples", 50)[1]
    assert "…  (cut at 3 characters)" in out
    # One 100,000-character line and a short word. Under --top-k 1 the walk is '.' -> 'a' (2 of
    # 2), then 'a' -> 'a' (99,999 of 100,001) for ever: only the default cap (3x the longest
    # word, at most 10,000 characters) ends it, and every sample is cut there.
    path = write_file("long.txt", "a" * 100_000 + "\nab\n")
    r = cli_json(path, "--samples", 3, "--top-k", 1)
    assert r["samples"] == ["a" * cli.MAX_LEN] * 3 and r["samples_cut"] == [True] * 3


def test_the_net_on_a_big_table_stops_at_its_budget_and_says_so(write_file, monkeypatch):
    # The step budget, made small here; the real 3,000-symbol run is in `make bench` (< 30 s).
    monkeypatch.setattr(cli, "STEP_BUDGET", 1000)
    rng = random.Random(1)
    alphabet = [chr(0x4E00 + i) for i in range(300)]
    words = ["".join(rng.choices(alphabet, k=rng.randint(2, 6))) for _ in range(2000)]
    path = write_file("big.txt", "\n".join(words))
    status, out, err = cli_run(path, "--json", "--samples", 2)
    assert status == 0 and json.loads(out)["net_steps"] == cli.MIN_STEPS  # the budget's floor
    assert err.startswith(f"{PROG}: note: the net stopped after its budget of 10 steps")
    assert len(err.splitlines()) == 1


def test_table_guard_advice_can_be_followed(write_file):
    path = write_file("wide.txt", "".join(chr(0x4E00 + i) + "\n" for i in range(4000)))
    status, out, err = cli_run(path)
    assert_one_line_error(status, out, err, path, what="at most 3,161 distinct characters")
    assert "--n" not in err  # at n=2 "lower --n" cannot be followed
    path = write_file("mid.txt", "".join(chr(0x4E00 + i) + "\n" for i in range(299)))
    status, out, err = cli_run(path, "--n", 3)
    assert_one_line_error(status, out, err, path, what="set --n to 2 (90,000 cells)")


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_never_under_json(small_path, monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0.0)  # show at once instead of after 2 s
    path, _ = small_path
    status, _, err = cli_run(path, "--steps", 50, stderr=_TTY())
    assert status == 0 and "training the net" in err and "sampling" in err
    status, _, err = cli_run(path, "--steps", 50, "--json", stderr=_TTY())
    assert status == 0 and err == ""


# --- saving and loading --------------------------------------------------------------------


def test_save_then_load_samples_from_either_model(tmp_path, place_names_path):
    model = tmp_path / "model.pt"
    saved = cli_json(place_names_path, "--save", model, "--seed", 7, "--samples", 12)
    saved_net = cli_json(place_names_path, "--seed", 7, "--samples", 12, "--model", "net")
    place_names_path.unlink()  # sampling from the saved model must not need the dataset
    loaded = cli_json("--load", model, "--seed", 7, "--samples", 12)
    assert loaded["samples"] == saved["samples"] and loaded["sample_from"] == "counts"
    net = cli_json("--load", model, "--seed", 7, "--samples", 12, "--model", "net")
    assert net["samples"] == saved_net["samples"] != saved["samples"]
    status, out, err = cli_run("--load", model, "--seed", 7, "--samples", 12)
    marked = [
        s + "…" if c else s for s, c in zip(saved["samples"], saved["samples_cut"], strict=True)
    ]
    assert status == 0 and err == "" and out.splitlines() == marked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # no temporary left


def test_a_model_of_the_first_format_loads_and_says_it_has_no_net(tmp_path):
    P = torch.tensor([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
    path = tmp_path / "old.pt"
    torch.save(
        {"P": P, "itos": {0: ".", 1: "a", 2: "b"}, "n": 2, "format": "makemore-bigram/1"}, path
    )
    r = cli_json("--load", path, "--samples", 20)
    assert len(r["samples"]) == 20 and all(set(s) <= {"a", "b"} for s in r["samples"])
    assert_one_line_error(*cli_run("--load", path, "--model", "net"), path, what="without the net")


def test_save_never_loses_a_file(tmp_path, small_path, monkeypatch):
    path, words = small_path
    before = path.read_bytes()
    assert_one_line_error(*cli_run(path, "--save", path), path, what="is the input file")
    assert_one_line_error(*cli_run(path, "--save", path, "--force"), path, what="input file")
    assert path.read_bytes() == before  # the words are still there, not a zip
    model = tmp_path / "model.pt"
    model.write_bytes(b"an earlier good model")
    assert_one_line_error(*cli_run(path, "--save", model), model, what="--force")
    assert model.read_bytes() == b"an earlier good model"

    def disk_full(obj, target):  # writes half, then fails as a full disk does
        Path(target).write_bytes(b"half a mod")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.torch, "save", disk_full)
    status, out, err = cli_run(path, "--save", model, "--force")
    assert_one_line_error(status, out, err, model, what="No space left")
    assert model.read_bytes() == b"an earlier good model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt", "small.txt"]
    monkeypatch.undo()
    assert cli_run(path, "--save", model, "--force")[0] == 0 and model.read_bytes() != b""


def test_save_into_a_missing_folder(tmp_path, small_path):
    target = tmp_path / "no" / "such" / "model.pt"
    assert_one_line_error(*cli_run(small_path[0], "--save", target), target)


@pytest.mark.parametrize(
    "option", [["FILE"], ["--n", "2"], ["--smoothing", "0.5"], ["--split"], ["--steps", "0"]]
)
def test_load_refuses_options_it_would_ignore(tmp_path, small_path, option):
    model = tmp_path / "model.pt"
    assert cli_run(small_path[0], "--save", model)[0] == 0
    argv = [small_path[0]] if option == ["FILE"] else option
    status, out, err = cli_run("--load", model, *argv)
    assert_one_line_error(status, out, err, what=f"{option[0]} would be ignored")


def _bad_models(tmp_path) -> list[tuple[Path, str]]:
    itos = {0: ".", 1: "a", 2: "b"}
    P = torch.full((3, 3), 1 / 3)
    good = {"P": P, "W": torch.zeros(3, 3), "itos": itos, "n": 2, "format": cli.FORMAT}
    files = {"empty.pt": b"", "text.pt": b"anna\nbob\n"}
    files["random.pt"] = bytes(random.Random(0).randrange(256) for _ in range(500))
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    # Start 'a', 'a' only to 'b', 'b' only to 'a': every row sums to 1, the end is unreachable.
    loop = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    # A trigram table whose end is reachable from some contexts, but not from 'ab' ('ab'->'b'
    # ->'bb'->'b' ...): the walk . . -> a -> b -> b -> ... never ends.
    tri = torch.zeros(9, 3)
    tri[:, 0] = 1.0
    tri[0] = torch.tensor([0.0, 1.0, 0.0])  # '..' -> a
    tri[1] = torch.tensor([0.0, 0.0, 1.0])  # '.a' -> b
    tri[5] = torch.tensor([0.0, 0.0, 1.0])  # 'ab' -> b
    tri[8] = torch.tensor([0.0, 0.0, 1.0])  # 'bb' -> b
    blobs = {
        "tensor.pt": (P, "not a model"),
        "no_format.pt": ({k: v for k, v in good.items() if k != "format"}, "not a model"),
        "huge_n.pt": ({**good, "n": 10**12}, "n must be 2, 3 or 4"),
        "bool_n.pt": ({**good, "n": True}, "n must be"),
        "no_P.pt": ({k: v for k, v in good.items() if k != "P"}, "P must be a 3 x 3 table"),
        "wrong_shape.pt": ({**good, "n": 3}, "P must be a 9 x 3 table"),
        "bad_keys.pt": ({**good, "itos": {1: "a", 2: "b", 3: "."}}, "itos must map"),
        "long_symbol.pt": ({**good, "itos": {**itos, 2: "bb"}}, "one character"),
        "int_symbol.pt": ({**good, "itos": {**itos, 2: 7}}, "one character"),
        "int_P.pt": ({**good, "P": torch.ones(3, 3, dtype=torch.int64)}, "torch.int64"),
        "complex_P.pt": ({**good, "P": P.to(torch.complex64)}, "torch.complex64"),
        "nan_P.pt": ({**good, "P": P.clone().fill_(math.nan)}, "NaN or infinite"),
        "inf_P.pt": ({**good, "P": P.clone().index_fill_(0, torch.tensor([1]), math.inf)}, "NaN"),
        "nan_W.pt": ({**good, "W": torch.full((3, 3), math.nan)}, "W holds NaN"),
        "negative_P.pt": ({**good, "P": P * torch.tensor([1.0, -1.0, 3.0])}, "negative"),
        "zero_row.pt": ({**good, "P": P.clone().index_fill_(0, torch.tensor([2]), 0.0)}, "row 2"),
        "unnormalised.pt": ({**good, "P": P * 2}, "sums to 2"),
        "no_end.pt": ({**good, "P": loop}, "cannot be reached after 'b'"),
        "no_end_tri.pt": ({**good, "n": 3, "P": tri, "W": None}, "after 'bb'"),
    }
    for name, (blob, _) in blobs.items():
        torch.save(blob, tmp_path / name)
    paths = [(tmp_path / name, "not a model") for name in files]
    paths += [(tmp_path / name, what) for name, (_, what) in blobs.items()]
    return [*paths, (tmp_path / "missing.pt", "no such file"), (tmp_path, "directory")]


def test_load_of_bad_files_and_bad_values(tmp_path):
    for path, what in _bad_models(tmp_path):
        assert_one_line_error(*cli_run("--load", path), path, what=what)


def test_load_of_endless_or_huge_files(tmp_path):
    assert_one_line_error(*cli_run("--load", "/dev/zero"), "/dev/zero", what="not a model")
    huge = tmp_path / "huge.pt"
    with open(huge, "wb") as f:
        f.truncate(cli.MAX_MODEL_BYTES + 1)  # sparse: no disk used
    assert_one_line_error(*cli_run("--load", huge), huge, what="larger than any model")


def test_save_where_nothing_can_be_written(small_path):
    # /proc takes no new files, even from root: the save fails before any temporary exists.
    target = "/proc/model.pt"
    assert_one_line_error(*cli_run(small_path[0], "--save", target), target, what="cannot save")


def test_a_trigram_model_round_trips(tmp_path, small_path):
    model = tmp_path / "tri.pt"
    saved = cli_json(small_path[0], "--n", 3, "--save", model, "--samples", 8)
    assert cli_json("--load", model, "--samples", 8)["samples"] == saved["samples"]


# --- output --------------------------------------------------------------------------------


def test_an_infinite_nll_is_null_in_strict_json(write_file):
    words = [f"{a}{b}{c}" for a in "abc" for b in "abc" for c in "abc"] + ["xyzzy"]
    path = write_file("words.txt", "\n".join(words) + "\n")
    # A seed whose split puts "xyzzy" outside train: at alpha=0 its pair ".x" has probability
    # 0 under the train counts, so that set's NLL is infinite, which JSON cannot hold.
    seed = next(s for s in range(100) if "xyzzy" not in ngram.split_words(words, s)[0])
    held_out = "dev" if "xyzzy" in ngram.split_words(words, seed)[1] else "test"
    status, out, err = cli_run(path, "--json", "--smoothing", "0", "--split", "--seed", seed)
    assert status == 0, err

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    report = json.loads(out, parse_constant=no_constants)
    assert report["split"][held_out]["nll_counts"] is None
    assert report["split"]["train"]["nll_counts"] > 0


def test_a_stdout_that_cannot_hold_the_letters(place_names_path):
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    status, _, err = cli_run(place_names_path, stdout=ascii_out)
    assert_one_line_error(status, "", err, what="PYTHONIOENCODING=utf-8")
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    status, _, err = cli_run(place_names_path, "--json", stdout=ascii_out)
    ascii_out.seek(0)
    report = json.loads(ascii_out.read())  # \u escapes: the same letters, losslessly
    assert status == 0 and err == "" and "ё" in report["vocab"]


def test_a_closed_pipe_is_one_line_not_a_traceback(small_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -1` that has already exited
    try:
        done = subprocess.run(
            [sys.executable, "-m", "helpers.cli", str(small_path[0]), "--samples", "5"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
            timeout=120,  # a safety net, not a measurement
        )
    finally:
        os.close(write_end)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == f"{PROG}: error: stdout was closed before all output was written\n"


def test_the_readme_commands_work_exactly_as_written(tmp_path):
    # Every command of the README's command-line section, run by bash in a folder laid out
    # like the project (its .venv and data/ linked in), so what they write lands in tmp_path.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    commands = [c for c in "\n".join(blocks).replace("\\\n", " ").splitlines() if c.strip()]
    assert len(commands) >= 4
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "data").symlink_to(ROOT / "data")
    for command in commands:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
            timeout=300,  # a safety net, not a measurement
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stderr)
        assert done.stdout, command
