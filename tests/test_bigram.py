"""helpers/bigram.py: the lesson's loops equal the vectorised forms, and the maths holds.

Every expected value has an independent source, named in a comment: a hand computation, a plain
Python re-implementation, a mathematical identity, or a figure the lesson states.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from strategies import fast, plain_pairs, words0_st, words_st

from helpers import bigram as b
from helpers.data import load_words

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def plain_token_pairs(words: list[str]) -> dict[tuple[str, str], int]:
    """The lesson's dict of bigram counts with <S> and <E>, by a plain Counter."""
    return dict(Counter(pair for w in words for pair in zip(["<S>", *w], [*w, "<E>"], strict=True)))


def model(words: list[str]) -> tuple[dict, dict, torch.Tensor]:
    stoi, itos = b.build_vocab(words)
    return stoi, itos, b.count_matrix(words, stoi)


# --- vocabulary ----------------------------------------------------------------------------


@fast(50)
@given(words=words_st)
def test_build_vocab_dot_first_then_sorted(words):
    stoi, itos = b.build_vocab(words)
    chars = sorted(set("".join(words)))
    assert stoi["."] == 0
    assert [itos[i] for i in range(1, len(stoi))] == chars
    assert {i: s for s, i in stoi.items()} == itos


@fast(50)
@given(words=words_st)
def test_encode_decode_round_trip(words):
    stoi, itos = b.build_vocab(words)
    for w in words:
        ixs = b.encode(w, stoi)
        assert len(ixs) == len(w) and all(1 <= ix < len(stoi) for ix in ixs)
        assert b.decode(ixs, itos) == w


# --- counting ------------------------------------------------------------------------------


@fast(40)
@given(words=words0_st)
def test_count_matrix_bincount_equals_the_loop(words):
    stoi, _ = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    assert torch.equal(N, b.count_matrix_loop(words, stoi))
    # Each word gives len(w)+1 bigrams; every word starts once (row 0) and ends once (column 0).
    assert N.sum().item() == sum(len(w) + 1 for w in words)
    assert N[0].sum().item() == len(words) == N[:, 0].sum().item()


@fast(30)
@given(words=words0_st)
def test_training_pairs_are_every_bigram_in_order(words):
    stoi, _ = b.build_vocab(words)
    xs, ys = b.training_pairs(words, stoi)
    pairs = [(stoi[c1], stoi[c2]) for c1, c2 in plain_pairs(words)]
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == pairs
    assert xs.dtype == ys.dtype == torch.long  # F.one_hot and indexing need integer tensors


@fast(40)
@given(words=words0_st)
def test_bigram_dict_agrees_with_count_matrix(words):
    d = b.bigram_dict(words)
    assert d == plain_token_pairs(words)
    stoi, _ = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    M = torch.zeros_like(N)
    for (c1, c2), count in d.items():
        M[stoi.get(c1, 0), stoi.get(c2, 0)] += count  # <S> and <E> both become the sentinel
    assert torch.equal(M, N)


def test_bigram_dict_pairs_by_hand():
    d = b.bigram_dict(["emma"])
    assert d == {("<S>", "e"): 1, ("e", "m"): 1, ("m", "m"): 1, ("m", "a"): 1, ("a", "<E>"): 1}


@fast(40)
@given(words=words0_st)
def test_two_token_matrix_has_dead_row_and_column(words):
    N2, stoi2 = b.count_matrix_two_tokens(words)
    chars = sorted(set("".join(words)))
    assert N2.shape == (len(chars) + 2, len(chars) + 2)
    S, E = stoi2["<S>"], stoi2["<E>"]
    assert N2[:, S].eq(0).all()  # nothing is ever followed by <S>
    assert N2[E, :].eq(0).all()  # <E> is never followed by anything
    assert N2.sum().item() == sum(len(w) + 1 for w in words)
    # The 27x27 matrix is this one with <S> and <E> folded into the one sentinel.
    stoi, _ = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    ix = [stoi2[c] for c in chars]
    assert torch.equal(N2[S, ix], N[0, 1:]) and torch.equal(N2[ix, E], N[1:, 0])
    assert torch.equal(N2[ix][:, ix], N[1:, 1:])


# --- probabilities -------------------------------------------------------------------------


def test_probabilities_by_hand():
    N = torch.tensor([[0, 3, 1], [2, 0, 0], [5, 0, 2]])
    # (N + alpha) / (row sum + V alpha), V = 3, worked by hand.
    assert torch.allclose(
        b.probabilities(N, 1.0, torch.float64),
        torch.tensor(
            [[1 / 7, 4 / 7, 2 / 7], [3 / 5, 1 / 5, 1 / 5], [6 / 10, 1 / 10, 3 / 10]]
        ).double(),
    )
    assert torch.allclose(
        b.probabilities(N, 0.0),
        torch.tensor([[0, 3 / 4, 1 / 4], [1, 0, 0], [5 / 7, 0, 2 / 7]]),
    )
    assert b.probabilities(N).dtype == torch.float32  # the lesson's .float()
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        b.probabilities(N, -0.1)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        b.probabilities(N, math.nan)


@fast(40)
@given(words=words_st, alpha=st.sampled_from([0.0, 0.5, 1.0, 3.0]))
def test_rows_of_P_sum_to_one(words, alpha):
    # Every character of the data is followed by something, so no row of N is empty.
    _, _, N = model(words)
    P = b.probabilities(N, alpha, torch.float64)
    assert torch.allclose(P.sum(1), torch.ones(N.shape[0], dtype=torch.float64))


def test_normalising_without_keepdim_is_caught():
    # Unequal row sums: the bug shows. (With equal row sums the wrong code gives the right P.)
    N = torch.tensor([[0, 9, 1], [4, 0, 0], [5, 2, 2]])
    counts = (N + 1).float()
    wrong = counts / counts.sum(1)  # shape (3,) broadcasts as (1, 3): COLUMN j / row j's sum
    assert not torch.allclose(wrong.sum(1), torch.ones(3))
    sums = counts.sum(1)
    for i in range(3):
        for j in range(3):
            assert wrong[i, j] == counts[i, j] / sums[j]
    right = b.probabilities(N, 1.0)
    assert torch.allclose(right.sum(1), torch.ones(3)) and not torch.allclose(right, wrong)
    same = torch.tensor([[1, 2], [3, 0]]).float()  # both rows sum to 3
    assert torch.equal(same / same.sum(1), same / same.sum(1, keepdim=True))


# --- sampling ------------------------------------------------------------------------------

# The lesson samples these with P = (N+1) normalised and seed 2147483647 (makemore part 1).
LESSON_SAMPLES = [
    "cexze", "momasurailezitynn", "konimittain", "llayn", "ka",
    "da", "staiyaubrtthrigotai", "moliellavo", "ke", "teda",
]  # fmt: skip


def test_sampling_reproduces_the_lessons_names(names_model):
    _, _, itos, N = names_model
    g = torch.Generator().manual_seed(b.SEED)
    P = b.probabilities(N, 1.0)
    assert [b.sample_name(P, itos, g) for _ in range(10)] == LESSON_SAMPLES
    g = torch.Generator().manual_seed(b.SEED + 1)
    assert [b.sample_name(P, itos, g) for _ in range(10)] != LESSON_SAMPLES  # the seed matters


@fast(25)
@given(words=words_st, seed=st.integers(0, 2**31))
def test_samples_only_use_seen_bigrams_at_alpha_0(words, seed):
    stoi, itos, N = model(words)
    P = b.probabilities(N, 0.0)
    g = torch.Generator().manual_seed(seed)
    seen = set(plain_pairs(words))
    for _ in range(30):
        assert set(plain_pairs([b.sample_name(P, itos, g)])) <= seen


# --- scoring -------------------------------------------------------------------------------


@fast(30)
@given(words=words_st, alpha=st.floats(0.01, 5))
def test_nll_loop_equals_nll_from_counts(words, alpha, plain_nll):
    stoi, _, N = model(words)
    P = b.probabilities(N, alpha, torch.float64)
    assert b.nll_loop(words, P, stoi) == pytest.approx(b.nll_from_counts(N, P), abs=1e-9)
    assert b.nll_from_counts(N, P) == pytest.approx(plain_nll(words, alpha), abs=1e-9)


@fast(40)
@given(words=words_st)
def test_nll_is_smallest_at_alpha_0_grows_with_alpha_and_tends_to_log_V(words, plain_nll):
    stoi, _, N = model(words)
    V = len(stoi)
    at_zero = b.average_nll(N, 0.0)
    assert at_zero == pytest.approx(plain_nll(words, 0.0), abs=1e-12)  # the MLE's NLL
    # Monotone in alpha, proof: with S_i the row sums, T the total and f(x) = x/(x+alpha),
    # d NLL/d alpha = (1/T) sum_i [V S_i/(S_i + V alpha) - sum_j f(N_ij)] >= 0, because f is
    # concave, so by Jensen sum_j f(N_ij) <= V f(S_i/V) = V S_i/(S_i + V alpha).
    alphas = [0.0, 1e-3, 0.1, 0.5, 1.0, 2.0, 10.0, 1e3, 1e6, 1e9]
    nlls = [b.average_nll(N, a) for a in alphas]
    assert all(later >= earlier - 1e-12 for earlier, later in zip(nlls, nlls[1:], strict=False))
    # alpha -> infinity: every row tends to uniform, so the NLL tends to ln V.
    assert nlls[-1] == pytest.approx(math.log(V), abs=1e-6)


@fast(30)
@given(words=words_st, seed=st.integers(0, 2**31))
def test_alpha_0_beats_any_other_table(words, seed):
    # Gibbs' inequality: per row, -sum p log q is smallest at q = p, the row's frequencies.
    _, _, N = model(words)
    g = torch.Generator().manual_seed(seed)
    other = torch.softmax(3 * torch.randn(N.shape, generator=g, dtype=torch.float64), 1)
    assert b.nll_from_counts(N, other) >= b.average_nll(N, 0.0) - 1e-12


def test_nll_from_counts_zero_probability_and_zero_count():
    N = torch.tensor([[0, 2], [1, 1]])
    P = torch.tensor([[0.0, 1.0], [0.5, 0.5]])
    # (2 * -ln 1 + 2 * -ln 0.5) / 4, by hand: the 0 count at the 0 probability adds nothing.
    assert b.nll_from_counts(N, P) == pytest.approx(math.log(2) / 2)
    assert b.nll_from_counts(torch.tensor([[1, 1], [1, 1]]), P) == math.inf


def test_word_breakdown_adds_up_to_the_word_nll(names_model):
    _, stoi, _, N = names_model
    P = b.probabilities(N, 1.0, torch.float64)
    rows = b.word_breakdown("andrej", P, stoi)
    assert [pair for pair, _, _ in rows] == [".a", "an", "nd", "dr", "re", "ej", "j."]
    for pair, prob, nll in rows:
        assert prob == P[stoi[pair[0]], stoi[pair[1]]].item()
        assert nll == pytest.approx(-math.log(prob))
    average = sum(nll for _, _, nll in rows) / len(rows)
    assert average == pytest.approx(b.nll_loop(["andrej"], P, stoi), abs=1e-12)
    P0 = b.probabilities(N, 0.0, torch.float64)  # "jq" never occurs in names.txt
    assert b.word_breakdown("jq", P0, stoi)[1][2] == math.inf


# --- the neural net ------------------------------------------------------------------------


def test_zero_weights_predict_exactly_uniform():
    for V in (27, 5, 3):
        W = b.init_weights(V, V)
        assert W.requires_grad and W.shape == (V, V) and not W.any()
        xs, ys = torch.arange(V), torch.arange(V).flip(0)
        # Uniform over V: every example costs ln V.
        assert b.forward_nll(W, xs, ys).item() == pytest.approx(math.log(V), abs=1e-6)


def test_init_weights_seeded():
    a = b.init_weights(4, 4, torch.Generator().manual_seed(b.SEED))
    c = b.init_weights(4, 4, torch.Generator().manual_seed(b.SEED))
    assert torch.equal(a, c) and a.requires_grad and a.std() > 0


def test_forward_nll_by_hand():
    # Two examples over V = 2: W row 0 = [0, ln 3] gives probabilities [1/4, 3/4].
    W = torch.tensor([[0.0, math.log(3)], [0.0, 0.0]], requires_grad=True)
    xs, ys = torch.tensor([0, 1]), torch.tensor([1, 0])
    expected = (-math.log(3 / 4) - math.log(1 / 2)) / 2
    assert b.forward_nll(W, xs, ys).item() == pytest.approx(expected, abs=1e-6)
    # + l2 * mean(W^2) = l2 * (ln 3)^2 / 4
    with_l2 = b.forward_nll(W, xs, ys, l2=0.1).item()
    assert with_l2 == pytest.approx(expected + 0.1 * math.log(3) ** 2 / 4, abs=1e-6)


def test_train_onehot_is_the_lessons_loop(names_model):
    words, stoi, _, N = names_model
    xs, ys = b.training_pairs(words, stoi)
    W = b.init_weights(27, 27, torch.Generator().manual_seed(b.SEED))
    W0 = W.detach().clone()
    losses = b.train_onehot(W, xs, ys, steps=3, lr=50.0, l2=0.01)
    # The same three steps written out, as the lesson writes them.
    V = W0.clone().requires_grad_()
    for expected in losses:
        xenc = F.one_hot(xs, num_classes=27).float()
        counts = (xenc @ V).exp()
        probs = counts / counts.sum(1, keepdim=True)
        loss = -probs[torch.arange(len(ys)), ys].log().mean() + 0.01 * (V**2).mean()
        assert loss.item() == pytest.approx(expected, rel=1e-6)
        V.grad = None
        loss.backward()
        V.data += -50 * V.grad
    assert torch.allclose(W, V, atol=1e-5)
    assert losses[0] > losses[-1] > b.average_nll(N, 0.0)  # falling, never below the bound


# --- the lesson's figures on names.txt -----------------------------------------------------


def test_names_txt_figures_stated_in_the_lesson(names_plain, names_path):
    # The lesson: 32,033 names, 228,146 bigrams, 26 letters + '.' = 27, lengths 2 to 15.
    # Counted here with plain Python on the file read as text.
    assert len(names_plain) == 32_033
    assert sum(len(w) + 1 for w in names_plain) == 228_146
    assert len(set("".join(names_plain))) + 1 == 27
    assert min(map(len, names_plain)) == 2 and max(map(len, names_plain)) == 15
    # ... and the helpers agree with plain Python.
    words = load_words(names_path)
    assert words == names_plain
    stats = b.dataset_stats(words)
    assert stats == {
        "words": 32_033,
        "unique": len(set(names_plain)),
        "min_len": 2,
        "max_len": 15,
        "chars": 26,
    }
    stoi, _ = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    assert len(stoi) == 27 and N.sum().item() == 228_146
    d = b.bigram_dict(words)
    assert sum(d.values()) == 228_146 and d == plain_token_pairs(words)


def test_names_nll_matches_plain_python_and_explains_the_lessons_figure(names_model, plain_nll):
    words, stoi, _, N = names_model
    exact_1, exact_0 = plain_nll(words, 1.0), plain_nll(words, 0.0)
    for alpha, plain in ((1.0, exact_1), (0.0, exact_0)):
        assert b.average_nll(N, alpha) == pytest.approx(plain, abs=1e-10)
    # The lesson's loop over all 228,146 bigrams (float32 P, summed in a Python float).
    assert b.nll_loop(words, b.probabilities(N, 1.0), stoi) == pytest.approx(exact_1, abs=1e-6)
    assert round(exact_1, 4) == 2.4546 and round(exact_0, 4) == 2.4540
    # The lesson prints log_likelihood=tensor(-559951.5625), average 2.4543561935424805 (~2.4544)
    # for P = (N+1) normalised, and tensor(-559891.7500), 2.454094171524048 without smoothing.
    # Those come from adding 228,146 float32 log-probabilities into a float32 running total
    # (`log_likelihood += logprob`), which drifts by ~50 nats from the exact sum. Replaying
    # that running sum reproduces the lesson's totals (up to last-bit differences in log).
    ix = np.array([(stoi[c1], stoi[c2]) for c1, c2 in plain_pairs(words)]).T
    for alpha, lesson_total, lesson_avg in ((1, -559951.5625, 2.4544), (0, -559891.75, 2.4541)):
        logs = torch.log(b.probabilities(N, alpha)).numpy()[tuple(ix)]  # float32, as the lesson
        running = np.cumsum(logs, dtype=np.float32)[-1]  # sequential float32 additions
        assert running == pytest.approx(lesson_total, abs=2.0)
        assert round(-float(running) / ix.shape[1], 4) == lesson_avg
        exact_total = -(exact_1 if alpha else exact_0) * ix.shape[1]
        assert abs(exact_total - lesson_total) > 15  # so the exact average really differs


# --- impossible arguments: a clear ValueError, never a hang or a silent NaN ----------------


def test_impossible_arguments_are_refused(names_model):
    _, stoi, _, N = names_model
    P = b.probabilities(N, 1.0)
    with pytest.raises(ValueError, match="at least one word"):
        b.dataset_stats([])
    with pytest.raises(ValueError, match="at least one word"):
        b.nll_loop([], P, stoi)
    empty = torch.zeros_like(N)
    for train in (
        lambda: b.nll_from_counts(empty, P),
        lambda: b.average_nll(empty, 1.0),
        lambda: b.train_onehot(b.init_weights(27, 27), *b.training_pairs([], stoi), steps=3),
    ):
        with pytest.raises(ValueError, match="no counts|no training examples"):
            train()
