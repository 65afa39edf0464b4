"""Read `*.deriv.yaml` text (safe YAML composed to nodes, every line kept) into RawDerivations."""
import re

import yaml

from ..errors import DerivError
from ..rules import lookup
from .raw import Location, RawCase, RawCases, RawDeclarations, RawDerivation, RawStep

MAX_NODES = 50_000
NAME_RE = re.compile(r"[a-z0-9-]+\Z")
TOP_KEYS = {"derivcheck", "name", "title", "source", "symbols", "define", "assume", "claim", "claim_tex", "steps",
            "aliases"}
STEP_KEYS = {"expr", "tex", "by", "note"}
_TAG = "tag:yaml.org,2002:"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same nodes, faster
SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


class _Source:
    """One file being read: its name, for error messages and locations."""

    def __init__(self, name):
        self.name = name

    def error(self, message, node=None, line=None, column=None):
        if node is not None and line is None:
            line = node.start_mark.line + 1
        return DerivError(message, file=self.name, line=line, column=column)

    def at(self, node):
        """The node's location; its column only for a plain scalar on one line (text = the slice)."""
        exact = isinstance(node, yaml.ScalarNode) and node.style in (None, "") and \
            node.start_mark.line == node.end_mark.line
        return Location(self.name, node.start_mark.line + 1, node.start_mark.column if exact else None)


def _check_nodes(src, root):
    """Refuse tags other than plain YAML types, and graphs too big to walk."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise src.error(f"more than {MAX_NODES} YAML nodes", root)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in SCALAR_TAGS:
                raise src.error(f"YAML tag {node.tag!r} is not allowed", node)
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                raise src.error(f"YAML tag {node.tag!r} is not allowed", node)
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            if node.tag != _TAG + "map":
                raise src.error(f"YAML tag {node.tag!r} is not allowed", node)
            for k, v in node.value:
                stack.extend((k, v))


def _scalar(src, node, what):
    if not isinstance(node, yaml.ScalarNode) or node.tag == _TAG + "null":
        raise src.error(f"{what} must be a single value (text)", node)
    return node.value


def _mapping(src, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise src.error(f"{what} must be a mapping", node)
    out = {}
    for k, v in node.value:
        key = _scalar(src, k, f"a key of {what}")
        if key in out:
            raise src.error(f"{key!r} appears twice in {what}", k)
        out[key] = v
    return out


def _sequence(src, node, what):
    if not isinstance(node, yaml.SequenceNode):
        raise src.error(f"{what} must be a list", node)
    return node.value


def _pairs(src, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise src.error(f"{what} must be a mapping", node)
    return node.value


def compose(text, name):
    """The checked root node of a YAML text (None when empty); DerivError when it is not plain YAML."""
    src = _Source(name)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise src.error(f"invalid YAML: {problem}", line=line) from None
    except (ValueError, RecursionError) as exc:
        raise src.error(f"invalid YAML: {exc}") from None
    if root is not None:
        _check_nodes(src, root)
    return root


def read_text(text, name="<text>"):
    """All derivations of a YAML file as RawDerivations; DerivError when the file is malformed."""
    src = _Source(name)
    root = compose(text, name)
    if root is None:
        raise src.error("empty file: expected a derivation", line=1)
    top = _mapping(src, root, "the file")
    if "derivations" in top:
        if len(top) != 1:
            raise src.error("a file with `derivations:` has nothing else at its top", root)
        items = _sequence(src, top["derivations"], "derivations")
        if not items:
            raise src.error("`derivations:` is empty", top["derivations"])
        derivations = [_derivation(src, item) for item in items]
    else:
        derivations = [_derivation(src, root)]
    names = [d.name for d in derivations]
    for n in names:
        if names.count(n) > 1:
            raise src.error(f"derivation name {n!r} is used twice in this file")
    return derivations


def declarations(src, fields):
    """symbols, define, assume (and notation) of a mapping of YAML nodes, as RawDeclarations."""
    decl = RawDeclarations()
    if "symbols" in fields:
        for key_node, kind_node in _pairs(src, fields["symbols"], "symbols"):
            names = _scalar(src, key_node, "a symbols key")
            kind = _scalar(src, kind_node, f"the kind of {names}")
            decl.symbols.append((names, kind, src.at(key_node)))
    if "define" in fields:
        for key_node, body_node in _pairs(src, fields["define"], "define"):
            key = _scalar(src, key_node, "a define key")
            decl.define.append((key, body_node, src.at(key_node), src.at(body_node)))
        decl.define = [(k, _scalar(src, b, f"the definition of {k}"), ka, ba) for k, b, ka, ba in decl.define]
    if "assume" in fields:
        for item in _sequence(src, fields["assume"], "assume"):
            decl.assume.append((_scalar(src, item, "an assumption"), src.at(item)))
    if "notation" in fields:
        for key_node, name_node in _pairs(src, fields["notation"], "notation"):
            decl.notation.append((_scalar(src, key_node, "a notation key"),
                                  _scalar(src, name_node, "a notation name"), src.at(key_node)))
    return decl


def _derivation(src, node):
    fields = _mapping(src, node, "a derivation")
    for key in fields:
        if key not in TOP_KEYS:
            raise src.error(f"unknown field {key!r} (expected one of {', '.join(sorted(TOP_KEYS))})", fields[key])
    for key in ("derivcheck", "name", "symbols", "steps"):
        if key not in fields:
            raise src.error(f"missing field {key!r}", node)
    if ("claim" in fields) == ("claim_tex" in fields):
        raise src.error("a derivation has exactly one of `claim` and `claim_tex`", node)
    version = _scalar(src, fields["derivcheck"], "derivcheck")
    if version != "1":
        raise src.error(f"unsupported format version {version!r} (this derivcheck reads 1)", fields["derivcheck"])
    name = _scalar(src, fields["name"], "name")
    if not NAME_RE.match(name):
        raise src.error(f"name {name!r} must match [a-z0-9-]+", fields["name"])
    aliases = ()
    if "aliases" in fields:
        aliases = tuple(_scalar(src, a, "an alias") for a in _sequence(src, fields["aliases"], "aliases"))
        for a in aliases:
            if not NAME_RE.match(a):
                raise src.error(f"alias {a!r} must match [a-z0-9-]+", fields["aliases"])
    decl = declarations(src, fields)
    tex = "claim_tex" in fields
    claim_node = fields["claim_tex" if tex else "claim"]
    claim = RawStep(_scalar(src, claim_node, "claim"), src.at(claim_node), "tex" if tex else "ascii")
    chain = _steps(src, fields["steps"], top=True)
    return RawDerivation(
        name=name, at=src.at(node), declarations=decl, chain=chain, claim=claim,
        title=_scalar(src, fields["title"], "title") if "title" in fields else "",
        source=_scalar(src, fields["source"], "source") if "source" in fields else "",
        aliases=aliases,
    )


def _steps(src, node, top=False):
    items = _sequence(src, node, "steps")
    if not items:
        raise src.error("steps is empty", node)
    chain = []
    for pos, item in enumerate(items):
        if isinstance(item, yaml.MappingNode) and any(k.value == "cases" for k, _ in item.value):
            if top and pos == 0:
                raise src.error("the chain starts with an expression, not with cases", item)
            chain.append(_cases(src, item))
            continue
        chain.append(_step(src, item))
    if top and chain[0].by:
        raise src.error("the first step is the start of the chain: it takes no `by`", items[0])
    return chain


def _step(src, item):
    rules, note, by_at, tex = None, None, None, False
    if isinstance(item, yaml.MappingNode):
        fields = _mapping(src, item, "a step")
        for key in fields:
            if key not in STEP_KEYS:
                raise src.error(f"unknown step field {key!r} (expected expr, by, note or cases)", fields[key])
        if ("expr" in fields) == ("tex" in fields):
            raise src.error("a step has exactly one of `expr` and `tex`", item)
        tex = "tex" in fields
        expr_node = fields["tex" if tex else "expr"]
        if "by" in fields:
            by = fields["by"]
            by_at = src.at(by)
            if isinstance(by, yaml.SequenceNode):
                rules = tuple(_scalar(src, r, "a rule name") for r in by.value)
            else:
                rules = (_scalar(src, by, "by"),)
            if not rules:
                raise src.error("`by` names at least one rule", by)
            for r in rules:
                if lookup(r) is None and not NAME_RE.match(r):
                    raise src.error(f"unknown rule {r!r} (see `derivcheck rules`)", by)
        if "note" in fields:
            note = _scalar(src, fields["note"], "note")
    else:
        expr_node = item
    text = _scalar(src, expr_node, "a step's expression")
    return RawStep(text, src.at(expr_node), "tex" if tex else "ascii", rules, by_at, note)


def _cases(src, item):
    fields = _mapping(src, item, "a cases entry")
    if set(fields) != {"cases"}:
        raise src.error("a cases entry has only `cases:`", item)
    branches = []
    for branch in _sequence(src, fields["cases"], "cases"):
        bf = _mapping(src, branch, "a case")
        if set(bf) != {"when", "steps"}:
            raise src.error("a case has `when:` and `steps:`", branch)
        when = _scalar(src, bf["when"], "when")
        branches.append(RawCase(when, src.at(bf["when"]), _steps(src, bf["steps"])))
    if len(branches) < 2:
        raise src.error("cases needs at least two branches", item)
    return RawCases(src.at(item), branches)
