"""LaTeX derivatives: Leibniz fractions \\frac{d f}{d x}, \\frac{\\partial}{\\partial x} f and \\nabla_x."""
from .errors import DerivError
from .latex_products import _col, _flat, _inner, _is
from .parse import Node


class Operator:
    """∂/∂x (or ∇_x) waiting for its operand: the rest of the product it stands in."""

    def __init__(self, variables, col):
        self.variables, self.col = variables, col

    def apply(self, f):
        for x in reversed(self.variables):  # ∂²f/∂x∂y = ∂/∂x (∂f/∂y)
            f = Node("call", "D", (f, x), self.col)
        return f



class Derivatives:
    """Mixin of the LaTeX reader: fractions, ordinary or Leibniz."""

    def _partial(self, t, col):
        raise DerivError("\\partial is read in \\frac{\\partial f}{\\partial x} and \\frac{\\partial}{\\partial x} f",
                         column=col)

    def _frac(self, t, col):
        num, den = self._args(t)
        leibniz = self._leibniz(num, den, col)
        if isinstance(leibniz, Operator):
            return leibniz
        if leibniz is not None:
            return leibniz
        a, b = self.convert(num), self.convert(den)
        return Node("mul", args=(a, Node("recip", args=(b,), col=col)), col=col)

    def _frac_short(self, t, col):  # \frac12, \frac ab: one character each
        chars = [c for c in str(t.children[0])[5:].lstrip("rac").strip() if not c.isspace()][-2:]
        a, b = (Node("num" if c.isdigit() else "name", c, col=col) for c in chars)
        return Node("mul", args=(a, Node("recip", args=(b,), col=col)), col=col)

    def _nabla(self, t, col):
        return Operator([self._variable(x, col) for x in self._indices_tree(self._args(t)[0])], col)

    def _indices_tree(self, sub):
        if _is(sub, "sub_one"):
            return [sub.children[0]]
        return list(sub.children)

    def _operator(self, t):
        """The pending derivative operator t stands for, or None."""
        t = _inner(t)
        if _is(t, "nabla"):
            return self._nabla(t, _col(t))
        if _is(t, "frac"):
            op = self._leibniz(*self._args(t), _col(t))
            return op if isinstance(op, Operator) else None
        return None

    def _differential(self, tree):
        """(kind, order) when tree is d, \\mathrm{d} or \\partial, possibly to a power; else None."""
        tree, order = _inner(tree), 1
        if _is(tree, "pow"):
            exponent = tree.children[1].children[0]
            if not (getattr(exponent, "type", None) == "DIGITS" and str(exponent).isdigit()):
                return None
            tree, order = _inner(tree.children[0]), int(str(exponent))
        if _is(tree, "partial"):
            return "partial", order
        if _is(tree, "letter", "textname") and self.convert(tree).value == "d":
            return "d", order
        return None

    def _variable(self, tree, col):
        tree = _inner(tree)
        if getattr(tree, "type", None) == "LETTER":  # \nabla_w
            return self.convert(tree)
        if not _is(tree, "letter", "greek", "textname", "hat", "subscript"):
            raise DerivError("a derivative is taken by a name or an entry such as z_j", column=_col(tree) or col)
        return self.convert(tree)

    def _leibniz(self, num, den, col):
        """\\frac{d f}{d x}, \\frac{\\partial^2 f}{\\partial x \\partial y}: D nodes (an Operator when f is
        absent); None for an ordinary fraction."""
        top, bottom = _flat(num), _flat(den)
        head = self._differential(top[0])
        pairs, i = [], 0
        while i + 1 < len(bottom) and (self._differential(bottom[i]) or (None, 0))[1] == 1:
            var, times = _inner(bottom[i + 1]), 1
            if _is(var, "pow") and getattr(var.children[1].children[0], "type", None) == "DIGITS":
                var, times = _inner(var.children[0]), int(str(var.children[1].children[0]))
            pairs += [(self._differential(bottom[i])[0], var)] * times
            i += 2
        differential = bool(pairs) and i == len(bottom) and (head is not None or all(
            _is(v, "letter", "greek", "textname", "hat", "subscript") for _, v in pairs))
        if not differential:
            if head is not None and head[0] == "partial":
                raise DerivError("\\partial in a numerator needs \\partial x in the denominator", column=col)
            if any(_is(_inner(b), "partial") for b in bottom):
                raise DerivError("write the denominator of a partial derivative as \\partial x", column=col)
            return None
        if head is None:
            if pairs[0][0] == "partial":
                raise DerivError("\\partial x in a denominator needs \\partial f in the numerator: "
                                 "\\frac{\\partial (f g)}{\\partial x}", column=col)
            raise DerivError("the denominator reads as a differential (d x): write the derivative as "
                             "\\frac{d f}{d x}, a product as d \\cdot x", column=col)
        if head[1] != len(pairs) or any(kind != head[0] for kind, _ in pairs):
            raise DerivError(f"the numerator's d^{head[1]} does not match the denominator's "
                             f"{len(pairs)} differential(s) of the same kind", column=col)
        variables = [self._variable(v, col) for _, v in pairs]
        op = Operator(variables, col)
        return op if len(top) == 1 else op.apply(self._product(top[1:], col))
