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
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bigram as b
from helpers.data import load_words

pytestmark = pytest.mark.usefixtures("torch_one_thread")


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


def plain_token_pairs(words: list[str]) -> dict[tuple[str, str], int]:
    """The lesson's dict of bigram counts with <S> and <E>, by a plain Counter."""
    return dict(Counter(pair for w in words for pair in zip(["<S>", *w], [*w, "<E>"], strict=True)))


def model(words: list[str], n: int = 2) -> tuple[dict, dict, torch.Tensor]:
    stoi, itos = b.build_vocab(words)
    return stoi, itos, b.count_matrix(words, stoi, n)


@st.composite
def count_tables(draw) -> torch.Tensor:
    """Small integer count tables, some rows all zero (contexts never seen)."""
    V = draw(st.integers(1, 6))
    cells = draw(st.lists(st.integers(0, 40), min_size=V * V, max_size=V * V))
    N = torch.tensor(cells, dtype=torch.int32).view(V, V)
    empty = draw(st.lists(st.integers(0, V - 1), max_size=V))
    N[empty] = 0
    return N


# --- vocabulary ----------------------------------------------------------------------------


@fast(50)
@given(words=words_st, sentinel=st.sampled_from([".", "#", "<"]))
def test_build_vocab_sentinel_first_then_sorted(words, sentinel):
    stoi, itos = b.build_vocab(words, sentinel)
    chars = sorted(set("".join(words)))
    assert stoi[sentinel] == 0
    assert [itos[i] for i in range(1, len(stoi))] == chars
    assert {i: s for s, i in stoi.items()} == itos
    assert sorted(stoi.values()) == list(range(len(chars) + 1))


@fast(50)
@given(words=words_st)
def test_encode_decode_round_trip(words):
    stoi, itos = b.build_vocab(words)
    for w in words:
        ixs = b.encode(w, stoi)
        assert len(ixs) == len(w) and all(1 <= ix < len(stoi) for ix in ixs)
        assert b.decode(ixs, itos) == w


def test_build_vocab_rejects_bad_sentinels():
    with pytest.raises(ValueError, match="one character"):
        b.build_vocab(["ab"], "##")
    with pytest.raises(ValueError, match="occurs in the words"):
        b.build_vocab(["a.b"])


# --- counting ------------------------------------------------------------------------------


@fast(40)
@given(words=words0_st)
def test_count_matrix_vectorised_equals_the_loop(words):
    stoi, _ = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    assert torch.equal(N, b.count_matrix_loop(words, stoi))
    # Each word gives len(w)+1 bigrams; every word starts once (row 0) and ends once (column 0).
    assert N.sum().item() == sum(len(w) + 1 for w in words)
    assert N[0].sum().item() == len(words) == N[:, 0].sum().item()


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


def test_trigram_pairs_by_hand():
    words = ["aba", "b"]
    stoi, _ = b.build_vocab(words)
    assert stoi == {".": 0, "a": 1, "b": 2}  # V = 3, a context (c1, c2) is row c1*3 + c2
    xs, ys = b.training_pairs(words, stoi, n=3)
    xl, yl = b.training_pairs_loop(words, stoi, n=3)
    assert torch.equal(xs, xl) and torch.equal(ys, yl)
    # "aba" padded: . . a b a .  ->  (..)a  (.a)b  (ab)a  (ba).
    # "b"   padded: . . b .      ->  (..)b  (.b).
    contexts = [(0, 0), (0, 1), (1, 2), (2, 1), (0, 0), (0, 2)]
    assert xs.tolist() == [c1 * 3 + c2 for c1, c2 in contexts] == [0, 1, 5, 7, 0, 2]
    assert ys.tolist() == [1, 2, 1, 0, 2, 0]
    N = b.count_matrix(words, stoi, n=3)
    expected = torch.zeros((9, 3), dtype=torch.int32)
    for x, y in [(0, 1), (1, 2), (5, 1), (7, 0), (0, 2), (2, 0)]:
        expected[x, y] += 1
    assert torch.equal(N, expected)


@fast(30)
@given(words=words0_st)
def test_bigram_results_unchanged_by_the_n_gram_generalisation(words):
    stoi, _ = b.build_vocab(words)
    xs, ys = b.training_pairs(words, stoi)
    pairs = [(stoi[c1], stoi[c2]) for c1, c2 in plain_pairs(words)]
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == pairs
    assert torch.equal(b.count_matrix(words, stoi, 2), b.count_matrix_loop(words, stoi))


@fast(30)
@given(words=words0_st, n=st.sampled_from([3, 4]))
def test_n_gram_counts_sum_to_bigram_counts(words, n):
    # Summing an n-gram table over all but the last context character leaves the bigram table:
    # the padding makes the last context character the previous character (or the sentinel).
    stoi, _ = b.build_vocab(words)
    V = len(stoi)
    Nn = b.count_matrix(words, stoi, n)
    assert Nn.shape == (V ** (n - 1), V)
    marginal = Nn.view(*([V] * n)).sum(dim=tuple(range(n - 2)))
    assert torch.equal(marginal, b.count_matrix(words, stoi))


@fast(40)
@given(words=words0_st, n=st.sampled_from([2, 3, 4]))
def test_training_pairs_vectorised_equals_the_loop(words, n):
    stoi, _ = b.build_vocab(words)
    xs, ys = b.training_pairs(words, stoi, n)
    xl, yl = b.training_pairs_loop(words, stoi, n)
    assert torch.equal(xs, xl) and torch.equal(ys, yl)
    assert len(ys) == sum(len(w) + 1 for w in words)  # len(w)+1 examples per word


def test_training_pairs_rejects_n_below_2():
    for pairs in (b.training_pairs, b.training_pairs_loop):
        with pytest.raises(ValueError):
            pairs(["ab"], {".": 0, "a": 1, "b": 2}, n=1)


# --- probabilities -------------------------------------------------------------------------


@fast(80)
@given(
    N=count_tables(),
    alpha=st.one_of(st.floats(min_value=0, allow_nan=False), st.sampled_from([0.0, 1e-45])),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_rows_of_P_sum_to_one_for_any_alpha(N, alpha, dtype):
    P = b.probabilities(N, alpha, dtype)
    assert P.dtype == dtype and P.shape == N.shape
    assert torch.isfinite(P).all() and (P >= 0).all()
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    assert torch.allclose(P.sum(1), torch.ones(N.shape[0], dtype=dtype), atol=tol, rtol=0)


def test_probabilities_by_hand():
    N = torch.tensor([[0, 3, 1], [0, 0, 0], [5, 0, 2]])
    # (N + alpha) / (row sum + V alpha), V = 3, worked by hand.
    assert torch.allclose(
        b.probabilities(N, 1.0, torch.float64),
        torch.tensor([[1 / 7, 4 / 7, 2 / 7], [1 / 3] * 3, [6 / 10, 1 / 10, 3 / 10]]).double(),
    )
    assert torch.allclose(
        b.probabilities(N, 0.0, torch.float64),
        torch.tensor([[0, 3 / 4, 1 / 4], [1 / 3] * 3, [5 / 7, 0, 2 / 7]]).double(),
    )  # the unseen row gets the uniform distribution
    assert torch.equal(b.probabilities(N, math.inf), torch.full((3, 3), 1 / 3))
    for bad in (-0.1, math.nan):
        with pytest.raises(ValueError):
            b.probabilities(N, bad)


def test_normalising_without_keepdim_is_caught():
    # Unequal row sums: the bug shows. (With equal row sums the wrong code gives the right P.)
    N = torch.tensor([[0, 9, 1], [4, 0, 0], [5, 2, 2]])
    counts = (N + 1).float()
    wrong = counts / counts.sum(
        1
    )  # shape (3,) broadcasts as (1, 3): divides COLUMN j by row j's sum
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


@pytest.fixture(scope="module")
def names_model(names_path):
    words = load_words(names_path)
    stoi, itos = b.build_vocab(words)
    N = b.count_matrix(words, stoi)
    return words, stoi, itos, N


def test_seeded_sampling_is_reproducible(names_model):
    _, _, itos, N = names_model
    P = b.probabilities(N, 1.0)

    def one_by_one(seed):
        g = torch.Generator().manual_seed(seed)
        return [b.sample_name(P, itos, g) for _ in range(20)]

    def batched(seed):
        return b.sample_names(P, itos, 20, torch.Generator().manual_seed(seed))

    assert one_by_one(b.SEED) == one_by_one(b.SEED) != one_by_one(b.SEED + 1)
    assert batched(b.SEED) == batched(b.SEED) != batched(b.SEED + 1)
    assert len(batched(3)) == 20 and b.sample_names(P, itos, 0, torch.Generator()) == []


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


def exact_name_distributions(P: torch.Tensor, longest: int):
    """First letter, last letter and length distributions of a bigram model, by linear algebra.

    With Q = P[1:, 1:] (letter to letter) and e = P[1:, 0] (letter to end):
    P(first = c) = P[0, c]; P(length = L) = P[0, 1:] Q^(L-1) e; and since (I - Q)^-1 sums
    Q^k, the expected visits to each letter are v = P[0, 1:] (I - Q)^-1 and
    P(last = c) = v_c e_c. The empty name (length 0) has probability P[0, 0].
    """
    P = P.double()
    Q, e, start = P[1:, 1:], P[1:, 0], P[0, 1:]
    first = torch.cat([P[0, :1], start])
    visits = start @ torch.linalg.inv(torch.eye(len(Q), dtype=P.dtype) - Q)
    last = torch.cat([P[0, :1], visits * e])
    lengths, row = [P[0, 0].item()], start
    for _ in range(1, longest):
        lengths.append((row @ e).item())
        row = row @ Q
    lengths.append(1 - sum(lengths))  # longest or longer
    return first.tolist(), last.tolist(), lengths


def test_batched_sampling_has_the_one_by_one_distribution(names_model):
    _, stoi, itos, N = names_model
    P = b.probabilities(N, 1.0)
    count, longest = 3000, 12
    g = torch.Generator().manual_seed(b.SEED)
    loop = [b.sample_name(P, itos, g) for _ in range(count)]
    batch = b.sample_names(P, itos, count, torch.Generator().manual_seed(b.SEED))
    first, last, lengths = exact_name_distributions(P, longest)
    assert sum(first) == pytest.approx(1) and sum(last) == pytest.approx(1)

    def features(name):
        return (
            stoi[name[0]] if name else 0,
            stoi[name[-1]] if name else 0,
            min(len(name), longest),
        )

    for k, exact in enumerate([first, last, lengths]):
        freq_loop = Counter(features(n)[k] for n in loop)
        freq_batch = Counter(features(n)[k] for n in batch)
        for category, p in enumerate(exact):
            # A frequency over `count` independent names has binomial standard error
            # sqrt(p(1-p)/count); allow 5 of them (a 5-sigma miss has probability < 1e-6).
            se = math.sqrt(p * (1 - p) / count)
            f1, f2 = freq_loop[category] / count, freq_batch[category] / count
            assert abs(f1 - p) <= 5 * se + 1e-9, (k, category, f1, p)
            assert abs(f2 - p) <= 5 * se + 1e-9, (k, category, f2, p)
            assert abs(f1 - f2) <= 5 * math.sqrt(2) * se + 1e-9, (k, category, f1, f2)


@fast(25)
@given(words=words_st, n=st.sampled_from([2, 3]), seed=st.integers(0, 2**31))
def test_samples_only_use_seen_n_grams_at_alpha_0(words, n, seed):
    stoi, itos, N = model(words, n)
    P = b.probabilities(N, 0.0)
    g = torch.Generator().manual_seed(seed)
    samples = [b.sample_name(P, itos, g) for _ in range(30)] + b.sample_names(P, itos, 30, g)
    seen = set()
    for w in words:  # every n-gram of the data, contexts padded with sentinels (plain Python)
        chs = "." * (n - 1) + w + "."
        seen |= {chs[i : i + n] for i in range(len(w) + 1)}
    for s in samples:
        chs = "." * (n - 1) + s + "."
        assert all(chs[i : i + n] in seen for i in range(len(s) + 1)), s


# --- scoring -------------------------------------------------------------------------------


@fast(30)
@given(words=words_st, n=st.sampled_from([2, 3]), alpha=st.floats(0.01, 5))
def test_nll_loop_equals_nll_from_counts(words, n, alpha):
    stoi, _, N = model(words, n)
    P = b.probabilities(N, alpha, torch.float64)
    assert b.nll_loop(words, P, stoi, n) == pytest.approx(b.nll_from_counts(N, P), abs=1e-5)


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
    assert b.average_nll(N, math.inf) == pytest.approx(math.log(V), abs=1e-12)


@fast(30)
@given(words=words_st, seed=st.integers(0, 2**31))
def test_alpha_0_beats_any_other_table(words, seed):
    # Gibbs' inequality: per row, -sum p log q is smallest at q = p, the row's frequencies.
    stoi, _, N = model(words)
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
        assert prob == P[stoi[pair[0]], stoi[pair[1]]].item() and nll == pytest.approx(
            -math.log(prob)
        )
    average = sum(nll for _, _, nll in rows) / len(rows)
    assert average == pytest.approx(b.nll_loop(["andrej"], P, stoi), abs=1e-12)
    P0 = b.probabilities(N, 0.0, torch.float64)  # "jq" never occurs in names.txt
    assert b.word_breakdown("jq", P0, stoi)[1][2] == math.inf


# --- the neural net ------------------------------------------------------------------------


def test_zero_weights_predict_exactly_uniform():
    for rows, V in [(27, 27), (5, 5), (9, 3)]:
        W = b.init_weights(rows, V)
        assert W.requires_grad and W.shape == (rows, V)
        assert torch.equal(b.net_probabilities(W), torch.full((rows, V), 1 / V))
        xs = torch.arange(rows) % rows
        ys = torch.arange(rows) % V
        # Uniform over V: every example costs ln V.
        assert b.forward_nll(W, xs, ys).item() == pytest.approx(math.log(V), abs=1e-6)
        N = torch.ones((rows, V), dtype=torch.int32)
        assert b.count_loss_and_grad(W, N)[0] == pytest.approx(math.log(V), abs=1e-6)


def test_init_weights_seeded():
    a = b.init_weights(4, 4, torch.Generator().manual_seed(b.SEED))
    c = b.init_weights(4, 4, torch.Generator().manual_seed(b.SEED))
    assert torch.equal(a, c) and a.requires_grad and a.std() > 0


@fast(40)
@given(
    words=words_st,
    n=st.sampled_from([2, 3]),
    seed=st.integers(0, 2**31),
    l2=st.sampled_from([0.0, 0.01, 0.5]),
)
def test_count_gradient_equals_autograd_of_the_one_hot_net(words, n, seed, l2):
    stoi, _, N = model(words, n)
    xs, ys = b.training_pairs(words, stoi, n)
    W = b.init_weights(N.shape[0], N.shape[1], torch.Generator().manual_seed(seed))
    loss = b.forward_nll(W, xs, ys, l2)  # the lesson's one-hot forward pass (float32)
    loss.backward()
    count_loss, grad = b.count_loss_and_grad(W.double(), N, l2)
    assert count_loss == pytest.approx(loss.item(), abs=1e-5)
    assert torch.allclose(grad, W.grad.double(), atol=1e-6, rtol=0)


@fast(6)
@given(words=st.lists(st.text(alphabet="abcd", min_size=1, max_size=5), min_size=1, max_size=12))
def test_trained_net_reproduces_the_count_model(words):
    _, _, N = model(words)
    share = N.sum(1) / N.sum()  # w_i: the share of the data in row i
    # The loss gap to the bound is sum_i w_i KL(P_i || Q_i), and by Pinsker each entry of row i
    # differs by at most sqrt(KL_i / 2) <= sqrt(gap / (2 w_i)): a gap of 2e-6 * min w_i
    # guarantees 1e-3. (Rows with no data stay at zero weights: uniform, as P at alpha=0.)
    tolerance = 2e-6 * share[share > 0].min().item()
    W, losses = b.fit_fast(N, tolerance=tolerance)
    bound = b.average_nll(N, 0.0)
    assert b.count_loss_and_grad(W, N)[0] - bound <= tolerance
    P0 = b.probabilities(N, 0.0, torch.float64)
    assert (b.net_probabilities(W) - P0).abs().max().item() <= 1e-3


# --- splits --------------------------------------------------------------------------------


@fast(50)
@given(words=st.lists(st.text(alphabet="abc", min_size=1, max_size=4), max_size=60))
def test_split_words_properties(words):
    train, dev, test = b.split_words(words, seed=5)
    assert (train, dev, test) == b.split_words(words, seed=5)
    sets = [set(train), set(dev), set(test)]
    assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    assert Counter(train) + Counter(dev) + Counter(test) == Counter(words)
    for part, names in zip((train, dev, test), sets, strict=True):
        assert part == [w for w in words if w in names]  # input order kept
    U = len(set(words))  # 80/10/10 of the unique words, cut points rounded down
    assert [len(s) for s in sets] == [int(0.8 * U), int(0.9 * U) - int(0.8 * U), U - int(0.9 * U)]


def test_split_names_80_10_10(names_plain):
    train, dev, test = b.split_words(names_plain)
    U = len(set(names_plain))
    shares = [len(set(part)) / U for part in (train, dev, test)]
    assert shares == pytest.approx([0.8, 0.1, 0.1], abs=1 / U)
    assert b.split_words(names_plain, seed=1)[1] != dev


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


def test_fast_trainer_reaches_the_count_bound_on_names(names_model, names_plain, plain_nll):
    _, _, _, N = names_model
    W, losses = b.fit_fast(N, tolerance=1e-4)
    bound = plain_nll(names_plain, 0.0)  # the alpha=0 model's NLL, plain Python
    final = b.count_loss_and_grad(W, N)[0]
    assert -1e-9 <= final - bound <= 1e-4
    assert losses[0] == pytest.approx(math.log(27), abs=1e-12)  # zero weights: uniform
    # lr=50 is stable on names.txt: the loss never rises (fit_fast never has to halve lr).
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:], strict=False))


# --- impossible arguments: a clear ValueError, never a hang or a silent NaN ----------------


def test_impossible_arguments_are_refused(names_model):
    _, stoi, itos, N = names_model
    P = b.probabilities(N, 1.0)
    g = torch.Generator().manual_seed(b.SEED)
    zero_row = P.clone()
    zero_row[5] = 0  # sampling that reached 'e' could never leave it: it looped forever before
    with pytest.raises(ValueError, match="row with no probability"):
        b.sample_names(zero_row, itos, 3, g)
    with pytest.raises(ValueError, match="count must be >= 0"):
        b.sample_names(P, itos, -1, g)
    with pytest.raises(ValueError, match="at least one word"):
        b.dataset_stats([])
    with pytest.raises(ValueError, match="at least one word"):
        b.nll_loop([], P, stoi)
    empty = torch.zeros_like(N)
    for train in (
        lambda: b.fit_fast(empty),
        lambda: b.count_loss_and_grad(torch.zeros(N.shape), empty),
        lambda: b.nll_from_counts(empty, P),
        lambda: b.average_nll(empty, 1.0),
        lambda: b.train_onehot(b.init_weights(27, 27), *b.training_pairs([], stoi), steps=3),
    ):
        with pytest.raises(ValueError, match="no counts|no training examples"):
            train()


def test_sample_names_max_len_cuts_every_name_at_that_length():
    # A table whose only way out of 'a' is 'a' again, except with a tiny end probability:
    # names are long, and max_len cuts them (the command line asks for one more to mark cuts).
    P = torch.tensor([[0.0, 1.0], [1e-9, 1.0 - 1e-9]])
    names = b.sample_names(P, {0: ".", 1: "a"}, 50, torch.Generator().manual_seed(0), max_len=7)
    assert names == ["a" * 7] * 50
    short = b.sample_names(P, {0: ".", 1: "a"}, 4, torch.Generator().manual_seed(0), max_len=0)
    assert short == [""] * 4


def test_fit_fast_reports_each_accepted_step():
    N = torch.tensor([[0, 3, 1], [2, 0, 2], [1, 1, 0]])
    seen: list[float] = []
    _, losses = b.fit_fast(N, tolerance=1e-6, on_step=seen.append)
    assert seen == losses[1:]  # every loss after the first (zero weights) was a step
