"""`python -m helpers.bigram`: the makemore-style command line, run in-process through main().

Expected figures come from plain Python on the same file (conftest's `plain_nll`,
`names_plain`) or from the lesson; one test runs the real `python -m` in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest

from helpers import bigram as b

pytestmark = pytest.mark.usefixtures("torch_one_thread")

PROG = "python -m helpers.bigram"
KEYS = ["words", "unique", "min_len", "max_len", "vocab_size", "bigrams"]
KEYS += ["nll_counts", "nll_neural", "samples"]
# The lesson's first ten samples: P = (N+1) normalised, seed 2147483647 (the CLI's defaults).
LESSON_SAMPLES = [
    "cexze", "momasurailezitynn", "konimittain", "llayn", "ka",
    "da", "staiyaubrtthrigotai", "moliellavo", "ke", "teda",
]  # fmt: skip


def cli(*argv) -> tuple[int, str, str]:
    """main(argv) in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = b.main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse's own errors
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def cli_json(*argv) -> dict:
    status, out, err = cli(*argv, "--json")
    assert status == 0 and err == "", err
    return json.loads(out)


@pytest.fixture(scope="module")
def names_report(names_path):
    return cli_json(names_path)


def test_default_json_report_on_names(names_report, names_plain, plain_nll):
    r = names_report
    assert list(r) == KEYS
    # Plain Python on the file, and the lesson's figures (32,033 / 228,146 / 27 / 2..15).
    assert r["words"] == len(names_plain) == 32_033
    assert r["unique"] == len(set(names_plain))
    assert (r["min_len"], r["max_len"]) == (2, 15)
    assert r["vocab_size"] == 27 and r["bigrams"] == 228_146
    assert r["nll_counts"] == pytest.approx(plain_nll(names_plain, 1.0), abs=1e-6)  # alpha=1
    bound = plain_nll(names_plain, 0.0)  # the best any bigram table can do on this data
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert r["samples"] == LESSON_SAMPLES


def test_human_readable_report(names_path, names_report):
    status, out, err = cli(names_path)
    lines = out.splitlines()
    assert status == 0 and err == ""
    assert lines[0].startswith(f"{names_path}: 32,033 words")
    assert "27 symbols" in lines[1] and "228,146" in lines[2]
    assert f"{names_report['nll_counts']:.4f}" in out and f"{names_report['nll_neural']:.4f}" in out
    assert lines[-10:] == LESSON_SAMPLES


def test_seeds_and_sample_counts(names_path):
    first = cli_json(names_path, "--seed", 1, "--samples", 25)["samples"]
    assert len(first) == 25
    assert cli_json(names_path, "--seed", 1, "--samples", 25)["samples"] == first
    assert cli_json(names_path, "--seed", 2, "--samples", 25)["samples"] != first
    assert cli_json(names_path, "--samples", 0)["samples"] == []
    assert len(cli_json(names_path, "--samples", 3)["samples"]) == 3


def test_a_non_names_dataset(place_names_path, place_names, plain_nll):
    r = cli_json(place_names_path, "--samples", 40)
    chars = set("".join(place_names))
    assert list(r) == KEYS
    assert r["words"] == len(place_names) and r["unique"] == len(set(place_names))
    assert r["min_len"] == min(map(len, place_names)) and r["max_len"] == max(map(len, place_names))
    assert r["vocab_size"] == len(chars) + 1
    assert r["bigrams"] == sum(len(w) + 1 for w in place_names)
    assert r["nll_counts"] == pytest.approx(plain_nll(place_names, 1.0), abs=1e-6)
    bound = plain_nll(place_names, 0.0)
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert len(r["samples"]) == 40 and all(set(s) <= chars for s in r["samples"])
    status, out, _ = cli(place_names_path, "--json")
    assert any(c in out for c in "άёΣ")  # the JSON keeps the letters, not \\u escapes


BAD_INPUT = [
    # (file content, line the message must name or None)
    (b"", None),
    (b"\n  \n\r\n\t\n", None),
    (b"anna\r\nbob\n\nZo\xeb\n", 4),  # Latin-1 e-diaeresis: not UTF-8, line 4
    (b"anna\nst.john\nmary.ann\n", 2),  # the sentinel '.' inside a word, first on line 2
]


def assert_one_line_error(status, out, err, path, line=None):
    assert status == 2 and out == ""
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    where = f"{path}:{line}: " if line else f"{path}: "
    assert err.startswith(f"{PROG}: error: {where}"), err


@pytest.mark.parametrize("content,line", BAD_INPUT)
def test_bad_files_exit_2_with_one_line(write_file, content, line):
    path = write_file("bad.txt", content)
    for extra in ([], ["--json"]):
        assert_one_line_error(*cli(path, *extra), path, line)


def test_missing_path_and_directory(tmp_path):
    missing = tmp_path / "nowhere.txt"
    assert_one_line_error(*cli(missing), missing)
    assert_one_line_error(*cli(tmp_path), tmp_path)


@pytest.mark.parametrize(
    "options",
    [["--samples", "-1"], ["--smoothing", "-1"], ["--steps", "-5"], ["--n", "1"], ["--n", "9"]],
)
def test_bad_options_exit_2_with_one_line(place_names_path, options):
    status, out, err = cli(place_names_path, *options)
    assert status == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"{PROG}: error: {options[0]}")


def test_another_sentinel_lets_dots_through(write_file, plain_nll):
    words = ["st.john", "mary-ann", "j.r.", "anna", "bob", "o.k"]
    path = write_file("dots.txt", "\n".join(words) + "\n")
    assert_one_line_error(*cli(path), path, 1)
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
    assert list(r) == KEYS[:6] + ["n"] + KEYS[6:] and r["n"] == 3
    assert r["bigrams"] == sum(len(w) + 1 for w in words)  # one example per character + end
    assert r["nll_counts"] == pytest.approx(plain_nll(words, 1.0, n=3), abs=1e-6)
    bound = plain_nll(words, 0.0, n=3)
    assert bound - 1e-9 <= r["nll_neural"] <= bound + 1e-3
    assert all(set(s) <= set("abc") for s in r["samples"])
    status, out, _ = cli(path, "--n", 3)
    assert status == 0 and "3-grams: " in out


def test_bigram_is_the_default_and_unchanged(small_path, plain_nll):
    path, words = small_path
    default, explicit = cli(path, "--json"), cli(path, "--json", "--n", 2)
    assert default == explicit and default[0] == 0
    r = json.loads(default[1])
    assert list(r) == KEYS
    assert r["nll_counts"] == pytest.approx(plain_nll(words, 1.0), abs=1e-6)
    assert r["nll_counts"] != cli_json(path, "--n", 3)["nll_counts"]


def test_split(names_path, names_plain, plain_nll):
    r = cli_json(names_path, "--split", "--samples", 2)
    parts = r["split"]
    assert list(parts) == ["train", "dev", "test"]
    assert sum(p["words"] for p in parts.values()) == 32_033
    train, dev, test = b.split_words(names_plain, b.SEED)
    assert [p["words"] for p in parts.values()] == [len(train), len(dev), len(test)]
    # The model is fitted on train only: its train NLL is the plain alpha=1 NLL of train.
    assert parts["train"]["nll_counts"] == pytest.approx(plain_nll(train, 1.0), abs=1e-6)
    assert r["nll_counts"] == parts["train"]["nll_counts"]
    for name in ("dev", "test"):
        assert 2.0 < parts[name]["nll_counts"] < 3.0  # near train's 2.45, far below ln 27 = 3.30
    status, out, _ = cli(names_path, "--split")
    assert status == 0 and all(f"  {name}" in out for name in ("train", "dev", "test"))


def test_split_needs_enough_words(write_file):
    path = write_file("two.txt", "ab\nba\n")
    assert_one_line_error(*cli(path, "--split"), path)


def test_save_then_load_samples_without_the_dataset(tmp_path, place_names_path):
    model = tmp_path / "model.pt"
    saved = cli_json(place_names_path, "--save", model, "--seed", 7, "--samples", 12)
    place_names_path.unlink()  # sampling from the saved model must not need the dataset
    loaded = cli_json("--load", model, "--seed", 7, "--samples", 12)
    assert loaded == {"samples": saved["samples"]}
    status, out, err = cli("--load", model, "--seed", 7, "--samples", 12)
    assert status == 0 and err == "" and out.splitlines() == saved["samples"]


def test_load_of_bad_files(tmp_path, write_file):
    for path in (
        write_file("words.pt", "anna\nbob\n"),
        write_file("empty.pt", b""),
        tmp_path / "missing.pt",
        tmp_path,
    ):
        assert_one_line_error(*cli("--load", path), path)


def test_save_into_a_missing_folder(tmp_path, small_path):
    target = tmp_path / "no" / "such" / "model.pt"
    assert_one_line_error(*cli(small_path[0], "--save", target), target)


def test_python_dash_m_runs(tmp_path, place_names_path, place_names):
    # The one real process: proves `python -m helpers.bigram` is wired to main() and exits 0.
    # One torch thread, as in-process (torch_one_thread): on a busy 2-core machine the thread
    # pool made this run 16 s instead of 4 s.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "helpers.bigram", str(place_names_path), "--json", "--samples", "3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    r = json.loads(done.stdout)
    assert list(r) == KEYS and r["words"] == len(place_names) and len(r["samples"]) == 3


def test_an_infinite_nll_is_null_in_strict_json(write_file):
    words = [f"{a}{b}{c}" for a in "abc" for b in "abc" for c in "abc"] + ["xyzzy"]
    path = write_file("words.txt", "\n".join(words) + "\n")
    # A seed whose split puts "xyzzy" outside train: at alpha=0 its pair ".x" has probability
    # 0 under the train counts, so that set's NLL is infinite, which JSON cannot hold.
    seed = next(s for s in range(100) if "xyzzy" not in b.split_words(words, s)[0])
    held_out = "dev" if "xyzzy" in b.split_words(words, seed)[1] else "test"
    status, out, err = cli(path, "--json", "--smoothing", "0", "--split", "--seed", seed)
    assert status == 0, err

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    report = json.loads(out, parse_constant=no_constants)
    assert report["split"][held_out]["nll_counts"] is None
    assert report["split"]["train"]["nll_counts"] > 0
