"""`[tool.derivcheck]` in pyproject.toml, found from the current folder up; flags override it."""
from pathlib import Path

from .errors import DerivError

# key: (type check, what it must be)
KEYS = {
    "seed": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "timeout": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0, "a number of seconds >= 0"),
    "strict": (lambda v: isinstance(v, bool), "true or false"),
    "jobs": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "an integer >= 1"),
    "format": (lambda v: isinstance(v, str), "a format name"),
    "paths": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of paths"),
    "exclude": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of glob patterns"),
    "color": (lambda v: v in ("auto", "always", "never"), '"auto", "always" or "never"'),
}


def find(start=None):
    """The first pyproject.toml from start (default: the current folder) up that has [tool.derivcheck]."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.derivcheck]" in candidate.read_text(encoding="utf-8", errors="replace"):
            return candidate
    return None


def _toml(path):
    try:
        import tomllib
    except ImportError:  # Python < 3.11 has no TOML reader in the standard library
        raise DerivError("reading [tool.derivcheck] needs Python 3.11 or later (tomllib); "
                         "pass the options as flags instead", file=str(path)) from None
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DerivError(f"not valid TOML: {exc}", file=str(path)) from None


def load(start=None):
    """(settings dict, the pyproject.toml path or None); paths are made relative to the current folder."""
    path = find(start)
    if path is None:
        return {}, None
    section = _toml(path).get("tool", {}).get("derivcheck", {})
    if not isinstance(section, dict):
        raise DerivError("[tool.derivcheck] must be a table", file=str(path))
    for key, value in section.items():
        if key not in KEYS:
            import difflib

            near = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f" (known: {', '.join(KEYS)})"
            raise DerivError(f"unknown key {key!r} in [tool.derivcheck]{hint}", file=str(path))
        ok, what = KEYS[key]
        if not ok(value):
            raise DerivError(f"[tool.derivcheck] {key} must be {what}, not {value!r}", file=str(path))
    settings = dict(section)
    if "paths" in settings:
        settings["paths"] = [_relative(path.parent / p) for p in settings["paths"]]
    return settings, path


def _relative(p):
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def excluded(path, patterns):
    """Whether path matches one of the glob patterns (against its full path or any tail of it)."""
    import fnmatch

    parts = Path(path).as_posix().split("/")
    tails = ["/".join(parts[k:]) for k in range(len(parts))]
    return any(fnmatch.fnmatch(t, pat) for pat in patterns for t in tails)
