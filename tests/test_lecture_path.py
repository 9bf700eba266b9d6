"""The lecture's main path: video moments, an end with a summary and a link onward, a small size.

The notebooks course.toml gives a `video` range follow the lecture's video (01-08). Under each
main-path section heading a link such as
`[▶ 0:24:02](https://www.youtube.com/watch?v=PaCmpygFfXo&t=1442)` opens the moment that section
follows. These tests check that every such link is well formed (its label and its `t=` are the
same moment, inside the video), that every section has one, that each lies in the range of the
video course.toml declares for its notebook, and that the moments never go back through the
series: every link of every main path is at or after the one before it. (Two sections may share
a moment: the video's chapters are the finest times we rely on.)
"""

import re
from pathlib import Path

import nbformat
import pytest

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = [NOTEBOOKS / nb.name for nb in course.NOTEBOOKS]
LECTURE = [NOTEBOOKS / nb.name for nb in course.lecture()]
VIDEO = course.VIDEO.url
VIDEO_LENGTH = course.VIDEO.length
LINK = re.compile(r"\[▶ (\d):(\d\d):(\d\d)\]\(([^)\s]*)\)")
# Words about our tooling or machines, not about the lesson.
MACHINE_TALK = [
    "running kernel",
    "2-core",
    "our machine",
    "busy machine",
    "yours will differ",
    "per machine",
    "scratch folder",
    "README's benchmarks",
]


def _main_path(path: Path) -> list:
    """The content cells before "## Going deeper" (navigation cells left out)."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if "nav" not in c.metadata]
    for k, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith("## Going deeper"):
            return cells[:k]
    return cells


def _seconds(match: re.Match) -> int:
    h, m, s = (int(x) for x in match.groups()[:3])
    return h * 3600 + m * 60 + s


def _sections(path: Path) -> list[tuple[str, str]]:
    """(heading, the first non-empty line under it) for each main-path `## ` section."""
    found = []
    for cell in _main_path(path):
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for k, line in enumerate(lines):
            if line.startswith("## ") and line != "## Summary":
                below = next((x for x in lines[k + 1 :] if x.strip()), "")
                found.append((line, below))
    return found


def test_the_lecture_notebooks_are_there():
    numbers = [p.name[:2] for p in LECTURE]
    assert numbers and numbers == [nb.number for nb in course.NOTEBOOKS[: len(numbers)]], (
        "the notebooks that follow the video come first, in one run"
    )
    for nb in course.lecture():
        assert nb.video and 0 <= nb.video[0] <= nb.video[1] <= VIDEO_LENGTH, nb.file


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_video_link_is_well_formed(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    for match in LINK.finditer(text):
        seconds = _seconds(match)
        assert 0 <= seconds < VIDEO_LENGTH, f"{path.name}: {match.group(0)} is past the video's end"
        assert int(match.group(2)) < 60 and int(match.group(3)) < 60, match.group(0)
        assert match.group(4) == f"{VIDEO}&t={seconds}", (
            f"{path.name}: {match.group(0)}: the label and t= name different moments"
        )
    assert text.count("▶") == len(LINK.findall(text)), f"{path.name}: a ▶ that is not a link"
    for url in re.findall(r"https://www\.youtube\.com/\S*", text):
        assert url.startswith(VIDEO), f"{path.name}: a link to another video: {url}"


@pytest.mark.parametrize("path", LECTURE, ids=lambda p: p.name)
def test_every_section_links_its_moment(path):
    sections = _sections(path)
    assert sections, f"{path.name}: no section heading on the main path"
    for heading, below in sections:
        assert LINK.match(below), f"{path.name}: '{heading}' has no video link right under it"


def _main_path_links(path: Path) -> list[tuple[str, re.Match]]:
    """(the section heading, the link) for every video link of the main path, in reading order."""
    found, heading = [], "(before the first section)"
    for cell in _main_path(path):
        for line in cell.source.splitlines():
            heading = line if line.startswith("## ") else heading
            found += [(heading, m) for m in LINK.finditer(line)]
    return found


def test_the_moments_never_go_back_through_the_series():
    previous, where = -1, ""
    for path in LECTURE:
        for heading, match in _main_path_links(path):
            seconds = _seconds(match)
            assert seconds >= previous, (
                f"{path.name} '{heading}' links {match.group(0)}, before {where} (at {previous} s)"
            )
            previous, where = seconds, f"{path.name} '{heading}' {match.group(0)}"


@pytest.mark.parametrize("nb", course.lecture(), ids=lambda nb: nb.name)
def test_each_notebook_follows_its_range_of_the_video(nb):
    start, end = nb.video
    links = _main_path_links(NOTEBOOKS / nb.name)
    assert links, f"{nb.name}: no video link on the main path"
    for heading, match in links:
        assert start <= _seconds(match) <= end, (
            f"{nb.name} '{heading}': {match.group(0)} is outside course.toml's range for it"
        )


def test_the_readme_and_the_contents_link_the_video():
    index = nbformat.read(NOTEBOOKS / "00_index.ipynb", as_version=4)
    assert VIDEO in "\n".join(c.source for c in index.cells)
    assert VIDEO in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_the_main_path_ends_with_its_summary_and_a_try_it(path):
    cells = _main_path(path)
    assert "## Summary" in cells[-1].source, f"{path.name}: the main path ends without its summary"
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert text.count("**Try it:**") == 1, f"{path.name}: one short 'Try it' on the main path"
    nb = nbformat.read(path, as_version=4)
    kinds = [c.metadata.get("nav") for c in nb.cells]
    assert "next" in kinds, f"{path.name}: no link onward after the summary (run `make nav`)"
    assert nb.cells[kinds.index("next") - 1].id == cells[-1].id


# At most 10 code cells (course.toml may allow a notebook more) and 1,000 words of prose per main
# path (the video-link lines count as words).
MAX_WORDS = 1000


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_one_idea_per_notebook(path):
    cells = _main_path(path)
    code = [c for c in cells if c.cell_type == "code" and c.source.strip()]
    words = sum(len(c.source.split()) for c in cells if c.cell_type == "markdown")
    most = course.by_number(path.name[:2]).code_cells
    assert len(code) <= most, (
        f"{path.name}: {len(code)} code cells on the main path ({most} at most)"
    )
    assert words <= MAX_WORDS, f"{path.name}: {words} words on the main path ({MAX_WORDS} at most)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_machine_talk_on_the_main_path(path):
    text = "\n".join(c.source for c in _main_path(path)).lower()
    said = [phrase for phrase in MACHINE_TALK if phrase.lower() in text]
    assert not said, f"{path.name}: {said}"
