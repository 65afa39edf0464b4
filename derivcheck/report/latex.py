"""SymPy expressions as LaTeX that derivcheck reads back (math), text escaped for LaTeX; the trace document is trace_tex."""
import sympy
from sympy.printing.latex import LatexPrinter, greek_letters_set

from .. import vocabulary


_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
    "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {"≠": r"\neq", "∈": r"\in", "≤": r"\leq", "≥": r"\geq", "−": "-", "Σ": r"\Sigma", "δ": r"\delta",
            "…": r"\ldots", "→": r"\to", "·": r"\cdot", "²": "^2", "⁻": "^-",
            "∂": r"\partial", "⊙": r"\odot", "ᵀ": r"^\top", "×": r"\times", "√": r"\surd", "∑": r"\sum", "±": r"\pm"}


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

    def _hprint_Function(self, func):  # a defined function's derivative sigma' prints as \sigma'
        if func.endswith("'"):
            return super()._hprint_Function(func[:-1]) + "'"
        return super()._hprint_Function(func)

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
            tex = r"%s\left(%s\right)" % (vocabulary.BY_NAME["relu"].latex[0], self._print(u))
            return r"%s^{%s}" % (tex, exp) if exp is not None else tex
        return super()._print_Max(expr, exp)

    def _print_Heaviside(self, expr, exp=None):
        return self._named("step", expr, exp)

    def _print_Sigmoid(self, expr, exp=None):  # kept whole: written as the function table writes it
        return self._named("sigmoid", expr, exp)

    def _named(self, name, expr, exp):
        tex = r"%s\left(%s\right)" % (vocabulary.BY_NAME[name].latex[0], self._print(expr.args[0]))
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


def render(report, stream, **options):
    from .trace_tex import document

    stream.write(document(report))


