"""Derivations with the same declarations, seed and sizes share their points, tables and closures.

Two derivations of one file (the declarations written twice, at other lines) get the same
Sampler state; any difference that changes a value (the seed, a sampled size, a kind, a
definition's body) gets a state of its own, so nothing computed for one is read by the other.
"""
from derivcheck import spotcheck
from derivcheck.load import load_text
from derivcheck.spotcheck import Sampler


def derivation(claim, define="q[i]: z[i]**2", kind="vector N", pad=0):
    lines = ["derivcheck: 1", "name: t"] + [f"# {n}" for n in range(pad)]
    lines += ["symbols:", "  N: size", "  i j: index N", f"  z: {kind}", "define:", f"  {define}",
              f"claim: {claim}", "steps:", f"  - {claim.split(' == ')[0]}", "  - by: algebra",
              f"    expr: {claim.split(' == ')[1]}"]
    (deriv,) = load_text("\n".join(lines) + "\n", "t.deriv.yaml")
    return deriv


def sampler(deriv, seed=0):
    return Sampler(deriv.ctx, seed, [deriv.claim_lhs, deriv.claim_rhs])


def test_the_same_declarations_at_other_lines_share_the_points():
    spotcheck._LAST.clear()
    a = derivation("D(q[i], z[j]) == 2 * z[i] * delta(i, j)")
    b = derivation("q[i] == z[i] * z[i]", pad=3)
    sa, sb = sampler(a), sampler(b)
    assert sb.program is sa.program and sb.rounds is sa.rounds
    assert sa.compare(a.claim_lhs, a.claim_rhs).counter is None
    assert sb.compare(b.claim_lhs, b.claim_rhs).counter is None
    assert sb.compare(b.claim_lhs, b.claim_rhs + 1).counter is not None


def test_another_seed_draws_its_own_inputs():
    spotcheck._LAST.clear()
    a = derivation("q[i] == z[i]**2")
    s0, s1 = sampler(a, 0), sampler(a, 1)
    assert s1.rounds is not s0.rounds
    e0, e1 = (s.compare(a.claim_lhs, a.claim_rhs + 1) for s in (s0, s1))
    assert e0.counter["inputs"] != e1.counter["inputs"]


def test_other_sizes_are_other_points():
    spotcheck._LAST.clear()
    a = derivation("q[i] == z[i]**2")
    b = derivation("q[i] + delta(i, 9) == z[i]**2 + delta(i, 9)")  # the constant 9: sizes 9 and 10 too
    sa, sb = sampler(a), sampler(b)
    assert sb.sizes != sa.sizes and sb.rounds is not sa.rounds
    n = b.ctx.sizes["N"]
    assert {r.sizes[n] for r in sb.rounds} >= {9, 10}
    assert sb.compare(b.claim_lhs, b.claim_rhs).samples > 0


def test_another_kind_or_body_is_another_state():
    spotcheck._LAST.clear()
    a = derivation("q[i] == z[i]**2")
    sa = sampler(a)
    assert sa.compare(a.claim_lhs, a.claim_rhs).counter is None
    b = derivation("q[i] == z[i]**2", define="q[i]: z[i]**3")
    sb = sampler(b)
    assert sb.program is not sa.program
    assert sb.compare(b.claim_lhs, b.claim_rhs).counter is not None  # q = z³ here, never the other file's z²


def test_another_kind_draws_other_inputs():
    spotcheck._LAST.clear()
    real, positive = (derivation("log(z[i, i]) == log(z[i, i])", define="q[i]: z[i, i]", kind=k)
                      for k in ("matrix N N", "posdef N"))
    first = sampler(real).compare(real.claim_lhs, real.claim_rhs)
    assert first.undefined > 0  # log of a negative diagonal entry
    sp = sampler(positive)
    ev = sp.compare(positive.claim_lhs, positive.claim_rhs)
    assert ev.counter is None and ev.undefined == 0  # positive-definite: a positive diagonal


def test_a_side_known_from_the_last_link_is_looked_up_with_the_same_evidence(monkeypatch):
    # links a = b, then b = c: b's values at the points are had once; the evidence equals a fresh
    # state's, and a comparison cut short by a counterexample leaves nothing half-known behind
    d = derivation("Sum(q[i] * z[j], i) == z[j] * Sum(z[i]**2, i)")
    a, c = d.claim_lhs, d.claim_rhs
    b = derivation("z[j] * Sum(q[i], i) == z[j] * Sum(q[i], i)").claim_lhs
    spotcheck._LAST.clear()
    fresh = sampler(d)
    expected = fresh.compare(b, c)
    spotcheck._LAST.clear()
    s = sampler(d)
    assert s.compare(a, 2 * b).counter is not None  # refuted at its first point: nothing stored
    evaluated = []
    original = spotcheck._value
    monkeypatch.setattr(spotcheck, "_value", lambda fn, ev: evaluated.append(fn) or original(fn, ev))
    first = s.compare(a, b)
    assert first.counter is None and first.samples >= 10
    count = len(evaluated)
    assert count == 2 * first.samples  # both sides evaluated at every point
    assert s.compare(b, c) == expected  # the same counts and deviation as a fresh state
    assert len(evaluated) == count + first.samples  # only c evaluated: b was known
    assert s.compare(b, c + 1).counter is not None
