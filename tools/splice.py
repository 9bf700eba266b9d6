"""Write generated text between two HTML-comment markers of a Markdown file.

    text = between(text, "<!-- notebooks:start -->", "<!-- notebooks:end -->", table)

The one way the README's notebook table (tools/nav.py) and the benchmark figures
(benchmarks/run.py, benchmarks/browser.py) get into their pages. A page without exactly one
start marker followed by one end marker is refused with `MarkersMissing`, whose message says
which file and which markers, so a figure is never appended somewhere wrong or silently lost.
"""

from __future__ import annotations

import sys
from pathlib import Path


class MarkersMissing(ValueError):
    """The page lacks the markers (or has them twice, or in the wrong order)."""


def between(text: str, start: str, end: str, content: str, where: str = "the page") -> str:
    """`text` with whatever stood between `start` and `end` replaced by `content`."""
    i, j = text.find(start), text.find(end)
    if text.count(start) != 1 or text.count(end) != 1 or j < i:
        raise MarkersMissing(
            f"{where}: needs one {start} line followed by one {end} line to write between"
        )
    return f"{text[: i + len(start)]}\n{content.strip(chr(10))}\n{text[j:]}"


def write_between(path: Path, start: str, end: str, content: str) -> bool:
    """Splice `content` into the file at `path`; True if that changed the file."""
    old = path.read_text(encoding="utf-8")
    new = between(old, start, end, content, where=str(path))
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def write_figures(path: Path, start: str, end: str, content: str, program: str) -> int:
    """For a command: splice, say what it wrote or one line why not; the exit status (0 or 2)."""
    try:
        write_between(path, start, end, content)
    except (MarkersMissing, OSError) as err:
        print(f"{program}: error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0
