"""Cache keys, computed in one place: a digest of everything an outcome depends on."""
import dataclasses
import functools
import hashlib
import importlib.util
import platform
from pathlib import Path

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
    _spell(obj, out, strict)
    return "".join(out)


def _spell(obj, out, strict):
    from sympy import Basic, srepr

    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        out.append(f"{type(obj).__name__}:{obj!r};")
    elif isinstance(obj, Basic):
        out.append(f"S:{srepr(obj)};")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out.append(f"{type(obj).__name__}(")
        for f in dataclasses.fields(obj):
            out.append(f"{f.name}=")
            _spell(getattr(obj, f.name), out, strict)
        out.append(");")
    elif isinstance(obj, dict):
        items = sorted((stable(k, strict), stable(v, strict)) for k, v in obj.items())
        out.append("{" + "".join(k + ":" + v for k, v in items) + "};")
    elif isinstance(obj, (list, tuple)):
        out.append("[" if isinstance(obj, list) else "(")
        for item in obj:
            _spell(item, out, strict)
        out.append("];" if isinstance(obj, list) else ");")
    elif isinstance(obj, (set, frozenset)):
        out.append("{" + "".join(sorted(stable(x, strict) for x in obj)) + "};")
    elif strict:
        raise Unknown(f"the cache key cannot spell a {type(obj).__name__}")
    else:  # never silently equal: a default repr carries the object's id, so it is only a miss
        out.append(f"?{type(obj).__qualname__}:{obj!r};")


def _rules_folder():
    """The rule catalogue's folder, found without importing it (importing rules imports SymPy)."""
    here = Path(__file__).resolve().parent
    return here / "rules" if (here / "rules").is_dir() else here.parent / "rules"


def _sympy_release():
    """SymPy's release file (its version), read without importing SymPy."""
    spec = importlib.util.find_spec("sympy")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        release = Path(folder) / "release.py"
        if release.is_file():
            return release.read_bytes()
    return b"no sympy"


@functools.lru_cache(maxsize=1)
def code_digest():
    """A SHA-256 of derivcheck's own source and built-in files, the rules, and the SymPy and
    Python versions: a changed engine or library never reads old outcomes. Needs no SymPy."""
    folders = {Path(__file__).resolve().parent, _rules_folder()}
    files = sorted({p for folder in folders for pattern in ("*.py", "*.yaml", "*.yml", "*.lark", "*.json")
                    for p in folder.rglob(pattern) if "__pycache__" not in p.parts})
    digest = hashlib.sha256(b"python " + platform.python_version().encode() + b"\0" + _sympy_release() + b"\0")
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def derivation_digest(deriv, options, lemmas):
    """The part of every key of deriv's links: its whole elaboration except the chain (the
    declarations, ranges, shapes, parameters, losses, definitions, assumptions, claim, names),
    the options, every cited derivation (as deriv's own fields) and derivcheck's code."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(stable(options).encode())
    digest.update(_without_chain(deriv).encode())
    for name in sorted(lemmas):
        value = lemmas[name]
        spelled = _without_chain(value) if dataclasses.is_dataclass(value) else stable(value)
        digest.update(f"lemma {name}\0{spelled}\0".encode())
    return digest.hexdigest()


def _without_chain(deriv):
    return stable({f.name: getattr(deriv, f.name) for f in dataclasses.fields(deriv)
                   if f.name not in DERIVATION_FIELDS_NOT_IN_KEY})


def link_key(base, what):
    """The key of one checked item (a link's sides, rules and conditions; the claim) of a
    derivation whose derivation_digest is base."""
    return hashlib.sha256((base + "\0" + stable(what)).encode()).hexdigest()
