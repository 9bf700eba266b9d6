"""Reading word files and the data step: for anyone who loads a dataset, notebook or command line.

It holds `load_words` (one word per line, read as makemore reads it), `DataError`, the one
exception type for bad input (its message names the file and, where there is one, the line),
the table-size guard `check_table` that the command line and notebook 14 apply before counting,
and the data step that puts a verified copy of names.txt at data/names.txt
(`python -m helpers.data`, what `make data` runs). Nothing here is taught: it is plumbing.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "MAX_FILE_BYTES",
    "NAMES_SHA256",
    "TABLE_LIMIT",
    "DataError",
    "WordFile",
    "check_table",
    "ensure_names",
    "load_words",
    "read_words",
    "sha256_of",
]

NAMES_URL = "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt"
NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"
NAMES_SIZE = 228_145  # bytes: a download that grows past this is not names.txt
NAMES_ENV = "MAKEMORE_NAMES"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOWNLOAD_SECONDS = 120.0  # the whole download's deadline
MAX_FILE_BYTES = 64 * 2**20  # a word file larger than this (or endless, /dev/zero) is refused
TABLE_LIMIT = 10_000_000  # cells of a count table (V ** n): about 3,160 symbols for bigrams


class DataError(ValueError):
    """Bad input; the message names the file and, where there is one, the line."""


# --- word files ----------------------------------------------------------------------------


class WordFile(NamedTuple):
    """What `read_words` found: the words, and how many lines it stripped or skipped."""

    words: list[str]
    stripped: int  # lines that had whitespace around the word
    skipped: int  # blank lines


def read_words(path: str | Path, sentinel: str = ".") -> WordFile:
    """Read one word per line as makemore does: `splitlines()`, each stripped, blanks skipped.

    UTF-8 with an optional BOM; any line ending (LF, CRLF, CR). Raises DataError naming the
    file (and line) for a missing file, a directory, a file over MAX_FILE_BYTES, bytes that are
    not UTF-8, a file with no words, or a word holding `sentinel`.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a file of words") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror or err})") from None
    if len(data) > MAX_FILE_BYTES:
        raise DataError(
            f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB, the limit for a word list "
            f"(is it one?)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8")
        bad_line = len((before + "x").splitlines())
        raise DataError(
            f"{path}:{bad_line}: not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8"
        ) from None
    words, stripped, skipped = [], 0, 0
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        word = line.strip()
        if not word:
            skipped += 1
            continue
        stripped += word != line
        if sentinel and sentinel in word:
            raise DataError(
                f"{path}:{number}: the word {word!r} holds the sentinel character "
                f"{sentinel!r}; choose another sentinel (a character no word holds)"
            )
        words.append(word)
    if not words:
        what = "is empty" if not data else "holds only blank lines"
        raise DataError(f"{path}: no words: the file {what}")
    return WordFile(words, stripped, skipped)


def load_words(path: str | Path, sentinel: str = ".") -> list[str]:
    """The words of a one-word-per-line file (see `read_words`). Defined in 01_dataset."""
    return read_words(path, sentinel).words


def check_table(V: int, n: int, where: str | Path = "", n_name: str = "n") -> int:
    """Refuse an n-gram table over V symbols larger than TABLE_LIMIT; else return its cells.

    The advice can be followed: a smaller n where one fits, else fewer distinct characters.
    `n_name` is what the caller calls n (`--n`, `N_GRAM`); `where` prefixes the message.
    """
    cells = V**n
    if cells <= TABLE_LIMIT:
        return cells
    fits = [k for k in range(2, n) if V**k <= TABLE_LIMIT]
    if fits:
        advice = f"set {n_name} to {fits[-1]} ({V ** fits[-1]:,} cells)"
    else:
        most = math.isqrt(TABLE_LIMIT) - 1  # distinct characters a bigram table can hold
        advice = (
            f"even bigrams need {V:,}² cells: use a file with at most {most:,} distinct "
            f"characters (this one has {V - 1:,})"
        )
    prefix = f"{where}: " if str(where) else ""
    raise DataError(
        f"{prefix}a {n}-gram table over {V:,} symbols would hold {cells:,} cells, more than "
        f"the limit of {TABLE_LIMIT:,}; {advice}"
    )


# --- the data step -------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, tmp: Path, max_bytes: int, seconds: float) -> None:
    """Download url to tmp, stopping past `max_bytes` or after `seconds` in all."""
    deadline = time.monotonic() + seconds
    with (
        urllib.request.urlopen(url, timeout=min(30.0, seconds)) as response,
        open(tmp, "wb") as out,
    ):
        size = 0
        while block := response.read1(1 << 16):  # what has arrived, so the deadline is kept
            size += len(block)
            if size > max_bytes:
                raise DataError(
                    f"{url} sends more than {max_bytes:,} bytes, the size of names.txt: it is "
                    f"not the canonical file. Nothing was written. Set {NAMES_ENV} to a copy."
                )
            if time.monotonic() > deadline:
                raise DataError(
                    f"downloading {url} took longer than {seconds:g} s; stopped, nothing was "
                    f"written. Try again later, or set {NAMES_ENV} to a local copy of names.txt."
                )
            out.write(block)


def _fetch(source: str, tmp: Path, max_bytes: int, seconds: float) -> None:
    """Copy a local path, or download a URL, to tmp."""
    if os.path.isfile(source):
        try:
            shutil.copyfile(source, tmp)
        except OSError as err:
            raise DataError(
                f"cannot read {source} ({err.strerror or err}). {NAMES_ENV} must name a "
                f"readable copy of names.txt; fix its permissions or unset it to download."
            ) from None
        return
    if "://" not in source:
        raise DataError(
            f"{NAMES_ENV} names {source!r}, which is not a file. Point it at a copy of "
            f"names.txt (for example ../shared/data/names.txt) or unset it to download."
        )
    try:
        _download(source, tmp, max_bytes, seconds)
    except (urllib.error.URLError, OSError) as err:
        raise DataError(
            f"could not download {source} ({err}). Without internet, set {NAMES_ENV} to the "
            f"path of a local copy of names.txt, e.g. "
            f"`{NAMES_ENV}=../shared/data/names.txt make data`."
        ) from None


def _prepare_folder(folder: Path) -> None:
    """Make the data folder, or say why it cannot be; remove `.part` files of a killed run."""
    if folder.exists() and not folder.is_dir():
        raise DataError(
            f"{folder} is a file, but the dataset goes into a folder of that name. Move the "
            f"file aside (or rename it) and run `make data` again."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".names-*.part"):  # left by an interrupted run
            stale.unlink()
    except OSError as err:
        raise DataError(
            f"cannot write into {folder} ({err.strerror or err}). Make the folder writable "
            f"(or run from a copy of the project you can write to) and run `make data` again."
        ) from None


def ensure_names(
    dest: Path | None = None,
    source: str | None = None,
    sha256: str = NAMES_SHA256,
    max_bytes: int = NAMES_SIZE,
    seconds: float = DOWNLOAD_SECONDS,
) -> Path:
    """Return the path of a verified names.txt, copying or downloading it first if missing.

    The source is `source`, else $MAKEMORE_NAMES, else the canonical URL. The file is written
    to a temporary name beside `dest` and renamed only after its sha256 matches, so a failed
    or wrong download never leaves a partial or wrong file behind. Raises DataError.
    """
    dest = Path(dest) if dest is not None else DATA_DIR / "names.txt"
    if dest.is_dir():
        raise DataError(
            f"{dest} is a folder, where the dataset file should be. Move it aside and run "
            f"`make data` again."
        )
    _prepare_folder(dest.parent)
    if dest.is_file():
        if sha256_of(dest) == sha256:
            return dest
        raise DataError(
            f"{dest} exists but its sha256 is {sha256_of(dest)}, not {sha256}. It is not the "
            f"canonical names.txt: move it aside (to keep your edits) and run `make data` again."
        )
    source = source or os.environ.get(NAMES_ENV) or NAMES_URL
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".names-", suffix=".part", dir=dest.parent)
    except OSError as err:
        raise DataError(
            f"cannot write into {dest.parent} ({err.strerror or err}). Make the folder "
            f"writable and run `make data` again."
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _fetch(source, tmp, max_bytes, seconds)
        got = sha256_of(tmp)
        if got != sha256:
            raise DataError(
                f"{source} has sha256 {got}, expected {sha256}: it is not the canonical "
                f"names.txt (32,033 names from karpathy/makemore). Nothing was written to "
                f"{dest}. Set {NAMES_ENV} to a correct copy."
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def main() -> int:
    """`python -m helpers.data`: ensure data/names.txt, one clear paragraph on failure."""
    try:
        path = ensure_names()
    except DataError as err:
        print(f"make data: {err}", file=sys.stderr)
        return 1
    print(f"{path} ok (sha256 {NAMES_SHA256[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
