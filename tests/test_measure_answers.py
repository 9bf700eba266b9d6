"""tools/measure_answers.py's --downstream: after an accepted answer, the rest of its notebook
runs as a kernel would run it, and only a real break is reported."""

from __future__ import annotations

import helpers.checks  # noqa: F401  (replay runs the checks of this checkout)
from tools.measure_answers import Answer, replay


def test_downstream_reports_a_real_break_and_nothing_else() -> None:
    right = Answer("words", True, "words = open(path).read().splitlines()")
    # Accepted by check("words"), but it hides the builtin len that the next blank's solution
    # calls: a later cell must fail.
    breaks = Answer("words", True, "words = open(path).read().splitlines()\nlen = None")
    replay([right, breaks], downstream=True, books=("01",))
    assert right.line.startswith("✓") and breaks.line.startswith("✓"), (right.line, breaks.line)
    # Later checks read the value each later cell showed, as a kernel's hook records it.
    assert right.later == "", right.later
    assert "TypeError" in breaks.later, breaks.later
