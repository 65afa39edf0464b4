"""GitHub Actions annotations: ::error for failing links, ::warning for the doubtful ones."""
from ..model import MISJUSTIFIED, PROVED, REFUTED, UNPROVED, VERIFIED
from ..verdict import is_hypothesis
from .base import rules_phrase, unjustified
from .text import render as render_text


def _escape(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text):
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def _at(ce, sides=("previous expression", "this step")):
    if not ce:
        return ""
    where = ", ".join(f"{k}={v}" for k, v in list(ce.get("sizes", {}).items()) + list(ce.get("indices", {}).items()))
    values = f"; {sides[0]} = {ce['lhs']}, {sides[1]} = {ce['rhs']}" if "lhs" in ce else ""
    at = f" at {where}" if where else ""
    return f" Counterexample{at}{values}; inputs {ce.get('inputs', {})}"


def annotations(report):
    """The workflow commands, one per failing or doubtful link, check, claim or error."""
    out = []
    for exc in report.errors:
        props = f"file={_prop(exc.file or '')}" + (f",line={exc.line}" if exc.line else "")
        props += f",col={exc.column}" if exc.column else ""
        out.append(f"::error {props},title=derivcheck::{_escape(exc.message)}")
    for u in report.unchecked:
        level = "notice" if u.skipped else "warning"
        out.append(f"::{level} file={_prop(u.file)},line={u.line},col={u.column},title=derivcheck: not checked::"
                   f"{_escape(u.reason)}")
    for result in report.results:
        d = result.derivation
        file, errors_before = d.file or "", len(out)
        for sr in result.steps:
            o = sr.outcome
            if unjustified(result, sr) and o.status in (PROVED, MISJUSTIFIED):
                title = f"{d.name}: link {sr.step.index} names no rule (--strict)"
                col = f",col={sr.step.column}" if sr.step.column else ""
                out.append(f"::error file={_prop(file)},line={sr.step.line}{col},title={_prop(title)}::"
                           f"{_escape(rules_phrase(sr) + ': --strict wants every link to name its rules')}")
                continue
            if o.status == PROVED:
                continue
            level = "warning" if o.status in (MISJUSTIFIED, UNPROVED) else "error"
            title = f"{d.name}: link {sr.step.index} {o.status}"
            col = f",col={sr.step.column}" if sr.step.column else ""
            out.append(f"::{level} file={_prop(file)},line={sr.step.line}{col},title={_prop(title)}::"
                       f"{_escape(o.message + _at(o.counterexample))}")
        for check in result.checks:
            if is_hypothesis(check):
                title = f"{d.name}: hypothesis" + (" (--strict)" if result.strict else "")
                out.append(f"::warning file={_prop(file)},line={check.line},title={_prop(title)}::"
                           f"{_escape(f'verified only assuming {check.text}: ' + check.outcome.message)}")
            elif check.outcome.status != PROVED:
                out.append(f"::error file={_prop(file)},line={check.line},title={_prop(d.name + ': ' + check.kind)}::"
                           f"{_escape(check.outcome.message + _at(check.outcome.counterexample, ('chain', 'claim')))}")
        if result.claim.status == REFUTED:
            out.append(f"::error file={_prop(file)},line={d.claim_line},title={_prop(d.name + ': claim refuted')}::"
                       f"{_escape(result.claim.message + _at(result.claim.counterexample, ('left side', 'right side')))}")
        if result.verdict != VERIFIED and not any(line.startswith("::error") for line in out[errors_before:]):
            out.append(f"::error file={_prop(file)},line={d.claim_line},title={_prop(d.name + ': not verified')}::"
                       f"{_escape('not verified: see the warnings above')}")
    return out


def render(report, stream, **options):
    for line in annotations(report):
        stream.write(line + "\n")
    options.pop("color", None)
    render_text(report, stream, color=False, **options)
