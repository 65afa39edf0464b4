"""The verdict of a derivation from its steps, chain checks and claim (SPEC §5)."""
from .model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, VERIFIED, Failure


def decide(result):
    """verified iff every link is proved (or misjustified, unless strict) and the chain meets the claim."""
    allowed = {PROVED} if result.strict else {PROVED, MISJUSTIFIED}
    for sr in result.steps:
        if sr.outcome.status not in allowed:
            return NOT_VERIFIED
        if result.strict and sr.step.index > 0 and sr.step.rules is None:
            return NOT_VERIFIED
    if any(c.outcome.status != PROVED for c in result.checks):
        return NOT_VERIFIED
    if result.claim.status == REFUTED:
        return NOT_VERIFIED
    return VERIFIED


def failing(result):
    """The first step that keeps the derivation from being verified, or None."""
    allowed = {PROVED} if result.strict else {PROVED, MISJUSTIFIED}
    for sr in result.steps:
        if sr.outcome.status not in allowed or (result.strict and sr.step.index > 0 and sr.step.rules is None):
            return sr
    return None


def first_failure(result):
    """The Failure that keeps result from being verified (a link, a check, the claim), or None."""
    if result.verdict == VERIFIED:
        return None
    bad = failing(result)
    if bad is not None:
        o = bad.outcome
        return Failure("link", bad.step.line, o.status, o.message, bad.step.index, bad.step.column, o.counterexample)
    for check in result.checks:
        if check.outcome.status != PROVED:
            o = check.outcome
            return Failure(check.kind, check.line, o.status, o.message, counterexample=o.counterexample)
    c, d = result.claim, result.derivation
    return Failure("claim", d.claim_line, c.status, c.message, counterexample=c.counterexample)
