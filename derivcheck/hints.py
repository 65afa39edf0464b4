"""Errors that teach: "did you mean" and hints for common slips, added to a DerivError's message."""
import re

KINDS = ("size", "index", "real", "positive", "vector", "onehot", "simplex", "matrix", "sym", "posdef", "labels")

# PyYAML's problem (a fragment of it) -> what it usually means in a *.deriv.yaml file
YAML = (
    ("found character that cannot start any token", "a tab or a stray character starts a token here: indent "
     "with spaces only, and quote a value that starts with @, ` or %"),
    ("mapping values are not allowed", "a ': ' inside a value starts a new key: a value with ': ' in it must be "
     "quoted, and a field must sit on its own line"),
    ("did not find expected key", "this line is indented differently from the fields or list items around it: "
     "items of one list (`- ...`) and fields of one mapping must start in the same column"),
    ("did not find expected '-' indicator", "a list item here is indented differently from the items before it"),
    ("expected <block end>", "this line's indentation does not continue the list or mapping above it: align it "
     "with its siblings"),
    ("could not find expected ':'", "a field without ':' (write `name: value`), or a quote that is not closed"),
    ("found unexpected end of stream", "a quote (\" or ') is opened and never closed"),
    ("found undefined alias", "a `*name` with no `&name` before it: write the value out"),
    ("found duplicate anchor", "an `&name` used twice"),
)


def _close(word, choices):
    import difflib  # only when there is a mistake to teach about

    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return near[0] if near else None


def _rule_names():
    from . import builtins
    from .rules import RULES

    names = [r.name for r in RULES] + [a for r in RULES for a in r.aliases]
    try:
        names += [n for name, aliases, _, _ in builtins.catalogue() for n in (name, *aliases)]
    except Exception:  # noqa: BLE001 - a hint is a courtesy: without the catalogue, rule names only
        pass
    return names


def _functions():
    from .symbols import FUNCTIONS

    return sorted(FUNCTIONS)


def hint(message):
    """A sentence to add to message, or None."""
    m = re.match(r"unknown rule(?: or derivation)? '([^']*)'", message)
    if m:
        near = _close(m.group(1), _rule_names())
        return f"did you mean {near!r}?" if near else None
    m = re.match(r"unknown function '([^']*)'", message)
    if m:
        name = m.group(1)
        if name in ("d", "diff", "grad", "partial"):
            return "a derivative is D(f, x), with a capital D"
        if name in ("Exp", "e"):
            return "e^x is exp(x)"
        near = _close(name, _functions())
        return f"did you mean {near!r}?" if near else None
    m = re.match(r"undeclared name '([^']*)'", message)
    if m:
        name = m.group(1)
        if name == "e":
            return "e^x is written exp(x) (e is not Euler's number in the plain syntax; e**x is not exp(x))"
        sub = re.fullmatch(r"([A-Za-z]\w*?)_\{?([A-Za-z0-9, ]+)\}?", name)
        if sub:
            return f"an entry is written {sub.group(1)}[{', '.join(sub.group(2).replace(',', ' ').split())}], not {name}"
        return None
    if message.startswith("unexpected character '='"):
        return "an equation is written with == (a single = is not an operator)"
    m = re.match(r"unknown symbol kind '(\w+)", message)
    if m:
        near = _close(m.group(1), KINDS)
        return f"did you mean {near!r}?" if near else None
    m = re.match(r"unknown (?:step )?field '([^']*)' \(expected (?:one of )?([^)]*)\)", message)
    if m:
        near = _close(m.group(1), re.findall(r"[a-z_]+", m.group(2)))
        return f"did you mean {near!r}?" if near else None
    if message.startswith("invalid YAML"):
        for fragment, meaning in YAML:
            if fragment in message:
                return meaning
    return None


def teach(exc):
    """exc with a hint appended to its message (once), when one applies; exc itself."""
    found = hint(exc.message)
    if found and found not in exc.message and "YAML says" not in exc.message:
        if exc.message.startswith("invalid YAML: "):  # derivcheck's words first, PyYAML's after
            exc.message = f"{found} (YAML says: {exc.message[len('invalid YAML: '):]})"
        else:
            exc.message = f"{exc.message}; {found}"
        exc.args = (exc.message,)
    return exc
