"""The proof trace to publish: a LaTeX document (pdflatex) or markdown `$$` blocks, in the author's own notation."""
import re

from ..model import PROVED, REFUTED
from .base import assuming, code, rows, status_word, unchecked_rows
from .latex import math, text
from .written import ascii_tex, claim_tex, is_matrix, plain_names, step_tex

RELATION = re.compile(r"^(?P<lhs>.+?)\s*(?P<op>≠|!=|>=|<=|≥|≤|==|=|>|<|∈)\s*(?P<rhs>[^()]+?|.+?)"
                      r"(?P<tail>\s+\((?:declared|by|for|as|since|the|a|from)\b[^)]*\))?$")
OPS = {"≠": r"\neq", "!=": r"\neq", ">=": r"\geq", "<=": r"\leq", "≥": r"\geq", "≤": r"\leq", "==": "=", "=": "=",
       ">": ">", "<": "<", "∈": r"\in"}


def rule_names(names):
    return ", ".join(r"\textsf{%s}" % text(n) for n in names)


def _rules(sr):
    if sr.step.rules:
        return r"\text{by }" + rule_names(sr.step.rules)
    found = sr.outcome.rules_found
    return r"\text{no rule named; derivcheck found }" + rule_names(found) if found else r"\text{no rule named}"


def _side(expr_text):
    """One side of a condition as math: typeset ASCII, a range lo..hi, or None."""
    m = re.fullmatch(r"\s*(.+?)\s*\.\.\s*(.+?)\s*", expr_text)
    try:
        if m:
            return r"\{%s, \ldots, %s\}" % (ascii_tex(m.group(1)), ascii_tex(m.group(2)))
        return ascii_tex(expr_text)
    except Exception:  # noqa: BLE001 - not an expression: shown as text
        return None


def condition(cond):
    """A side condition typeset: `Sum(y[_k], (_k, 1, N)) = 1 (declared)` as math, prose as text."""
    cond = plain_names(cond)
    m = RELATION.match(cond)
    if m:
        lhs, rhs = _side(m.group("lhs")), _side(m.group("rhs"))
        if lhs is not None and rhs is not None:
            tail = r"\ \text{%s}" % text(m.group("tail").strip()) if m.group("tail") else ""
            return f"{lhs} {OPS[m.group('op')]} {rhs}{tail}"
    return r"\text{%s}" % text(cond)


def _evidence_lines(result, sr):
    o, word = sr.outcome, status_word(result, sr)
    lines = [r"%s\text{: %s}" % (_rules(sr), text(word.upper() if word != PROVED else word))]
    for rule, cond in o.side_conditions:
        lines.append(r"\text{side condition of }\textsf{%s}\text{: } %s" % (text(rule), condition(cond)))
    if o.counterexample:
        ce = o.counterexample
        at = ", ".join(f"{k} = {v}" for k, v in list(ce["sizes"].items()) + list(ce["indices"].items()))
        lines.append(r"\text{counterexample at %s: previous expression} = %s,\ \text{this step} = %s"
                     % (text(at), ce.get("lhs"), ce.get("rhs")))
        for name, value in ce.get("inputs", {}).items():
            lines.append(r"\text{%s}" % text(f"{name} = {value}"))
    elif o.status != PROVED:
        lines.append(r"\text{%s}" % text(plain_names(o.message)))
    return lines


def _tag(line, tags):
    return r"\tag*{\small line %d}" % line if tags else r"&& \text{line %d}" % line


def _row(result, row, ctx, tags):
    """The align rows of one chain row: the author's expression, its index form for matrix notation, the evidence."""
    tex = step_tex(row.step, ctx, math)
    extra = []
    if not row.step.tex and is_matrix(row.step.text):
        extra = [r"&\qquad \text{entry: } %s" % math(row.step.expr, ctx)]
    if row.kind == "start":
        return [f"& {tex} {_tag(row.step.line, tags)}"] + extra
    sr = row.result
    mark = r"\quad\textbf{(refuted)}" if sr.outcome.status == REFUTED else ""
    out = [f"&= {tex}{mark} {_tag(row.step.line, tags)}"] + extra
    return out + [f"&\\qquad {line}" for line in _evidence_lines(result, sr)]


def blocks(result, tags=False):
    """[(title, align rows)]: the chain up to the cases, each case, the chain after them."""
    ctx = result.derivation.ctx
    out, depths = [("The chain", [])], [0]
    for row in rows(result):
        if row.kind == "case":
            case = row.case
            op = "=" if case.condition[0] == "eq" else r"\neq"
            title = f"{math(case.condition[1], ctx)} {op} {math(case.condition[2], ctx)}"
            out.append((f"Case ${title}$ (line {case.line})", []))
            depths.append(row.depth + 1)
            continue
        if row.depth < depths[-1]:
            out.append(("After the cases", []))
            depths.append(row.depth)
        out[-1][1].extend(_row(result, row, ctx, tags))
    return out


def claim(result):
    return claim_tex(result.derivation, math)


PREAMBLE = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{amsmath,amssymb}",
            r"\allowdisplaybreaks", r"\setlength{\parindent}{0pt}", r"\begin{document}"]


def document(report):
    parts = list(PREAMBLE)
    for result in report.results:
        d = result.derivation
        parts.append(r"\section*{%s}" % text(f"{d.name}: {d.title}" if d.title else d.name))
        if d.file:
            parts.append(r"\texttt{%s}\par" % text(d.file))
        parts.append(r"\textbf{Claim} (line %d): \[ %s \]" % (d.claim_line, claim(result)))
        parts.append(r"Claim check: %s. \par" % text(plain_names(f"{result.claim.status}: {result.claim.message}")))
        for title, body in blocks(result, tags=True):
            if not body:
                continue
            parts.append(r"\paragraph{%s}" % (title if "$" in title else text(title)))
            parts.append("\\begin{align*}\n" + " \\\\\n".join(body) + "\n\\end{align*}")
        for check in result.checks:
            if check.outcome.status != PROVED:
                parts.append(r"\textbf{%s check (line %d): %s.} %s\par" % (
                    text(check.kind), check.line, text(check.outcome.status), text(plain_names(check.outcome.message))))
        parts.append(r"\textbf{Verdict: %s.}" % text(result.verdict + assuming(result)))
    for exc in report.errors:
        parts.append(r"\textbf{Error:} \texttt{%s}\par" % text(str(exc)))
    if report.unchecked:
        parts.append(r"\section*{Blocks not checked}" + "\n\\begin{itemize}")
        parts += [r"\item \texttt{%s} %s: %s" % (text(at), text(word), text(why)) for at, word, why in unchecked_rows(report)]
        parts.append(r"\end{itemize}")
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def markdown(report):
    out = []
    for result in report.results:
        d = result.derivation
        out.append(f"### {d.name}" + (f" — {d.title}" if d.title else ""))
        out.append(f"Claim (line {d.claim_line}):\n\n$$\n{claim(result)}\n$$\n")
        out.append(f"Claim check: **{result.claim.status}** — {plain_names(result.claim.message)}\n")
        for title, body in blocks(result):
            if body:
                out.append(f"**{title}**\n\n$$\n\\begin{{aligned}}\n" + " \\\\\n".join(body)
                           + "\n\\end{aligned}\n$$\n")
        hyp = assuming(result, code)
        out.append(f"**Verdict: {result.verdict}**{hyp}.\n" if hyp else f"**Verdict: {result.verdict}.**\n")
    for exc in report.errors:
        out.append(f"**Error:** `{exc}`\n")
    if report.unchecked:
        out.append("**Blocks not checked**\n")
        out += [f"- `{at}` {word}: {why.replace('|', '/')}" for at, word, why in unchecked_rows(report)] + [""]
    return "\n".join(out)
