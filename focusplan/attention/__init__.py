"""The attention ranking: tasks as tokens, context as features, softmax priorities.

Import the submodules directly (`focusplan.attention.ranking`,
`focusplan.attention.weights`, ...). This package module imports nothing, so
reading `focusplan.attention.weights.DEFAULT_WEIGHTS` never loads numpy.

- `weights`: named parameters and their hand-set defaults (plain Python);
- `features`: eligibility at `t` and the token matrix;
- `layer`: the bilinear self-attention layer, explanation, learning support;
- `ranking`: `rank_tasks`, the call the services make;
- `explanation`: a ranking's reasons in plain words (plain Python).
"""
