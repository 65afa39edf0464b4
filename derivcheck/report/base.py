"""What every reporter shares: the chain rows (through model.walk), places, rules and counterexamples as words."""
from dataclasses import dataclass

from ..model import MISJUSTIFIED, PROVED, REFUTED, VERIFIED, CaseEntry, Link, walk
from ..verdict import hypotheses


def plural(n, word, words=None):
    """'1 link', '2 links'."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def where(file, line, column=None):
    """path:line:col, the form terminals and editors make clickable."""
    return f"{file or '<input>'}:{line or 1}:{column or 1}"


def step_where(result, step):
    return where(result.derivation.file, step.line, step.column)


def failure_where(result):
    f = result.failure
    return where(result.derivation.file, f.line, f.column) if f else None


@dataclass
class Row:
    """One row of a rendered chain: a case header, the start, or a link with its result."""

    kind: str  # "case", "start", "link"
    depth: int
    step: object = None
    result: object = None  # the StepResult of a link
    case: object = None
    prev: tuple = ()  # the Steps this link follows (several after a merge of cases)


def rows(result):
    """The chain of result as Rows in file order (the one walker: model.walk)."""
    by_index = {sr.step.index: sr for sr in result.steps}
    out = []
    for item in walk(result.derivation.chain):
        if isinstance(item, CaseEntry):
            out.append(Row("case", item.depth, case=item.case))
        elif isinstance(item, Link):
            sr = by_index.get(item.step.index)
            kind = "link" if item.prev and sr is not None else "start"
            out.append(Row(kind, item.depth, step=item.step, result=sr, prev=tuple(s for s, _ in item.prev)))
    return out


def unjustified(result, sr):
    """A link that --strict rejects because it names no rule."""
    return result.strict and sr.step.index > 0 and sr.step.rules is None


def rules_phrase(sr):
    """'by quotient_rule', or for a link without `by`: 'no rule named; found: a, b'."""
    if sr.step.rules:
        return "by " + ", ".join(sr.step.rules)
    found = ", ".join(sr.outcome.rules_found)
    return "no rule named" + (f"; derivcheck found {found}" if found else "")


def status_word(result, sr):
    if unjustified(result, sr):
        return "names no rule"
    return sr.outcome.status


def needs_attention(result, sr):
    """A link shown in a short report: not proved, or rejected by --strict."""
    return sr.outcome.status != PROVED or unjustified(result, sr)


def counterexample_lines(ce, sides=("previous expression", "this step")):
    """The counterexample as lines: where, the inputs, both values."""
    if not ce:
        return []
    at = ", ".join(f"{k} = {v}" for k, v in list(ce.get("sizes", {}).items()) + list(ce.get("indices", {}).items()))
    lines = ["counterexample" + (f" at {at}" if at else "")]
    lines += [f"  {name} = {value}" for name, value in ce.get("inputs", {}).items()]
    if "lhs" in ce:
        lines.append(f"  {sides[0]} = {ce['lhs']}   {sides[1]} = {ce['rhs']}")
    return lines


def sizes_phrase(derivation):
    sizes = [s.name for s in derivation.ctx.sizes.values()]
    return f"for every {', '.join(sizes)}" if sizes else "(no size declared)"


def failure_phrase(result):
    """Why result is not verified, in a few words, with the place."""
    f = result.failure
    if f is None:
        return "verified" if result.verdict == VERIFIED else "not verified"
    at = failure_where(result)
    if f.kind == "link":
        sr = next((s for s in result.steps if s.step.index == f.index), None)
        if sr is not None and unjustified(result, sr) and sr.outcome.status in (PROVED, MISJUSTIFIED):
            return f"first failing link: {at} [{f.index}] names no rule (--strict)"
        return f"first failing link: {at} [{f.index}], {f.status}"
    if f.kind == "claim":
        return f"the claim itself is {f.status} ({at})"
    if f.kind == "assume" and f.status != REFUTED:
        return f"the assumption at {at} is a hypothesis, not proved (--strict)"
    return f"{f.kind} check {f.status} at {at}"


def summary_line(result):
    """The one line for a verified derivation."""
    d = result.derivation
    samples = sum(sr.outcome.samples for sr in result.steps)
    mis = [sr for sr in result.steps if sr.outcome.status == MISJUSTIFIED]
    note = f", {plural(len(mis), 'link')} justified by other rules than named" if mis else ""
    return (f"{d.claim_text} holds {sizes_phrase(d)} ({plural(len(result.steps), 'link')}{note}; "
            f"{plural(samples, 'numeric sample')})")


def assuming(result, quote=str):
    """' assuming a == b (line 7); c == d (line 9)' when a verified result rests on hypotheses, else ''."""
    found = hypotheses(result) if result.verdict == VERIFIED else []
    return " assuming " + "; ".join(f"{quote(h.text or 'the assume entry')} (line {h.line})" for h in found) if found else ""


def code(text):
    """text as markdown inline code."""
    return f"`{text}`"


def unchecked_rows(report):
    """(path:line:col, "not checked" or "skipped", why) for each document block that was not checked."""
    return [(where(u.file, u.line, u.column), "skipped" if u.skipped else "not checked",
             "marked derivcheck: skip" if u.skipped else u.reason) for u in report.unchecked]
