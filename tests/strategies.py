"""Hypothesis strategies and plain-Python references shared by test_bigram and test_ngram."""

from __future__ import annotations

import torch
from hypothesis import settings
from hypothesis import strategies as st


def fast(examples: int) -> settings:
    """Hypothesis settings: deterministic (fixed seed, no example database), no deadline."""
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True)


# Small words over a few letters, accents and a space: enough to hit every code path quickly.
ALPHABET = "abcéž "
word = st.text(alphabet=ALPHABET, min_size=1, max_size=7)
words_st = st.lists(word, min_size=1, max_size=25)
# For the counting functions: also no words at all, and empty words (len 0: one pair ". .").
words0_st = st.lists(st.text(alphabet=ALPHABET, max_size=7), max_size=25)


def plain_pairs(words: list[str], sentinel: str = ".") -> list[tuple[str, str]]:
    """Every bigram of every word, sentinels at both ends (plain Python, no helpers)."""
    pairs = []
    for w in words:
        chs = [sentinel, *w, sentinel]
        pairs += list(zip(chs, chs[1:], strict=False))
    return pairs


@st.composite
def count_tables(draw) -> torch.Tensor:
    """Small integer count tables, some rows all zero (contexts never seen)."""
    V = draw(st.integers(1, 6))
    cells = draw(st.lists(st.integers(0, 40), min_size=V * V, max_size=V * V))
    N = torch.tensor(cells, dtype=torch.int32).view(V, V)
    empty = draw(st.lists(st.integers(0, V - 1), max_size=V))
    N[empty] = 0
    return N
