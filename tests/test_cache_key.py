"""The link cache cannot go stale: its key covers everything a link's outcome depends on."""
import json
import re
from pathlib import Path
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import DATA
from derivcheck import builtins, digest
from derivcheck.cache import LinkCache
from derivcheck.cli import main
from derivcheck.engine import verify
from derivcheck.errors import DerivError
from derivcheck.load import load_file, load_text
from derivcheck.model import PROVED, Outcome

SAMPLE = (DATA / "every_field.deriv.yaml").read_text()
MAIN_AT = SAMPLE.index("name: main")  # edits below this point are edits of `main`


class Keys:
    """A memo that records every key asked for; it answers from `known` (by default, with a
    stand-in outcome, so that nothing is computed) and remembers what it is given."""

    def __init__(self, compute=False):
        self.asked, self.given, self.compute = [], {}, compute

    def get(self, key):
        self.asked.append(key)
        return None if self.compute else Outcome(PROVED, "stand-in")

    def put(self, key, outcome):
        self.given[key] = outcome


def main_keys(text, compute=False):
    """The keys (in replay order: links, then the claim) of `main`, citing `lem`, in text."""
    lem, deriv = load_text(text, "sample.deriv.yaml")
    memo = Keys(compute)
    verify(deriv, lemmas={"lem": lem}, memo=memo)
    return memo


def edit_main(old, new):
    head, tail = SAMPLE[:MAIN_AT], SAMPLE[MAIN_AT:]
    assert tail.count(old) == 1, old
    return head + tail.replace(old, new)


def edit_lem(old, new):
    head, tail = SAMPLE[:MAIN_AT], SAMPLE[MAIN_AT:]
    assert head.count(old) == 1, old
    return head.replace(old, new) + tail


# the keys of `main`: 0 link to step 1 (by lem), 1 case i == j, 2 case i != j, 3 and 4 the last link
# from each case's end, 5 the claim
EVERY = set(range(6))
EDITS = [  # (what, edited file, positions whose key must change)
    ("a size", edit_main("N C: size", "N C M: size"), EVERY),
    ("an index range", edit_main("c: index 1..C", "c: index 2..C"), EVERY),
    ("an index's size", edit_main("i j k: index N", "i j k: index C"), EVERY),
    ("a vector's kind", edit_main("w: positive N", "w: vector N"), EVERY),
    ("a vector's length", edit_main("w: positive N", "w: positive C"), EVERY),
    ("a one-hot vector", edit_main("y: onehot N", "y: vector N"), EVERY),
    ("a simplex", edit_main("q: simplex N", "q: positive N"), EVERY),
    ("a matrix shape", edit_main("X: matrix N C", "X: matrix C N"), EVERY),
    ("label values", edit_main("lab: labels N C", "lab: labels N N"), EVERY),
    ("a scalar's kind", edit_main("a: real", "a: positive"), EVERY),
    ("a positive scalar", edit_main("b: positive", "b: real"), EVERY),
    ("a definition's body", edit_main("s: Sum(exp(z[k]), k)", "s: Sum(exp(2 * z[k]), k)"), EVERY),
    ("a definition's parameters", edit_main("p[i]: exp(z[i]) / s", "p[j]: exp(z[j]) / s"), EVERY),
    ("a matrix definition", edit_main("Z: X * a", "Z: X * b"), EVERY),
    ("the loss", edit_main("L: loss(Z)", "L: loss(X)"), EVERY),
    ("an assumption", edit_main("Sum(q[k], k) == 1", "Sum(q[k], k) == 2"), EVERY),
    ("the claim", edit_main("exp(z[j]) * a + delta(i, j)\n    steps", "exp(z[j]) * b + delta(i, j)\n    steps"),
     EVERY),
    ("the name", edit_main("name: main", "name: main2"), EVERY),
    ("the title", edit_main("title: every kind of field", "title: another"), EVERY),
    ("the first step", edit_main("- D(s, z[j]) * a + delta(i, j)", "- D(s, z[j]) * b + delta(i, j)"), {0}),
    ("a link's rules", edit_main("- by: lem", "- by: [lem, algebra]"), {0}),
    ("a link's expression", edit_main("expr: exp(z[j]) * a + delta(i, j)\n      - cases",
                                      "expr: exp(z[j]) * a + delta(i, k)\n      - cases"), {0, 1, 2}),
    ("a case condition", edit_main("when: i == j", "when: j == i"), {1, 3}),
    ("a case's expression", edit_main("expr: exp(z[j]) * a + 1", "expr: exp(z[j]) * a + 2"), {1, 3}),
    ("a case's rules", edit_main("by: delta_cases\n                expr: exp(z[j]) * a\n",
                                 "by: algebra\n                expr: exp(z[j]) * a\n"), {2}),
    ("the last expression", edit_main("after the cases\n        expr: exp(z[j]) * a + delta(i, j)\n",
                                      "after the cases\n        expr: exp(z[j]) * a + delta(i, k)\n"),
     {3, 4}),
    ("a constant that moves the sampled sizes", edit_main("after the cases\n        expr: exp(z[j]) * a + delta(i, j)\n",
                                                          "after the cases\n        expr: exp(z[j]) * a + delta(i, 9)\n"),
     EVERY),
    ("the cited claim", edit_lem("claim: D(s, z[j]) == exp(z[j])", "claim: D(s, z[j]) == exp(z[j]) + 0 * z[j]"), EVERY),
    ("the cited declarations", edit_lem("j k: index N", "j k: index 2..N"), EVERY),
    ("the cited definition", edit_lem("s: Sum(exp(z[k]), k)", "s: Sum(exp(z[j]), j)"), EVERY),
]


def test_the_sample_has_the_expected_keys():
    keys = main_keys(SAMPLE).asked
    assert len(keys) == 6 and len(set(keys)) == 6


@pytest.mark.parametrize("what,text,changed", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_of_any_field_changes_the_key_of_every_link_it_affects(what, text, changed):
    before, after = main_keys(SAMPLE).asked, main_keys(text).asked
    moved = {n for n, (a, b) in enumerate(zip(before, after)) if a != b}
    assert changed <= moved, f"{what}: keys {sorted(changed - moved)} did not change"
    if changed == EVERY:  # nothing of the old file can answer for the new one
        assert not set(before) & set(after)


def test_the_options_and_the_code_are_in_the_key(monkeypatch):
    lem, deriv = load_text(SAMPLE, "sample.deriv.yaml")

    def keys(**options):
        memo = Keys()
        verify(deriv, lemmas={"lem": lem}, memo=memo, **options)
        return set(memo.asked)

    plain = keys()
    assert keys(seed=1).isdisjoint(plain)
    assert keys(strict=True).isdisjoint(plain)
    assert keys(seed=0) == plain
    monkeypatch.setattr(digest, "code_digest", lambda: "another engine")
    assert keys().isdisjoint(plain)


def test_the_code_digest_covers_the_builtin_files_and_the_rules():
    from derivcheck import rules

    before = digest.code_digest()
    digest.code_digest.cache_clear()
    assert digest.code_digest() == before  # stable
    listed = [builtins.HERE / "softmax.deriv.yaml"]
    assert all(p.exists() for p in listed) and rules.__file__


def test_every_field_of_real_derivations_is_spelled_out():
    """No field of a derivation falls back to a repr (a new type must be taught to the digest)."""
    paths = [DATA / "every_field.deriv.yaml", *sorted(builtins.HERE.glob("*.deriv.yaml"))]
    for path in paths:
        for deriv in load_file(path):
            digest.stable({f: getattr(deriv, f) for f in vars(deriv) if f != "chain"}, strict=True)
            digest.stable([(s.expr, s.rules) for s in deriv.steps()], strict=True)


def test_keys_are_the_same_in_another_process(tmp_path):
    import os

    import derivcheck

    here = Path(derivcheck.__file__).resolve().parent.parent  # the same derivcheck as this process (installed or not)
    code = ("from derivcheck.load import load_text; from derivcheck.engine import verify;"
            f"import sys; sys.path.insert(0, {str(DATA.parent)!r}); from test_cache_key import main_keys, SAMPLE;"
            "print(main_keys(SAMPLE).asked)")
    env = dict(os.environ, PYTHONPATH=str(here))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env=env)
    assert out.stdout.strip() == str(main_keys(SAMPLE).asked)


# -- the property: one key, one outcome ------------------------------------------------------
TOKENS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
EXPRESSION_LINE = re.compile(r"^ *(?:- )?(?:expr|claim|when|[A-Za-z]+(?:\[[a-z, ]*\])?)?:? (.*[\[(=].*)$", re.M)
SPANS = [m.span() for line in EXPRESSION_LINE.finditer(SAMPLE, MAIN_AT)
         for m in TOKENS.finditer(SAMPLE, line.start(1), line.end(1))]
VOCABULARY = ["i", "j", "k", "c", "z", "w", "y", "q", "X", "a", "b", "s", "p", "N", "C", "1", "2", "exp", "log"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_a_key_never_stands_for_two_outcomes(data):
    """Edit one token of `main` anywhere; verify both files for real: every key that both runs
    ask for must have been given the same outcome (else a cached answer would be stale)."""
    start, end = data.draw(st.sampled_from(SPANS))
    token = data.draw(st.sampled_from(VOCABULARY))
    text = SAMPLE[:start] + token + SAMPLE[end:]
    assume(text != SAMPLE)
    try:
        edited = main_keys(text, compute=True).given
    except DerivError:
        assume(False)
    original = main_keys(SAMPLE, compute=True).given
    for key in set(original) & set(edited):
        assert original[key] == edited[key]


# -- end to end --------------------------------------------------------------------------------
def test_editing_the_loss_is_not_answered_from_the_cache(tmp_path, monkeypatch):
    """Issue 10, item 3: `L: loss(Z2)` edited to `L: loss(W2)` must not stay VERIFIED."""
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    source = (builtins.HERE / "mlp_backprop.deriv.yaml").read_text()
    first = source.split("  - derivcheck: 1\n")[1]
    text = "derivcheck: 1\n" + "\n".join(line[4:] for line in first.splitlines()) + "\n"
    path = tmp_path / "backprop.deriv.yaml"
    path.write_text(text)
    args = ["verify", str(path), "--format", "json"]
    assert CliRunner().invoke(main, args).exit_code == 0
    path.write_text(text.replace("L: loss(Z2)", "L: loss(W2)"))
    cached = CliRunner().invoke(main, args)
    fresh = CliRunner().invoke(main, args + ["--no-cache"])
    assert fresh.exit_code == 1
    assert cached.exit_code == 1 and json.loads(cached.output) == json.loads(fresh.output)


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path):
    cache = LinkCache(tmp_path)
    key = "ab" * 32
    cache.put(key, Outcome(PROVED, "by algebra", rules_found=("algebra",), side_conditions=(("r", "x ≠ 0"),),
                           samples=3))
    assert cache.get(key) == Outcome(PROVED, "by algebra", rules_found=("algebra",),
                                     side_conditions=(("r", "x ≠ 0"),), samples=3)
    path = next(tmp_path.rglob("*.json"))
    for damaged in ("{not json", "[]", '{"status": "great"}', json.dumps({**json.loads(path.read_text()),
                                                                           "samples": "3"})):
        path.write_text(damaged)
        assert cache.get(key) is None


def test_outcomes_survive_plain_data_exactly():
    """Outcome.to_dict/from_dict (the cache and the worker pipe): JSON and back gives the same
    Outcome, counterexamples included (a refuted link, a case split that misses a case)."""
    from conftest import variant, verify_text

    wrong = verify_text(variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum"))
    gap = SAMPLE[MAIN_AT:].replace("when: i != j", "when: i == j + 1")
    lem, deriv = load_text(SAMPLE[:MAIN_AT] + gap, "gap.deriv.yaml")
    cases = verify(deriv, lemmas={"lem": lem})
    outcomes = [sr.outcome for r in (wrong, cases) for sr in r.steps] + [c.outcome for r in (wrong, cases)
                                                                          for c in r.checks]
    assert any(o.counterexample for o in outcomes) and any(o.side_conditions for o in outcomes)
    for outcome in outcomes:
        assert Outcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
