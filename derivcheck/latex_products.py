"""LaTeX products: functions applied (\\log x, \\sin^2 x, \\exp(x)^2), names before parentheses."""
import re

from . import vocabulary
from .errors import DerivError
from .parse import Node
from .symbols import FUNCTIONS

# LaTeX names of the vocabulary's functions (\ln, \operatorname{ReLU}, \operatorname{sgn}, ...),
# SymPy's printed names (\operatorname{asin}), and \sigma(z) for sigmoid when sigma is not declared
_ALIASES = {"sigma": "sigmoid", "Tr": "trace", "tr": "trace", "lg": "log10", "asin": "arcsin", "acos": "arccos",
            "atan": "arctan", "Abs": "abs", "sgn": "sign"}
_ALIASES.update({re.sub(r"^\\(operatorname|mathrm)\{|\}$|^\\", "", cmd): f.name
                 for f in vocabulary.FUNCTIONS for cmd in f.latex})
_INVERSE = {"sin": "arcsin", "cos": "arccos", "tan": "arctan", "tanh": "arctanh"}
_NOT_CALLABLE = {"D", "Sum", "delta", "loss", "onehot", "pi"}
# known to mathematicians, not to derivcheck: applied, they are refused by name, not read as products
_KNOWN_ELSEWHERE = {"det", "csc", "cot", "min", "log10", "arctanh", "rank", "inv", "argmax", "argmin", "Var", "E"}


def _is(tree, *kinds):
    return getattr(tree, "data", None) in kinds


def _col(tree):
    meta = getattr(tree, "meta", None)
    return getattr(meta, "column", None) or getattr(tree, "column", None) or 1


def _inner(tree):
    """A {..} group unwrapped: it is invisible in the typeset formula."""
    while _is(tree, "group"):
        tree = tree.children[0]
    return tree


def _parenthesised(tree):
    return _is(_inner(tree), "paren")


def _flat(tree):
    """The items of a juxtaposition a b c, in order."""
    tree = _inner(tree)
    if _is(tree, "jux"):
        return [i for c in tree.children for i in _flat(c)]
    return [tree]



def _tree(data, children, meta=None):
    """A lark tree built by hand (a^2_i rewritten as (a_i)^2)."""
    from lark import Tree

    tree = Tree(data, children)
    if meta is not None:
        tree._meta = meta
    return tree



def _names(node):
    if node.kind in ("name", "index"):
        yield node
    for a in node.args:
        yield from _names(a)



class Products:
    """Mixin of the LaTeX reader: a juxtaposition a b c read as a mathematician reads it."""

    def _jux(self, t, col):
        return self._product(_flat(t), col)

    def _product(self, items, col):
        self._check_spelled_names(items)
        factors, i = [], 0
        while i < len(items):
            t = _inner(items[i])
            op = self._operator(t)
            if op is not None:
                if i + 1 == len(items):
                    raise DerivError("a derivative operator needs what it differentiates after it", column=op.col)
                factors.append(op.apply(self._product(items[i + 1:], col)))
                break
            if self._function_head(t, items[i + 1] if i + 1 < len(items) else None):
                node, i = self._apply(items, i)
                factors.append(node)
                continue
            nxt = _inner(items[i + 1]) if i + 1 < len(items) else None
            if _is(t, "number") and i > 0:
                raise DerivError("a number after a factor reads as part of it: write it first, or use \\cdot",
                                 column=_col(t))
            if _is(t, "number") and _is(nxt, "frac", "frac_short") and self._numeric(nxt):
                raise DerivError("2\\frac{1}{2} reads as a mixed number or a product: write 2 \\cdot \\frac{1}{2}",
                                 column=_col(t))
            if nxt is not None and (_parenthesised(nxt) or _is(nxt, "pow") and _parenthesised(nxt.children[0])):
                self._check_product_with_parenthesis(t, nxt)
            factors.append(self.convert(t))
            i += 1
        return factors[0] if len(factors) == 1 else Node("mul", "product", tuple(factors), col)

    def _check_spelled_names(self, items):
        """lr written for a declared name lr reads as l times r: refused (write \\mathrm{lr})."""
        run = []
        for t in items + [None]:
            adjacent = run and _is(t, "letter") and t.meta.start_pos == run[-1].meta.end_pos
            if adjacent:
                run.append(t)
                continue
            letters = "".join(str(r.children[0]) for r in run)
            for a in range(len(letters)):
                for b in range(a + 2, len(letters) + 1):
                    if letters[a:b] in self.declared:
                        raise DerivError(f"{letters} spells the declared name {letters[a:b]} but reads as a product "
                                         f"of letters: write \\mathrm{{{letters[a:b]}}} for the name, or put spaces "
                                         "between factors", column=run[0].meta.column)
            run = [t] if _is(t, "letter") else []

    def _numeric(self, frac):
        if _is(frac, "frac_short"):
            return str(frac.children[0])[-1].isdigit() and str(frac.children[0]).rstrip()[-2].isdigit()
        return all(_is(_inner(c), "number") for c in self._args(frac))

    def _name_of(self, t):
        """The name a letter, Greek letter or \\text{..} stands for, or None."""
        t = _inner(t)
        if _is(t, "letter", "greek", "textname", "hat"):
            return self.convert(t).value
        return None

    def _check_product_with_parenthesis(self, t, nxt):
        """a(b + c) is a product; f(x) with f not a function is read neither way."""
        name = self._name_of(t) or (self._name_of(t.children[0]) if _is(t, "subscript") else None)
        if name is None:
            return
        inner = _inner(self._args(_inner(nxt) if _is(_inner(nxt), "paren") else _inner(nxt.children[0]))[0])
        simple = _is(inner, "letter", "greek", "textname", "hat", "number", "subscript")
        mentions = name in {n.value for n in _names(self.convert(inner))}
        defined = name in self.ctx.definitions or name in self.ctx.losses
        if simple or (defined and not mentions and not _is(t, "subscript")):
            what = ("a defined name" if defined else "a declared name") if name in self.declared \
                else "not a function derivcheck knows"
            raise DerivError(f"{name}(...) is read neither as a product nor as an application ({name} is {what}): "
                             f"write {name} \\cdot (...) for a product", column=_col(t))

    def _function_head(self, t, nxt):
        """(function name, power tree) when t applies a function to what follows it."""
        power = None
        if _is(t, "pow") and _is(_inner(t.children[0]), "func", "letter", "greek", "textname", "prime"):
            t, power = _inner(t.children[0]), t.children[1]
        if _is(t, "func"):
            return str(t.children[0])[1:], power
        name = self._name_of(t.children[0] if _is(t, "prime") else t)
        name = name + "'" if name is not None and _is(t, "prime") else name
        applied = nxt is not None and (_parenthesised(nxt) or _is(_inner(nxt), "arglist")
                                       or _is(_inner(nxt), "pow") and _parenthesised(nxt.children[0]))
        if name is None or not applied:
            return None
        if name in self.ctx.functions:  # define: sigma(u): ...
            return name, power
        fn = _ALIASES.get(name, name)
        if power is None and name not in self.declared and fn not in vocabulary.CONSTANTS \
                and (fn in FUNCTIONS or fn in _KNOWN_ELSEWHERE):
            return name, None
        return None

    def _function(self, name, col, power=None):
        fn = name if name in self.ctx.functions else _ALIASES.get(name, name)
        if power is not None and power.kind == "neg" and power.args[0] == Node("num", "1", col=power.args[0].col):
            inverse = _INVERSE.get(fn)
            if inverse in FUNCTIONS:
                return inverse, None
            what = {"sin": "sine", "cos": "cosine", "tan": "tangent", "tanh": "hyperbolic tangent"}.get(fn, fn)
            raise DerivError(f"\\{name}^{{-1}} is the inverse {what}, not 1/\\{name}: not supported yet", column=col)
        if power is not None and not (power.kind == "num" and power.value.isdigit() and int(power.value) >= 1):
            raise DerivError(f"\\{name}^{{...}}: only a whole positive power of a function is read "
                             f"(\\{name}^2 x is (\\{name} x)^2)", column=col)
        if fn in self.ctx.functions:
            return fn, power
        if fn not in FUNCTIONS or fn in _NOT_CALLABLE:
            raise DerivError(f"{name} is not supported yet (functions: {', '.join(sorted(FUNCTIONS - _NOT_CALLABLE))})",
                             column=col)
        return fn, power

    def _apply(self, items, i):
        """items[i] applied to what follows: \\f(x)^2 is (f(x))^2, \\f^2 x is (f x)^2, \\f x y is refused."""
        t = _inner(items[i])
        name, power_tree = self._function_head(t, items[i + 1] if i + 1 < len(items) else None)
        power = self._sup(power_tree) if power_tree is not None else None
        fn, power = self._function(name, _col(t), power)
        if i + 1 == len(items):
            raise DerivError(f"{name} needs an argument", column=_col(t))
        arg, outer, j = _inner(items[i + 1]), None, i + 2
        if _is(arg, "pow") and _parenthesised(arg.children[0]):
            if power is not None:
                raise DerivError(f"\\{name}^n(x)^m is read two ways: use parentheses", column=_col(t))
            arg, outer = _inner(arg.children[0]), self._sup(arg.children[1])
        if _is(arg, "paren", "arglist"):
            args = tuple(self.convert(a) for a in self._args(arg))
            node = Node("call", fn, args, _col(t))
        elif self._function_head(arg, items[j] if j < len(items) else None):
            inner, j = self._apply(items, i + 1)
            node = Node("call", fn, (inner,), _col(t))
        else:
            if self._operator(arg) is not None:
                raise DerivError(f"write \\{name}(...) around a derivative", column=_col(arg))
            node = Node("call", fn, (self.convert(arg),), _col(t))
        if j < len(items) and not outer and not _is(arg, "paren", "arglist") \
                and not self._function_head(_inner(items[j]), items[j + 1] if j + 1 < len(items) else None):
            raise DerivError(f"\\{name} x y is read two ways: write \\{name}(x y) or (\\{name} x) y",
                             column=_col(items[j]))
        for p in (power, outer):
            if p is not None:
                node = Node("pow", args=(node, p), col=_col(t))
        return node, j

    def _func(self, t, col):
        raise DerivError(f"{t.children[0]} needs an argument", column=col)
