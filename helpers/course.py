"""The course's shape, read from `course.toml`, the one place it is written.

    from helpers import course
    course.NOTEBOOKS          # every lesson notebook, in order: Notebook(file, number, title, ...)
    course.by_number("09")    # one of them
    course.workbook()         # the notebooks the workbook edition covers, in order
    course.VIDEO              # the lecture's video: url, title, length in seconds, notebook URL
    course.EXERCISES          # {"E01": the exercise's words, ...}

Navigation (tools/nav.py), the workbook's checks (helpers/checks), the web edition and the tests
read the course from here; nothing else lists the notebooks or the workbook's range.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = ROOT / "course.toml"


def seconds(moment: str) -> int:
    """'1:05:26' -> 3926."""
    h, m, s = (int(x) for x in moment.split(":"))
    if not (0 <= m < 60 and 0 <= s < 60):
        raise ValueError(f"course.toml: {moment!r} is not a moment h:mm:ss")
    return h * 3600 + m * 60 + s


@dataclass(frozen=True)
class Notebook:
    file: str  # "09_trigram": notebooks/09_trigram.ipynb, workbook/09_trigram.ipynb
    title: str  # the notebook's heading is "# 09 · <title>"
    part: str
    workbook: bool = False
    video: tuple[int, int] | None = None  # the range of the video its main path follows, seconds
    exercise: str | None = None  # the lecture's exercise it works, "E01"
    code_cells: int = 10  # the most code cells its main path may hold

    @property
    def number(self) -> str:
        return self.file[:2]

    @property
    def slug(self) -> str:
        """The name without its number: "trigram" (the workbook's checks name notebooks so)."""
        return self.file[3:]

    @property
    def name(self) -> str:
        return self.file + ".ipynb"

    @property
    def heading(self) -> str:
        return f"# {self.number} · {self.title}"


@dataclass(frozen=True)
class Video:
    url: str
    title: str
    length: int  # seconds
    notebook: str  # the lecture's own notebook


def _load(path: Path = DECLARATION) -> tuple[Video, list[Notebook], dict[str, str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    v = data["video"]
    video = Video(v["url"], v["title"], seconds(v["length"]), v["notebook"])
    notebooks = []
    for entry in data["notebooks"]:
        span = entry.get("video")
        notebooks.append(
            Notebook(
                file=entry["file"],
                title=entry["title"],
                part=entry["part"],
                workbook=entry.get("workbook", False),
                video=(seconds(span[0]), seconds(span[1])) if span else None,
                exercise=entry.get("exercise"),
                code_cells=entry.get("code_cells", 10),
            )
        )
    numbers = [nb.number for nb in notebooks]
    if numbers != sorted(set(numbers)) or not all(n.isdigit() for n in numbers):
        raise ValueError(f"course.toml: notebooks out of order or sharing a number: {numbers}")
    return video, notebooks, dict(data["exercises"])


VIDEO, NOTEBOOKS, EXERCISES = _load()


def by_number(number: str) -> Notebook:
    found = [nb for nb in NOTEBOOKS if nb.number == number]
    if len(found) != 1:
        raise KeyError(f"course.toml declares no notebook {number}")
    return found[0]


def parts() -> list[tuple[str, list[Notebook]]]:
    """The parts in order, each with its notebooks."""
    out: list[tuple[str, list[Notebook]]] = []
    for nb in NOTEBOOKS:
        if not out or out[-1][0] != nb.part:
            out.append((nb.part, []))
        out[-1][1].append(nb)
    return out


def lecture() -> list[Notebook]:
    """The notebooks that follow the lecture's video."""
    return [nb for nb in NOTEBOOKS if nb.video]


def workbook() -> list[Notebook]:
    """The notebooks the workbook edition covers, in order."""
    return [nb for nb in NOTEBOOKS if nb.workbook]


def workbook_sessions() -> list[list[Notebook]]:
    """The workbook's notebooks grouped by part; a part beyond the lecture joins the one before."""
    groups: list[list[Notebook]] = []
    for _, members in parts():
        chosen = [nb for nb in members if nb.workbook]
        if not chosen:
            continue
        if groups and not any(nb.video for nb in chosen):
            groups[-1].extend(chosen)
        else:
            groups.append(chosen)
    return groups
