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

from helpers.checks import (  # noqa: F401  (each module declares its steps)
    nb_bigram_dict,
    nb_count_matrix,
    nb_dataset,
    nb_matches_counts,
    nb_neural_net,
    nb_nll_smoothing,
    nb_sampling,
    nb_training,
    nb_trigram,
)
from helpers.checks.core import NOTEBOOKS, STEPS, Mistake, Step
from helpers.checks.learner import check, hint, needs, progress, result, solution, start

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
