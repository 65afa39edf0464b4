"""The verdict of a derivation from its steps, chain checks and claim (SPEC §5)."""
from .model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, VERIFIED


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
