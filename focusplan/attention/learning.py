"""Learning the named weights from real choices (principle 4): pure numpy.

Each observation is a choice: at time ``t`` the person picked one of the tasks
eligible then. Its tokens ``X`` (n × d) come from `features.build_tokens`, the
same rows the ranking saw. The objective is the ListNet top-one cross-entropy
``-log p(chosen)``, ``p = softmax(s/τ)``, with the logits of `layer.forward`::

    B  = X M Xᵀ/√d,   A = softmax_row(B),   v = X w_v,   h = A v
    s  = X w_r + λ·diag(B) + g·h

each choice weighted by ω_c ≥ 0 (the review weights recent choices more), plus
an L2 pull toward a centre θ0 (a Gaussian prior; the review centres it on the
hand-set defaults, so that an old suggestion does not anchor the next one)::

    J(θ) = (1/W) · [ Σ_c ω_c·(-log p_c(chosen_c))  +  κ/2 · Σ_k ((θ_k - θ0_k)/σ_k)² ],
    W = Σ_c ω_c  (W = C when every ω_c = 1)

κ (`prior_strength`) counts in (weighted) choices: the data outweighs the
prior only once W ≫ κ. The default κ = 1 (a unit-variance Gaussian prior, worth
about one choice) was picked on bench/learning.py: stronger priors slowed the
learning of every simulated person over four weeks, and the review's held-out
check, not the prior, is what stops a bad suggestion. Three choices still move
no weight by more than about one unit (tests/unit/test_learning.py).
σ_k (`PRIOR_SCALE`) is 1 except for the few global scalars (λ, g and the tied
project entry), which move every logit at once and get a tighter leash.

Gradients (reverse mode, per choice; u = (p - e_chosen)/τ is ∂L/∂s, then scaled
by ω_c, which is all a choice weight changes)::

    ∂L/∂w_r = Xᵀu                   ∂L/∂λ = u·diag(B)        ∂L/∂g = u·h
    ∂L/∂w_v = g·Xᵀ(Aᵀu)
    ∂L/∂B_ij = g·u_i·A_ij·(v_j - h_i) + λ·u_i·[i = j]     (the row softmax's Jacobian)
    ∂L/∂M = Xᵀ (∂L/∂B) X / √d,   a named entry sums its tied positions

The temperature is not fitted: scaling w_r, λ and g together does what τ does.
Choices are padded into one batch (C × n_max × d) so that each evaluation is a
few batched products; padding tokens are masked out of both softmaxes.

A candidate may stand for several (`ChoiceBatch.weight`, its multiplicity
m_j ≥ 1): when a choice had too many candidates to learn from all of them, the
review keeps the chosen one and a sample of the others, each standing for its
share of those left out. Both softmaxes then sum m_j·exp(·) over the tokens
kept (an unbiased estimate of the sums over every candidate), which is
exactly the model on the full set when every m_j = 1. The gradients above hold
unchanged with p and A taken from those weighted softmaxes.

The optimiser is Levenberg–Marquardt on the Gauss–Newton curvature of the
softmax (`fit_weights`): about ten accepted steps reach the optimum that plain
gradient descent or Adam needs hundreds for (a review has to answer in well
under a second). It has a fixed budget of trials, no randomness, and never
returns weights with a higher objective than the ones it started from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from focusplan.attention.features import FEATURE_INDEX, N_FEATURES
from focusplan.attention.layer import ENTRY_POSITIONS, SCALE, vector_from_named
from focusplan.attention.weights import (
    RESIDUAL_FEATURES,
    VALUE_FEATURES,
    WEIGHT_NAMES,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "FIT_NAMES",
    "WEIGHT_NAMES",
    "ChoiceBatch",
    "FitResult",
    "RankQuality",
    "batch_logits",
    "choice_ranks",
    "concat_batches",
    "decay_weights",
    "fit_weights",
    "logit_scale",
    "objective",
    "pack_choices",
    "quality_of_scores",
    "rank_quality",
    "scaled",
]

# Everything but the temperature (see the module docstring).
FIT_NAMES: Final[tuple[str, ...]] = tuple(name for name in WEIGHT_NAMES if name != "temperature")
_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(WEIGHT_NAMES)}
_RESIDUAL_COLS: Final = np.array([FEATURE_INDEX[f] for f in RESIDUAL_FEATURES], dtype=np.intp)
_VALUE_COLS: Final = np.array([FEATURE_INDEX[f] for f in VALUE_FEATURES], dtype=np.intp)
_RESIDUAL_SLOTS: Final = np.array([_INDEX[f"residual.{f}"] for f in RESIDUAL_FEATURES])
_VALUE_SLOTS: Final = np.array([_INDEX[f"value.{f}"] for f in VALUE_FEATURES])
_ENTRY_SLOTS: Final = np.array([_INDEX[name] for name in ENTRY_POSITIONS])
_ENTRY_ROWS: Final = tuple(np.array([p[0] for p in pos]) for pos in ENTRY_POSITIONS.values())
_ENTRY_COLS: Final = tuple(np.array([p[1] for p in pos]) for pos in ENTRY_POSITIONS.values())
# Every named matrix position flattened, and which entry (0..E-1) each belongs to.
_POSITION_ROWS: Final = np.concatenate(_ENTRY_ROWS)
_POSITION_COLS: Final = np.concatenate(_ENTRY_COLS)
_POSITION_ENTRY: Final = np.concatenate(
    [np.full(rows.size, k) for k, rows in enumerate(_ENTRY_ROWS)]
)
# Sums the named positions of each entry: (positions × entries) of 0/1.
_POSITION_TO_ENTRY: Final = np.equal(
    _POSITION_ENTRY[:, None], np.arange(len(_ENTRY_ROWS))[None, :]
).astype(np.float64)
# The key-side columns of M, and where each named position's column sits among them.
_KEY_COLS: Final = np.unique(_POSITION_COLS)
_POSITION_KEY: Final = np.searchsorted(_KEY_COLS, _POSITION_COLS)

DEFAULT_PRIOR_STRENGTH: Final[float] = 1.0
DEFAULT_BUDGET: Final[int] = 40
INITIAL_DAMPING: Final[float] = 1e-3
# A step that lowers J by less than this (relative) ends the fit: the review rounds the
# weights to three decimals and ignores moves under 0.05, far coarser than what the
# last few trials at 1e-10 still changed (a quarter of the work of a review).
IMPROVEMENT_TOLERANCE: Final[float] = 1e-6
# Global scalars move every logit at once: a tighter prior (σ) keeps them honest.
PRIOR_SCALE: Final[dict[str, float]] = {
    "self_affinity": 0.25,
    "attention_gain": 0.25,
    "attn.project×project": 2.0,
}


@dataclass(frozen=True, slots=True, eq=False)
class ChoiceBatch:
    """Choices as padded arrays: C choices, at most n candidates each.

    `X[c][mask[c]]` are choice c's candidate tokens (the first rows), the rest
    zero padding; `ids` are task ids (-1 on padding); `chosen[c]` indexes the
    picked row.
    """

    X: FloatArray  # (C, n, d)
    mask: BoolArray  # (C, n)
    ids: IntArray  # (C, n)
    chosen: IntArray  # (C,)
    # How many candidates each token stands for (C, n); None: every one stands for itself.
    weight: FloatArray | None = None
    # The batch's `_Design`, made on first use: the review fits one batch under several
    # settings, and gathering its columns again for each fit was a tenth of the fits' work.
    # (A batch's arrays are never changed once it is made.)
    _prepared: Any = field(default=None, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return int(self.chosen.size)

    def rows(self, index: Sequence[int]) -> ChoiceBatch:
        """The batch of the choices at `index`, in that order."""
        picked = list(index)
        return ChoiceBatch(
            X=self.X[picked],
            mask=self.mask[picked],
            ids=self.ids[picked],
            chosen=self.chosen[picked],
            weight=None if self.weight is None else self.weight[picked],
        )

    def offsets(self) -> FloatArray:
        """log m_j on candidates, -inf on padding: what each softmax adds to its scores."""
        if self.weight is None:
            return np.where(self.mask, 0.0, -np.inf)
        with np.errstate(divide="ignore"):
            return np.where(self.mask, np.log(self.weight), -np.inf)


def concat_batches(batches: Sequence[ChoiceBatch]) -> ChoiceBatch:
    """One batch holding the choices of several (padding widened to the widest)."""
    if not batches:
        return pack_choices([])
    width = max(b.X.shape[1] for b in batches)

    def pad(array: npt.NDArray[Any], fill: object) -> npt.NDArray[Any]:
        extra = [(0, 0), (0, width - array.shape[1])] + [(0, 0)] * (array.ndim - 2)
        return np.pad(array, extra, constant_values=fill)  # type: ignore[call-overload]

    weighted = any(b.weight is not None for b in batches)
    weight = None
    if weighted:
        weight = np.concatenate(
            [
                pad(b.weight if b.weight is not None else b.mask.astype(np.float64), 0.0)
                for b in batches
            ]
        )
    return ChoiceBatch(
        X=np.concatenate([pad(b.X, 0.0) for b in batches]),
        mask=np.concatenate([pad(b.mask, False) for b in batches]),
        ids=np.concatenate([pad(b.ids, -1) for b in batches]),
        chosen=np.concatenate([b.chosen for b in batches]),
        weight=weight,
    )


def pack_choices(
    items: Sequence[tuple[npt.ArrayLike, npt.ArrayLike, int]],
    *,
    weights: Sequence[npt.ArrayLike | None] | None = None,
) -> ChoiceBatch:
    """Pad `(X, ids, chosen_row)` triples into one batch.

    `weights`, one per choice (None: all 1), are the multiplicities of its
    candidates (finite, >= 1; the chosen one's must be 1).
    Raises `ValueError` for a malformed token matrix or a chosen row out of range.
    """
    width = max((len(np.asarray(ids)) for _, ids, _ in items), default=1)
    count = len(items)
    X = np.zeros((count, width, N_FEATURES))
    mask = np.zeros((count, width), dtype=bool)
    ids_out = np.full((count, width), -1, dtype=np.int64)
    chosen = np.zeros(count, dtype=np.int64)
    if weights is not None and len(weights) != count:
        raise ValueError("one weights entry per choice")
    multiplicity = (
        np.zeros((count, width))
        if weights is not None and any(w is not None for w in weights)
        else None
    )
    for c, (tokens, ids, row) in enumerate(items):
        x = np.asarray(tokens, dtype=np.float64)
        task_ids = np.asarray(ids, dtype=np.int64)
        n = task_ids.size
        if x.shape != (n, N_FEATURES) or not np.all(np.isfinite(x)):
            raise ValueError(f"choice {c}: tokens must be finite with shape ({n}, {N_FEATURES})")
        if not 0 <= row < n:
            raise ValueError(f"choice {c}: chosen row {row} is not a candidate")
        X[c, :n] = x
        mask[c, :n] = True
        ids_out[c, :n] = task_ids
        chosen[c] = row
        if multiplicity is not None:
            given = None if weights is None else weights[c]
            m = np.ones(n) if given is None else np.asarray(given, dtype=np.float64)
            if m.shape != (n,) or not np.all(np.isfinite(m)) or np.any(m < 1) or m[row] != 1:
                raise ValueError(f"choice {c}: weights must be finite, >= 1, and 1 if chosen")
            multiplicity[c, :n] = m
    return ChoiceBatch(X=X, mask=mask, ids=ids_out, chosen=chosen, weight=multiplicity)


# --- the model on a batch ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Arrays:
    residual: FloatArray  # (len(RESIDUAL_FEATURES),) on `_RESIDUAL_COLS`
    positions: FloatArray  # value of M at each named position (`_POSITION_ROWS/COLS`)
    value: FloatArray  # (len(VALUE_FEATURES),) on `_VALUE_COLS`
    self_affinity: float
    attention_gain: float
    temperature: float


def _arrays(theta: FloatArray) -> _Arrays:
    return _Arrays(
        residual=theta[_RESIDUAL_SLOTS],
        positions=theta[_ENTRY_SLOTS][_POSITION_ENTRY],
        value=theta[_VALUE_SLOTS],
        self_affinity=float(theta[_INDEX["self_affinity"]]),
        attention_gain=float(theta[_INDEX["attention_gain"]]),
        temperature=float(theta[_INDEX["temperature"]]),
    )


@dataclass(frozen=True, slots=True)
class _Design:
    """The few columns of a batch's tokens that the model reads, gathered once.

    A fit evaluates the same batch dozens of times; gathering these columns out of
    the (C, n, d) tokens on every evaluation was most of the work. `residual`,
    `value` and `queries` are flat (C·n rows) for single products over the batch.
    """

    C: int
    n: int
    mask: BoolArray  # (C, n)
    chosen: IntArray  # (C,)
    offsets: FloatArray  # (C, n) log multiplicity, -inf on padding
    residual: FloatArray  # (C·n, len(_RESIDUAL_COLS))
    residual_rows: FloatArray  # its transpose, contiguous
    value: FloatArray  # (C·n, len(_VALUE_COLS))
    keys: FloatArray  # (C, n, len(_KEY_COLS)) the key-side columns of M
    queries: FloatArray  # (C·n, positions) the query-side column of each named position
    query_rows: FloatArray  # its transpose times 1/√d, contiguous (for the Jacobian)
    entry_queries: FloatArray  # the rows of `query_rows` that start each entry


def _design(batch: ChoiceBatch) -> _Design:
    made = getattr(batch, "_prepared", None)  # None also in a batch unpickled from before
    if made is None:
        made = _make_design(batch)
        object.__setattr__(batch, "_prepared", made)
    return made


def _make_design(batch: ChoiceBatch) -> _Design:
    X = batch.X
    C, n = X.shape[0], X.shape[1]
    residual = np.ascontiguousarray(X[:, :, _RESIDUAL_COLS].reshape(C * n, -1))
    queries = np.ascontiguousarray(X[:, :, _POSITION_ROWS].reshape(C * n, -1))
    query_rows = np.ascontiguousarray(queries.T) * SCALE
    return _Design(
        C=C,
        n=n,
        mask=batch.mask,
        chosen=batch.chosen,
        offsets=batch.offsets(),
        residual=residual,
        residual_rows=np.ascontiguousarray(residual.T),
        value=np.ascontiguousarray(X[:, :, _VALUE_COLS].reshape(C * n, -1)),
        keys=np.ascontiguousarray(X[:, :, _KEY_COLS]),
        queries=queries,
        query_rows=query_rows,
        entry_queries=query_rows[_ENTRY_STARTS],
    )


# Each named position's column of M among the key columns, as a (positions × keys) 0/1
# matrix: the named values on it make X M (on the key columns) one product.
_POSITION_ONTO_KEY: Final = np.equal(
    _POSITION_KEY[:, None], np.arange(_KEY_COLS.size)[None, :]
).astype(np.float64)
_POSITION_INDEX: Final = np.arange(_POSITION_KEY.size)
# Where each entry's tied positions begin (positions are grouped by entry, in order).
_ENTRY_STARTS: Final = np.flatnonzero(np.r_[True, np.diff(_POSITION_ENTRY) != 0])


@dataclass(frozen=True, slots=True)
class _Forward:
    logits: FloatArray  # (C, n), -inf on padding
    diag: FloatArray  # (C, n) x_i M x_iᵀ/√d
    A: FloatArray  # (C, n, n), zero on padded keys
    v: FloatArray  # (C, n)
    h: FloatArray  # (C, n)


def _forward(design: _Design, params: _Arrays) -> _Forward:
    C, n = design.C, design.n
    keys = design.keys
    # X M on the key columns (M only has entries there) as one product.
    XM = (design.queries @ (params.positions[:, None] * _POSITION_ONTO_KEY)).reshape(C, n, -1)
    # One (C, n, n) buffer becomes B, then A in place: it is the only big array.
    A = XM @ keys.transpose(0, 2, 1)
    A *= SCALE
    A += design.offsets[:, None, :]
    A -= A.max(axis=2, keepdims=True)
    np.exp(A, out=A)
    A /= A.sum(axis=2, keepdims=True)
    diag = np.einsum("cik,cik->ci", XM, keys) * SCALE
    v = (design.value @ params.value).reshape(C, n)
    h = (A @ v[:, :, None])[:, :, 0]
    s = (design.residual @ params.residual).reshape(C, n)
    s += params.self_affinity * diag + params.attention_gain * h
    return _Forward(logits=np.where(design.mask, s, -np.inf), diag=diag, A=A, v=v, h=h)


def batch_logits(batch: ChoiceBatch, weights: Mapping[str, float]) -> FloatArray:
    """Logits of every candidate (C × n; -inf on padding), as `layer.forward` computes them."""
    return _forward(_design(batch), _arrays(vector_from_named(weights, strict=False))).logits


def _nll(design: _Design, params: _Arrays, fwd: _Forward) -> tuple[FloatArray, FloatArray]:
    """Per-choice -log p(chosen) and the probabilities p (zero on padding).

    p_j ∝ m_j·exp(s_j/τ); the chosen token's m is 1, so its loss is that of the logit.
    """
    z = fwd.logits / params.temperature + design.offsets
    shift = z.max(axis=1, keepdims=True)
    log_norm = shift[:, 0] + np.log(np.exp(z - shift).sum(axis=1))
    rows = np.arange(design.C)
    losses = log_norm - z[rows, design.chosen]
    p = np.exp(z - log_norm[:, None])
    return losses, p


class _Evaluation:
    """Σ_c ω_c·(-log p_c(chosen)) at one θ; its gradient is worked out when first asked for.

    A fit refuses about a third of its trials, and a refused trial needs only the value:
    the gradient (half an evaluation's work) is then never computed. Computed later, it
    is the same arithmetic on the same arrays, so the same numbers.
    """

    __slots__ = ("_grad", "_key_term", "design", "fwd", "nll", "omega", "p", "params")

    def __init__(
        self,
        design: _Design,
        params: _Arrays,
        fwd: _Forward,
        p: FloatArray,
        omega: FloatArray,
        nll: float,
    ) -> None:
        self.design = design
        self.params = params
        self.fwd = fwd
        self.p = p  # (C, n)
        self.omega = omega  # (C,) choice weights
        self.nll = nll  # Σ_c -log p_c(chosen)
        self._grad: FloatArray | None = None
        self._key_term: FloatArray | None = None

    @property
    def key_term(self) -> FloatArray:
        """∂s_i/∂m for a named position at key column k, before the query factor x_ia/√d:
        λ·x_ik + g·((A (v∘X))_ik - h_i·(A X)_ik), on the key columns (C, n, keys)."""
        if self._key_term is None:
            fwd, keys = self.fwd, self.design.keys
            key_term = fwd.A @ (fwd.v[:, :, None] * keys)
            key_term -= fwd.h[:, :, None] * (fwd.A @ keys)
            key_term *= self.params.attention_gain
            key_term += self.params.self_affinity * keys
            self._key_term = key_term
        return self._key_term

    @property
    def grad(self) -> FloatArray:
        """The gradient of `nll`, `WEIGHT_NAMES` order (τ entry zero), by reverse mode."""
        if self._grad is None:
            self._grad = self._gradient()
        return self._grad

    def _gradient(self) -> FloatArray:
        design, params, fwd, p, omega = self.design, self.params, self.fwd, self.p, self.omega
        C, n = design.C, design.n
        u = p.copy()
        u[np.arange(C), design.chosen] -= 1.0
        u *= (omega / params.temperature)[:, None]  # ω·∂L/∂s; zero on padding (p is zero)
        A, h = fwd.A, fwd.h
        g = params.attention_gain
        grad = np.zeros(len(WEIGHT_NAMES))
        flat_u = u.reshape(-1)
        grad[_RESIDUAL_SLOTS] = flat_u @ design.residual
        grad[_INDEX["self_affinity"]] = float(np.sum(u * fwd.diag))
        grad[_INDEX["attention_gain"]] = float(np.sum(u * h))
        back = (u[:, None, :] @ A)[:, 0, :]  # Aᵀu
        grad[_VALUE_SLOTS] = g * (back.reshape(-1) @ design.value)
        # ∂L/∂M_ab = Σ_i x_ia (∂L/∂B · X)_ib / √d, and with ∂L/∂B_ij = g u_i A_ij (v_j - h_i)
        # + λ u_i [i = j] the product needs no n × n array: (∂L/∂B · X)_i =
        # g u_i ((A (v∘X))_i - h_i (A X)_i) + λ u_i x_i = u_i·key_term_i, on the key columns.
        back_b = (u[:, :, None] * self.key_term).reshape(C * n, -1)
        # Every (query position, key column) pair in one product; the named ones are kept.
        per_position = (design.queries.T @ back_b)[_POSITION_INDEX, _POSITION_KEY]
        grad[_ENTRY_SLOTS] = SCALE * np.bincount(
            _POSITION_ENTRY, weights=per_position, minlength=_ENTRY_SLOTS.size
        )
        return grad


def _evaluate(design: _Design, theta: FloatArray, omega: FloatArray) -> _Evaluation:
    """Σ_c ω_c·(-log p_c(chosen)), and its gradient on demand (see the module docstring)."""
    params = _arrays(theta)
    fwd = _forward(design, params)
    losses, p = _nll(design, params, fwd)
    return _Evaluation(design, params, fwd, p, omega, float(np.dot(omega, losses)))


# The Jacobian's rows, by group (residual, value, entries, λ, g; τ is never fitted), and
# where each weight's row is in that order (-1: τ).
_JACOBIAN_ROWS: Final = np.concatenate(
    [
        _RESIDUAL_SLOTS,
        _VALUE_SLOTS,
        _ENTRY_SLOTS,
        [_INDEX["self_affinity"], _INDEX["attention_gain"]],
    ]
).astype(np.intp)
_JACOBIAN_ROW: Final = np.full(len(WEIGHT_NAMES), -1, dtype=np.intp)
_JACOBIAN_ROW[_JACOBIAN_ROWS] = np.arange(_JACOBIAN_ROWS.size)
# An entry's first position fills its row; the further positions of a tied entry add to it.
_TIED_POSITIONS: Final = np.setdiff1d(np.arange(_POSITION_ENTRY.size), _ENTRY_STARTS)


def _logit_jacobian(design: _Design, ev: _Evaluation) -> FloatArray:
    """∂s_i/∂θ for every candidate, transposed: one row per weight of `_JACOBIAN_ROWS`
    (in that order), one column per token (C·n).

    Same derivative as `layer.logits_jacobian`: for an entry m at (a, b),
    ∂s_i/∂m = λ/√d·x_ia·x_ib + g/√d·x_ia·((A (v∘X))_ib - h_i·(A X)_ib).
    Rows, so that every step below runs on contiguous memory.
    """
    fwd = ev.fwd
    C, n = design.C, design.n
    residual, value, entries = _RESIDUAL_SLOTS.size, _VALUE_SLOTS.size, _ENTRY_SLOTS.size
    jac = np.empty((_JACOBIAN_ROWS.size, C * n))
    jac[:residual] = design.residual_rows
    attended_value = (fwd.A @ design.value.reshape(C, n, -1)).reshape(C * n, -1).T
    np.multiply(attended_value, ev.params.attention_gain, out=jac[residual : residual + value])
    first = residual + value
    # Transposed once into rows: gathering rows out of the strided view cost more.
    key_term = np.ascontiguousarray(ev.key_term.reshape(C * n, -1).T)
    queries = design.query_rows  # already times 1/√d
    np.multiply(
        design.entry_queries,
        key_term[_POSITION_KEY[_ENTRY_STARTS]],
        out=jac[first : first + entries],
    )
    for position in _TIED_POSITIONS:
        jac[first + _POSITION_ENTRY[position]] += (
            queries[position] * key_term[_POSITION_KEY[position]]
        )
    jac[first + entries] = fwd.diag.reshape(-1)
    jac[first + entries + 1] = fwd.h.reshape(-1)
    return jac


def _curvature(design: _Design, ev: _Evaluation, slots: IntArray) -> FloatArray:
    """Gauss–Newton curvature of Σ_c ω_c·(-log p_c): Σ_c ω_c J_cᵀ (diag p_c - p_c p_cᵀ) J_c / τ².

    Positive semi-definite, exact for the softmax part; it drops the second
    derivatives of the logits themselves (the bilinear and attention terms).
    """
    jac = _logit_jacobian(design, ev)
    rows = _JACOBIAN_ROW[slots]
    # Most fits take every weight but τ: the products on every row, then the slots,
    # cost less than copying the Jacobian's rows out first.
    every = rows.size * 2 > jac.shape[0]
    if not every:
        jac = jac[rows]
    p = ev.p
    root = np.sqrt(ev.omega)[:, None]
    mean = np.einsum("kci,ci->kc", jac.reshape(jac.shape[0], design.C, design.n), p * root)
    # In place: `jac` is this call's own array, and a new one of its size per step was
    # a tenth of the curvature's time.
    weighted = np.multiply(jac, np.sqrt(p * ev.omega[:, None]).reshape(-1), out=jac)
    curvature = weighted @ weighted.T - mean @ mean.T
    if every:
        curvature = curvature[np.ix_(rows, rows)]
    return curvature / ev.params.temperature**2


def _prior_weights(names: Sequence[str]) -> FloatArray:
    return np.array([1.0 / PRIOR_SCALE.get(name, 1.0) ** 2 for name in names])


def _choice_weights(batch: ChoiceBatch, choice_weights: npt.ArrayLike | None) -> FloatArray:
    """ω as a checked (C,) array: finite, >= 0, not all zero; None means every ω_c = 1."""
    if choice_weights is None:
        return np.ones(len(batch))
    omega = np.asarray(choice_weights, dtype=np.float64)
    if omega.shape != (len(batch),):
        raise ValueError(f"choice_weights must have one weight per choice ({len(batch)})")
    if not np.all(np.isfinite(omega)) or np.any(omega < 0) or not np.any(omega > 0):
        raise ValueError("choice_weights must be finite, >= 0 and not all zero")
    return omega


def decay_weights(ages_days: npt.ArrayLike, half_life_days: float) -> FloatArray:
    """ω_c = 2^(-age_c / half-life): a choice `half_life_days` old counts half a fresh one.

    Ages below zero (a choice after the moment of reference) count as fresh.
    """
    if not (math.isfinite(half_life_days) and half_life_days > 0):
        raise ValueError("half_life_days must be > 0")
    ages = np.asarray(ages_days, dtype=np.float64)
    if not np.all(np.isfinite(ages)):
        raise ValueError("ages must be finite")
    return np.exp2(-np.maximum(ages, 0.0) / half_life_days)


def objective(
    batch: ChoiceBatch,
    weights: Mapping[str, float],
    prior: Mapping[str, float],
    *,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    names: Sequence[str] = FIT_NAMES,
    choice_weights: npt.ArrayLike | None = None,
) -> tuple[float, dict[str, float]]:
    """J (see the module docstring) and its gradient with respect to `names`.

    Weights not in `names` are held fixed (they enter J, not the gradient).
    """
    if not len(batch):
        raise ValueError("no choices to learn from")
    if prior_strength < 0:
        raise ValueError("prior_strength must be >= 0")
    omega = _choice_weights(batch, choice_weights)
    theta = vector_from_named(weights, strict=False)
    centre = vector_from_named(prior, strict=False)
    value, grad, _ = _objective_vector(
        _design(batch), theta, centre, _slots(names), _prior_weights(names), prior_strength, omega
    )
    return value, {name: float(x) for name, x in zip(names, grad, strict=True)}


def _slots(names: Sequence[str]) -> IntArray:
    unknown = [name for name in names if name not in _INDEX or name == "temperature"]
    if unknown:
        raise ValueError(f"cannot fit: {', '.join(unknown)}")
    return np.array([_INDEX[name] for name in names], dtype=np.int64)


def _objective_vector(
    design: _Design,
    theta: FloatArray,
    centre: FloatArray,
    slots: IntArray,
    precision: FloatArray,
    prior_strength: float,
    omega: FloatArray,
) -> tuple[float, FloatArray, _Evaluation]:
    value, ev = _objective_value(design, theta, centre, slots, precision, prior_strength, omega)
    return value, _objective_gradient(ev, theta, centre, slots, precision, prior_strength), ev


def _objective_value(
    design: _Design,
    theta: FloatArray,
    centre: FloatArray,
    slots: IntArray,
    precision: FloatArray,
    prior_strength: float,
    omega: FloatArray,
) -> tuple[float, _Evaluation]:
    """J at θ (see `_objective_vector`), the gradient left for when it is needed."""
    ev = _evaluate(design, theta, omega)
    diff = theta[slots] - centre[slots]
    total = ev.nll + 0.5 * prior_strength * float(np.sum(precision * diff**2))
    return total / float(omega.sum()), ev


def _objective_gradient(
    ev: _Evaluation,
    theta: FloatArray,
    centre: FloatArray,
    slots: IntArray,
    precision: FloatArray,
    prior_strength: float,
) -> FloatArray:
    """∇J over `slots` at the θ of `ev` (see `_objective_vector`)."""
    diff = theta[slots] - centre[slots]
    gradient = ev.grad[slots] + prior_strength * precision * diff
    return gradient / float(ev.omega.sum())


@dataclass(frozen=True, slots=True)
class FitResult:
    weights: dict[str, float]  # every name; unfitted ones as given
    objective_before: float
    objective_after: float
    iterations: int  # accepted steps


def fit_weights(
    batch: ChoiceBatch,
    start: Mapping[str, float],
    *,
    prior: Mapping[str, float] | None = None,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    names: Sequence[str] = FIT_NAMES,
    budget: int = DEFAULT_BUDGET,
    choice_weights: npt.ArrayLike | None = None,
) -> FitResult:
    """Minimise J over `names` from `start`; the prior is centred on `prior` (default `start`).

    `choice_weights` are the ω_c of the module docstring (default: all 1).

    Levenberg–Marquardt on the Gauss–Newton curvature (`_curvature`) plus the
    prior's: each trial solves (H + μ·diag H) δ = -∇J; a trial that lowers J is
    taken and μ shrinks, one that does not is refused and μ grows. `budget`
    trials at most, so the work is bounded and the result deterministic; the
    returned weights never have a higher J than `start`.
    """
    if not len(batch):
        raise ValueError("no choices to learn from")
    if budget < 0 or prior_strength < 0:
        raise ValueError("budget and prior_strength must be >= 0")
    omega = _choice_weights(batch, choice_weights)
    theta = vector_from_named(start, strict=False)
    centre = vector_from_named(prior if prior is not None else start, strict=False)
    slots = _slots(names)
    precision = _prior_weights(names)
    count = float(omega.sum())
    design = _design(batch)
    value, grad, ev = _objective_vector(
        design, theta, centre, slots, precision, prior_strength, omega
    )
    first = value
    prior_curvature = np.diag(prior_strength * precision)
    hessian = (_curvature(design, ev, slots) + prior_curvature) / count
    damping = INITIAL_DAMPING
    accepted = 0
    for _ in range(budget):
        scale = np.diag(hessian) + 1e-9
        step = np.linalg.solve(hessian + damping * np.diag(scale), -grad)
        trial = theta.copy()
        trial[slots] += step
        # The value first: a refused trial needs no gradient, nor does the last step.
        trial_value, trial_ev = _objective_value(
            design, trial, centre, slots, precision, prior_strength, omega
        )
        if trial_value < value:
            improvement = value - trial_value
            theta, value, ev = trial, trial_value, trial_ev
            accepted += 1
            if improvement < IMPROVEMENT_TOLERANCE * max(1.0, abs(value)):
                break
            grad = _objective_gradient(ev, theta, centre, slots, precision, prior_strength)
            hessian = (_curvature(design, ev, slots) + prior_curvature) / count
            damping = max(damping / 3.0, 1e-9)
        else:
            damping *= 4.0
            if damping > 1e8:
                break
    fitted = {name: float(x) for name, x in zip(WEIGHT_NAMES, theta, strict=True)}
    return FitResult(
        weights=fitted, objective_before=first, objective_after=value, iterations=accepted
    )


# The weights that multiply every logit together: s = X w_r + λ·diag(B) + g·h is linear in
# (w_r, λ, g) while A, v and so h do not depend on them.
SCALE_NAMES: Final[tuple[str, ...]] = (
    *(f"residual.{name}" for name in RESIDUAL_FEATURES),
    "self_affinity",
    "attention_gain",
)


def scaled(weights: Mapping[str, float], factor: float) -> dict[str, float]:
    """`weights` whose every logit is `factor` times theirs (same order, other certainty)."""
    return {
        name: value * factor if name in SCALE_NAMES else value for name, value in weights.items()
    }


def logit_scale(
    batch: ChoiceBatch,
    weights: Mapping[str, float],
    choice_weights: npt.ArrayLike | None = None,
    *,
    bounds: tuple[float, float] = (0.05, 5.0),
) -> float:
    """The factor c on every logit of `weights` under which the choices are likeliest.

    It says how sharply a person chooses by the order `weights` gives: below 1 for a
    noisy chooser, above 1 for one who always takes what they rank first. The weighted
    log-likelihood Σ ω_c·log softmax(c·s_c)[chosen] is concave in c (its second
    derivative is minus the variance of s under the softmax), so Newton's method finds
    the maximum in a few steps; it is clipped to `bounds`.
    """
    omega = _choice_weights(batch, choice_weights)
    params = _arrays(vector_from_named(weights, strict=False))
    s = np.where(batch.mask, _forward(_design(batch), params).logits / params.temperature, 0.0)
    offsets = batch.offsets()
    picked = s[np.arange(len(batch)), batch.chosen]
    low, high = bounds
    c = min(high, max(low, 1.0))
    for _ in range(30):
        z = c * s + offsets
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        mean = (p * s).sum(axis=1)
        variance = np.maximum((p * s * s).sum(axis=1) - mean**2, 0.0)
        step = float(np.dot(omega, picked - mean)) / (float(np.dot(omega, variance)) + 1e-12)
        moved = min(high, max(low, c + step))
        if abs(moved - c) < 1e-6:
            return moved
        c = moved
    return c


# --- how good a ranking is ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankQuality:
    """Expected mean reciprocal rank and hit rates (ties broken uniformly at random)."""

    mrr: float
    hit_at_1: float
    hit_at_3: float
    choices: int


def _tie_counts(
    scores: FloatArray, mask: BoolArray, chosen: IntArray, weight: FloatArray | None
) -> tuple[IntArray, IntArray]:
    """Per choice: how many candidates score strictly higher, and how many tie (incl. itself).

    With multiplicities the counts are weighted sums, rounded (an estimate of the
    counts over every candidate); the chosen one always counts once.
    """
    rows = np.arange(scores.shape[0])
    mine = scores[rows, chosen][:, None]
    if weight is None:
        above = np.sum(mask & (scores > mine), axis=1)
        tied = np.sum(mask & (scores == mine), axis=1)
        return above.astype(np.int64), tied.astype(np.int64)
    w = np.where(mask, weight, 0.0)
    above_w = np.sum(w * (scores > mine), axis=1)
    tied_w = np.sum(w * (scores == mine), axis=1)
    return np.rint(above_w).astype(np.int64), np.maximum(np.rint(tied_w), 1).astype(np.int64)


def _reciprocal(above: IntArray, tied: IntArray) -> FloatArray:
    """1/rank of each chosen task, averaged over the ways its ties could fall."""
    reciprocal = np.empty(above.size)
    for i, (a, b) in enumerate(zip(above.tolist(), tied.tolist(), strict=True)):
        reciprocal[i] = _mean_reciprocal(a, b)
    return reciprocal


@lru_cache(maxsize=4096)
def _mean_reciprocal(above: int, tied: int) -> float:
    # With multiplicities a tie can stand for thousands of ranks, and the review scores
    # the same choices under a dozen weightings: the same sums again and again.
    return sum(1.0 / r for r in range(above + 1, above + tied + 1)) / tied


def reciprocal_ranks(
    scores: npt.ArrayLike,
    mask: npt.ArrayLike,
    chosen: npt.ArrayLike,
    weight: npt.ArrayLike | None = None,
) -> FloatArray:
    """Per choice, the reciprocal rank `quality_of_scores` averages (ties are fair)."""
    s = np.asarray(scores, dtype=np.float64)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    above, tied = _tie_counts(s, np.asarray(mask, dtype=bool), np.asarray(chosen, np.int64), w)
    return _reciprocal(above, tied)


def quality_of_scores(
    scores: npt.ArrayLike,
    mask: npt.ArrayLike,
    chosen: npt.ArrayLike,
    weight: npt.ArrayLike | None = None,
) -> RankQuality:
    """Quality of any scoring (higher = ranked first) of padded choices; ties are fair.

    `weight` are the candidates' multiplicities (`ChoiceBatch.weight`; None: 1).
    """
    s = np.asarray(scores, dtype=np.float64)
    m = np.asarray(mask, dtype=bool)
    c = np.asarray(chosen, dtype=np.int64)
    if s.shape[0] == 0:
        return RankQuality(mrr=0.0, hit_at_1=0.0, hit_at_3=0.0, choices=0)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    above, tied = _tie_counts(s, m, c, w)
    reciprocal = _reciprocal(above, tied)
    hit1 = np.clip(1 - above, 0, tied) / tied
    hit3 = np.clip(3 - above, 0, tied) / tied
    return RankQuality(
        mrr=float(reciprocal.mean()),
        hit_at_1=float(hit1.mean()),
        hit_at_3=float(hit3.mean()),
        choices=int(above.size),
    )


def rank_quality(batch: ChoiceBatch, weights: Mapping[str, float]) -> RankQuality:
    """How well `weights` ranked the chosen tasks of `batch`."""
    return quality_of_scores(batch_logits(batch, weights), batch.mask, batch.chosen, batch.weight)


def choice_ranks(batch: ChoiceBatch, weights: Mapping[str, float]) -> FloatArray:
    """Rank (1 = first; ties share their mean rank) of every candidate, NaN on padding.

    With multiplicities, a candidate standing for m others is m places (an estimate).
    """
    s = batch_logits(batch, weights)
    w = (
        batch.mask.astype(np.float64)
        if batch.weight is None
        else np.where(batch.mask, batch.weight, 0.0)
    )
    above = np.einsum("cij,cj->ci", (s[:, None, :] > s[:, :, None]).astype(np.float64), w)
    tied = np.einsum("cij,cj->ci", (s[:, None, :] == s[:, :, None]).astype(np.float64), w)
    ranks = above + (tied + 1) / 2.0
    return np.where(batch.mask, ranks, np.nan)
