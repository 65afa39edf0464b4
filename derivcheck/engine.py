"""The pure engine: verify(derivation) -> DerivationResult, replaying every link with the rules."""
import dataclasses
import time

from sympy import diff

from . import canon, cases, digest
from .calculus import D, bottom_up, real_definition, unfold_all, unfold_except, variable_base
from .model import (
    MISJUSTIFIED, PROVED, REFUTED, UNPROVED,
    Cases, Check, Derivation, DerivationResult, Outcome, StepResult, worst,
)
from .lemmas import incompatibility, lemma_rule
from .spotcheck import Sampler
from .rulebase import Env
from .rewriting import ALGEBRA, _justifying, _try, proves, rewrite  # noqa: F401 - proves: the engine's face
from .rules import BOOKKEEPING, CHECKS, lookup
from .verdict import decide, first_failure

class _Replay:
    """The state of one derivation's replay: its sampler, results and checks."""

    def __init__(self, deriv, options, lemmas=None, preset=None, progress=None, memo=None):
        self.preset = preset or {}
        self.progress = progress or (lambda event, index, outcome=None: None)
        self.memo = memo
        self.deriv = deriv
        self.ctx = deriv.ctx
        self.sampler = Sampler(deriv.ctx, options["seed"], _expressions(deriv), _conditions(deriv.chain))
        # the sizes sampled depend on every constant of the derivation: they are in every key
        self.fingerprint = (digest.derivation_digest(deriv, {**options, "sizes sampled": self.sampler.sizes},
                                                     lemmas or {}) if memo is not None else None)
        self.lemmas = {name: self._usable(name, v) for name, v in (lemmas or {}).items()}
        self.steps = []
        self.checks = []

    def _usable(self, name, lemma):
        """The Rule of a cited verified derivation, or why it cannot be used here (a reason).

        The compatibility check runs as an item of its own ("lemma:NAME"), so it is under the
        same time limit as a link, and a failure of it is a reason, never an exception.
        """
        if not isinstance(lemma, Derivation):
            return lemma
        item = f"lemma:{name}"
        if item in self.preset:
            outcome = self.preset[item]
        else:
            self.progress("start", item)
            try:
                reason = incompatibility(lemma, self.ctx)
                outcome = Outcome(REFUTED, reason) if reason else Outcome(PROVED)
            except Exception as exc:  # noqa: BLE001 - a check that fails proves nothing: the lemma is unusable
                outcome = Outcome(UNPROVED, f"{type(exc).__name__}: {exc}")
            self.progress("done", item, outcome)
        if outcome.status == REFUTED:
            return outcome.message
        if outcome.status != PROVED:  # failed, or stopped by the worker's limits
            return f"{name} could not be compared with these declarations ({outcome.message})"
        return lemma_rule(lemma, self.ctx)

    def link(self, prev, step, conditions):
        """The outcome of prev = step.expr under conditions, by step.rules."""
        a, b = prev, step.expr
        counter, samples, undefined, dev = self.sampler.compare(a, b, conditions)
        named = None
        if step.rules is not None:
            named = [lookup(r) or self.lemmas.get(r) or f"{r} is no rule and no verified derivation" for r in step.rules]
        unavailable = [r for r in named or () if isinstance(r, str)]
        if unavailable:
            named = [r for r in named if not isinstance(r, str)]
        if named is not None:
            ok, env = _try(a, b, named + [ALGEBRA], self.ctx, conditions, fold=not unavailable)
            trace = {}
            if not ok:  # the named rules first, then with the bookkeeping (which could pre-empt a lemma)
                ok, env = _try(a, b, named + [r for r in BOOKKEEPING if r not in named], self.ctx, conditions,
                               first=named, trace=trace)
            found = tuple(r.name for r in named) if ok else None
        else:
            env, found = None, _justifying(a, b, self.ctx, conditions)
            ok = found is not None
            if ok:
                found = found or tuple(r.name for r in BOOKKEEPING)
        if counter is not None:
            msg = "numeric counterexample"
            if ok and env is not None and "assumption" in env.fired:
                msg += " although the rules rewrote both sides to one form with an assumption: the assumption " \
                       "does not hold here (see its check)"
            elif ok:
                msg += " although the rules rewrote both sides to one form (an engine fault: please report)"
            return Outcome(REFUTED, msg, counterexample=counter, samples=samples)
        evidence = _evidence(samples, dev, undefined)
        if ok and not samples:
            return Outcome(UNPROVED, f"the rules rewrite both sides to one form ({', '.join(found)}), but {evidence}",
                           rules_found=found, samples=samples)
        if ok and named is not None and unavailable:  # the link names a lemma it cannot use: true, not by it
            used = tuple(dict.fromkeys(found + tuple(sorted(env.fired)))) or ("algebra",)
            return Outcome(MISJUSTIFIED, f"true, but not by what the link names ({'; '.join(unavailable)}); it "
                           f"follows by {', '.join(used)}; {evidence}", rules_found=used, samples=samples)
        if ok and named is not None:
            return Outcome(PROVED, f"by {', '.join(found)}; {evidence}", rules_found=found,
                           side_conditions=tuple(env.notes), samples=samples)
        if ok:
            return Outcome(PROVED, f"no rule named; derivcheck found: {', '.join(found)}; {evidence}",
                           rules_found=found, samples=samples)
        why = "".join(f"; {reason}" for reason in unavailable)
        if named is not None and samples:  # with no numeric evidence a link is never counted as holding
            extra = _justifying(a, b, self.ctx, conditions, named, trace)
            if extra is not None:
                found = tuple(r.name for r in named) + extra
                return Outcome(MISJUSTIFIED, f"true, but it also needs {', '.join(extra) or 'other rules'}, which "
                               f"the link does not name{why}; {evidence}", rules_found=found, samples=samples)
        return Outcome(UNPROVED, f"no symbolic proof found{why}; {evidence}", samples=samples)

    def replay(self, entries, ends, conditions):
        """Check entries after the chain ends (expr, conditions); return the new ends."""
        for entry in entries:
            if isinstance(entry, Cases):
                new_ends = []
                self.coverage(entry, conditions)
                for case in entry.cases:
                    inner = conditions + (case.condition,)
                    new_ends += self.replay(case.steps, [(e, inner) for e, _ in ends], inner)
                ends = new_ends
                continue
            if not ends:  # the start of the chain: checked against the claim by endpoints()
                ends = [(entry.expr, conditions)]
                continue
            if entry.index in self.preset:
                outcomes = [self.preset[entry.index]]
            else:
                self.progress("start", entry.index)
                outcomes = [self._remembered(("link", prev, entry.expr, entry.rules, conds),
                                             lambda p=prev, c=conds: self.link(p, entry, c)) for prev, conds in ends]
            status = worst(o.status for o in outcomes)
            chosen = next(o for o in outcomes if o.status == status)
            if len(outcomes) > 1 and status in (PROVED, MISJUSTIFIED):  # a merge: one outcome for every case
                samples = sum(o.samples for o in outcomes)
                chosen = dataclasses.replace(
                    chosen, samples=samples,
                    message=f"under each of the {len(outcomes)} cases: by {', '.join(chosen.rules_found)}; "
                            f"numerically consistent at {samples} samples",
                    side_conditions=tuple(dict.fromkeys(c for o in outcomes for c in o.side_conditions)))
            self.steps.append(StepResult(entry, chosen))
            self.progress("done", entry.index, chosen)
            ends = [(entry.expr, conditions)]
        return ends

    def coverage(self, entry, conditions):
        """Exactly one case condition holds at every assignment (under the enclosing cases), decided for every size."""
        outcome = cases.decide([c.condition for c in entry.cases], conditions, self.ctx)
        self.checks.append(Check("cases", entry.line, outcome))

    def endpoints(self, start, ends):
        d = self.deriv
        ok = self._meets(start.expr, d.claim_lhs, CHECKS["start"], ())
        self.checks.append(Check("start", start.line, self._end_outcome(ok, start.expr, d.claim_lhs, (), "the chain starts at the claim's left side")))
        outcomes = []
        for expr, conds in ends:
            ok = self._meets(expr, d.claim_rhs, CHECKS["end"], conds)
            outcomes.append(self._end_outcome(ok, expr, d.claim_rhs, conds, "the chain ends at the claim's right side"))
        status = worst(o.status for o in outcomes)
        last = d.steps()[-1]
        self.checks.append(Check("end", last.line, next(o for o in outcomes if o.status == status)))

    def _meets(self, a, b, rules, conds):
        """Whether an end of the chain is the claim's side: written as it (no rewrite), or by rules."""
        return a == b or _try(a, b, rules, self.ctx, conds, fold=True)[0]

    def _end_outcome(self, ok, a, b, conds, what):
        counter, samples, undefined, dev = self.sampler.compare(a, b, conds)
        if counter:
            return Outcome(REFUTED, f"not true that {what}: numeric counterexample", counterexample=counter)
        if ok and samples:
            return Outcome(PROVED, what, samples=samples)
        if ok:
            return Outcome(UNPROVED, f"{what} by algebra, but {_evidence(samples, dev, undefined)}", samples=samples)
        return Outcome(UNPROVED, f"{what}: not shown by algebra, {_evidence(samples, dev, undefined)}", samples=samples)

    def assumptions(self):
        """Each `assume` entry: refuted if the numbers contradict it, else proved by the rules or a hypothesis."""
        facts = dataclasses.replace(self.ctx, assumptions=[a for a in self.ctx.assumptions if a[2] is None])
        for lhs, rhs, line in self.ctx.assumptions:
            if line is None:
                continue  # a fact of a declared kind (onehot, simplex): true by construction
            text = self.ctx.assumption_texts.get((lhs, rhs, line)) or f"{lhs} == {rhs}"
            counter, samples, undefined, dev = self.sampler.compare(lhs, rhs)
            proved = counter is None and self._proved_fact(lhs, rhs, facts)
            if counter is not None:
                outcome = Outcome(REFUTED, "this assumption does not hold on the declared domains",
                                  counterexample=counter)
            elif proved and samples:
                outcome = Outcome(PROVED, f"proved from the definitions, algebra and the declared facts; "
                                          f"{_evidence(samples, dev, undefined)}", samples=samples)
            elif proved:
                outcome = Outcome(UNPROVED, f"a hypothesis: the rules prove it, but {_evidence(samples, dev, undefined)}")
            else:
                outcome = Outcome(UNPROVED, f"a hypothesis: not proved from the definitions, algebra and the declared "
                                            f"facts; {_evidence(samples, dev, undefined)}", samples=samples)
            self.checks.append(Check("assume", line, outcome, text))

    def _proved_fact(self, lhs, rhs, facts):
        """Whether lhs == rhs follows as the claim check would show it, from the declared facts alone
        (never from an assume entry, so no entry proves itself or another)."""
        try:
            return canon.equal(self._sympy_form(lhs, facts), self._sympy_form(rhs, facts))
        except Exception:  # noqa: BLE001 - SymPy failing on an odd form proves nothing: a hypothesis
            return False

    def _remembered(self, key, compute):
        """compute(), or its earlier Outcome for the same inputs from the memo (see digest.py)."""
        if self.memo is None:
            return compute()
        key = digest.link_key(self.fingerprint, key)
        found = self.memo.get(key)
        if found is not None:
            return found
        outcome = compute()
        self.memo.put(key, outcome)
        return outcome

    def claim(self):
        if "claim" in self.preset:
            return self.preset["claim"]
        self.progress("start", "claim")
        outcome = self._remembered(("claim", self.deriv.claim_lhs, self.deriv.claim_rhs), self._claim)
        self.progress("done", "claim", outcome)
        return outcome

    def _claim(self):
        """The claim itself: SymPy's own diff with delta sifting, then the numeric samples."""
        d = self.deriv
        counter, samples, undefined, dev = self.sampler.compare(d.claim_lhs, d.claim_rhs)
        if counter is not None:
            return Outcome(REFUTED, "the claim is false: numeric counterexample", counterexample=counter, samples=samples)
        ok = False
        evidence = _evidence(samples, dev, undefined)
        if not samples:
            return Outcome(UNPROVED, f"the claim cannot be checked: {evidence}", samples=samples)
        losses = {sym for sym, _, _ in self.ctx.losses.values()}
        sides = None  # unfolded everywhere: large; built only when needed (no loss declared, the shortcut proves)
        if losses:
            sides = [unfold_all(e, self.ctx) for e in (d.claim_lhs, d.claim_rhs)]
            if losses & (sides[0].free_symbols | sides[1].free_symbols):
                return Outcome(UNPROVED, "the claim involves an unspecified loss, which SymPy cannot differentiate: "
                               f"checked numerically with a random smooth loss; {evidence}", samples=samples)
        try:
            ok = self._folded_claim(d.claim_lhs, d.claim_rhs)
            if not ok:
                sides = sides or [unfold_all(e, self.ctx) for e in (d.claim_lhs, d.claim_rhs)]
                lhs, rhs = (self._sympy_form(e, unfolded=True) for e in sides)
                ok = canon.equal(lhs, rhs, self.ctx)
        except (canon.TooLarge, RecursionError, TypeError, ValueError):
            ok = False
        if ok:
            return Outcome(PROVED, f"SymPy's diff, delta sifting and the declared facts give both sides one form; "
                           f"{evidence}", samples=samples)
        return Outcome(UNPROVED, f"SymPy's diff did not reach one form; {evidence}", samples=samples)

    def _folded_claim(self, lhs, rhs):
        """Whether the claim check meets one form with the derivatives' variable p kept folded after the
        derivative is taken, when every D of the claim is by an entry of one defined p (D(L, Z2) with Z2 :=
        A1 @ W2 + b2): the entries of p are then other real variables, and sides equal for every value of
        them are equal at p's own (smaller forms than unfolding p everywhere; False sends the claim to the
        full check). Inside D(f, p[n]) p is folded in either check; no other name is kept folded there."""
        variables = {variable_base(n.args[1]) for side in (lhs, rhs) for n in side.atoms(D)}
        if len(variables) != 1 or not real_definition(next(iter(variables)), self.ctx):
            return False
        bodies = [d.body for d in self.ctx.definitions.values()] + [f.body for f in (self.ctx.functions or {}).values()]
        if any(body is not None and body.has(D) for body in bodies):
            return False  # a D by another variable unfolded outside D(., p[n]): p must unfold inside it
        try:
            forms = [self._sympy_form(e, keep=frozenset(variables)) for e in (lhs, rhs)]
            return canon.equal(*forms, self.ctx)
        except Exception:  # noqa: BLE001 - the shortcut failing proves nothing: the full check decides
            return False

    def _sympy_form(self, expr, ctx=None, unfolded=False, keep=frozenset()):
        """expr as the claim check compares it; unfolded: expr is unfold_all's already; keep: names left
        folded outside the derivatives (see _folded_claim)."""
        ctx = self.ctx if ctx is None else ctx
        env = Env(ctx)
        facts = CHECKS["claim"]  # declared ranges and domain facts
        if not unfolded:
            expr = unfold_except(expr, ctx, keep)  # a defined p stays folded inside D(f, p[n]) ...
        expr = bottom_up(expr, lambda n, s: _diff(*n.args) if isinstance(n, D) else n)
        expr = unfold_except(expr, ctx, keep)  # ... until the derivative is taken
        expr = rewrite(expr, facts, env)
        return rewrite(canon.normal(expr, ctx), facts, env)


_DIFFS = {}  # (f, x) -> SymPy's diff(f, x): a pure function of its arguments, met again across derivations


def _diff(f, x):
    found = _DIFFS.get((f, x))
    if found is None:
        if len(_DIFFS) >= 1024:
            _DIFFS.clear()
        found = _DIFFS[(f, x)] = diff(f, x)
    return found


def _evidence(samples, dev, undefined=0):
    skipped = f"; {undefined} points skipped where a side is undefined" if undefined else ""
    if samples == 0:
        return f"no numeric sample could be evaluated (no point, or a side undefined at every point{skipped}): no numeric evidence"
    return f"numerically consistent at {samples} samples (max deviation {dev:.1e} of the magnitudes{skipped})"


def _expressions(deriv):
    """Every expression of the derivation: the claim's sides and every step."""
    return [deriv.claim_lhs, deriv.claim_rhs] + [s.expr for s in deriv.steps()]


def _conditions(entries):
    """Every case condition of the chain."""
    out = []
    for entry in entries:
        if isinstance(entry, Cases):
            for case in entry.cases:
                out.append(case.condition)
                out += _conditions(case.steps)
    return out


def verify(deriv, strict=False, seed=0, lemmas=None, preset=None, progress=None, memo=None):
    """Replay deriv link by link; the result carries every step's status and evidence.

    lemmas maps each cited derivation name to that verified Derivation (its claim becomes a
    rule once its declarations are found compatible with deriv's: item "lemma:NAME" of preset
    and progress), or to the reason it cannot be used. preset gives outcomes already known by step
    index (not recomputed); progress(event, index, outcome) hears each link start and finish;
    memo (get/put by key) remembers outcomes across runs.
    """
    began = time.perf_counter()
    run = _Replay(deriv, {"strict": strict, "seed": seed}, lemmas, preset, progress, memo)
    ends = run.replay(deriv.chain, [], ())
    start = deriv.chain[0]
    run.endpoints(start, ends)
    run.assumptions()
    claim = run.claim()
    result = DerivationResult(deriv, "", claim, run.steps, run.checks, strict)
    result.verdict = decide(result)
    result.failure = first_failure(result)
    result.seconds = time.perf_counter() - began
    return result


