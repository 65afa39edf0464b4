"""The numbers the compiled closures compute with: floats, tagged dual numbers, adjoint nodes, error magnitudes.

A Dual(tag, a, b) is a + b·ε_tag (forward-mode derivatives; nested tags give exact higher
derivatives: the newest tag is outermost, its parts hold only older tags). An Adj is a float
recorded on a tape with the local partials to its operands (reverse mode: one backward sweep
gives the derivative of one value by every input at once); its values are computed exactly as
Dual computes its value part, so both modes see the same numbers. A Mag(v, m) is a
value v with a running bound m on its rounding error in units of the machine epsilon, so that
two sides are compared relative to the magnitudes that went into them. HP numbers (mpmath, 50
digits) decide the points where those magnitudes are large: catastrophic cancellation.
"""
import math

from mpmath import MPContext

from .. import vocabulary

HP = MPContext()  # our own context: SymPy's global mpmath precision is never touched
HP.dps = 50
MPF = type(HP.mpf(1))


class Undefined(ArithmeticError):
    """A point where an expression has no real value (outside its domain, a missing entry)."""


class Dual:
    __slots__ = ("t", "a", "b")

    def __init__(self, t, a, b):
        self.t, self.a, self.b = t, a, b

    def __add__(self, o):
        if type(o) is Dual:
            if o.t == self.t:
                return Dual(self.t, self.a + o.a, self.b + o.b)
            if o.t > self.t:
                return Dual(o.t, self + o.a, o.b)
        return Dual(self.t, self.a + o, self.b)

    def __radd__(self, o):
        return Dual(self.t, o + self.a, self.b)

    def __neg__(self):
        return Dual(self.t, -self.a, -self.b)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if type(o) is Dual:
            if o.t == self.t:
                return Dual(self.t, self.a * o.a, self.a * o.b + self.b * o.a)
            if o.t > self.t:
                return Dual(o.t, self * o.a, self * o.b)
        return Dual(self.t, self.a * o, self.b * o)

    def __rmul__(self, o):
        return Dual(self.t, o * self.a, o * self.b)

    def __truediv__(self, o):
        return self * power(o, -1)

    def __rtruediv__(self, o):
        return o * power(self, -1)


class Adj:
    """A float on the tape (reverse mode): value v, operands x and y (None when absent) with the
    partials dx and dy, and the adjoint g the backward sweep accumulates. Only floats, ints and
    other Adj mix with it: anything else is a TypeError (the caller falls back to forward mode)."""

    __slots__ = ("v", "x", "dx", "y", "dy", "g")

    def __init__(self, v, x=None, dx=0, y=None, dy=0):
        self.v, self.x, self.dx, self.y, self.dy, self.g = v, x, dx, y, dy, 0
        TAPE.append(self)

    def __add__(self, o):
        t = type(o)
        if t is Adj:
            return Adj(self.v + o.v, self, 1, o, 1)
        if t is float or t is int:
            return Adj(self.v + o, self, 1)
        raise TypeError("an adjoint mixed with another kind of number")

    def __radd__(self, o):
        t = type(o)
        if t is float or t is int:
            return Adj(o + self.v, self, 1)
        raise TypeError("an adjoint mixed with another kind of number")

    def __neg__(self):
        return Adj(-self.v, self, -1)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        t = type(o)
        if t is Adj:
            return Adj(self.v * o.v, self, o.v, o, self.v)
        if t is float or t is int:
            return Adj(self.v * o, self, o)
        raise TypeError("an adjoint mixed with another kind of number")

    def __rmul__(self, o):
        t = type(o)
        if t is float or t is int:
            return Adj(o * self.v, self, o)
        raise TypeError("an adjoint mixed with another kind of number")

    def __truediv__(self, o):
        return self * power(o, -1)

    def __rtruediv__(self, o):
        return o * power(self, -1)


TAPE = []  # the Adj nodes of the reverse sweep in progress, in the order they were made


def backward(out, tape):
    """Accumulate d out / d node into every node of the tape (made in order: operands first)."""
    if type(out) is not Adj:
        return
    out.g = 1
    for node in reversed(tape):
        g = node.g
        if g:
            x = node.x
            if x is not None:
                x.g = x.g + g * node.dx
                y = node.y
                if y is not None:
                    y.g = y.g + g * node.dy


class Mag:
    __slots__ = ("v", "m")

    def __init__(self, v, m):
        self.v, self.m = v, m

    def __add__(self, o):
        if type(o) is Mag:
            s = self.v + o.v
            return Mag(s, self.m + o.m + abs(s))
        if type(o) is Dual:
            return NotImplemented
        s = self.v + o
        return Mag(s, self.m + abs(o) + abs(s))

    __radd__ = __add__

    def __neg__(self):
        return Mag(-self.v, self.m)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if type(o) is Mag:
            p = self.v * o.v
            return Mag(p, abs(o.v) * self.m + abs(self.v) * o.m + abs(p))
        if type(o) is Dual:
            return NotImplemented
        p = self.v * o
        return Mag(p, abs(o) * self.m + abs(p))

    __rmul__ = __mul__

    def __truediv__(self, o):
        return self * power(o, -1)

    def __rtruediv__(self, o):
        return o * power(self, -1)


def real(x):
    """The plain number at the bottom of x."""
    while True:
        t = type(x)
        if t is Dual:
            x = x.a
        elif t is Mag or t is Adj:
            x = x.v
        else:
            return x


def _unary(f, df, hp):
    """f on floats, extended to Dual (df is f' on any value), Mag and HP numbers (hp); a value outside
    f's real domain (a math error, a complex or infinite HP value) is Undefined."""

    def g(x):
        t = type(x)
        if t is Dual:
            return Dual(x.t, g(x.a), df(x.a) * x.b)
        if t is Adj:
            return Adj(g(x.v), x, df(x.v))
        if t is Mag:
            v = g(x.v)
            return Mag(v, abs(df(x.v)) * x.m + abs(v))
        if t is MPF:
            v = hp(x)
            if type(v) is int or (type(v) is MPF and HP.isfinite(v)):
                return v
            raise Undefined("outside the domain")
        try:
            return f(x)
        except (ValueError, OverflowError, ZeroDivisionError):
            raise Undefined("outside the domain") from None

    return g


def _pow(x, n):
    try:
        v = math.pow(x, n)
    except (ValueError, OverflowError) as exc:
        raise Undefined(str(exc)) from None
    return v


def power(x, n):
    """x ** n for a constant n (negative bases only for integral n)."""
    t = type(x)
    if t is Dual:
        return Dual(x.t, power(x.a, n), n * power(x.a, n - 1) * x.b) if n != 0 else 1
    if t is Adj:
        return Adj(power(x.v, n), x, n * power(x.v, n - 1)) if n != 0 else 1
    if t is Mag:
        v = _pow(x.v, n)
        return Mag(v, abs(n * _pow(x.v, n - 1)) * x.m + abs(v) if n != 0 else 0.0)
    if t is int and type(n) is int and n >= 0:
        return x**n
    if t is MPF or type(n) is MPF:
        if (x < 0 and n != int(n)) or (x == 0 and n < 0):
            raise Undefined("outside the domain of a power")
        return HP.mpf(x) ** n
    return _pow(x, n)


class _Own:
    """What a vocabulary entry's slope is written with: the evidence's own functions (as attributes,
    by name), power, real and pi (of the precision of its argument)."""

    power = staticmethod(power)
    real = staticmethod(real)

    @staticmethod
    def pi(a):
        return HP.pi if type(real(a)) is MPF else math.pi


def functions(entries):
    """{name: F on floats, Duals, Mags and HP numbers} for each entry of the function table that has
    a slope (derivcheck/vocabulary.py): its numeric and hp forms, and its own slope for Duals."""
    own, table = _Own(), {}
    for e in entries:
        if e.slope is None:
            continue
        table[e.name] = _unary(e.numeric, lambda a, s=e.slope: s(a, own), lambda v, h=e.hp: h(HP, v))
        setattr(own, e.name, table[e.name])
    return table


BY_NAME = functions(vocabulary.FUNCTIONS)
exp_, log_ = BY_NAME["exp"], BY_NAME["log"]


def general_power(x, y):
    """x ** y for a variable exponent y."""
    if type(y) in (int, float):
        return power(x, y)
    return exp_(y * log_(x))


def derivative(v, tag):
    """The ε_tag part of v."""
    if type(v) is Dual:
        if v.t == tag:
            return v.b
        if v.t > tag:
            return Dual(v.t, derivative(v.a, tag), derivative(v.b, tag))
    return 0


def finite(v):
    """v as a float; Undefined when it is not a finite real."""
    v = real(v)
    try:
        v = float(v)
    except (OverflowError, TypeError) as exc:
        raise Undefined(str(exc)) from None
    if math.isnan(v) or math.isinf(v):
        raise Undefined("not finite")
    return v
