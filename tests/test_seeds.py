"""The five seed documents as written: the sound ones verify, the others fail at their erratum."""
from pathlib import Path

import pytest

from conftest import line_of
from derivcheck.model import NOT_VERIFIED, PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"

# file -> {derivation name: None (verified) or the text of its erroneous expression}
EXPECTED = {
    "000-parasdahal-softmax": {"seed-000-softmax-jacobian": None},
    "001-softmax-activation-derivative": {
        "seed-001-softmax-jacobian": "(Sum(exp(z[i, j]), l) / Sum(exp(z[i, l]), l)",
        "seed-001-full-solution": "expr: (exp(z[i, j]) * Sum(exp(z[i, l]), l) - exp(z[i, j]) * exp(z[i, k]))",
    },
    "002-softmax-cross-entropy-gradient": {"seed-002-softmax-jacobian": None, "seed-002-cross-entropy-gradient": None},
    "003-stackoverflow-softmax": {
        "seed-003-softmax-jacobian": "(exp(o[j]) / Sum(exp(o[k]), k)) * (exp(o[j])",
    },
    "004-softmax-loss-backprop": {
        "seed-004-softmax-jacobian": None,
        "seed-004-loss-one-observation": "      - -delta(j, y[i]) * log(a[i, j])",
        "seed-004-loss-gradient": None,
        "seed-004-batch-gradient": None,
        "seed-004-matrix-dz2": None,
        "seed-004-matrix-dw1": None,
        "seed-004-matrix-db1": None,
        "seed-004-matrix-dw2": None,
        "seed-004-matrix-da1": None,
    },
}


def _results(stem):
    path = SEEDS / f"{stem}.deriv.yaml"
    report = run([str(path)])
    assert not report.errors, report.errors
    return path.read_text(), {r.derivation.name: r for r in report.results}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_seed_as_written(stem):
    text, results = _results(stem)
    assert set(results) == set(EXPECTED[stem])
    for name, erratum in EXPECTED[stem].items():
        result = results[name]
        if erratum is None:
            assert result.verdict == VERIFIED, name
            continue
        assert result.verdict == NOT_VERIFIED, name
        first_bad = next(sr for sr in result.steps if sr.outcome.status != PROVED)
        assert first_bad.outcome.status == REFUTED
        assert first_bad.step.line == line_of(text, erratum), name
        assert first_bad.outcome.counterexample["lhs"] != first_bad.outcome.counterexample["rhs"]


@pytest.mark.parametrize("stem", sorted(s for s, v in EXPECTED.items() if any(v.values())))
def test_corrected_seed_verifies(stem):
    _, results = _results(f"{stem}-corrected")
    assert set(results) == {f"{n}-corrected" for n in EXPECTED[stem]}
    assert all(r.verdict == VERIFIED for r in results.values())


def test_the_whole_folder_runs_with_citations_across_derivations():
    report = run([str(SEEDS)])
    assert not report.errors
    corrected = sum(len(v) for v in EXPECTED.values() if any(v.values()))
    assert len(report.results) == sum(len(v) for v in EXPECTED.values()) + corrected
