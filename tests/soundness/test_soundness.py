"""The soundness suite: adversarial derivations must not verify, true ones must verify, every link proved.

Each file in cases/ opens with comments naming its class, what it attacks and what is expected:
  # class: karr-empty-sum
  # attacks: ...
  # expect: rejected | refuted | error | verified
  # target: name        (optional: only this derivation of the file is judged)
  # check: cases=refuted (optional: a check of that kind with that status, e.g. the coverage decision)
  # strict: no | yes    (optional: verified cases are judged with --strict unless no; others without unless yes)
  # faults: all         (optional: the case's assumes are true, so a link the assumption rule rewrites to one form
                          yet the numbers refute is an engine fault too)
rejected: not verified (or unreadable, exit 2), and no rule "proves" a false link (a link the rules
rewrite to one form yet the numbers refute is an engine fault: only the numeric check stood in the way); refuted: not verified with a numeric counterexample
somewhere (claim, link or check); error: unreadable (exit 2); verified: verified under --strict with
every link `proved` and the claim not refuted.
"""
import re
from pathlib import Path

import pytest

from derivcheck.model import PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

CASES = Path(__file__).parent / "cases"
EXPECTATIONS = {"rejected", "refuted", "error", "verified"}

# Cases today's main still gets wrong: {case file stem: "class — who fixes it"}.
KNOWN = {
    "true-overflow": "bad-refutation (true unproved): every float sample overflows, so the true link has no evaluable sample — num (raised precision)",
    "assume-constant-beyond-max": "assumption-sampling: a constant past MAX_SIZE = 40 (delta(k, 50)); the assumption holds at every sample — num / cases (assume as hypothesis)",
}

# Open holes found by the `sound` helper (ids in /work/coord/HOLES.md): strict, so a fix flips them.
HOLES = {
}


def header(path):
    """The `# key: value` comments at the top of a case file."""
    meta = {}
    for line in path.read_text().splitlines():
        m = re.match(r"#\s*([a-z]+):\s*(.*)", line)
        if not m:
            if line.startswith("#"):
                continue
            break
        meta[m.group(1)] = m.group(2).strip()
    return meta


def case_files():
    return sorted(p for p in CASES.iterdir() if p.name.endswith((".yaml", ".yml")))


def params():
    out = []
    for path in case_files():
        stem = path.name.split(".")[0]
        marks = [pytest.mark.xfail(strict=False, reason=KNOWN[stem])] if stem in KNOWN else []
        if stem in HOLES:
            marks = [pytest.mark.xfail(strict=True, reason=HOLES[stem])]
        out.append(pytest.param(path, id=stem, marks=marks))
    return out


def _counterexamples(result):
    outcomes = [result.claim] + [sr.outcome for sr in result.steps] + [c.outcome for c in result.checks]
    return [o for o in outcomes if o.status == REFUTED and o.counterexample]


@pytest.mark.parametrize("path", params())
def test_case(path):
    meta = header(path)
    expect = meta.get("expect")
    assert expect in EXPECTATIONS, f"{path.name}: `# expect:` must be one of {sorted(EXPECTATIONS)}"
    assert meta.get("class") and meta.get("attacks"), f"{path.name}: name its class and what it attacks"
    strict = meta.get("strict") == "yes" or (expect == "verified" and meta.get("strict") != "no")
    report = run([str(path)], strict=strict, cache=None)
    results = [r for r in report.results if meta.get("target") in (None, r.derivation.name)]
    if expect == "error":
        assert report.errors, "expected the file to be refused as unreadable (exit 2)"
        assert not any(r.verdict == VERIFIED for r in results)
        return
    if expect == "verified":
        assert not report.errors, [str(e) for e in report.errors]
        assert results
        for r in results:
            bad = [(sr.step.line, sr.outcome.status, sr.outcome.message) for sr in r.steps if sr.outcome.status != PROVED]
            assert not bad, bad
            assert r.claim.status != REFUTED, r.claim.message
            assert r.verdict == VERIFIED, [(c.kind, c.outcome.status, c.outcome.message) for c in r.checks]
        return
    for want in filter(None, meta.get("check", "").split()):  # e.g. `# check: cases=refuted`
        kind, status = want.split("=")
        got = [c.outcome.status for r in results for c in r.checks if c.kind == kind]
        assert status in got, f"expected a {kind} check {status}, got {got}"
    # rejected / refuted: a false derivation is never VERIFIED
    assert report.errors or results, "nothing was checked"
    verified = [r.derivation.name for r in results if r.verdict == VERIFIED]
    assert not verified, f"VERIFIED a false derivation: {verified}"
    faults = [(sr.step.line, sr.outcome.message) for r in results for sr in r.steps
              if "engine fault" in sr.outcome.message and "assumption" not in (sr.step.rules or ())]  # a false assume is no engine fault
    if meta.get("faults") == "all":  # the case's assumes are true: a rewrite by one that the numbers refute is a fault too
        faults += [(sr.step.line, sr.outcome.message) for r in results for sr in r.steps
                   if "rewrote both sides to one form with an assumption" in sr.outcome.message]
    assert not faults, f"a rule rewrote a false link to one form (only the numbers caught it): {faults}"
    if expect == "refuted":
        assert results and all(_counterexamples(r) for r in results), "expected a numeric counterexample"


def test_enough_cases():
    """Issue 10 asks for at least 40 adversarial derivations and 15 true ones."""
    kinds = [header(p).get("expect") for p in case_files()]
    assert sum(k != "verified" for k in kinds) >= 40
    assert sum(k == "verified" for k in kinds) >= 15


def test_known_names_real_cases():
    stems = {p.name.split(".")[0] for p in case_files()}
    assert set(KNOWN) <= stems, set(KNOWN) - stems
    assert set(HOLES) <= stems, set(HOLES) - stems
