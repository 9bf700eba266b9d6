"""tools/splice.py, the one README/docs splicer: it replaces what stands between its markers,
and refuses a page without them (one clear line), so nothing is appended or lost silently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.splice import MarkersMissing, between, write_between, write_figures

START, END = "<!-- x:start -->", "<!-- x:end -->"


def test_replaces_only_what_stands_between_the_markers():
    page = f"# Title\n\nbefore\n{START}\nold\ntable\n{END}\nafter\n"
    assert between(page, START, END, "new\n") == f"# Title\n\nbefore\n{START}\nnew\n{END}\nafter\n"
    # Idempotent: splicing the same content again changes nothing.
    once = between(page, START, END, "new")
    assert between(once, START, END, "new") == once


@pytest.mark.parametrize(
    "page",
    [
        "no markers at all\n",
        f"only the start {START}\n",
        f"{END} before {START}\n",
        f"{START} twice {START} {END}\n",
    ],
)
def test_refuses_a_page_without_one_pair_of_markers(page):
    with pytest.raises(MarkersMissing) as err:
        between(page, START, END, "x", where="docs/figures.md")
    message = str(err.value)
    assert message.startswith("docs/figures.md: ") and START in message and END in message
    assert "\n" not in message


def test_write_between_reports_a_change_and_leaves_a_bad_file_alone(tmp_path: Path):
    good = tmp_path / "good.md"
    good.write_text(f"{START}\n{END}\n", encoding="utf-8")
    assert write_between(good, START, END, "figures") is True
    assert write_between(good, START, END, "figures") is False
    bad = tmp_path / "bad.md"
    bad.write_text("nothing to splice into\n", encoding="utf-8")
    with pytest.raises(MarkersMissing, match=str(bad)):
        write_between(bad, START, END, "figures")
    assert bad.read_text(encoding="utf-8") == "nothing to splice into\n"


def test_the_pages_it_writes_have_their_markers():
    # `make nav` writes README.md's notebook table, `make bench` docs/figures.md's two tables.
    root = Path(__file__).resolve().parent.parent
    pages = {
        root / "README.md": ["notebooks"],
        root / "docs" / "figures.md": ["bench", "bench-browser"],
    }
    for page, names in pages.items():
        text = page.read_text(encoding="utf-8")
        for name in names:
            between(text, f"<!-- {name}:start -->", f"<!-- {name}:end -->", "", where=page.name)


def test_nav_refuses_in_one_line(tmp_path: Path):
    # The refusal end to end: tools/nav.py against a README without its markers.
    script = (
        "import sys, tools.nav as nav, pathlib\n"
        f"nav.README = pathlib.Path({str(tmp_path / 'README.md')!r})\n"
        "nav.README.write_text('no markers\\n')\n"
        "sys.argv = ['nav.py', '--check']\n"
        "sys.exit(nav.main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("tools/nav.py: error: README.md: ")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_make_bench_refuses_in_one_line_with_status_2(tmp_path: Path, capsys):
    page = tmp_path / "figures.md"
    page.write_text("no markers\n", encoding="utf-8")
    assert write_figures(page, START, END, "table", "benchmarks/run.py") == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("benchmarks/run.py: error: ")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    page.write_text(f"{START}\n{END}\n", encoding="utf-8")
    assert write_figures(page, START, END, "table", "benchmarks/run.py") == 0
    assert page.read_text(encoding="utf-8") == f"{START}\ntable\n{END}\n"
