"""tools/parts.py's plans (`make test`, `make test-fast`): `test`'s parts select exactly plain
`pytest`'s tests, each in one part; `fast`'s select every test but the browser's and the
answer corpus's, each once. Selection as pytest does it: under a path, and matching `-m`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression

from tools import parts

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("browser", "corpus")
# Every kind of test there is: a notebook (nbval's cells carry no marker), and a test module's
# test with each combination of the markers.
KINDS = [(str(p.relative_to(ROOT)), ()) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))] + [
    (name, marks)
    for name in ("tests/test_x.py", parts.KERNEL)  # any test module; the one a part names
    for marks in ((), ("browser",), ("corpus",), MARKERS)
]


def _selects(args: list[str], path: str, marks: tuple[str, ...]) -> bool:
    paths = [a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1 : i] != ["-m"]]
    ignored = [a.removeprefix("--ignore=") for a in args if a.startswith("--ignore=")]
    expr = args[args.index("-m") + 1] if "-m" in args else None

    def within(folders: list[str]) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in folders)

    under = within(paths) and not within(ignored)

    def marked(name: str, /, **kwargs: object) -> bool:
        return name in marks

    return under and (expr is None or Expression.compile(expr).evaluate(marked))


def test_the_test_plan_is_plain_pytest_each_test_once() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    testpaths = config["ini_options"]["testpaths"]
    for path, marks in KINDS:
        assert any(path.startswith(t + "/") for t in testpaths)  # plain pytest runs it
        chosen = [name for name, args in parts.PLANS["test"] if _selects(args, path, marks)]
        assert len(chosen) == 1, (path, marks, chosen)


def test_the_fast_plan_leaves_out_the_browser_and_the_corpus_only() -> None:
    for path, marks in KINDS:
        chosen = [name for name, args in parts.PLANS["fast"] if _selects(args, path, marks)]
        assert len(chosen) == (0 if marks else 1), (path, marks, chosen)


def test_an_unknown_plan_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert parts.main(["everything"]) == 2
    assert capsys.readouterr().err == "tools/parts.py: say which plan: test or fast\n"
