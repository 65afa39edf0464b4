"""Verdicts do not depend on how a run is made: every soundness case in one run, in-process and in file
order, gives the same outcome (verdict, every status and message) as in two workers in reverse file order.

Derivations of one run share state in a process (the sampler's points, the elaborator's memo, the
rules' memos); workers hold other parts of the run. A difference is a verdict that depends on the
companions of a derivation, on -j or on the order of the files (holes S9, S11 of the attack).
"""
import re
from pathlib import Path

from derivcheck.runner import run

CASES = Path(__file__).parent / "cases"
_DEVIATION = re.compile(r"max deviation [0-9.e+-]+")  # float summation order may differ in its last bits


def outcomes(report):
    out = {}
    for r in report.results:
        key = (r.derivation.file, r.derivation.name)
        assert key not in out, key
        out[key] = (r.verdict, r.claim.status, _DEVIATION.sub("", r.claim.message),
                    [(s.outcome.status, _DEVIATION.sub("", s.outcome.message)) for s in r.steps],
                    [(c.kind, c.outcome.status, _DEVIATION.sub("", c.outcome.message)) for c in r.checks])
    return out


def test_in_process_and_in_workers_in_either_file_order_agree():
    files = sorted(str(p) for p in CASES.iterdir() if p.name.endswith((".yaml", ".yml")))
    one = run(files, cache=None, jobs=1, timeout=0)
    two = run(list(reversed(files)), cache=None, jobs=2, timeout=30)
    a, b = outcomes(one), outcomes(two)
    assert set(a) == set(b)
    differ = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not differ, differ
    assert errors(one) == errors(two)


def errors(report):
    """The run's errors; a name used twice is reported for whichever file comes later: the pair of files."""
    out = []
    for e in map(str, report.errors):
        m = re.match(r"(.*): derivation name '(.*)' is also used in (.*)", e)
        out.append(("twice", m.group(2), frozenset((m.group(1), m.group(3)))) if m else ("error", e))
    return sorted(out, key=repr)


def test_the_shards_of_a_run_are_its_outcomes():
    """--shard K/3 for K = 1, 2, 3: every derivation in exactly one shard, with the outcome it has in the whole run."""
    files = sorted(str(p) for p in CASES.iterdir() if p.name.endswith((".yaml", ".yml")))
    whole = outcomes(run(files, cache=None))
    parts = {}
    for k in (1, 2, 3):
        part = outcomes(run(files, cache=None, shard=(k, 3)))
        assert not set(part) & set(parts)
        parts.update(part)
    assert set(parts) == set(whole)
    assert {k: v for k, v in parts.items() if v != whole[k]} == {}
