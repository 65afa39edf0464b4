"""The verdict of a derivation, decided in one place: its links, chain checks, claim and hypotheses (SPEC §5)."""
from .model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, UNPROVED, VERIFIED, Failure

HYPOTHESIS = "assume"  # the Check kind of an assume entry; unproved (but not refuted) it is a hypothesis


def is_hypothesis(check):
    """An assume entry the rules did not prove and the numbers did not refute."""
    return check.kind == HYPOTHESIS and check.outcome.status == UNPROVED


def hypotheses(result):
    """The assume entries (Checks, with line and text) a verified result rests on."""
    return [c for c in result.checks if is_hypothesis(c)]


def _link_fails(result, sr):
    allowed = {PROVED} if result.strict else {PROVED, MISJUSTIFIED}
    return sr.outcome.status not in allowed or (result.strict and sr.step.index > 0 and sr.step.rules is None)


def failures(result):
    """Every reason result is not verified, in order: links, checks, the claim, hypotheses under --strict.

    verified iff there is none: every link proved (or misjustified, unless strict; and naming its
    rules, if strict), every check proved (an assume entry may be a hypothesis, unless strict), and
    the claim itself not refuted.
    """
    out = []
    for sr in result.steps:
        if _link_fails(result, sr):
            o = sr.outcome
            out.append(Failure("link", sr.step.line, o.status, o.message, sr.step.index, sr.step.column,
                               o.counterexample))
    for check in result.checks:
        if check.outcome.status != PROVED and not is_hypothesis(check):
            o = check.outcome
            out.append(Failure(check.kind, check.line, o.status, o.message, counterexample=o.counterexample))
    c = result.claim
    if c.status == REFUTED:
        line = getattr(result.derivation, "claim_line", None)  # decide() needs no derivation, only its outcomes
        out.append(Failure("claim", line, c.status, c.message, counterexample=c.counterexample))
    if result.strict:
        for h in hypotheses(result):
            out.append(Failure(h.kind, h.line, h.outcome.status,
                               f"--strict: the assumption {h.text} is a hypothesis, not proved by the rules"))
    return out


def decide(result):
    """VERIFIED or NOT_VERIFIED (SPEC §6 values): verified iff failures(result) is empty."""
    return NOT_VERIFIED if failures(result) else VERIFIED


def first_failure(result):
    """The Failure that first keeps result from being verified (a link, a check, the claim), or None."""
    found = failures(result)
    return found[0] if found else None

