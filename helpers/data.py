"""The data step: put a verified copy of names.txt at data/names.txt.

Run `python -m helpers.data` (what `make data` does). Taught nowhere: it is plumbing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

NAMES_URL = "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt"
NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"
NAMES_ENV = "MAKEMORE_NAMES"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataStepError(RuntimeError):
    """The dataset could not be put in place; the message says what to do."""


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(source: str, tmp: Path) -> None:
    """Copy a local path, or download a URL, to tmp."""
    if os.path.isfile(source):
        shutil.copyfile(source, tmp)
        return
    if "://" not in source:
        raise DataStepError(
            f"{NAMES_ENV} names {source!r}, which is not a file. Point it at a copy of "
            f"names.txt (for example ../shared/data/names.txt) or unset it to download."
        )
    try:
        with urllib.request.urlopen(source, timeout=30) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError) as err:
        raise DataStepError(
            f"could not download {source} ({err}). Without internet, set {NAMES_ENV} to the "
            f"path of a local copy of names.txt, e.g. "
            f"`{NAMES_ENV}=../shared/data/names.txt make data`."
        ) from None


def ensure_names(
    dest: Path | None = None, source: str | None = None, sha256: str = NAMES_SHA256
) -> Path:
    """Return the path of a verified names.txt, copying or downloading it first if missing.

    The source is `source`, else $MAKEMORE_NAMES, else the canonical URL. The file is written
    to a temporary name beside `dest` and renamed only after its sha256 matches, so a failed
    or wrong download never leaves a partial or wrong file behind.
    """
    dest = Path(dest) if dest is not None else DATA_DIR / "names.txt"
    if dest.is_file():
        if sha256_of(dest) == sha256:
            return dest
        raise DataStepError(
            f"{dest} exists but its sha256 is {sha256_of(dest)}, not {sha256}. It is not the "
            f"canonical names.txt: move it aside (to keep your edits) and run `make data` again."
        )
    source = source or os.environ.get(NAMES_ENV) or NAMES_URL
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".names-", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _fetch(source, tmp)
        got = sha256_of(tmp)
        if got != sha256:
            raise DataStepError(
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
    """`python -m helpers.data`: ensure data/names.txt, one clear line on failure."""
    try:
        path = ensure_names()
    except DataStepError as err:
        print(f"make data: {err}", file=sys.stderr)
        return 1
    print(f"{path} ok (sha256 {NAMES_SHA256[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
