"""`define` entries that refer to each other in a cycle are refused, through entries and sums too."""
import pytest

from derivcheck.errors import DerivError
from derivcheck.load import load_text

HEAD = """derivcheck: 1
name: t
symbols:
  N: size
  i j k: index N
  x: real
  z: vector N
define:
"""


def _load(defs):
    return load_text(HEAD + "".join(f"  {d}\n" for d in defs) + "claim: x == x\nsteps:\n  - x\n")


@pytest.mark.parametrize("defs,trail", [
    (["a: b + x", "b: 2 * a"], "a -> b -> a"),
    (["p[i]: q[i] * 2", "q[i]: exp(p[i])"], "p -> q -> p"),
    (["a: Sum(q[k], k)", "q[i]: a * z[i]"], "a -> q -> a"),  # q read at a summed index only
    (["a: a + 1"], "a -> a"),
    (["c: x", "a: c * D(b, x)", "b: exp(a)"], "a -> b -> a"),  # inside a derivative
])
def test_a_cycle_is_refused(defs, trail):
    with pytest.raises(DerivError) as info:
        _load(defs)
    assert [e.message for e in info.value.errors] == [f"definitions refer to each other in a cycle: {trail}"]


def test_definitions_in_order_are_not_a_cycle():
    (d,) = _load(["a: x", "b: a + Sum(z[k], k)", "p[i]: b * z[i]", "c: Sum(p[k], k) + a"])
    assert set(d.ctx.definitions) == {"a", "b", "p", "c"}
