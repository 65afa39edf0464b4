"""The author's own expressions as LaTeX: their LaTeX, or their ASCII text typeset in the order written."""
import re

from .. import vocabulary
from ..errors import DerivError
from ..parse import parse

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
         "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
         "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
# how a function is written: the first LaTeX command of its entry in the function table
NAMED = {f.name: f.latex[0] for f in vocabulary.FUNCTIONS if f.latex} | {"ln": r"\ln", "max": r"\max"}
ADD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5


def _name(name):
    if name in GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    return r"\mathrm{%s}" % name.replace("_", r"\_")


class _Writer:
    """AST (parse.Node) -> LaTeX, keeping the author's order; brackets where precedence needs them."""

    def __init__(self, e_declared=False):
        self.e_declared = e_declared

    def at(self, node, level):
        tex, own = self.node(node)
        return r"\left(%s\right)" % tex if own < level else tex

    def node(self, n):
        method = getattr(self, "_" + n.kind, None)
        if method is None:
            raise DerivError(f"no written form for {n.kind}")
        return method(n)

    def _num(self, n):
        return n.value, ATOM

    def _name(self, n):
        return _name(n.value), ATOM

    def _index(self, n):
        return "%s_{%s}" % (_name(n.value), ", ".join(self.at(a, ADD) for a in n.args)), ATOM

    def _add(self, n):
        parts = [self.at(n.args[0], ADD)]
        for a in n.args[1:]:
            if a.kind == "neg":
                parts.append("- " + self.at(a.args[0], MUL))
            else:
                parts.append("+ " + self.at(a, ADD))
        return " ".join(parts), ADD

    def _neg(self, n):
        return "-" + self.at(n.args[0], MUL), NEG

    def _mul(self, n):
        """Factors in the author's order; a / b as \\frac{a}{b} over the factors written before it since the last fraction."""
        groups = []  # (numerator factors, denominator factors)
        for f in n.args:
            if f.kind == "recip":
                if not groups:
                    groups.append(([], []))
                groups[-1][1].append(f.args[0])
            elif groups and not groups[-1][1]:
                groups[-1][0].append(f)
            else:
                groups.append(([f], []))
        out = []
        for k, (nums, dens) in enumerate(groups):
            if dens:
                top = self._single(nums[0]) if len(nums) == 1 else self._product(nums) if nums else "1"
                out.append(r"\frac{%s}{%s}" % (top, self._single(dens[0]) if len(dens) == 1 else self._product(dens)))
            else:
                out.append(self._product(nums, first=k == 0, last=k == len(groups) - 1))
        return " ".join(out), MUL

    def _single(self, node):
        return self.node(node)[0]

    def _product(self, factors, first=True, last=True):
        out, sign = [], ""
        if first and factors and factors[0].kind == "neg":  # -a * x: a leading minus, not (-a)
            sign, factors = "-", [factors[0].args[0]] + list(factors[1:])
        for n, f in enumerate(factors):
            end = last and n == len(factors) - 1
            if f.kind == "call" and f.value == "Sum" and not end:  # a sum's summand would run on
                out.append(r"\left(%s\right)" % self.node(f)[0])
                continue
            tex = self.at(f, POW if f.kind == "neg" else MUL)
            if out and (tex[0].isdigit() or out[-1][-1].isdigit() and tex[0] == "."):
                out.append(r"\cdot")
            out.append(tex)
        return sign + " ".join(out)

    def _pow(self, n):
        base, exponent = n.args
        if base.kind == "call" and base.value == "exp" and not self.e_declared:
            return r"\left(%s\right)^{%s}" % (self.node(base)[0], self.at(exponent, ADD)), POW
        return "%s^{%s}" % (self.at(base, ATOM), self.at(exponent, ADD)), POW

    def _matmul(self, n):
        return r"%s \, %s" % (self.at(n.args[0], MUL), self.at(n.args[1], POW)), MUL

    def _transpose(self, n):
        return r"%s^{\top}" % self.at(n.args[0], ATOM), POW

    def _eq(self, n):
        return "%s = %s" % (self.at(n.args[0], ADD), self.at(n.args[1], ADD)), 0

    def _ne(self, n):
        return r"%s \neq %s" % (self.at(n.args[0], ADD), self.at(n.args[1], ADD)), 0

    def _call(self, n):
        f, args = n.value, n.args
        if f == "D" and len(args) == 2:
            body = self.node(args[0])[0] if args[0].kind in ("name", "index") else r"\left(%s\right)" % self.node(args[0])[0]
            return r"\frac{\partial %s}{\partial %s}" % (body, self.at(args[1], ATOM)), ATOM
        if f == "Sum" and len(args) >= 2:
            body = self.at(args[0], MUL)
            for limit in reversed(args[1:]):
                if limit.kind == "tuple" and len(limit.args) == 3:
                    k, lo, hi = (self.at(a, ADD) for a in limit.args)
                    body = r"\sum_{%s=%s}^{%s} %s" % (k, lo, hi, body)
                else:
                    body = r"\sum_{%s} %s" % (self.at(limit, ADD), body)
            return body, MUL
        if f == "delta" and len(args) == 2:
            return r"\delta_{%s, %s}" % (self.at(args[0], ADD), self.at(args[1], ADD)), ATOM
        if f == "exp" and len(args) == 1 and not self.e_declared:
            return "e^{%s}" % self.at(args[0], ADD), POW
        if f == "sqrt" and len(args) == 1:
            return r"\sqrt{%s}" % self.at(args[0], ADD), ATOM
        head = NAMED.get(f, r"\operatorname{%s}" % f.replace("_", r"\_"))
        return r"%s\left(%s\right)" % (head, ", ".join(self.at(a, ADD) for a in args)), ATOM


def ascii_tex(text, e_declared=False, allow=()):
    """The ASCII expression text as LaTeX, in the author's order; DerivError if it has no written form."""
    return _Writer(e_declared).node(parse(str(text), allow))[0]


MATRIX = re.compile(r"@|\.T\b|\btranspose\(|\bsum_rows\(|\bsum_all\(|\bonehot\(")


def is_matrix(text):
    """Whether an ASCII expression uses matrix notation (its checked form is the index form)."""
    return bool(MATRIX.search(str(text)))


def written(text, expr, ctx, fallback, allow=()):
    """text as LaTeX in the author's order when derivcheck's reader gives expr back from it (matrix notation,
    which the reader does not take, is typeset as written); else fallback(expr, ctx)."""
    try:
        tex = ascii_tex(text, _e_declared(ctx), allow)
    except (DerivError, RecursionError, AttributeError, TypeError, ValueError):
        return fallback(expr, ctx)
    if is_matrix(text) or _reads_back(tex, expr, ctx):
        return tex
    return fallback(expr, ctx)


def step_tex(step, ctx, fallback):
    """What the author wrote for step, as LaTeX: their LaTeX, or their ASCII typeset (see written())."""
    return step.text if step.tex else written(step.text, step.expr, ctx, fallback)


def claim_tex(d, fallback):
    if d.claim_tex:
        return d.claim_text
    try:
        node = parse(str(d.claim_text), ("eq",))
    except DerivError:
        node = None
    if node is None or node.kind != "eq":
        return f"{fallback(d.claim_lhs, d.ctx)} = {fallback(d.claim_rhs, d.ctx)}"
    w = _Writer(_e_declared(d.ctx))
    sides = []
    for side, expr in zip(node.args, (d.claim_lhs, d.claim_rhs)):
        try:
            tex = w.node(side)[0]
        except (DerivError, RecursionError):
            tex = None
        text = d.claim_text[side.col - 1:]
        ok = tex is not None and (is_matrix(d.claim_text) or _reads_back(tex, expr, d.ctx))
        sides.append(tex if ok else fallback(expr, d.ctx))
        del text
    return " = ".join(sides)


def _e_declared(ctx):
    return "e" in getattr(ctx, "scalars", {}) or "e" in getattr(ctx, "definitions", {})


def _reads_back(tex, expr, ctx):
    """Whether derivcheck's own LaTeX reader gives expr back from tex (bound names aside)."""
    from ..build import expression
    from ..canon import canonical_bound

    try:
        return canonical_bound(expression(ctx, tex, tex=True)) == canonical_bound(expr)
    except Exception:  # noqa: BLE001 - anything the reader refuses is simply not used
        return False


_BOUND = re.compile(r"(?<![A-Za-z0-9_])_(?=[A-Za-z])")


def plain_names(text):
    """Internal canonical names (_k) as the letters a reader knows (k)."""
    return _BOUND.sub("", str(text))
