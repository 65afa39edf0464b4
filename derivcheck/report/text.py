"""The terminal report: one line per verified derivation, findings as path:line:col, a summary; the full trace on request."""
import os
import shutil

from ..model import MISJUSTIFIED, PROVED, REFUTED, UNPROVED, VERIFIED
from ..rules import BY_NAME
from .base import (
    assuming, counterexample_lines, failure_phrase, needs_attention, plural, rows, rules_phrase, status_word, step_where,
    summary_line, where,
)
from .written import is_matrix

STYLE = {PROVED: "green", MISJUSTIFIED: "yellow", UNPROVED: "yellow", REFUTED: "bold red", "error": "bold red",
         "names no rule": "bold red", VERIFIED: "bold green", "not verified": "bold red"}
QUIET, NORMAL, VERBOSE = 0, 1, 2


def use_color(stream, choice="auto"):
    """Colour for choice always/never; for auto: FORCE_COLOR forces it, NO_COLOR or TERM=dumb stops it,
    else only an interactive terminal gets it."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") not in (None, "", "0"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream):
    """The width to fit lines to: the terminal's (or COLUMNS), None (no wrapping) for a pipe or file."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()) and not os.environ.get("COLUMNS"):
        return None
    return max(40, shutil.get_terminal_size().columns)


def wrap(segments, indent, width):
    """(text, style) segments as lines of at most width characters, broken between words only;
    continuation lines indented by indent + 4. A single word longer than a line stays whole."""
    words, current = [], None  # words as lists of (text, style) pieces
    for text, style in segments:
        for n, part in enumerate(text.split(" ")):
            if n > 0:
                words.append(current)
                current = None
            current = (current or []) + ([(part, style)] if part else [])
    words.append(current or [])
    lines, line, length = [], [], 0
    pad = " " * (indent + 4)
    lead = len(segments[0][0]) - len(segments[0][0].lstrip(" ")) if segments else 0
    for k, word in enumerate(words):
        size = sum(len(t) for t, _ in word)
        if k < lead:  # the line's own indentation
            line.append((" ", None))
            length += 1
            continue
        if line and length + 1 + size > width and length > len(pad):
            lines.append(line)
            line, length = [(pad, None)], len(pad)
        elif line and k > lead:
            line.append((" ", None))
            length += 1
        line += word
        length += size
    lines.append(line)
    return lines


class _Lines:
    """Lines made of (text, style) segments; printed plain or through rich, fitted to a width."""

    def __init__(self):
        self.lines = []

    def add(self, *segments):
        self.lines.append([s if isinstance(s, tuple) else (s, None) for s in segments])

    def write(self, stream, color, width=None):
        out = []
        for line in self.lines:
            text = "".join(t for t, _ in line)
            if width and len(text) > width:
                indent = len(text) - len(text.lstrip(" "))
                out += wrap(line, indent, width)
            else:
                out.append(line)
        if not color:
            for line in out:
                stream.write("".join(t for t, _ in line).rstrip() + "\n")
            return
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
        for line in out:
            console.print(Text.assemble(*[(t, s or "") for t, s in line]))


def _counterexample(out, ce, indent, sides=("previous expression", "this step")):
    for n, line in enumerate(counterexample_lines(ce, sides)):
        out.add(indent, (line, "red") if n == 0 else line)


def _link(out, result, sr, pad, trace):
    step, o = sr.step, sr.outcome
    word = status_word(result, sr)
    out.add(f"{pad}  line {step.line:<4} [{step.index}] = {step.text}")
    _parsed(out, step, pad)
    message = o.message if (o.status != PROVED or trace) else ""
    if message.startswith(rules_phrase(sr) + "; "):  # "by definition: proved  by definition; ..." said once
        message = message[len(rules_phrase(sr)) + 2:]
    out.add(f"{pad}              {rules_phrase(sr)}: ", (word, STYLE.get(word)), f"  {message}" if message else "")
    if step.note:
        out.add(f"{pad}              note: {step.note}")
    if trace:
        for name in (step.rules or o.rules_found):
            rule = BY_NAME.get(name)
            if rule is not None and rule.name != "algebra":
                out.add(f"{pad}                {rule.name}: {rule.summary}")
        for rule, cond in o.side_conditions:
            out.add(f"{pad}                side condition ({rule}): {cond}")
    _counterexample(out, o.counterexample, f"{pad}              ")


def _parsed(out, step, pad):
    """What derivcheck checked, when it is not the text itself: LaTeX parsed, a matrix step's entry."""
    if step.tex:
        out.add(f"{pad}              parsed as: {step.expr}")
    elif is_matrix(step.text):
        out.add(f"{pad}              entry: {step.expr}")


def _header(out, result):
    d = result.derivation
    out.add((d.name, "bold"), f" - {d.title}" if d.title else "", f"   ({d.file})" if d.file else "")


def _full(out, result, trace):
    """Every link of the chain: `derivcheck trace` and `verify -v`."""
    d = result.derivation
    _header(out, result)
    out.add(f"  claim (line {d.claim_line}): {d.claim_text}")
    if d.claim_tex:
        out.add(f"  parsed as: {d.claim_lhs} == {d.claim_rhs}")
    c = result.claim
    out.add("  claim check: ", (c.status, STYLE.get(c.status)), f"  {c.message}")
    _counterexample(out, c.counterexample, "      ", ("left side", "right side"))
    for row in rows(result):
        pad = "  " * row.depth
        if row.kind == "case":
            out.add(f"{pad}  case {row.case.text} (line {row.case.line}):")
        elif row.kind == "start":
            out.add(f"{pad}  line {row.step.line:<4} [{row.step.index}]   {row.step.text}   (start)")
            _parsed(out, row.step, pad)
        else:
            _link(out, result, row.result, pad, trace)
    _checks(out, result)
    _verdict(out, result)


def _checks(out, result):
    for check in result.checks:
        o = check.outcome
        if o.status != PROVED:
            out.add(f"  {where(result.derivation.file, check.line)}: {check.kind} check ", (o.status, STYLE.get(o.status)),
                    f"  {o.message}")
            _counterexample(out, o.counterexample, "      ", ("chain", "claim"))


def _verdict(out, result):
    if result.verdict == VERIFIED:
        out.add("  ", (result.verdict.upper(), STYLE[result.verdict]), (assuming(result), STYLE[UNPROVED]), ": ",
                summary_line(result))
    else:
        out.add("  ", (result.verdict.upper(), STYLE.get(result.verdict, "bold red")), ": ", failure_phrase(result))
    out.add("")


def _short(out, result, verbosity):
    """A verified derivation in one line; another with its findings only, each at path:line:col."""
    d = result.derivation
    if result.verdict == VERIFIED:
        if verbosity > QUIET:
            out.add((d.name, "bold"), "  ", ("VERIFIED", STYLE[VERIFIED]), (assuming(result), STYLE[UNPROVED]),
                    f"  {summary_line(result)}")
        return
    _header(out, result)
    c = result.claim
    if c.status == REFUTED:
        out.add(f"  {where(d.file, d.claim_line)}: claim ", (c.status, STYLE[REFUTED]), f"  {c.message}")
        _counterexample(out, c.counterexample, "      ", ("left side", "right side"))
    for row in rows(result):
        if row.kind == "link" and needs_attention(result, row.result):
            sr, word = row.result, status_word(result, row.result)
            out.add(f"  {step_where(result, sr.step)}: link [{sr.step.index}] ", (word, STYLE.get(word)),
                    f"  {rules_phrase(sr)}")
            for prev in row.prev:
                out.add(f"      [{prev.index}]   {prev.text}")
            out.add(f"      [{sr.step.index}] = {sr.step.text}")
            if sr.outcome.message and sr.outcome.status != PROVED:
                out.add(f"      {sr.outcome.message}")
            _counterexample(out, sr.outcome.counterexample, "      ")
    _checks(out, result)
    _verdict(out, result)


def _summary(out, report):
    results = report.results
    if not results:
        return
    ok = [r for r in results if r.verdict == VERIFIED]
    bad = [r for r in results if r.verdict != VERIFIED]
    style = STYLE[VERIFIED] if not bad else STYLE["not verified"]
    out.add((f"{len(ok)} of {plural(len(results), 'derivation')} verified", style))
    for r in bad:
        out.add("  not verified: ", (r.derivation.name, "bold"), f"  {failure_phrase(r)}")


def render(report, stream, color=None, trace=False, verbosity=NORMAL, width=None, **options):
    """The text report; trace or verbosity VERBOSE shows every link, QUIET only what fails."""
    out = _Lines()
    for result in report.results:
        if trace or verbosity >= VERBOSE:
            _full(out, result, trace)
        else:
            _short(out, result, verbosity)
    for u in report.unchecked:
        out.add(f"{u.file}:{u.line}:{u.column}: ", ("not checked" if not u.skipped else "skipped", "yellow"),
                f": {u.reason}" if not u.skipped else "")
    _summary(out, report)
    out.write(stream, use_color(stream) if color is None else color, width)
