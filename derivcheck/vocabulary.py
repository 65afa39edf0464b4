"""The one table of elementwise functions: name, SymPy form, derivative, numeric and LaTeX forms."""
import math
from dataclasses import dataclass

import sympy
from sympy import Abs, Heaviside, Max, acos, asin, atan, cos, cosh, erf, exp, log, sech, sec, sign, sin, sinh, sqrt, tan, tanh


@dataclass(frozen=True)
class Function:
    """One elementwise function of one argument.

    build(u) is its SymPy form (a SymPy function applied, or an expression in u such as
    1/(1 + exp(-u)) for sigmoid); derivative(u) is F'(u), used by chain_rule where the SymPy form
    is the function itself (head); condition(u) is the side condition of that derivative, or None;
    numeric is the float function of Python's math module (or a small lambda) the numeric checks
    use; latex lists the LaTeX commands that read as it; numpy is its name in emitted modules.
    """

    name: str
    build: object
    head: object = None  # the SymPy class of the applied function, when build applies one
    derivative: object = None
    condition: object = None
    numeric: object = None
    latex: tuple = ()
    numpy: str = None


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


FUNCTIONS = (
    Function("exp", exp, exp, lambda u: exp(u), None, math.exp, (r"\exp",), "exp"),
    Function("log", log, log, lambda u: 1 / u, lambda u: f"{u} > 0", math.log, (r"\log", r"\ln"), "log"),
    Function("sqrt", sqrt, None, None, None, math.sqrt, (r"\sqrt",), "sqrt"),
    Function("sin", sin, sin, lambda u: cos(u), None, math.sin, (r"\sin",), "sin"),
    Function("cos", cos, cos, lambda u: -sin(u), None, math.cos, (r"\cos",), "cos"),
    Function("tan", tan, tan, lambda u: 1 + tan(u) ** 2, None, math.tan, (r"\tan",), "tan"),
    Function("sec", sec, sec, lambda u: sec(u) * tan(u), None, lambda u: 1 / math.cos(u), (r"\sec",), None),
    Function("tanh", tanh, tanh, lambda u: 1 - tanh(u) ** 2, None, math.tanh, (r"\tanh",), "tanh"),
    Function("sinh", sinh, sinh, lambda u: cosh(u), None, math.sinh, (r"\sinh",), "sinh"),
    Function("cosh", cosh, cosh, lambda u: sinh(u), None, math.cosh, (r"\cosh",), "cosh"),
    Function("sech", sech, sech, lambda u: -sech(u) * tanh(u), None, lambda u: 1 / math.cosh(u), (r"\operatorname{sech}",),
             None),
    Function("arcsin", asin, asin, lambda u: 1 / sqrt(1 - u**2), lambda u: f"-1 < {u} < 1", math.asin,
             (r"\arcsin",), "arcsin"),
    Function("arccos", acos, acos, lambda u: -1 / sqrt(1 - u**2), lambda u: f"-1 < {u} < 1", math.acos,
             (r"\arccos",), "arccos"),
    Function("arctan", atan, atan, lambda u: 1 / (1 + u**2), None, math.atan, (r"\arctan",), "arctan"),
    Function("erf", erf, erf, lambda u: 2 * exp(-(u**2)) / sqrt(sympy.pi), None, math.erf, (r"\operatorname{erf}",),
             None),
    Function("abs", Abs, Abs, lambda u: sign(u), lambda u: f"{u} ≠ 0 (|u| is not differentiable at 0)", abs, (), "abs"),
    Function("relu", lambda u: Max(u, 0), None, None, None, lambda u: max(u, 0.0),
             (r"\operatorname{relu}", r"\operatorname{ReLU}", r"\mathrm{relu}", r"\mathrm{ReLU}"), None),
    Function("sign", sign, sign, lambda u: sympy.Integer(0), lambda u: f"{u} ≠ 0", lambda u: (u > 0) - (u < 0),
             (r"\operatorname{sign}", r"\operatorname{sgn}"), "sign"),
    Function("step", Heaviside, Heaviside, lambda u: sympy.Integer(0), lambda u: f"{u} ≠ 0", _step,
             (r"\operatorname{step}",), None),
    Function("sigmoid", Sigmoid, Sigmoid, lambda u: Sigmoid(u) * (1 - Sigmoid(u)), None, _sigmoid,
             (r"\operatorname{sigmoid}", r"\mathrm{sigmoid}"), None),
    Function("softplus", lambda u: log(1 + exp(u)), None, None, None, lambda u: math.log1p(math.exp(u)),
             (r"\operatorname{softplus}",), None),
)

BY_NAME = {f.name: f for f in FUNCTIONS}
BY_HEAD = {f.head: f for f in FUNCTIONS if f.head is not None}
CONSTANTS = {"pi": sympy.pi}  # names that stand for a number
# functions of two arguments and the calculus: written f(a, b), never elementwise
OTHER = ("D", "Sum", "delta", "max")


def derivative(node):
    """(F'(u), side condition or None) for an applied function node F(u) of the table, else None."""
    entry = BY_HEAD.get(type(node))
    if entry is None or entry.derivative is None or len(node.args) != 1:
        return None
    (u,) = node.args
    return entry.derivative(u), (entry.condition(u) if entry.condition else None)
