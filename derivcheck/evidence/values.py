"""The numbers the compiled closures compute with: floats, tagged dual numbers, error magnitudes.

A Dual(tag, a, b) is a + b·ε_tag (forward-mode derivatives; nested tags give exact higher
derivatives: the newest tag is outermost, its parts hold only older tags). A Mag(v, m) is a
value v with a running bound m on its rounding error in units of the machine epsilon, so that
two sides are compared relative to the magnitudes that went into them. HP numbers (mpmath, 50
digits) decide the points where those magnitudes are large: catastrophic cancellation.
"""
import math

from mpmath import MPContext

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
        elif t is Mag:
            x = x.v
        else:
            return x


def _unary(f, df, hp):
    """f on floats, extended to Dual (df is f' on any value), Mag and HP numbers (hp)."""

    def g(x):
        t = type(x)
        if t is Dual:
            return Dual(x.t, g(x.a), df(x.a) * x.b)
        if t is Mag:
            v = f(x.v)
            return Mag(v, abs(df(x.v)) * x.m + abs(v))
        if t is MPF:
            return hp(x)
        return f(x)

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


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        raise Undefined("exp overflows") from None


def _log(x):
    if x <= 0:
        raise Undefined("log of a number <= 0")
    return math.log(x)


exp_ = _unary(_exp, lambda a: exp_(a), HP.exp)
log_ = _unary(_log, lambda a: power(a, -1), lambda v: HP.log(v) if v > 0 else _bad())
tanh_ = _unary(math.tanh, lambda a: 1 - power(tanh_(a), 2), HP.tanh)
sin_ = _unary(math.sin, lambda a: cos_(a), HP.sin)
cos_ = _unary(math.cos, lambda a: -1 * sin_(a), HP.cos)
tan_ = _unary(math.tan, lambda a: 1 + power(tan_(a), 2), HP.tan)
sinh_ = _unary(math.sinh, lambda a: cosh_(a), HP.sinh)
cosh_ = _unary(math.cosh, lambda a: sinh_(a), HP.cosh)
atan_ = _unary(math.atan, lambda a: power(1 + power(a, 2), -1), HP.atan)
asin_ = _unary(lambda v: math.asin(v) if -1 <= v <= 1 else _bad(), lambda a: power(1 - power(a, 2), -0.5),
               lambda v: HP.asin(v) if -1 <= v <= 1 else _bad())
acos_ = _unary(lambda v: math.acos(v) if -1 <= v <= 1 else _bad(), lambda a: -1 * power(1 - power(a, 2), -0.5),
               lambda v: HP.acos(v) if -1 <= v <= 1 else _bad())
abs_ = _unary(abs, lambda a: (real(a) > 0) - (real(a) < 0), abs)
sign_ = _unary(lambda v: (v > 0) - (v < 0), lambda a: 0, lambda v: (v > 0) - (v < 0))
sec_ = _unary(lambda v: 1 / math.cos(v), lambda a: sec_(a) * tan_(a), lambda v: 1 / HP.cos(v))
sech_ = _unary(lambda v: 1 / math.cosh(v), lambda a: -1 * sech_(a) * tanh_(a), lambda v: 1 / HP.cosh(v))
erf_ = _unary(math.erf, lambda a: 2 * exp_(-1 * power(a, 2)) * power(_pi(a), -0.5), HP.erf)


def _pi(a):
    return HP.pi if type(real(a)) is MPF else math.pi


def _bad():
    raise Undefined("outside the domain")


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
