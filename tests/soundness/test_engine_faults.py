"""Engine faults found by mutating the code: each test here fails under one mutant the old suite let pass."""
import json

from click.testing import CliRunner

from conftest import verify_text
from derivcheck.cli import main
from derivcheck.model import NOT_VERIFIED, PROVED, REFUTED, VERIFIED, Check, DerivationResult, Outcome, StepResult, Step
from derivcheck.verdict import decide

WRONG = """derivcheck: 1
name: wrong-sum
symbols:
  N: size
  k: index N
  z: vector N
claim: Sum(z[k]**2, k) == Sum(z[k], k)**2
steps:
  - Sum(z[k]**2, k)
  - by: algebra
    expr: Sum(z[k], k)**2
"""


def _counterexample_inputs(tmp_path, seed):
    path = tmp_path / "wrong.deriv.yaml"
    path.write_text(WRONG)
    out = CliRunner().invoke(main, ["verify", str(path), "--format", "json", "--no-cache", "--seed", str(seed)])
    assert out.exit_code == 1, out.output
    (result,) = json.loads(out.output)["results"]
    (step,) = result["steps"]
    assert step["status"] == REFUTED
    return step["counterexample"]["inputs"]


def test_seed_changes_the_samples(tmp_path):
    """Mutant: the sampler ignores --seed (every seed draws the same inputs)."""
    a, b = _counterexample_inputs(tmp_path, 0), _counterexample_inputs(tmp_path, 1)
    assert a != b
    assert _counterexample_inputs(tmp_path, 1) == b  # and one seed is reproducible


def test_seed_reaches_the_engine():
    """The same through the engine: the counterexample's inputs depend on the seed."""
    ins = [verify_text(WRONG, seed=s).steps[0].outcome.counterexample["inputs"] for s in (0, 1, 2)]
    assert ins[0] != ins[1] and ins[1] != ins[2]


def _result(claim_status):
    step = Step(index=1, line=10, text="x", expr=None, rules=("algebra",))
    ok = Outcome(PROVED, "ok")
    checks = [Check("start", 9, ok), Check("end", 10, ok)]
    return DerivationResult(None, "", Outcome(claim_status, "claim"), [StepResult(step, ok)], checks)


def test_a_refuted_claim_fails_the_verdict():
    """Mutant: the verdict ignores a refuted claim (every link proved, the claim itself refuted)."""
    assert decide(_result(REFUTED)) == NOT_VERIFIED
    assert decide(_result(PROVED)) == VERIFIED


def test_a_refuted_check_fails_the_verdict():
    result = _result(PROVED)
    result.checks[1] = Check("end", 10, Outcome(REFUTED, "no"))
    assert decide(result) == NOT_VERIFIED


POWER = """derivcheck: 1
name: cube
symbols:
  x: real
claim: D(x**3, x) == 3 * x**2
steps:
  - D(x**3, x)
  - by: power_rule
    expr: 3 * x**2
"""


def test_d_x_x_is_one_silently():
    """Mutant: the engine stops applying D(x, x) = 1 where power_rule leaves it (SPEC §4)."""
    result = verify_text(POWER)
    (step,) = result.steps
    assert step.outcome.status == PROVED, step.outcome.message
    assert step.outcome.rules_found == ("power_rule",)
    assert result.verdict == VERIFIED
