"""Stable reason codes: why a link, check, claim or derivation has its status (the JSON report's `reason`)."""
from .model import ERROR, MISJUSTIFIED, PROVED, REFUTED, UNPROVED, VERIFIED
from .verdict import HYPOTHESIS, hypotheses, is_hypothesis

# The worker's words for a link it stopped (workers.py; cache.py keys on the same prefixes): not a status of its own.
TIMED_OUT, STOPPED = "timed out", "not checked:"

# code: what it means. A link, check or claim has one of OUTCOME; a derivation one of DERIVATION.
OUTCOME = {
    "proved": "proved by the rules (the ones it names, or found when it names none), and numerically consistent",
    "misjustified": "true, but not by the rules it names (found by others)",
    "unnamed-rule": "--strict: a link that names no rule",
    "refuted": "false: a numeric counterexample (or a decided one, for case coverage)",
    "no-proof": "no symbolic proof, though numerically consistent",
    "no-samples": "no numeric sample could be evaluated: no evidence either way",
    "hypothesis": "an assume entry the rules cannot prove (verified only assuming it; --strict fails it)",
    "timeout": "stopped at the --timeout limit of CPU time",
    "crashed": "the worker checking it stopped (memory limit or crash)",
    "error": "an internal error while checking it",
}
DERIVATION = {
    "verified": "every link and check holds",
    "verified-assuming": "verified, assuming the hypotheses listed in `hypotheses`",
    "refuted": "a link is false",
    "misjustified": "--strict: a link is true, but not by the rules it names",
    "unnamed-rule": "--strict: a link names no rule",
    "no-proof": "a link has no symbolic proof",
    "no-samples": "a link could not be evaluated numerically",
    "chain-mismatch": "the chain does not start at the claim's left side or end at its right side",
    "cases-uncovered": "the cases do not cover every index exactly once",
    "assumption-refuted": "an assume entry is false on the declared domains",
    "hypothesis": "--strict: an assume entry is a hypothesis",
    "claim-refuted": "the claim itself is false",
    "timeout": "stopped at the --timeout limit",
    "crashed": "the worker verifying it stopped (memory limit, crash), or it never started (a cited "
               "derivation never finished)",
    "error": "an internal error",
}


def _stopped(outcome):
    """timeout or crashed for an outcome the worker wrote when it stopped; None for a checked one."""
    if outcome.status != UNPROVED or outcome.samples:
        return None
    if outcome.message.startswith(TIMED_OUT):
        return "timeout"
    if outcome.message.startswith(STOPPED):
        return "crashed"
    return None


def outcome_reason(outcome, numeric=True):
    """The code of one outcome; numeric: its `samples` count is recorded (links and the claim)."""
    status = outcome.status
    if status in (PROVED, MISJUSTIFIED, REFUTED, ERROR):
        return status
    stopped = _stopped(outcome)
    if stopped:
        return stopped
    return "no-samples" if numeric and not outcome.samples else "no-proof"


def link_reason(result, sr):
    """The code of a link of result (a StepResult), --strict included."""
    if result.strict and sr.step.index > 0 and sr.step.rules is None and sr.outcome.status in (PROVED, MISJUSTIFIED):
        return "unnamed-rule"
    return outcome_reason(sr.outcome)


def check_reason(check):
    """The code of a Check; an unproved start, end or assume check records its samples, case coverage none."""
    if is_hypothesis(check):
        return "hypothesis"
    return outcome_reason(check.outcome, numeric=check.kind in ("start", "end", HYPOTHESIS))


def claim_reason(outcome):
    return outcome_reason(outcome)


def derivation_reason(result):
    """The code of a derivation: verified (assuming hypotheses), or why its first failure fails it."""
    if result.verdict == VERIFIED:
        return "verified-assuming" if hypotheses(result) else "verified"
    f = result.failure
    if f is None:
        return "error"
    if f.kind == "link":
        sr = next((s for s in result.steps if s.step.index == f.index), None)
        return link_reason(result, sr) if sr is not None else outcome_reason_of(f)
    if f.kind == "claim":
        return "claim-refuted"
    check = next((c for c in result.checks if c.kind == f.kind and c.line == f.line), None)
    code = check_reason(check) if check is not None else outcome_reason_of(f)
    if code in ("timeout", "crashed", "error"):
        return code
    if f.kind == HYPOTHESIS:
        return "assumption-refuted" if f.status == REFUTED else "hypothesis"
    if f.kind in ("start", "end"):
        return "chain-mismatch"
    if f.kind == "cases":
        return "cases-uncovered"
    return "crashed" if f.kind == "worker" else "error"


def outcome_reason_of(failure):
    """A Failure's code when its link or check is not found (a result rebuilt without it)."""
    from .model import Outcome

    return outcome_reason(Outcome(failure.status, failure.message or "", failure.counterexample), numeric=False)
