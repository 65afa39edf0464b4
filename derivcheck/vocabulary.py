"""The one table of elementwise functions: name, SymPy form, derivative, numeric and LaTeX forms."""
import math
from dataclasses import dataclass

import sympy
from sympy import Abs, Heaviside, Max, acos, asin, atan, cos, cosh, erf, exp, log, sech, sec, sign, sin, sinh, sqrt, tan, tanh


@dataclass(frozen=True)
class Function:
    """One elementwise function of one argument: every consumer reads it here.

    build(u) is its SymPy form (a SymPy function applied, or an expression in u such as
    log(1 + exp(u)) for softplus), read by the parser (build.py); head is the SymPy class of the
    applied function when build applies one. derivative(u) is F'(u) for chain_rule, condition(u)
    its side condition or None. The numeric evidence (derivcheck/evidence) reads numeric (F on
    floats, math module), hp(mp, v) (F on mpmath numbers of the context mp) and slope(a, f): F'(a)
    written again with the evidence's own functions f.<name>, f.power, f.real, f.pi(a), so the
    numbers never rest on `derivative` (a wrong one is refuted, not confirmed). latex lists the
    LaTeX commands that read as it (the LaTeX reader; the first is how reports write it); emit is
    (the name SymPy's Python printer writes, its numpy definition) for `derivcheck emit`, or None
    when the printer writes the function with other entries (sec as 1/cos).
    """

    name: str
    build: object
    head: object = None
    derivative: object = None
    condition: object = None
    numeric: object = None
    hp: object = None
    slope: object = None
    latex: tuple = ()
    emit: tuple = None


class Sigmoid(sympy.Function):
    """σ(u) = 1/(1 + e^(−u)), kept whole so σ' = σ(1 − σ) and σ/σ cancel; its body is σ_body(u)."""

    nargs = 1
    is_real = True

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0]) * (1 - Sigmoid(self.args[0]))

    def _eval_evalf(self, prec):
        return sigmoid_body(self.args[0])._eval_evalf(prec)

    def _sympystr(self, printer):
        return "sigmoid(%s)" % printer._print(self.args[0])

    def _latex(self, printer, exp=None):
        tex = r"\operatorname{sigmoid}\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


def sigmoid_body(u):
    """σ written out, for the zero test and the numbers."""
    return 1 / (1 + exp(-u))


def _step(u):
    return 1.0 if u > 0 else (0.5 if u == 0 else 0.0)


def _sigmoid(u):
    return 1.0 / (1.0 + math.exp(-u)) if u >= 0 else math.exp(u) / (1.0 + math.exp(u))


def _relu(u):
    return max(u, 0.0)


def _sign(u):
    return (u > 0) - (u < 0)


FUNCTIONS = (
    Function("exp", exp, exp, lambda u: exp(u), numeric=math.exp, hp=lambda m, v: m.exp(v),
             slope=lambda a, f: f.exp(a), latex=(r"\exp",), emit=("exp", "numpy.exp")),
    Function("log", log, log, lambda u: 1 / u, lambda u: f"{u} > 0", numeric=math.log, hp=lambda m, v: m.log(v),
             slope=lambda a, f: f.power(a, -1), latex=(r"\log", r"\ln"), emit=("log", "numpy.log")),
    Function("sqrt", sqrt, numeric=math.sqrt, hp=lambda m, v: m.sqrt(v), latex=(r"\sqrt",),
             emit=("sqrt", "numpy.sqrt")),
    Function("sin", sin, sin, lambda u: cos(u), numeric=math.sin, hp=lambda m, v: m.sin(v),
             slope=lambda a, f: f.cos(a), latex=(r"\sin",), emit=("sin", "numpy.sin")),
    Function("cos", cos, cos, lambda u: -sin(u), numeric=math.cos, hp=lambda m, v: m.cos(v),
             slope=lambda a, f: -1 * f.sin(a), latex=(r"\cos",), emit=("cos", "numpy.cos")),
    Function("tan", tan, tan, lambda u: 1 + tan(u) ** 2, numeric=math.tan, hp=lambda m, v: m.tan(v),
             slope=lambda a, f: 1 + f.power(f.tan(a), 2), latex=(r"\tan",), emit=("tan", "numpy.tan")),
    Function("sec", sec, sec, lambda u: sec(u) * tan(u), numeric=lambda u: 1 / math.cos(u),
             hp=lambda m, v: 1 / m.cos(v), slope=lambda a, f: f.sec(a) * f.tan(a), latex=(r"\sec",)),
    Function("tanh", tanh, tanh, lambda u: 1 - tanh(u) ** 2, numeric=math.tanh, hp=lambda m, v: m.tanh(v),
             slope=lambda a, f: 1 - f.power(f.tanh(a), 2), latex=(r"\tanh",), emit=("tanh", "numpy.tanh")),
    Function("sinh", sinh, sinh, lambda u: cosh(u), numeric=math.sinh, hp=lambda m, v: m.sinh(v),
             slope=lambda a, f: f.cosh(a), latex=(r"\sinh",), emit=("sinh", "numpy.sinh")),
    Function("cosh", cosh, cosh, lambda u: sinh(u), numeric=math.cosh, hp=lambda m, v: m.cosh(v),
             slope=lambda a, f: f.sinh(a), latex=(r"\cosh",), emit=("cosh", "numpy.cosh")),
    Function("sech", sech, sech, lambda u: -sech(u) * tanh(u), numeric=lambda u: 1 / math.cosh(u),
             hp=lambda m, v: 1 / m.cosh(v), slope=lambda a, f: -1 * f.sech(a) * f.tanh(a),
             latex=(r"\operatorname{sech}",)),
    Function("arcsin", asin, asin, lambda u: 1 / sqrt(1 - u**2), lambda u: f"-1 < {u} < 1", numeric=math.asin,
             hp=lambda m, v: m.asin(v), slope=lambda a, f: f.power(1 - f.power(a, 2), -0.5),
             latex=(r"\arcsin",), emit=("asin", "numpy.arcsin")),
    Function("arccos", acos, acos, lambda u: -1 / sqrt(1 - u**2), lambda u: f"-1 < {u} < 1", numeric=math.acos,
             hp=lambda m, v: m.acos(v), slope=lambda a, f: -1 * f.power(1 - f.power(a, 2), -0.5),
             latex=(r"\arccos",), emit=("acos", "numpy.arccos")),
    Function("arctan", atan, atan, lambda u: 1 / (1 + u**2), numeric=math.atan, hp=lambda m, v: m.atan(v),
             slope=lambda a, f: f.power(1 + f.power(a, 2), -1), latex=(r"\arctan",), emit=("atan", "numpy.arctan")),
    Function("erf", erf, erf, lambda u: 2 * exp(-(u**2)) / sqrt(sympy.pi), numeric=math.erf,
             hp=lambda m, v: m.erf(v), slope=lambda a, f: 2 * f.exp(-1 * f.power(a, 2)) * f.power(f.pi(a), -0.5),
             latex=(r"\operatorname{erf}",), emit=("erf", "numpy.vectorize(math.erf)")),
    Function("abs", Abs, Abs, lambda u: sign(u), lambda u: f"{u} ≠ 0 (|u| is not differentiable at 0)", numeric=abs,
             hp=lambda m, v: abs(v), slope=lambda a, f: _sign(f.real(a))),
    Function("relu", lambda u: Max(u, 0), numeric=_relu,
             latex=(r"\operatorname{relu}", r"\operatorname{ReLU}", r"\mathrm{relu}", r"\mathrm{ReLU}")),
    Function("sign", sign, sign, lambda u: sympy.Integer(0), lambda u: f"{u} ≠ 0", numeric=_sign,
             hp=lambda m, v: _sign(v), slope=lambda a, f: 0, latex=(r"\operatorname{sign}", r"\operatorname{sgn}")),
    Function("step", Heaviside, Heaviside, lambda u: sympy.Integer(0), lambda u: f"{u} ≠ 0", numeric=_step,
             latex=(r"\operatorname{step}",)),
    Function("sigmoid", Sigmoid, Sigmoid, lambda u: Sigmoid(u) * (1 - Sigmoid(u)), numeric=_sigmoid,
             hp=lambda m, v: 1 / (1 + m.exp(-v)), slope=lambda a, f: f.sigmoid(a) * (1 - f.sigmoid(a)),
             latex=(r"\operatorname{sigmoid}", r"\mathrm{sigmoid}"),
             emit=("Sigmoid", "lambda u: 1 / (1 + numpy.exp(-u))")),
    Function("softplus", lambda u: log(1 + exp(u)), numeric=lambda u: math.log1p(math.exp(u)),
             latex=(r"\operatorname{softplus}",)),
)
# relu (Max), softplus (log, exp) and sqrt (a power) are built from other nodes, and step (Heaviside)
# has its value at 0 as an argument: the evidence computes those nodes themselves (no slope here).

BY_NAME = {f.name: f for f in FUNCTIONS}
BY_HEAD = {f.head: f for f in FUNCTIONS if f.head is not None}
CONSTANTS = {"pi": sympy.pi}  # names that stand for a number
# functions of two arguments and the calculus: written f(a, b), never elementwise
OTHER = ("D", "Sum", "delta", "max")
# functions of whole matrices (derivcheck/matrices.py lowers them), of a size, and of a declared square matrix
MATRIX = ("transpose", "sum_rows", "sum_all", "softmax", "onehot", "trace", "diag", "norm")
SIZE = ("eye", "ones")
SQUARE = ("inv", "det")
DEFINING = ("loss",)  # L: loss(Z) in `define` only
RESERVED = frozenset(set(BY_NAME) | set(OTHER) | set(CONSTANTS) | set(MATRIX) | set(SIZE) | set(SQUARE) | set(DEFINING))


def derivative(node):
    """(F'(u), side condition or None) for an applied function node F(u) of the table, else None."""
    entry = BY_HEAD.get(type(node))
    if entry is None or entry.derivative is None or len(node.args) != 1:
        return None
    (u,) = node.args
    return entry.derivative(u), (entry.condition(u) if entry.condition else None)
