"""The names a `define` key introduces: `p[i, j]` (a defined name and its indices) or `sigma(u)` (a function)."""
import re

from sympy import IndexedBase, Symbol

from .errors import DerivError

_TARGET = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\[([^\]]*)\])?\s*\Z")


def definition_target(ctx, text):
    """Split a `define` key `p[i, j]` into (name, params); params must be distinct indices."""
    m = _TARGET.match(text) if isinstance(text, str) else None
    if not m:
        raise DerivError(f"a define key is `name` or `name[i, ...]`, not {text!r}")
    name, inner = m.group(1), m.group(2)
    params = []
    if inner is not None:
        for part in inner.split(","):
            part = part.strip()
            if part not in ctx.indices:
                raise DerivError(f"{part!r} in {text!r} is not a declared index")
            params.append(ctx.indices[part])
        if len(set(params)) != len(params) or not params:
            raise DerivError(f"the indices of {text!r} must be distinct")
    return name, tuple(params)


_FUNCTION_KEY = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*\(([^()]*)\)\s*\Z")


def function_target(text):
    """(name, parameter names) of a `define` key `sigma(u)` or `f(u, v)`, else None."""
    m = _FUNCTION_KEY.match(text) if isinstance(text, str) else None
    if not m:
        return None
    params = [p.strip() for p in m.group(2).split(",")]
    if not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", p) for p in params) or len(set(params)) != len(params):
        raise DerivError(f"a function is defined as `name(u)` or `name(u, v)` with distinct parameter names, not {text!r}")
    return m.group(1), tuple(params)


def new_target(name, params):
    return IndexedBase(name, real=True) if params else Symbol(name, real=True)
