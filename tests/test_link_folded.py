"""A link's first try keeps the derivatives' defined variables folded outside every D (rewriting._try,
fold=True): it changes no outcome (statuses, messages, side conditions) and proves nothing false."""
from pathlib import Path

from sympy import KroneckerDelta

from derivcheck import canon, engine, rewriting
from derivcheck.engine import verify
from derivcheck.load import load_file, load_text
from derivcheck.model import VERIFIED
from derivcheck.rules import BY_NAME, CHECKS

ROOT = Path(__file__).resolve().parent.parent
MLP = ROOT / "derivcheck" / "builtins" / "mlp_backprop.deriv.yaml"
FILES = [MLP, ROOT / "derivcheck" / "builtins" / "softmax_cross_entropy.deriv.yaml",
         ROOT / "examples" / "seeds" / "002-softmax-cross-entropy-gradient.deriv.yaml"]

CHAIN = """\
derivcheck: 1
name: chain
symbols:
  N: size
  i j: index N
  x: vector N
define:
  u[i]: 3 * x[i]
  y[i]: 2 * u[i]
  q[i]: y[i]**2
  r[i]: 2 * log(x[i])
claim: D(q[i], u[j]) == 8 * u[i] * delta(i, j)
steps:
  - D(q[i], u[j])
  - by: [definition, power_rule, constant_rule, index_rule]
    expr: 8 * u[i] * delta(i, j)
"""


def _outcomes(deriv):
    result = verify(deriv)
    steps = [(s.step.index, s.outcome.status, s.outcome.message, s.outcome.side_conditions, s.outcome.rules_found)
             for s in result.steps]
    checks = [(c.kind, c.outcome.status, c.outcome.message) for c in result.checks]
    return result.verdict, steps, checks, (result.claim.status, result.claim.message)


def _spy(monkeypatch):
    seen = []
    original = rewriting._attempt

    def attempt(a, b, rules, env, first, trace):
        ok = original(a, b, rules, env, first, trace)
        if env.folded:
            seen.append(ok)
        return ok

    monkeypatch.setattr(rewriting, "_attempt", attempt)
    return seen


def test_folding_changes_no_outcome(monkeypatch):
    seen = _spy(monkeypatch)
    derivations = [d for path in FILES for d in load_file(path)]
    folded = [_outcomes(d) for d in derivations]
    assert seen.count(True) >= 20 and seen.count(False) >= 1  # used, and fallen back from (mlp-backprop-db1)
    monkeypatch.setattr(rewriting, "folded_names", lambda a, b, ctx: frozenset())
    monkeypatch.setattr(engine._Replay, "_meets", lambda self, a, b, rules, conds: rewriting._try(
        a, b, rules, self.ctx, conds)[0])  # the ends by rules even when written as the claim's sides
    seen.clear()
    assert [_outcomes(d) for d in derivations] == folded
    assert not seen


def test_a_failed_folded_try_falls_back_to_the_full_one(monkeypatch):
    """mlp-backprop-db1 link 1: D(L, b1) = Σ_m D(L, Z1[m, h]) needs Z1 unfolded; it is proved, with the
    side conditions of the full try."""
    seen = _spy(monkeypatch)
    deriv = next(d for d in load_file(MLP) if d.name == "mlp-backprop-db1")
    result = verify(deriv)
    assert seen[0] is False
    a, b = deriv.steps()[0].expr, deriv.steps()[1].expr
    rules = [BY_NAME[n] for n in deriv.steps()[1].rules] + [rewriting.ALGEBRA]
    ok, env = rewriting._try(a, b, rules, deriv.ctx, (), fold=True)
    assert ok and env.folded == frozenset()  # the full try's Env: its notes are the link's side conditions
    first = result.steps[0].outcome
    assert first.status == "proved"
    assert first.side_conditions == (("chain_rule", "L depends on b1[h] only through Z2"), ("delta_sift", "h ∈ 1..H"),
                                     ("chain_rule", "L depends on Z1[m, h] only through Z2"), ("delta_sift", "m ∈ 1..N"))


def test_the_folded_try_proves_the_true_link_and_not_a_false_one():
    deriv = next(d for d in load_file(MLP) if d.name == "mlp-backprop-dz2")
    steps = deriv.steps()
    a, b = steps[1].expr, steps[2].expr  # the softmax Jacobian inside the gradient
    rules = [BY_NAME[n] for n in steps[2].rules] + [rewriting.ALGEBRA]
    z2 = deriv.ctx.definitions["Z2"].target
    assert rewriting.folded_names(a, b, deriv.ctx) == {z2}
    ok, env = rewriting._try(a, b, rules, deriv.ctx, (), fold=True)
    assert ok and env.folded == {z2}
    for wrong in (2 * b, b.subs(deriv.ctx.indices["c"], deriv.ctx.indices["k"]), b + KroneckerDelta(*b.atoms(
            KroneckerDelta).pop().args) / deriv.ctx.sizes["N"]):
        assert not rewriting._try(a, wrong, rules, deriv.ctx, (), fold=True)[0]


def test_only_real_defined_variables_are_folded():
    (deriv,) = load_text(CHAIN, "chain.deriv.yaml")
    ctx = deriv.ctx
    defined = {name: d.target for name, d in ctx.definitions.items()}
    i, j = ctx.indices["i"], ctx.indices["j"]
    from derivcheck.calculus import D

    assert rewriting.folded_names(D(defined["q"][i], defined["u"][j]), defined["q"][i], ctx) == {defined["u"]}
    assert rewriting.folded_names(D(defined["q"][i], defined["r"][j]), defined["q"][i], ctx) == frozenset()
    assert rewriting.folded_names(D(defined["q"][i], ctx.arrays["x"].base[j]), defined["q"][i], ctx) == frozenset()


def test_a_chain_through_folded_names_is_still_proved_and_a_wrong_one_refuted(monkeypatch):
    seen = _spy(monkeypatch)
    (deriv,) = load_text(CHAIN, "chain.deriv.yaml")
    assert verify(deriv).verdict == VERIFIED
    assert seen == [True]
    wrong = CHAIN.replace("expr: 8 * u[i] * delta(i, j)", "expr: 4 * u[i] * delta(i, j)").replace(
        "claim: D(q[i], u[j]) == 8 * u[i]", "claim: D(q[i], u[j]) == 4 * u[i]")
    (deriv,) = load_text(wrong, "chain.deriv.yaml")
    result = verify(deriv)
    assert result.verdict != VERIFIED and result.steps[0].outcome.status == "refuted"


def test_a_folded_try_gives_up_before_the_normal_form_when_a_folded_name_is_on_one_side(monkeypatch):
    """mlp-backprop-db1 link 1: the rewritten left side has Z1 unfolded (inside D(., b1) Z1 is no
    variable), the right side keeps Z1[m, h] folded: no normal form can meet them, the full try decides."""
    deriv = next(d for d in load_file(MLP) if d.name == "mlp-backprop-db1")
    a, b = deriv.steps()[0].expr, deriv.steps()[1].expr
    rules = [BY_NAME[n] for n in deriv.steps()[1].rules] + [rewriting.ALGEBRA]
    z1 = deriv.ctx.definitions["Z1"].target
    env = rewriting.Env(deriv.ctx, (), sides=(a, b), folded=frozenset({z1}))

    def no_normal_form(*args, **kwargs):
        raise AssertionError("the normal form was computed")

    monkeypatch.setattr(canon, "equal", no_normal_form)
    assert rewriting.proves(a, b, rules, env) is False
    assert rewriting._names_in(b, {z1}) == {z1} and rewriting._names_in(a, {z1}) == set()


def test_an_end_written_as_the_claims_side_meets_it_without_a_rewrite(monkeypatch):
    deriv = next(d for d in load_file(MLP) if d.name == "mlp-backprop-dz2")
    run = engine._Replay(deriv, {"seed": 0, "strict": False})
    rhs, end = deriv.claim_rhs, deriv.steps()[-1].expr
    assert end == rhs
    tries = []
    original = engine._try
    monkeypatch.setattr(engine, "_try", lambda *a, **k: tries.append(a) or original(*a, **k))
    assert run._meets(end, rhs, CHECKS["end"], ()) is True and not tries
    assert run._meets(2 * end, rhs, CHECKS["end"], ()) is False and tries  # anything else: by the rules
    assert run._meets(end.expand(), rhs, CHECKS["end"], ()) is True
