"""The workbook's checks: `check("name")` prints one line, ✓ and the proof, or ✗ and a hint.

How it works, for a learner who opens this package:

- Each step is one declaration in the module of its notebook (nb_dataset.py, ...): the blank, its
  hints, a reference built from the data file with plain Python (ref.py), and the mistakes
  learners make, each a small function that builds the wrong value, with the message naming it.
- A check reads *your* names (`N`, `stoi`, ...) and compares them with the reference, then with
  every mistake (core.py); a wrong answer never ends in a traceback.
- `hint("name")` gives the next hint; then `solution("name")` shows the reference solution.
  `progress()` lists this notebook's steps; `needs(...)` opens a cell that builds on them.
"""

import importlib

from helpers.checks.core import NOTEBOOKS, STEPS, Mistake, Step
from helpers.checks.learner import check, hint, needs, progress, result, solution, start

for _slug in NOTEBOOKS:  # each notebook's module declares its steps, in the course's order
    importlib.import_module(f"helpers.checks.nb_{_slug}")

__all__ = [
    "NOTEBOOKS",
    "STEPS",
    "Mistake",
    "Step",
    "check",
    "hint",
    "needs",
    "progress",
    "result",
    "solution",
    "start",
]
