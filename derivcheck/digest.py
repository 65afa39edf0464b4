"""Cache keys, computed in one place: a digest of everything an outcome depends on."""
import functools
import hashlib
import os
import sys

DERIVATION_FIELDS_NOT_IN_KEY = ("chain",)  # each link's key adds its own two sides, rules and conditions


class Unknown(TypeError):
    """A value of a type the digest cannot spell out (raised only when strict)."""


def stable(obj, strict=False):
    """A canonical text for plain data, dataclasses (every field) and SymPy objects.

    Dataclasses are spelled field by field, so a field added later is in every key at once;
    dicts and sets are sorted, so the text does not depend on insertion order. An object of any
    other type is spelled by its type and repr (strict: an Unknown error instead).
    """
    out = []
    _spell(obj, out, strict, {})
    return "".join(out)


def _spell_sympy(obj, out, strict, seen):
    """A SymPy object by its structure: an atom by srepr (name, assumptions, value, precision,
    dummy index), any other node by its class and its args in order. A class made at run time
    (an undefined function) is spelled by srepr, its assumptions and nargs. seen maps id(node) to
    its text (the same node recurs in both sides of a link): built once, no term sorting."""
    from sympy import Basic, srepr

    done = seen.get(id(obj))
    if done is not None and done[0] is obj:
        out.append(done[1])
        return
    args = obj.args
    mine = []
    if not args:
        mine.append(f"A:{srepr(obj)};")
    else:
        cls = type(obj)
        if getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls:
            mine.append(f"B:{cls.__module__}.{cls.__qualname__}(")
        else:
            facts = sorted(getattr(cls, "default_assumptions", {}).items())
            mine.append(f"F:{srepr(obj.func)}:{facts!r}:{getattr(cls, 'nargs', None)!r}(")
        for arg in args:
            if isinstance(arg, Basic):
                _spell_sympy(arg, mine, strict, seen)
            else:
                _spell(arg, mine, strict, seen)
        mine.append(");")
    text = "".join(mine)
    seen[id(obj)] = (obj, text)  # the node kept alive: its id stays its own while seen lives
    out.append(text)


def _spell(obj, out, strict, seen):
    import dataclasses

    from sympy import Basic

    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        out.append(f"{type(obj).__name__}:{obj!r};")
    elif isinstance(obj, Basic):
        _spell_sympy(obj, out, strict, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out.append(f"{type(obj).__name__}(")
        for f in dataclasses.fields(obj):
            out.append(f"{f.name}=")
            _spell(getattr(obj, f.name), out, strict, seen)
        out.append(");")
    elif isinstance(obj, dict):
        items = sorted((stable(k, strict), stable(v, strict)) for k, v in obj.items())
        out.append("{" + "".join(k + ":" + v for k, v in items) + "};")
    elif isinstance(obj, (list, tuple)):
        out.append("[" if isinstance(obj, list) else "(")
        for item in obj:
            _spell(item, out, strict, seen)
        out.append("];" if isinstance(obj, list) else ");")
    elif isinstance(obj, (set, frozenset)):
        out.append("{" + "".join(sorted(stable(x, strict) for x in obj)) + "};")
    elif strict:
        raise Unknown(f"the cache key cannot spell a {type(obj).__name__}")
    else:  # never silently equal: a default repr carries the object's id, so it is only a miss
        out.append(f"?{type(obj).__qualname__}:{obj!r};")


CODE_SUFFIXES = (".py", ".yaml", ".yml", ".lark", ".json")
# the libraries whose version can decide an outcome (the files holding their versions)
VERSIONED = (("sympy", "release.py"), ("mpmath", "__init__.py"), ("yaml", "__init__.py"), ("lark", "__init__.py"),
             ("markdown_it", "__init__.py"), ("mdit_py_plugins", "__init__.py"), ("nbformat", "_version.py"))


def _rules_folder():
    """The rule catalogue's folder, found without importing it (importing rules imports SymPy)."""
    here = os.path.dirname(os.path.realpath(__file__))
    inside = os.path.join(here, "rules")
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(here), "rules")


def _release(package, file):
    """The file of package that holds its version, read without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        release = os.path.join(folder, file)
        if os.path.isfile(release):
            with open(release, "rb") as f:
                return f.read()
    return b"no " + package.encode()


def _code_files(folder):
    """(relative name, path) of every source file under folder, __pycache__ left out."""
    out = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out += [(os.path.relpath(os.path.join(top, f), folder), os.path.join(top, f))
                for f in files if f.endswith(CODE_SUFFIXES)]
    return out


@functools.lru_cache(maxsize=1)
def code_digest():
    """A SHA-256 of derivcheck's own source and built-in files, the rules, and the versions of Python
    and the libraries in VERSIONED: a changed engine or library never reads old outcomes. Imports none."""
    here = os.path.dirname(os.path.realpath(__file__))
    rules = _rules_folder()
    files = _code_files(here)
    if not rules.startswith(here + os.sep):  # a source checkout: the catalogue beside the package
        files += [("../rules/" + name, path) for name, path in _code_files(rules)]
    files.sort()
    digest = hashlib.sha256(b"python " + sys.version.encode() + b"\0")
    for package, file in VERSIONED:
        digest.update(_release(package, file) + b"\0")
    for name, path in files:
        with open(path, "rb") as f:
            digest.update(name.encode() + b"\0" + f.read() + b"\0")
    return digest.hexdigest()


def derivation_digest(deriv, options, lemmas):
    """The part of every key of deriv's links: its whole elaboration except the chain (the
    declarations, ranges, shapes, parameters, losses, definitions, assumptions, claim, names),
    the options, every cited derivation (as deriv's own fields) and derivcheck's code."""
    import dataclasses

    digest = hashlib.sha256(code_digest().encode())
    digest.update(stable(options).encode())
    digest.update(_without_chain(deriv).encode())
    for name in sorted(lemmas):
        value = lemmas[name]
        spelled = _without_chain(value) if dataclasses.is_dataclass(value) else stable(value)
        digest.update(f"lemma {name}\0{spelled}\0".encode())
    return digest.hexdigest()


def _without_chain(deriv):
    import dataclasses

    return stable({f.name: getattr(deriv, f.name) for f in dataclasses.fields(deriv)
                   if f.name not in DERIVATION_FIELDS_NOT_IN_KEY})


def link_key(base, what):
    """The key of one checked item (a link's sides, rules and conditions; the claim) of a
    derivation whose derivation_digest is base."""
    return hashlib.sha256((base + "\0" + stable(what)).encode()).hexdigest()
