"""The proof trace as LaTeX: a complete amsmath document (pdflatex), or markdown `$$` blocks."""
import sympy
from sympy.printing.latex import LatexPrinter, greek_letters_set

from ..model import PROVED
from .base import rows

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
    "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}",
}
_UNICODE = {"≠": r"\neq", "∈": r"\in", "≤": r"\leq", "≥": r"\geq", "−": "-", "Σ": r"\Sigma", "δ": r"\delta",
            "…": r"\ldots", "→": r"\to", "·": r"\cdot", "²": "^2", "⁻": "^-"}


def text(s):
    """s as the body of \\text{...}: LaTeX specials escaped, a few symbols as math."""
    out = []
    for ch in str(s):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ch in _UNICODE:
            out.append(f"${_UNICODE[ch]}$")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


class _Printer(LatexPrinter):
    """SymPy's LaTeX, in forms latex_in.py reads back to the same expression."""

    printmethod = "_derivcheck_latex"  # bypasses D._latex: ∂/∂x (f) g would read as ∂(f g)/∂x

    def __init__(self, settings, e_declared=False):
        super().__init__(settings)
        self.e_declared = e_declared

    def _print_D(self, expr, exp=None):
        f, x = expr.args
        body = self._print(f) if isinstance(f, (sympy.Symbol, sympy.Indexed)) else r"\left(%s\right)" % self._print(f)
        tex = r"\frac{\partial %s}{\partial %s}" % (body, self._print(x))
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp is not None else tex

    def _print_Sum(self, expr):  # nested single sums, not \substack: Σ_j Σ_i for limits (i, ..), (j, ..)
        body = expr.function
        tex = r"\left(%s\right)" % self._print(body) if isinstance(body, sympy.Add) else self._print(body)
        for k, lo, hi in expr.limits:
            tex = r"\sum_{%s=%s}^{%s} %s" % (self._print(k), self._print(lo), self._print(hi), tex)
        return tex

    def _print_ExpBase(self, expr, exp=None):
        if not self.e_declared:
            return super()._print_ExpBase(expr, exp)
        tex = r"\exp\left(%s\right)" % self._print(expr.args[0])
        return r"%s^{%s}" % (tex, exp) if exp is not None else tex

    def _print_Max(self, expr, exp=None):
        if len(expr.args) == 2 and 0 in expr.args:  # relu(u) = Max(u, 0)
            (u,) = [a for a in expr.args if a != 0]
            tex = r"\operatorname{relu}\left(%s\right)" % self._print(u)
            return r"%s^{%s}" % (tex, exp) if exp is not None else tex
        return super()._print_Max(expr, exp)

    def _print_Heaviside(self, expr, exp=None):
        tex = r"\operatorname{step}\left(%s\right)" % self._print(expr.args[0])
        return r"%s^{%s}" % (tex, exp) if exp is not None else tex


def _declared_bound_names(expr, ctx):
    """expr with every Sum index that is not a declared index, or also occurs free, renamed to a
    declared index used nowhere in expr (the same range first): the printed form reads back."""
    if not expr.has(sympy.Sum):
        return expr
    free, taken = expr.free_symbols, set(expr.atoms(sympy.Symbol))
    indices = list(ctx.indices.values())

    def fix(e):
        if isinstance(e, sympy.Sum):
            body, limits = e.function, []
            for k, lo, hi in e.limits:
                if k in indices and k not in free:
                    limits.append((k, lo, hi))
                    continue
                spare = [c for c in indices if c not in taken]
                spare.sort(key=lambda c: ctx.ranges.get(c) != (lo, hi))
                if spare:
                    taken.add(spare[0])
                    body = body.xreplace({k: spare[0]})
                    k = spare[0]
                limits.append((k, lo, hi))
            return sympy.Sum(fix(body), *limits)
        if not e.args:
            return e
        return e.func(*[fix(a) for a in e.args])

    return fix(expr)


def math(expr, ctx):
    """expr in LaTeX that latex_in.py reads back; multi-letter names upright (softmax_out, Sigma stays Greek)."""
    names = {}
    symbols = [s for s, _ in ctx.scalars.values()] + list(ctx.sizes.values()) + list(ctx.indices.values())
    symbols += [a.base.label for a in ctx.arrays.values()]
    symbols += [d.target.label if isinstance(d.target, sympy.IndexedBase) else d.target for d in ctx.definitions.values()]
    greek = set(greek_letters_set) | {g.capitalize() for g in greek_letters_set}
    for s in symbols:
        if len(s.name) > 1 and s.name not in greek:
            names[s] = r"\mathrm{%s}" % s.name.replace("_", r"\_")
    printer = _Printer({"symbol_names": names}, e_declared="e" in ctx.names())
    return printer.doprint(_declared_bound_names(expr, ctx))


def _rules(sr):
    rules = ", ".join(sr.step.rules) if sr.step.rules else "no rule named; found: " + ", ".join(sr.outcome.rules_found)
    return text(rules)


def _evidence_lines(sr):
    o = sr.outcome
    lines = [r"\text{%s: %s}" % (_rules(sr), text(o.status.upper() if o.status != PROVED else o.status))]
    for rule, cond in o.side_conditions:
        lines.append(r"\text{side condition (%s): %s}" % (text(rule), text(cond)))
    if o.counterexample:
        ce = o.counterexample
        at = ", ".join(f"{k} = {v}" for k, v in list(ce["sizes"].items()) + list(ce["indices"].items()))
        lines.append(r"\text{counterexample at %s: previous expression} = %s,\ \text{this step} = %s"
                     % (text(at), ce.get("lhs"), ce.get("rhs")))
        for name, value in ce.get("inputs", {}).items():
            lines.append(r"\text{%s}" % text(f"{name} = {value}"))
    elif o.status != PROVED:
        lines.append(r"\text{%s}" % text(o.message))
    return lines


def _row(row, ctx):
    """The align rows of one chain row: the expression and, for a link, its evidence."""
    if row.kind == "start":
        return [f"& {math(row.step.expr, ctx)} && \\text{{line {row.step.line}}}"]
    sr = row.result
    mark = r"\quad\textbf{(refuted)}" if sr.outcome.status == "refuted" else ""
    out = [f"&= {math(row.step.expr, ctx)}{mark} && \\text{{line {row.step.line}}}"]
    return out + [f"&\\qquad {line}" for line in _evidence_lines(sr)]


def _blocks(result):
    """[(title, align rows)]: the chain up to the cases, each case, the chain after them."""
    ctx = result.derivation.ctx
    blocks, depths = [("The chain", [])], [0]
    for row in rows(result):
        if row.kind == "case":
            case = row.case
            op = "=" if case.condition[0] == "eq" else r"\neq"
            title = f"{math(case.condition[1], ctx)} {op} {math(case.condition[2], ctx)}"
            blocks.append((f"Case ${title}$ (line {case.line})", []))
            depths.append(row.depth + 1)
            continue
        if row.depth < depths[-1]:
            blocks.append(("After the cases", []))
            depths.append(row.depth)
        blocks[-1][1].extend(_row(row, ctx))
    return blocks


def _claim(result):
    d = result.derivation
    return f"{math(d.claim_lhs, d.ctx)} = {math(d.claim_rhs, d.ctx)}"


def document(report):
    parts = [r"\documentclass{article}", r"\usepackage{amsmath,amssymb}", r"\allowdisplaybreaks",
             r"\setlength{\parindent}{0pt}", r"\begin{document}"]
    for result in report.results:
        d = result.derivation
        parts.append(r"\section*{%s}" % text(f"{d.name}: {d.title}" if d.title else d.name))
        if d.file:
            parts.append(r"\texttt{%s}\par" % text(d.file))
        parts.append(r"\textbf{Claim} (line %d): \[ %s \]" % (d.claim_line, _claim(result)))
        parts.append(r"Claim check: %s. \par" % text(f"{result.claim.status}: {result.claim.message}"))
        for title, rows in _blocks(result):
            if not rows:
                continue
            parts.append(r"\paragraph{%s}" % (title if "$" in title else text(title)))
            parts.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
        for check in result.checks:
            if check.outcome.status != PROVED:
                parts.append(r"\textbf{%s check (line %d): %s.} %s\par" % (
                    text(check.kind), check.line, text(check.outcome.status), text(check.outcome.message)))
        parts.append(r"\textbf{Verdict: %s.}" % text(result.verdict))
    for exc in report.errors:
        parts.append(r"\textbf{Error:} \texttt{%s}\par" % text(str(exc)))
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def markdown(report):
    out = []
    for result in report.results:
        d = result.derivation
        out.append(f"### {d.name}" + (f" — {d.title}" if d.title else ""))
        out.append(f"Claim (line {d.claim_line}):\n\n$$\n{_claim(result)}\n$$\n")
        out.append(f"Claim check: **{result.claim.status}** — {result.claim.message}\n")
        for title, rows in _blocks(result):
            if rows:
                out.append(f"**{title}**\n\n$$\n\\begin{{aligned}}\n" + " \\\\\n".join(rows)
                           + "\n\\end{aligned}\n$$\n")
        out.append(f"**Verdict: {result.verdict}.**\n")
    for exc in report.errors:
        out.append(f"**Error:** `{exc}`\n")
    return "\n".join(out)


def render(report, stream, **options):
    stream.write(document(report))


