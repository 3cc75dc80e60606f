"""The self-attention layer: pure functions from a token matrix to logits.

For tokens ``X`` (N × d, rows ``x_i``) and named parameters (see `weights.py`)::

    S  = X M Xᵀ / √d                       bilinear attention scores (W_q = M, W_k = I)
                                            (d = `REFERENCE_DIM`, see `SCALE`)
    A  = softmax_row(S)                     over the tokens (ineligible tasks are not tokens)
    v  = X w_v                              value of each token
    s_i = w_r·x_i  +  λ·x_i M x_iᵀ/√d  +  g·(A v)_i
    p  = softmax(s / τ)

The middle term, the diagonal of ``QKᵀ``, is where context×task entries such as
``attn.energy×demand`` reach a task's *own* logit: inside the row softmax any term
that depends only on the query row cancels, so attention alone could not make
energy favour a demanding task over a light one. The attention term lets a task
take on the urgency and momentum of the tasks it attends to (its project-mates).

Three facts keep this cheap and bounded in memory (see `_attend`). Only ``A v``
is needed, so attention is computed in row blocks and the N × N matrix never
exists. Tokens with the same varying query features (with the named entries:
the project signature; context is the same for all) have identical attention
rows, so rows are computed once per distinct query. And keys that look the same
to those queries are summed up front. With the named entries the work is a
(≤ 2**SIGNATURE_DIMS)² table plus O(N) passes, whatever N is; arbitrary dense
parameters fall back to N × N scores in row blocks. The result is exact either
way. Inputs are validated (`ValueError`) and never mutated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from focusplan.attention.features import FEATURE_INDEX, N_FEATURES
from focusplan.attention.weights import (
    ATTENTION_ENTRIES,
    DEFAULT_WEIGHTS,
    PROJECT,
    RESIDUAL_FEATURES,
    SIGNATURE_FEATURES,
    VALUE_FEATURES,
    WEIGHT_NAMES,
)

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "LayerOutput",
    "LayerParams",
    "attention_rows",
    "choice_loss",
    "forward",
    "logits",
    "logits_jacobian",
    "named_from_params",
    "named_from_vector",
    "params_from_named",
    "priorities",
    "vector_from_named",
]

# The 1/√d of scaled dot-product attention, with d frozen at the width the layer first
# had (27 features): adding features must not shrink every stored weight's effect.
REFERENCE_DIM: Final[int] = 27
SCALE: Final[float] = 1.0 / math.sqrt(REFERENCE_DIM)
# Row blocks hold at most this many scores (float64: 32 MB), whatever N is.
BLOCK_ELEMENTS: Final[int] = 1 << 22
MAX_BLOCK_ROWS: Final[int] = 2048

_RESIDUAL_COLS: Final[npt.NDArray[np.intp]] = np.array(
    [FEATURE_INDEX[f] for f in RESIDUAL_FEATURES], dtype=np.intp
)
_VALUE_COLS: Final[npt.NDArray[np.intp]] = np.array(
    [FEATURE_INDEX[f] for f in VALUE_FEATURES], dtype=np.intp
)


def _entry_positions(query: str, key: str) -> tuple[tuple[int, int], ...]:
    if query == PROJECT and key == PROJECT:
        return tuple((FEATURE_INDEX[f], FEATURE_INDEX[f]) for f in SIGNATURE_FEATURES)
    return ((FEATURE_INDEX[query], FEATURE_INDEX[key]),)


# Matrix positions tied to each named attention entry.
ENTRY_POSITIONS: Final[dict[str, tuple[tuple[int, int], ...]]] = {
    name: _entry_positions(q, k) for name, (q, k) in ATTENTION_ENTRIES.items()
}
_NAME_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(WEIGHT_NAMES)}


def _named_mask() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    residual = np.zeros(N_FEATURES, dtype=bool)
    residual[_RESIDUAL_COLS] = True
    value = np.zeros(N_FEATURES, dtype=bool)
    value[_VALUE_COLS] = True
    matrix = np.zeros((N_FEATURES, N_FEATURES), dtype=bool)
    for positions in ENTRY_POSITIONS.values():
        for a, b in positions:
            matrix[a, b] = True
    return residual, matrix, value


# Where named weights live; explanations need every non-zero parameter to have a name.
_NAMED_RESIDUAL, _NAMED_M, _NAMED_VALUE = _named_mask()


# --- parameters -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class LayerParams:
    """The layer's parameters as arrays (d = `N_FEATURES`); read-only copies."""

    residual: FloatArray  # (d,) w_r, zero outside the task features
    M: FloatArray  # (d, d) bilinear attention matrix, zero outside the named entries
    value: FloatArray  # (d,) w_v, zero outside the task features
    self_affinity: float  # λ
    attention_gain: float  # g
    temperature: float  # τ > 0

    def __post_init__(self) -> None:
        d = N_FEATURES
        for name, shape in (("residual", (d,)), ("M", (d, d)), ("value", (d,))):
            array = np.array(getattr(self, name), dtype=np.float64)
            if array.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} must be finite")
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        for name in ("self_affinity", "attention_gain", "temperature"):
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite")
            object.__setattr__(self, name, value)
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature}")


def _check_names(named: Mapping[str, float], strict: bool) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    unknown = sorted(set(named) - set(DEFAULT_WEIGHTS))
    if unknown and strict:
        raise ValueError(f"unknown weight names: {', '.join(unknown)}")
    for name in DEFAULT_WEIGHTS:
        if name in named:
            value = float(named[name])
            if not math.isfinite(value):
                raise ValueError(f"weight {name} must be finite, got {value}")
            merged[name] = value
    return merged


def params_from_named(named: Mapping[str, float], *, strict: bool = True) -> LayerParams:
    """Arrays from named weights; names not given take their default.

    Unknown names raise `ValueError` (a typo must not silently do nothing) unless
    `strict=False`, which ignores them (e.g. a weight a newer version removed).
    """
    merged = _check_names(named, strict)
    d = N_FEATURES
    residual = np.zeros(d)
    residual[_RESIDUAL_COLS] = [merged[f"residual.{f}"] for f in RESIDUAL_FEATURES]
    value = np.zeros(d)
    value[_VALUE_COLS] = [merged[f"value.{f}"] for f in VALUE_FEATURES]
    M = np.zeros((d, d))
    for name, positions in ENTRY_POSITIONS.items():
        for a, b in positions:
            M[a, b] = merged[name]
    return LayerParams(
        residual=residual,
        M=M,
        value=value,
        self_affinity=merged["self_affinity"],
        attention_gain=merged["attention_gain"],
        temperature=merged["temperature"],
    )


def named_from_params(params: LayerParams) -> dict[str, float]:
    """Named weights from arrays (inverse of `params_from_named`).

    Raises `ValueError` when the arrays hold something no name can express
    (a non-zero outside the named entries, or unequal tied entries).
    """
    named: dict[str, float] = {}
    residual = params.residual.copy()
    for f, col in zip(RESIDUAL_FEATURES, _RESIDUAL_COLS, strict=True):
        named[f"residual.{f}"] = float(residual[col])
        residual[col] = 0.0
    M = params.M.copy()
    for name, positions in ENTRY_POSITIONS.items():
        values = {float(M[a, b]) for a, b in positions}
        if len(values) != 1:
            raise ValueError(f"tied entries of {name} differ: {sorted(values)}")
        named[name] = values.pop()
        for a, b in positions:
            M[a, b] = 0.0
    value = params.value.copy()
    for f, col in zip(VALUE_FEATURES, _VALUE_COLS, strict=True):
        named[f"value.{f}"] = float(value[col])
        value[col] = 0.0
    if np.any(residual) or np.any(M) or np.any(value):
        raise ValueError("parameters hold entries that have no weight name")
    named["self_affinity"] = params.self_affinity
    named["attention_gain"] = params.attention_gain
    named["temperature"] = params.temperature
    return {name: named[name] for name in WEIGHT_NAMES}


def vector_from_named(named: Mapping[str, float], *, strict: bool = True) -> FloatArray:
    """Weights as a vector in `WEIGHT_NAMES` order (defaults fill the gaps)."""
    merged = _check_names(named, strict)
    return np.array([merged[name] for name in WEIGHT_NAMES], dtype=np.float64)


def named_from_vector(vector: npt.ArrayLike) -> dict[str, float]:
    """Named weights from a vector in `WEIGHT_NAMES` order."""
    array = np.asarray(vector, dtype=np.float64)
    if array.shape != (len(WEIGHT_NAMES),):
        raise ValueError(f"expected {len(WEIGHT_NAMES)} weights, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("weights must be finite")
    return {name: float(x) for name, x in zip(WEIGHT_NAMES, array, strict=True)}


Weights = Mapping[str, float] | LayerParams


def _as_params(weights: Weights) -> LayerParams:
    if isinstance(weights, LayerParams):
        return weights
    if isinstance(weights, Mapping):
        return params_from_named(weights)
    raise ValueError("weights must be a mapping of named weights or LayerParams")


def _as_tokens(X: npt.ArrayLike) -> FloatArray:
    array = np.asarray(X, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != N_FEATURES:
        raise ValueError(f"X must have shape (n, {N_FEATURES}), got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("X must be finite")
    return array


# --- kernels --------------------------------------------------------------------------


def _block_rows(columns: int, block_rows: int | None) -> int:
    if block_rows is not None:
        if block_rows < 1:
            raise ValueError("block_rows must be >= 1")
        return block_rows
    return max(1, min(MAX_BLOCK_ROWS, BLOCK_ELEMENTS // max(columns, 1)))


@dataclass(frozen=True, slots=True)
class _Groups:
    """Rows of a matrix grouped by exact equality (a lexicographic sort)."""

    first: npt.NDArray[np.intp]  # a representative row of each group
    of_row: npt.NDArray[np.intp]  # group of each row
    order: npt.NDArray[np.intp]  # rows sorted so that each group is contiguous
    starts: npt.NDArray[np.intp]  # where each group starts in `order`


# Fixed, unevenly spaced weights in [1, 2) to fold a row into one number for grouping
# (see `_group_rows`); golden-ratio steps, so importing numpy.random is not needed.
_PROBE: Final[FloatArray] = 1.0 + np.modf(np.arange(1, N_FEATURES + 1) * 0.6180339887498949)[0]


def _groups_from_sorted(order: npt.NDArray[np.intp], is_start: npt.NDArray[np.bool_]) -> _Groups:
    starts = np.flatnonzero(is_start)
    of_row = np.empty(order.size, dtype=np.intp)
    of_row[order] = np.cumsum(is_start) - 1
    return _Groups(first=order[starts], of_row=of_row, order=order, starts=starts)


def _group_rows(keys: FloatArray) -> _Groups:
    """Group equal rows of `keys` (N ≥ 1). Every group is homogeneous, exactly.

    Fast path: sort one folded number per row and check the groups it finds
    really are homogeneous; on a collision fall back to a lexicographic sort.
    """
    n, width = keys.shape
    folded = (keys * _PROBE[:width]).sum(axis=1)
    order = np.argsort(folded, kind="stable").astype(np.intp)
    ordered = folded[order]
    is_start = np.empty(n, dtype=bool)
    is_start[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=is_start[1:])
    groups = _groups_from_sorted(order, is_start)
    if np.array_equal(keys, keys[groups.first[groups.of_row]]):
        return groups
    order = np.lexsort(keys.T).astype(np.intp)
    rows = keys[order]
    np.any(rows[1:] != rows[:-1], axis=1, out=is_start[1:])
    return _groups_from_sorted(order, is_start)


def _attend(
    X: FloatArray, M: FloatArray, values: FloatArray, block_rows: int | None = None
) -> FloatArray:
    """``A @ values`` for ``A = softmax_row(X M Xᵀ/√d)``, exactly, without forming A.

    Split the query features acting through `M` into those constant over the
    tokens (context) and those that vary (project signature). The constant ones
    give every key one salience ``σ_j`` shared by all rows, so
    ``S_ij = σ_j + q_i·k_j`` where ``q_i`` only holds the varying query features
    and ``k_j`` only the key features they meet. Rows with equal ``q_i`` share
    their attention row, and keys with equal ``k_j`` can be summed up front
    (weights ``exp(σ_j − max σ)`` per key group). The work is then a
    (query groups × key groups) table, computed in row blocks: a few dozen
    squared for the named weights, N × N only for arbitrary dense features.
    """
    n = X.shape[0]
    out = np.empty((n, values.shape[1]), dtype=np.float64)
    if n == 0:
        return out
    active = np.any(M != 0.0, axis=1)
    constant = np.all(X[0] == X, axis=0)
    fixed_rows = np.flatnonzero(active & constant)
    varying_rows = np.flatnonzero(active & ~constant)
    salience = X @ (X[0, fixed_rows] @ M[fixed_rows, :])
    salience *= SCALE
    if varying_rows.size == 0:
        weights = np.exp(salience - salience.max())
        out[:] = (weights @ values) / weights.sum()
        return out
    key_cols = np.flatnonzero(np.any(M[varying_rows] != 0.0, axis=0))
    queries = _group_rows(X[:, varying_rows])
    # With the named weights the varying query features are the project signature and
    # they meet only the signature: one grouping serves queries and keys.
    same = np.array_equal(varying_rows, key_cols)
    keys = queries if same else _group_rows(X[:, key_cols])
    peak = np.maximum.reduceat(salience[keys.order], keys.starts)
    weights = salience - peak[keys.of_row]
    np.exp(weights, out=weights)
    weight_sum = np.add.reduceat(weights[keys.order], keys.starts)
    weighted = values * weights[:, None]
    value_sum = np.add.reduceat(weighted[keys.order], keys.starts, axis=0)
    query_vectors = X[np.ix_(queries.first, varying_rows)] @ M[np.ix_(varying_rows, key_cols)]
    query_vectors *= SCALE
    key_vectors_t = np.ascontiguousarray(X[np.ix_(keys.first, key_cols)].T)
    grouped = np.empty((queries.first.size, values.shape[1]), dtype=np.float64)
    step = _block_rows(keys.first.size, block_rows)
    for start in range(0, queries.first.size, step):
        stop = min(start + step, queries.first.size)
        table = query_vectors[start:stop] @ key_vectors_t
        table += peak
        table -= table.max(axis=1, keepdims=True)
        np.exp(table, out=table)
        block = grouped[start:stop]
        np.matmul(table, value_sum, out=block)
        block /= (table @ weight_sum)[:, None]
    np.take(grouped, queries.of_row, axis=0, out=out)
    return out


def attention_rows(
    X: npt.ArrayLike, weights: Weights, rows: Sequence[int] | npt.ArrayLike
) -> FloatArray:
    """The full attention rows ``A[rows, :]`` (len(rows) × N), each summing to 1."""
    tokens = _as_tokens(X)
    params = _as_params(weights)
    index = np.asarray(rows, dtype=np.intp).reshape(-1)
    if index.size and (index.min() < 0 or index.max() >= tokens.shape[0]):
        raise ValueError("row index out of range")
    scores = (tokens[index] @ params.M @ tokens.T) * SCALE
    if scores.size == 0:
        return scores
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def _self_raw(X: FloatArray, M: FloatArray) -> FloatArray:
    """``x_i M x_iᵀ / √d`` for every row at once.

    M is sparse (the named entries), so sum over its non-zeros: a matrix-vector
    product instead of an (N × d) @ (d × d) product, which BLAS threads, and
    threads cost far more than they save at this size on a busy machine.
    """
    rows, cols = np.nonzero(M)
    if rows.size > 2 * N_FEATURES:
        return np.einsum("ij,ij->i", X @ M, X) * SCALE
    pairs = X[:, rows]
    pairs *= X[:, cols]
    out = pairs @ M[rows, cols]
    out *= SCALE
    return out


@dataclass(frozen=True, slots=True, eq=False)
class LayerOutput:
    """Logits and the three terms that add up to them (all length N)."""

    logits: FloatArray
    residual: FloatArray
    self_term: FloatArray
    attention_term: FloatArray
    # Per weight name, the amount it adds to each logit; they sum to `logits`.
    contributions: dict[str, FloatArray] | None = None


def forward(
    X: npt.ArrayLike, weights: Weights, *, explain: bool = False, block_rows: int | None = None
) -> LayerOutput:
    """Run the layer on tokens `X` (N × d; N may be 0).

    With `explain`, `contributions` maps each weight name to its share of every
    logit: ``residual.f`` = w_r[f]·x_i[f]; ``attn.q×k`` = λ·m·x_i[q]·x_i[k]/√d
    (its self-affinity part; tied entries summed); ``value.f`` =
    g·w_v[f]·(A X[:, f])_i. They add up to the logits to rounding error.
    `block_rows` overrides the row-block size (tests use it to exercise blocking).
    """
    tokens = _as_tokens(X)
    params = _as_params(weights)
    residual = tokens @ params.residual
    self_term = _self_raw(tokens, params.M)
    self_term *= params.self_affinity
    contributions: dict[str, FloatArray] | None = None
    if explain:
        if (
            np.any(params.residual[~_NAMED_RESIDUAL])
            or np.any(params.M[~_NAMED_M])
            or np.any(params.value[~_NAMED_VALUE])
        ):
            raise ValueError("explain needs parameters that all have weight names")
        attended = _attend(tokens, params.M, tokens[:, _VALUE_COLS], block_rows)
        contributions = {}
        for f, col in zip(RESIDUAL_FEATURES, _RESIDUAL_COLS, strict=True):
            contributions[f"residual.{f}"] = params.residual[col] * tokens[:, col]
        factor = params.self_affinity * SCALE
        for name, positions in ENTRY_POSITIONS.items():
            a, b = positions[0]
            amount = factor * params.M[a, b] * (tokens[:, a] * tokens[:, b])
            for a, b in positions[1:]:
                amount += factor * params.M[a, b] * (tokens[:, a] * tokens[:, b])
            contributions[name] = amount
        for j, (f, col) in enumerate(zip(VALUE_FEATURES, _VALUE_COLS, strict=True)):
            contributions[f"value.{f}"] = params.attention_gain * params.value[col] * attended[:, j]
        attention_term = sum(
            (contributions[f"value.{f}"] for f in VALUE_FEATURES), start=np.zeros(len(tokens))
        )
    else:
        values = (tokens @ params.value)[:, None]
        attention_term = _attend(tokens, params.M, values, block_rows)[:, 0]
        attention_term *= params.attention_gain
    total = residual + self_term
    total += attention_term
    return LayerOutput(
        logits=total,
        residual=residual,
        self_term=self_term,
        attention_term=attention_term,
        contributions=contributions,
    )


def logits(X: npt.ArrayLike, weights: Weights) -> FloatArray:
    """The logits ``s`` of tokens `X` under named weights (or `LayerParams`)."""
    return forward(X, weights).logits


def priorities(scores: npt.ArrayLike, temperature: float) -> FloatArray:
    """``softmax(scores / temperature)``: the priority distribution (sums to 1)."""
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError("scores must be one-dimensional")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if s.size == 0:
        return s.copy()
    # Shift before dividing: the best task gets exp(0) and the rest at worst -inf → 0,
    # never inf - inf, for any finite scores and temperature.
    with np.errstate(over="ignore"):
        z = s - s.max()
        z /= temperature
    np.exp(z, out=z)
    z /= z.sum()
    return z


# --- learning support -------------------------------------------------------------------


def logits_jacobian(
    X: npt.ArrayLike, weights: Weights, *, block_rows: int | None = None
) -> tuple[FloatArray, FloatArray]:
    """Logits ``s`` (N) and their Jacobian ``∂s/∂θ`` (N × len(WEIGHT_NAMES)).

    Columns follow `WEIGHT_NAMES`. For an attention entry ``m`` at (a, b), with
    ``h = A v``::

        ∂s_i/∂m = λ/√d·x_ia·x_ib + g/√d·x_ia·((A (X∘v))_ib − h_i·(A X)_ib)

    (tied entries add up). The temperature column is zero: τ acts on ``p``, not ``s``.
    """
    tokens = _as_tokens(X)
    params = _as_params(weights)
    n, d = tokens.shape
    v = tokens @ params.value
    attended = _attend(tokens, params.M, np.hstack([tokens, tokens * v[:, None]]), block_rows)
    ax, axv = attended[:, :d], attended[:, d:]
    h = ax @ params.value
    self_raw = _self_raw(tokens, params.M)
    s = tokens @ params.residual + params.self_affinity * self_raw + params.attention_gain * h
    jac = np.zeros((n, len(WEIGHT_NAMES)), dtype=np.float64)
    for f, col in zip(RESIDUAL_FEATURES, _RESIDUAL_COLS, strict=True):
        jac[:, _NAME_INDEX[f"residual.{f}"]] = tokens[:, col]
    lam, g = params.self_affinity, params.attention_gain
    for name, positions in ENTRY_POSITIONS.items():
        column = jac[:, _NAME_INDEX[name]]
        for a, b in positions:
            column += (lam * SCALE) * tokens[:, a] * tokens[:, b]
            column += (g * SCALE) * tokens[:, a] * (axv[:, b] - h * ax[:, b])
    for f, col in zip(VALUE_FEATURES, _VALUE_COLS, strict=True):
        jac[:, _NAME_INDEX[f"value.{f}"]] = g * ax[:, col]
    jac[:, _NAME_INDEX["self_affinity"]] = self_raw
    jac[:, _NAME_INDEX["attention_gain"]] = h
    return s, jac


def choice_loss(X: npt.ArrayLike, chosen: int, weights: Weights) -> tuple[float, FloatArray]:
    """``-log p(chosen)`` among tokens `X` and its gradient in `WEIGHT_NAMES` order.

    One observation of the weekly review's ListNet/softmax cross-entropy: the
    person picked row `chosen` among these candidates.
    """
    params = _as_params(weights)
    s, jac = logits_jacobian(X, params)
    if not 0 <= chosen < s.size:
        raise ValueError("chosen must index a token")
    tau = params.temperature
    z = (s - s.max()) / tau
    log_norm = math.log(float(np.exp(z).sum()))
    p = np.exp(z - log_norm)
    loss = float(log_norm - z[chosen])
    grad = -(jac[chosen] - p @ jac) / tau
    grad[_NAME_INDEX["temperature"]] = (s[chosen] - float(p @ s)) / tau**2
    return loss, grad
