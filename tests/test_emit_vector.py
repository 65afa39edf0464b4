"""claim_array evaluates the claim once on index arrays (numpy broadcasting), and never returns a wrong array."""
from pathlib import Path

import numpy as np
import pytest

import derivcheck
from derivcheck.api import load_one
from derivcheck.emit import load_module, module_source
from derivcheck.load import load_file

ROOT = Path(__file__).parent.parent
FILES = sorted((ROOT / "derivcheck" / "builtins").glob("*.deriv.yaml")) + \
    sorted((ROOT / "examples" / "seeds").glob("*.deriv.yaml")) + sorted((ROOT / "tests" / "data").rglob("*.deriv.yaml"))


def emittable():
    """(file, name) of every derivation here that emit can write (an unspecified loss cannot be computed)."""
    out = []
    for path in FILES:
        for d in load_file(str(path)):
            if not d.ctx.losses:
                out.append((path, d.name))
    return out


NOT_BROADCAST = """derivcheck: 1
name: relu-diagonal
symbols:
  N: size
  i j k: index N
  z: vector N
claim: relu(z[i]) * delta(i, j) + Sum(z[k], (k, 1, i)) == relu(z[j]) * delta(i, j) + Sum(z[k], (k, 1, i))
steps:
  - relu(z[i]) * delta(i, j) + Sum(z[k], (k, 1, i))
  - by: algebra
    expr: relu(z[j]) * delta(i, j) + Sum(z[k], (k, 1, i))
"""


def zero_based(module, sizes, seed):
    """Random inputs of the declared kinds as the user's 0-based arrays (and the sizes, by name)."""
    values = module._inputs(sizes, np.random.default_rng(seed))
    given = dict(sizes)
    for name, (kind, axes, labels) in module.ARRAYS.items():
        arr = values[name][tuple(slice(lo(sizes), hi(sizes) + 1) for lo, hi in axes)]
        given[name] = arr - labels[0](sizes) if kind == "labels" else arr
    given.update({name: values[name] for name in module.SCALARS})
    return given


def both_ways(module, given):
    module.VECTORISE = False
    try:
        loop = module.claim_array(**given)
    finally:
        module.VECTORISE = True
    return module.claim_array(**given), loop


@pytest.mark.parametrize("path, name", emittable(), ids=lambda x: getattr(x, "name", x))
def test_the_array_is_the_entry_by_entry_one(path, name):
    module = derivcheck.numeric(str(path), name)
    for seed, n in enumerate((1, 2, 4)):
        given = zero_based(module, {s: n + k for k, s in enumerate(module.SIZES)}, seed)
        fast, loop = both_ways(module, given)
        assert fast.shape == loop.shape and np.allclose(fast, loop, rtol=1e-12, atol=1e-12, equal_nan=True)


def counting(module):
    calls = []
    lhs, rhs, free = module.CLAIM

    def counted(*args):
        calls.append(1)
        return rhs(*args)

    module.CLAIM = (lhs, counted, free)
    return calls


def test_the_softmax_jacobian_is_one_call_not_n_squared():
    module = derivcheck.numeric("softmax")
    calls = counting(module)
    z = np.random.default_rng(0).normal(size=40)
    J = module.claim_array(z=z)
    p = np.exp(z) / np.exp(z).sum()
    assert np.allclose(J, np.diag(p) - np.outer(p, p))
    assert len(calls) <= 4  # one on the index arrays, three entry-wise probes (1600 entry by entry)
    module.VECTORISE = False
    calls.clear()
    module.claim_array(z=z)
    assert len(calls) == 1600


def test_code_that_does_not_broadcast_falls_back_to_entries(tmp_path):
    path = tmp_path / "relu.deriv.yaml"
    path.write_text(NOT_BROADCAST)
    module = load_module(module_source(load_one(str(path))))
    z = np.array([0.5, -1.0, 2.0])
    fast, loop = both_ways(module, {"z": z})
    expected = np.diag(np.maximum(z, 0)) + np.cumsum(z)[:, None]
    assert np.allclose(fast, expected) and np.allclose(loop, expected)
    calls = counting(module)
    module.claim_array(z=z)
    assert len(calls) >= 9  # max() and a range ending at i do not broadcast: entry by entry


def test_an_array_that_disagrees_with_the_entries_is_never_returned():
    module = derivcheck.numeric("softmax")
    lhs, rhs, free = module.CLAIM

    def broadcasts_wrong(N, i, j, k, z):  # right entry by entry, wrong on index arrays
        return np.zeros((1, 1)) if isinstance(i, np.ndarray) else float(i + 10 * j)

    module.CLAIM = (lhs, broadcasts_wrong, free)
    out = module.claim_array(z=np.zeros(3))
    assert out.tolist() == [[11.0, 21.0, 31.0], [12.0, 22.0, 32.0], [13.0, 23.0, 33.0]]
