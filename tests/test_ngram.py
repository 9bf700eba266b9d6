"""helpers/ngram.py: the generalisations agree with the lesson at n = 2, and the maths holds.

Every expected value has an independent source, named in a comment: a hand computation, a plain
Python re-implementation, a mathematical identity, or the lesson's own function (helpers.bigram).
"""

from __future__ import annotations

import math
from collections import Counter

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import count_tables, fast, plain_pairs, words0_st, words_st

from helpers import bigram, ngram

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def model(words: list[str], n: int = 2) -> tuple[dict, dict, torch.Tensor]:
    stoi, itos = ngram.build_vocab(words)
    return stoi, itos, ngram.count_matrix(words, stoi, n)


def plain_n_gram_pairs(words: list[str], stoi: dict[str, int], n: int) -> list[tuple[int, int]]:
    """(context index, next index) of every n-gram, by plain Python: c1*V**(n-2) + ... ."""
    V = len(stoi)
    pairs = []
    for w in words:
        ixs = [0] * (n - 1) + [stoi[ch] for ch in w] + [0]
        for i in range(len(w) + 1):
            context = ixs[i : i + n - 1]
            pairs.append((sum(c * V ** (n - 2 - k) for k, c in enumerate(context)), ixs[i + n - 1]))
    return pairs


# --- vocabulary ----------------------------------------------------------------------------


@fast(50)
@given(words=words_st, sentinel=st.sampled_from([".", "#", "<"]))
def test_build_vocab_sentinel_first_then_sorted(words, sentinel):
    stoi, itos = ngram.build_vocab(words, sentinel)
    chars = sorted(set("".join(words)))
    assert stoi[sentinel] == 0
    assert [itos[i] for i in range(1, len(stoi))] == chars
    assert {i: s for s, i in stoi.items()} == itos
    assert sorted(stoi.values()) == list(range(len(chars) + 1))
    if sentinel == ".":
        assert (stoi, itos) == bigram.build_vocab(words)  # the lesson's vocabulary


def test_build_vocab_rejects_bad_sentinels():
    with pytest.raises(ValueError, match="one character"):
        ngram.build_vocab(["ab"], "##")
    with pytest.raises(ValueError, match="occurs in the words"):
        ngram.build_vocab(["a.b"])


# --- n-gram counts -------------------------------------------------------------------------


def test_trigram_pairs_by_hand():
    words = ["aba", "b"]
    stoi, _ = ngram.build_vocab(words)
    assert stoi == {".": 0, "a": 1, "b": 2}  # V = 3, a context (c1, c2) is row c1*3 + c2
    xs, ys = ngram.training_pairs(words, stoi, n=3)
    # "aba" padded: . . a b a .  ->  (..)a  (.a)b  (ab)a  (ba).
    # "b"   padded: . . b .      ->  (..)b  (.b).
    contexts = [(0, 0), (0, 1), (1, 2), (2, 1), (0, 0), (0, 2)]
    assert xs.tolist() == [c1 * 3 + c2 for c1, c2 in contexts] == [0, 1, 5, 7, 0, 2]
    assert ys.tolist() == [1, 2, 1, 0, 2, 0]
    N = ngram.count_matrix(words, stoi, n=3)
    expected = torch.zeros((9, 3), dtype=torch.int32)
    for x, y in [(0, 1), (1, 2), (5, 1), (7, 0), (0, 2), (2, 0)]:
        expected[x, y] += 1
    assert torch.equal(N, expected)


@fast(40)
@given(words=words0_st, n=st.sampled_from([2, 3, 4]))
def test_training_pairs_are_every_n_gram_in_order(words, n):
    stoi, _ = ngram.build_vocab(words)
    xs, ys = ngram.training_pairs(words, stoi, n)
    assert xs.dtype == ys.dtype == torch.long
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == plain_n_gram_pairs(words, stoi, n)


@fast(30)
@given(words=words0_st)
def test_at_n_2_the_lessons_bigrams(words):
    stoi, _ = ngram.build_vocab(words)
    xs, ys = ngram.training_pairs(words, stoi)
    lesson_xs, lesson_ys = bigram.training_pairs(words, stoi)
    assert torch.equal(xs, lesson_xs) and torch.equal(ys, lesson_ys)
    pairs = [(stoi[c1], stoi[c2]) for c1, c2 in plain_pairs(words)]
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == pairs
    assert torch.equal(ngram.count_matrix(words, stoi), bigram.count_matrix_loop(words, stoi))


@fast(30)
@given(words=words0_st, n=st.sampled_from([3, 4]))
def test_n_gram_counts_sum_to_bigram_counts(words, n):
    # Summing an n-gram table over all but the last context character leaves the bigram table:
    # the padding makes the last context character the previous character (or the sentinel).
    stoi, _ = ngram.build_vocab(words)
    V = len(stoi)
    Nn = ngram.count_matrix(words, stoi, n)
    assert Nn.shape == (V ** (n - 1), V)
    marginal = Nn.view(*([V] * n)).sum(dim=tuple(range(n - 2)))
    assert torch.equal(marginal, bigram.count_matrix(words, stoi))


def test_training_pairs_rejects_n_below_2():
    with pytest.raises(ValueError, match="n must be at least 2"):
        ngram.training_pairs(["ab"], {".": 0, "a": 1, "b": 2}, n=1)


def test_another_sentinel_counts_the_same(place_names):
    # Place names contain '.'-free text with spaces and hyphens; '#' as sentinel must give the
    # same table as '.' (only the sentinel's symbol differs, its index is 0 either way).
    hashed, _ = ngram.build_vocab(place_names, "#")
    dotted, _ = ngram.build_vocab(place_names, ".")
    for n in (2, 3):
        assert torch.equal(
            ngram.count_matrix(place_names, hashed, n), ngram.count_matrix(place_names, dotted, n)
        )


# --- probabilities -------------------------------------------------------------------------


@fast(80)
@given(
    N=count_tables(),
    alpha=st.one_of(st.floats(min_value=0, allow_nan=False), st.sampled_from([0.0, 1e-45])),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_rows_of_P_sum_to_one_for_any_alpha(N, alpha, dtype):
    P = ngram.probabilities(N, alpha, dtype)
    assert P.dtype == dtype and P.shape == N.shape
    assert torch.isfinite(P).all() and (P >= 0).all()
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    assert torch.allclose(P.sum(1), torch.ones(N.shape[0], dtype=dtype), atol=tol, rtol=0)


def test_probabilities_by_hand():
    N = torch.tensor([[0, 3, 1], [0, 0, 0], [5, 0, 2]])
    # (N + alpha) / (row sum + V alpha), V = 3, worked by hand.
    assert torch.allclose(
        ngram.probabilities(N, 1.0, torch.float64),
        torch.tensor([[1 / 7, 4 / 7, 2 / 7], [1 / 3] * 3, [6 / 10, 1 / 10, 3 / 10]]).double(),
    )
    assert torch.allclose(
        ngram.probabilities(N, 0.0, torch.float64),
        torch.tensor([[0, 3 / 4, 1 / 4], [1 / 3] * 3, [5 / 7, 0, 2 / 7]]).double(),
    )  # the unseen row gets the uniform distribution
    assert torch.equal(ngram.probabilities(N, math.inf), torch.full((3, 3), 1 / 3))
    big = ngram.probabilities(N, 1e300, torch.float64)  # N + 1e300 summed would overflow
    assert torch.allclose(big, torch.full((3, 3), 1 / 3, dtype=torch.float64))
    for bad in (-0.1, math.nan):
        with pytest.raises(ValueError):
            ngram.probabilities(N, bad)


@fast(30)
@given(words=words_st, alpha=st.sampled_from([0.0, 0.5, 1.0, 7.0]))
def test_probabilities_agree_with_the_lessons_on_bigram_tables(words, alpha):
    _, _, N = model(words)
    lesson = bigram.probabilities(N, alpha, torch.float64)
    assert torch.allclose(ngram.probabilities(N, alpha, torch.float64), lesson, atol=1e-15)


# --- sampling ------------------------------------------------------------------------------


def test_sample_name_at_n_2_draws_the_lessons_names(names_model):
    _, _, itos, N = names_model
    P = bigram.probabilities(N, 1.0)
    g1, g2 = (torch.Generator().manual_seed(bigram.SEED) for _ in range(2))
    lesson = [bigram.sample_name(P, itos, g1) for _ in range(20)]
    assert [ngram.sample_name(P, itos, g2) for _ in range(20)] == lesson


def test_batched_sampling_is_reproducible(names_model):
    _, _, itos, N = names_model
    P = bigram.probabilities(N, 1.0)

    def batched(seed):
        return ngram.sample_names(P, itos, 20, torch.Generator().manual_seed(seed))

    assert batched(bigram.SEED) == batched(bigram.SEED) != batched(bigram.SEED + 1)
    assert len(batched(3)) == 20 and ngram.sample_names(P, itos, 0, torch.Generator()) == []


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
    P = bigram.probabilities(N, 1.0)
    count, longest = 3000, 12
    g = torch.Generator().manual_seed(bigram.SEED)
    loop = [bigram.sample_name(P, itos, g) for _ in range(count)]
    batch = ngram.sample_names(P, itos, count, torch.Generator().manual_seed(bigram.SEED))
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
    P = ngram.probabilities(N, 0.0)
    g = torch.Generator().manual_seed(seed)
    samples = [ngram.sample_name(P, itos, g) for _ in range(30)]
    samples += ngram.sample_names(P, itos, 30, g)
    seen = set()
    for w in words:  # every n-gram of the data, contexts padded with sentinels (plain Python)
        chs = "." * (n - 1) + w + "."
        seen |= {chs[i : i + n] for i in range(len(w) + 1)}
    for s in samples:
        chs = "." * (n - 1) + s + "."
        assert all(chs[i : i + n] in seen for i in range(len(s) + 1)), s


def test_sample_names_max_len_cuts_every_name_at_that_length():
    # A table whose only way out of 'a' is 'a' again, except with a tiny end probability:
    # names are long, and max_len cuts them (the command line asks for one more to mark cuts).
    P = torch.tensor([[0.0, 1.0], [1e-9, 1.0 - 1e-9]])
    names = ngram.sample_names(P, {0: ".", 1: "a"}, 50, torch.Generator().manual_seed(0), 7)
    assert names == ["a" * 7] * 50
    short = ngram.sample_names(P, {0: ".", 1: "a"}, 4, torch.Generator().manual_seed(0), 0)
    assert short == [""] * 4


# --- scoring n-gram tables (the lesson's nll_from_counts on them) --------------------------


@fast(30)
@given(words=words_st, n=st.sampled_from([2, 3]), alpha=st.sampled_from([0.0, 0.1, 1.0, 4.0]))
def test_n_gram_nll_matches_plain_python(words, n, alpha, plain_nll):
    _, _, N = model(words, n)
    P = ngram.probabilities(N, alpha, torch.float64)
    assert bigram.nll_from_counts(N, P) == pytest.approx(plain_nll(words, alpha, n), abs=1e-9)
    # alpha = infinity: every row uniform, every example costs ln V.
    uniform = ngram.probabilities(N, math.inf, torch.float64)
    assert bigram.nll_from_counts(N, uniform) == pytest.approx(math.log(N.shape[1]), abs=1e-12)


# --- the one-hot net, trained from the counts ----------------------------------------------


def test_zero_weights_predict_exactly_uniform():
    for rows, V in [(27, 27), (5, 5), (9, 3)]:
        W = bigram.init_weights(rows, V)
        assert torch.equal(ngram.net_probabilities(W), torch.full((rows, V), 1 / V))
        N = torch.ones((rows, V), dtype=torch.int32)
        assert ngram.count_loss_and_grad(W, N)[0] == pytest.approx(math.log(V), abs=1e-6)


@fast(40)
@given(
    words=words_st,
    n=st.sampled_from([2, 3]),
    seed=st.integers(0, 2**31),
    l2=st.sampled_from([0.0, 0.01, 0.5]),
)
def test_count_gradient_equals_autograd_of_the_one_hot_net(words, n, seed, l2):
    stoi, _, N = model(words, n)
    xs, ys = ngram.training_pairs(words, stoi, n)
    W = bigram.init_weights(N.shape[0], N.shape[1], torch.Generator().manual_seed(seed))
    loss = bigram.forward_nll(W, xs, ys, l2)  # the lesson's one-hot forward pass (float32)
    loss.backward()
    count_loss, grad = ngram.count_loss_and_grad(W.double(), N, l2)
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
    W, losses = ngram.fit_fast(N, tolerance=tolerance)
    bound = bigram.average_nll(N, 0.0)
    assert ngram.count_loss_and_grad(W, N)[0] - bound <= tolerance
    P0 = ngram.probabilities(N, 0.0, torch.float64)
    assert (ngram.net_probabilities(W) - P0).abs().max().item() <= 1e-3


def test_fast_trainer_reaches_the_count_bound_on_names(names_model, names_plain, plain_nll):
    _, _, _, N = names_model
    W, losses = ngram.fit_fast(N, tolerance=1e-4)
    bound = plain_nll(names_plain, 0.0)  # the alpha=0 model's NLL, plain Python
    final = ngram.count_loss_and_grad(W, N)[0]
    assert -1e-9 <= final - bound <= 1e-4
    assert losses[0] == pytest.approx(math.log(27), abs=1e-12)  # zero weights: uniform
    # lr=50 is stable on names.txt: the loss never rises (fit_fast never has to halve lr).
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:], strict=False))


def test_fit_fast_reports_each_accepted_step():
    N = torch.tensor([[0, 3, 1], [2, 0, 2], [1, 1, 0]])
    seen: list[float] = []
    _, losses = ngram.fit_fast(N, tolerance=1e-6, on_step=seen.append)
    assert seen == losses[1:]  # every loss after the first (zero weights) was a step


# --- splits --------------------------------------------------------------------------------


@fast(50)
@given(words=st.lists(st.text(alphabet="abc", min_size=1, max_size=4), max_size=60))
def test_split_words_properties(words):
    train, dev, test = ngram.split_words(words, seed=5)
    assert (train, dev, test) == ngram.split_words(words, seed=5)
    sets = [set(train), set(dev), set(test)]
    assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    assert Counter(train) + Counter(dev) + Counter(test) == Counter(words)
    for part, names in zip((train, dev, test), sets, strict=True):
        assert part == [w for w in words if w in names]  # input order kept
    U = len(set(words))  # 80/10/10 of the unique words, cut points rounded down
    assert [len(s) for s in sets] == [int(0.8 * U), int(0.9 * U) - int(0.8 * U), U - int(0.9 * U)]


def test_split_names_80_10_10(names_plain):
    train, dev, test = ngram.split_words(names_plain)
    U = len(set(names_plain))
    shares = [len(set(part)) / U for part in (train, dev, test)]
    assert shares == pytest.approx([0.8, 0.1, 0.1], abs=1 / U)
    assert ngram.split_words(names_plain, seed=1)[1] != dev


# --- impossible arguments: a clear ValueError, never a hang or a silent NaN ----------------


def test_impossible_arguments_are_refused(names_model):
    _, _, itos, N = names_model
    P = bigram.probabilities(N, 1.0)
    g = torch.Generator().manual_seed(bigram.SEED)
    zero_row = P.clone()
    zero_row[5] = 0  # sampling that reached 'e' could never leave it: it looped forever before
    with pytest.raises(ValueError, match="row with no probability"):
        ngram.sample_names(zero_row, itos, 3, g)
    with pytest.raises(ValueError, match="count must be >= 0"):
        ngram.sample_names(P, itos, -1, g)
    empty = torch.zeros_like(N)
    for train in (
        lambda: ngram.fit_fast(empty),
        lambda: ngram.count_loss_and_grad(torch.zeros(N.shape), empty),
    ):
        with pytest.raises(ValueError, match="no counts"):
            train()
