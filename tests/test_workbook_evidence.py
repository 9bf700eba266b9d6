"""The evidence descriptors (helpers/checks/evidence.py), on their own: each says a fact about
the learner's value, and none raises on a value it cannot read."""

from __future__ import annotations

import math

import pytest
import torch

from helpers.checks.evidence import describe, kind


def test_kinds() -> None:
    assert kind(torch.zeros(27, 27, dtype=torch.int32)) == "a (27, 27) int32 tensor"
    assert kind(None) == "None"
    assert kind(3) == "the int 3"
    assert kind(["a", "b"]) == "a list of str of 2 items"


def test_shape_and_transposition() -> None:
    w = torch.arange(6).view(2, 3)
    assert "(3, 2) is (2, 3) transposed" in describe("N", w.T, w)
    sq = torch.arange(9).view(3, 3)
    assert "transposed" in describe("N", sq.T, sq)
    assert "want shape (2, 3)" in describe("N", torch.zeros(4), w)


def test_zeros_nan_and_sums() -> None:
    w = torch.tensor([[0, 3], [4, 5]])
    assert describe("N", torch.zeros(2, 2, dtype=torch.long), w) == (
        "N is all zeros (its sum should be 12)"
    )
    assert "holds 4 NaN values" in describe("P", torch.full((2, 2), math.nan), w.float())
    g = w.clone()
    g[:, 0] = 0
    line = describe("N", g, w)
    assert (
        line.startswith("N.sum() is 8, 4 short") and "column 0 all zeros (expected sum 4)" in line
    )


def test_factors_and_offsets() -> None:
    w = torch.tensor([1.0, 2.0, 4.0])
    assert "times 2 (twice)" in describe("x", 2 * w, w)
    assert "1/ln 10" in describe("nll", w / math.log(10), w)
    assert "-1 (the sign flipped)" in describe("loss", -2.5, 2.5)
    assert "off by 1" in describe("N", w + 1, w)
    assert "3 more than expected" in describe("n", 10, 7)
    assert "divided by 5" in describe("loss", 1.0, 5.0)


def test_the_datasets_counts_are_named_as_factors() -> None:
    # 559,951.6 is a sum of 228,146 negative log-probabilities (an average of 2.4544 each)
    total = 2.4544 * 228_146
    assert "1/32,033 (divided by the number of names)" in describe("nll", total / 32_033, total)
    assert "228,146/32,033" in describe("nll", total / 32_033, total / 228_146)
    assert "228,146 (the number of bigrams)" in describe("nll", total, total / 228_146)
    assert "number of" not in describe("nll", 17.0, 2.4544)  # no count behind a plain ratio


def test_normalised_along_the_other_axis_or_the_whole_table() -> None:
    N = torch.tensor([[1.0, 3.0], [2.0, 2.0]])
    P = N / N.sum(1, keepdim=True)
    assert "columns sum to 1" in describe("P", N / N.sum(0, keepdim=True), P)
    assert "whole table" in describe("P", N / N.sum(), P)


def test_right_proportions_with_the_wrong_sum() -> None:
    # Independent: p = c / c.sum() is the reference; the same c over another number keeps each
    # entry's share, and each row of (N + 1) / N.sum(1) is its right row times its own factor.
    c = torch.tensor([2.0, 6.0, 12.0])
    line = describe("p", c / 100, c / c.sum())
    assert "sums to 0.2, not 1" in line and "times 0.2 (the right proportions" in line
    assert "times" not in describe("p", torch.tensor([0.5, 0.25, 0.0]), c / c.sum())
    N = torch.tensor([[1.0, 3.0], [2.0, 6.0]])
    P = (N + 1) / (N + 1).sum(1, keepdim=True)
    line = describe("P", (N + 1) / N.sum(1, keepdim=True), P)
    assert "rows 0, 1 of P do not sum to 1" in line and "row 0: 1.5" in line
    assert "own factor" not in line and "proportions within each row" in line


def test_a_slice_the_distinct_items_and_a_table_moved_by_one() -> None:
    assert describe("words", ["a", "b"], ["a", "b", "c"]) == (
        "words is the first 2 of the 3 expected items"
    )
    line = describe("words", ["b", "a"], ["a", "b", "a"])
    assert "each different item once, 2 items" in line and "expected 3" in line
    w = torch.zeros(3, 5, dtype=torch.int32)
    w[1, 3], w[0, 0] = 2, 5
    g = torch.zeros_like(w)
    g[2, 4], g[1, 1] = 2, 5  # the same cells, counted from 1
    assert "moved 1 row down and 1 column right" in describe("a", g, w)
    g[2, 4] = 3
    assert "moved" not in describe("a", g, w)


def test_first_difference_in_strings_lists_and_dicts() -> None:
    assert "character 2" in describe("s", "emxa", "emma")
    assert "has 3 items; want 2" in describe("words", ["a", "b", ""], ["a", "b"])
    assert "words[0]" in describe("words", ["a\n", "b"], ["a", "b"])
    assert "the same item 3 times" in describe("names", ["mor.", "mor.", "mor."], ["a", "b", "c"])
    line = describe("stoi", {"a": 0, ".": 0}, {"a": 1, ".": 0})
    assert "stoi['a'] and stoi['.'] are both 0" in line
    assert "lacks the key '.'" in describe("stoi", {"a": 1}, {"a": 1, ".": 0})


@pytest.mark.parametrize("got", [None, object(), "x", [None], {1: None}, torch.tensor([1 + 1j])])
def test_never_raises(got: object) -> None:
    for want in (torch.zeros(2, 2), 1.0, "emma", ["a"], {"a": 1}):
        assert isinstance(describe("v", got, want), str)
