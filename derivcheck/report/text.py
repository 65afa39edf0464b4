"""The terminal report: each link with its rules and status; rich colours only on a terminal."""
import os

from ..model import MISJUSTIFIED, PROVED, REFUTED, UNPROVED, VERIFIED, Cases
from ..rules import BY_NAME
from ..verdict import failing

STYLE = {PROVED: "green", MISJUSTIFIED: "yellow", UNPROVED: "yellow", REFUTED: "bold red", "error": "bold red",
         VERIFIED: "bold green", "not verified": "bold red"}


def use_color(stream):
    """Colour only for an interactive terminal without NO_COLOR."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Lines:
    """Lines made of (text, style) segments; printed plain or through rich."""

    def __init__(self):
        self.lines = []

    def add(self, *segments):
        self.lines.append([s if isinstance(s, tuple) else (s, None) for s in segments])

    def write(self, stream, color):
        if not color:
            for line in self.lines:
                stream.write("".join(t for t, _ in line) + "\n")
            return
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
        for line in self.lines:
            console.print(Text.assemble(*[(t, s or "") for t, s in line]))


def _counterexample(out, ce, indent, sides=("previous expression", "this step")):
    if not ce:
        return
    at = ", ".join(f"{k} = {v}" for k, v in list(ce.get("sizes", {}).items()) + list(ce.get("indices", {}).items()))
    out.add(indent, ("counterexample at " + at, "red"))
    for name, value in ce.get("inputs", {}).items():
        out.add(indent, f"  {name} = {value}")
    if "lhs" in ce:
        out.add(indent, f"  {sides[0]} = {ce['lhs']}   {sides[1]} = {ce['rhs']}")


def _step_lines(out, sr, trace, depth):
    pad = "  " * depth
    step, o = sr.step, sr.outcome
    out.add(f"{pad}  line {step.line:<4} [{step.index}] = {step.text}")
    if step.tex:
        out.add(f"{pad}              parsed as: {step.expr}")
    rules = ", ".join(step.rules) if step.rules else "(no rule named)"
    out.add(f"{pad}              by {rules}: ", (o.status, STYLE.get(o.status)),
            f"  {o.message}" if o.status != PROVED or trace else "")
    if step.note:
        out.add(f"{pad}              note: {step.note}")
    if trace:
        for name in (step.rules or o.rules_found):
            rule = BY_NAME.get(name) or None
            if rule is not None and rule.name != "algebra":
                out.add(f"{pad}                {rule.name}: {rule.summary}")
        for rule, cond in o.side_conditions:
            out.add(f"{pad}                side condition ({rule}): {cond}")
    _counterexample(out, o.counterexample, f"{pad}              ")


def _chain(out, entries, by_index, trace, depth):
    for entry in entries:
        if isinstance(entry, Cases):
            for case in entry.cases:
                out.add(f"{'  ' * depth}  case {case.text} (line {case.line}):")
                _chain(out, case.steps, by_index, trace, depth + 1)
        elif entry.index in by_index:
            _step_lines(out, by_index[entry.index], trace, depth)
        else:
            out.add(f"{'  ' * depth}  line {entry.line:<4} [{entry.index}]   {entry.text}   (start)")
            if entry.tex:
                out.add(f"{'  ' * depth}              parsed as: {entry.expr}")


def result_lines(out, result, trace=False):
    d = result.derivation
    out.add((d.name, "bold"), f" - {d.title}" if d.title else "", f"   ({d.file})" if d.file else "")
    out.add(f"  claim (line {d.claim_line}): {d.claim_text}")
    if d.claim_tex:
        out.add(f"  parsed as: {d.claim_lhs} == {d.claim_rhs}")
    c = result.claim
    out.add("  claim check: ", (c.status, STYLE.get(c.status)), f"  {c.message}")
    _counterexample(out, c.counterexample, "      ", ("left side", "right side"))
    _chain(out, d.chain, {sr.step.index: sr for sr in result.steps}, trace, 0)
    for check in result.checks:
        if check.outcome.status != PROVED:
            out.add(f"  {check.kind} (line {check.line}): ", (check.outcome.status, STYLE.get(check.outcome.status)),
                    f"  {check.outcome.message}")
            _counterexample(out, check.outcome.counterexample, "      ", ("chain", "claim"))
    out.add("  ", (result.verdict.upper(), STYLE[result.verdict]), ": ", _summary(result))
    out.add("")


def _summary(result):
    d = result.derivation
    samples = sum(sr.outcome.samples for sr in result.steps)
    sizes = ", ".join(s.name for s in d.ctx.sizes.values()) or "no size"
    if result.verdict == VERIFIED:
        mis = [sr for sr in result.steps if sr.outcome.status == MISJUSTIFIED]
        note = f" ({len(mis)} link(s) justified by other rules than named)" if mis else ""
        return (f"{d.claim_text} holds for every {sizes} (symbolic sizes, abstract indices); "
                f"{len(result.steps)} links{note}; numeric evidence: {samples} samples at sizes 3..5, "
                f"every index tuple")
    bad = failing(result)
    if bad is not None:
        return f"first failing link: line {bad.step.line} [{bad.step.index}], {bad.outcome.status}"
    bad_checks = [c for c in result.checks if c.outcome.status != PROVED]
    if bad_checks:
        return f"{bad_checks[0].kind} check failed at line {bad_checks[0].line}"
    return f"the claim itself is {result.claim.status}"


def render(report, stream, color=None, trace=False, **options):
    out = _Lines()
    for result in report.results:
        result_lines(out, result, trace)
    if report.results:
        n_ok = sum(r.verdict == VERIFIED for r in report.results)
        out.add(f"{n_ok} of {len(report.results)} derivation(s) verified")
    out.write(stream, use_color(stream) if color is None else color)
