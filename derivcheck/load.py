"""Read `*.deriv.yaml` files (safe YAML, every line kept) into Derivation objects."""
import re
from pathlib import Path

import sympy
import yaml

from . import build
from . import matrices as mx
from .calculus import free_indices
from .errors import DerivError
from .model import Case, Cases, Derivation, Step
from .rules import lookup
from .symbols import FUNCTIONS, Context, Definition, declare

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000
NAME_RE = re.compile(r"[a-z0-9-]+\Z")
TOP_KEYS = {"derivcheck", "name", "title", "source", "symbols", "define", "assume", "claim", "claim_tex", "steps",
            "aliases"}
STEP_KEYS = {"expr", "tex", "by", "note"}
_TAG = "tag:yaml.org,2002:"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same nodes, faster
SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


class _Source:
    """One file being read: its name, for error messages."""

    def __init__(self, name):
        self.name = name

    def error(self, message, node=None, line=None, column=None):
        if node is not None and line is None:
            line = node.start_mark.line + 1
        return DerivError(message, file=self.name, line=line, column=column)


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
    out, lines = {}, {}
    for k, v in node.value:
        key = _scalar(src, k, f"a key of {what}")
        if key in out:
            raise src.error(f"{key!r} appears twice in {what}", k)
        out[key] = v
        lines[key] = k.start_mark.line + 1
    return out


def _sequence(src, node, what):
    if not isinstance(node, yaml.SequenceNode):
        raise src.error(f"{what} must be a list", node)
    return node.value


def _located(src, node, fn, *args):
    """Run fn, attaching the file and the node's line to any DerivError it raises."""
    try:
        return fn(*args)
    except DerivError as exc:
        column = exc.column
        if column is not None and node.style in (None, "") and node.start_mark.line == node.end_mark.line:
            column += node.start_mark.column  # a plain scalar on one line: column in the file
        exc.column = column
        raise exc.located(src.name, node.start_mark.line + 1)


def load_file(path):
    """All derivations in one file; a DerivError (exit 2) if any part cannot be read."""
    path = Path(path)
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DerivError(f"file larger than {MAX_FILE_BYTES} bytes", file=name)
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DerivError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except OSError as exc:
        raise DerivError(f"cannot read: {exc.strerror}", file=name) from None
    return load_text(text, name)


def load_text(text, name="<text>"):
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
    if root is None:
        raise src.error("empty file: expected a derivation", line=1)
    _check_nodes(src, root)
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

    ctx = Context()
    for key_node, kind_node in _pairs(src, fields["symbols"], "symbols"):
        names = _scalar(src, key_node, "a symbols key")
        kind = _scalar(src, kind_node, f"the kind of {names}")
        _located(src, key_node, declare, ctx, names, kind, key_node.start_mark.line + 1)
    if "define" in fields:
        _definitions(src, ctx, fields["define"])
    for arr in ctx.arrays.values():
        if arr.kind in ("onehot", "simplex"):
            k = sympy.Symbol("_k", integer=True)
            lo, hi = arr.axes[0]
            ctx.assumptions.append((sympy.Sum(arr.base[k], (k, lo, hi)), sympy.Integer(1), None))
    if "assume" in fields:
        for item in _sequence(src, fields["assume"], "assume"):
            rel = _located(src, item, build.expression, ctx, _scalar(src, item, "an assumption"), ("eq",))
            if not isinstance(rel, tuple):
                raise src.error("an assumption is an equation `lhs == rhs`", item)
            ctx.assumptions.append((rel[1], rel[2], item.start_mark.line + 1))

    claim_tex = "claim_tex" in fields
    claim_node = fields["claim_tex" if claim_tex else "claim"]
    claim_text = _scalar(src, claim_node, "claim")
    rel, shape = _located(src, claim_node, build.value, ctx, claim_text, ("eq",), claim_tex)
    if not isinstance(rel, tuple):
        raise src.error("the claim is an equation `lhs == rhs`", claim_node)
    ctx.claim_shape = shape
    _check_parameters(src, ctx, rel[1] + rel[2], claim_node)
    counter = [0]
    chain = _steps(src, ctx, fields["steps"], counter, top=True)
    return Derivation(
        name=name,
        ctx=ctx,
        claim_lhs=rel[1],
        claim_rhs=rel[2],
        claim_text=claim_text,
        claim_line=claim_node.start_mark.line + 1,
        chain=chain,
        title=_scalar(src, fields["title"], "title") if "title" in fields else "",
        source=_scalar(src, fields["source"], "source") if "source" in fields else "",
        file=src.name,
        aliases=aliases,
        claim_tex=claim_tex,
    )


def _pairs(src, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise src.error(f"{what} must be a mapping", node)
    return node.value


_LOSS = re.compile(r"\s*loss\s*\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\)\s*\Z")


def _definitions(src, ctx, node):
    pairs = _pairs(src, node, "define")
    defs, losses = [], []
    for key_node, body_node in pairs:
        key = _scalar(src, key_node, "a define key")
        name, params = _located(src, key_node, build.definition_target, ctx, key)
        if name in ctx.names() or (name in FUNCTIONS and not (name == "D" and params)):
            raise src.error(f"{name!r} is already declared", key_node)  # D[i, j] may be defined: D(f, x) is a call
        body_text = _scalar(src, body_node, f"the definition of {name}")
        loss = _LOSS.match(body_text)
        if loss:  # L: loss(Z): an unspecified scalar function of the entries of Z
            losses.append((name, params, loss.group(1), body_node))
            continue
        d = Definition(name, build.new_target(name, params), params, line=key_node.start_mark.line + 1)
        ctx.definitions[name] = d
        defs.append((d, body_node, body_text))
    built = set()
    for d, body_node, body_text in defs:
        body, shape = _located(src, body_node, build.value, ctx, body_text)
        if shape:  # Z: X @ W + b: a matrix (or vector) defined entry by entry
            if d.params:
                raise src.error(f"{d.name}[...] is defined by a value of shape {mx.show(shape)}: "
                                f"drop the indices, or write its entry", body_node)
            if any(d.target in o.body.free_symbols for o in ctx.definitions.values() if o.name in built):
                raise src.error(f"{d.name} is a matrix used above its definition: define it first", body_node)
            d.params = mx.entry_indices(ctx, shape)
            d.target = sympy.IndexedBase(d.name, real=True)
            ctx.shapes[d.name] = shape
        d.body = body
        built.add(d.name)
        ctx.parameters |= free_indices(d.body, set(ctx.ranges)) - set(d.params)
    for d, body_node, _ in defs:
        _check_parameters(src, ctx, d.body, body_node)
    _check_cycles(src, ctx, [(d, n) for d, n, _ in defs])
    for name, params, of, body_node in losses:
        _loss(src, ctx, name, params, of, body_node)


def _loss(src, ctx, name, params, of, node):
    if params:
        raise src.error("a loss is a scalar: write L: loss(Z)", node)
    if of in ctx.shapes:
        base, shape = ctx.definitions[of].target, ctx.shapes[of]
    elif of in ctx.arrays and ctx.arrays[of].kind in ("matrix", "vector", "positive"):
        base, shape = ctx.arrays[of].base, tuple(hi for _, hi in ctx.arrays[of].axes)
    else:
        raise src.error(f"loss({of}) needs {of} to be a matrix or vector defined above", node)
    ctx.losses[name] = (sympy.Symbol(name, real=True), base, shape)


def _check_parameters(src, ctx, expr, node):
    """A definition's parameter index (y[j]: delta(j, l) has l) may never be summed over:
    unfolding y inside such a sum would capture it."""
    for s in expr.atoms(sympy.Sum):
        for lim in s.limits:
            if lim[0] in ctx.parameters:
                raise src.error(f"{lim[0]} is a parameter of a definition (free in its body), "
                                "so it cannot be a summation index", node)


def _check_cycles(src, ctx, defs):
    uses = {}
    for d, _ in defs:
        targets = {e.base for e in d.body.atoms(sympy.Indexed)} | d.body.free_symbols
        uses[d.name] = {o.name for o, _ in defs if o.target in targets}
    state = {}

    def visit(n, trail):
        if state.get(n) == "done":
            return
        if state.get(n) == "active":
            raise src.error(f"definitions refer to each other in a cycle: {' -> '.join(trail + [n])}", line=ctx.definitions[n].line)
        state[n] = "active"
        for m in sorted(uses[n]):
            visit(m, trail + [n])
        state[n] = "done"

    for d, _ in defs:
        visit(d.name, [])


def _steps(src, ctx, node, counter, top=False, first_needs_start=True):
    items = _sequence(src, node, "steps")
    if not items:
        raise src.error("steps is empty", node)
    chain = []
    for pos, item in enumerate(items):
        if isinstance(item, yaml.MappingNode) and any(k.value == "cases" for k, _ in item.value):
            if top and pos == 0:
                raise src.error("the chain starts with an expression, not with cases", item)
            chain.append(_cases(src, ctx, item, counter))
            continue
        chain.append(_step(src, ctx, item, counter))
    if top and chain[0].rules:
        raise src.error("the first step is the start of the chain: it takes no `by`", items[0])
    return chain


def _step(src, ctx, item, counter):
    rules, note, rules_line, tex = None, None, None, False
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
            rules_line = by.start_mark.line + 1
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
    expr, shape = _located(src, expr_node, build.value, ctx, text, (), tex)
    _check_shape(src, ctx, expr, shape, expr_node)
    _check_parameters(src, ctx, expr, expr_node)
    step = Step(counter[0], expr_node.start_mark.line + 1, text, expr, rules, note, rules_line, tex)
    counter[0] += 1
    return step


def _check_shape(src, ctx, expr, shape, node):
    """A step has the claim's shape, or is its entry in index form (free indices = the entry's)."""
    if shape == ctx.claim_shape:
        return
    if not shape and ctx.claim_shape:
        entry = set(mx.entry_indices(ctx, ctx.claim_shape))
        stray = free_indices(expr, set(ctx.ranges)) - entry - ctx.parameters
        if not stray:
            return
        names = ", ".join(sorted(s.name for s in stray))
        want = ", ".join(s.name for s in mx.entry_indices(ctx, ctx.claim_shape))
        raise src.error(f"this step in index form has free index {names}; the claim's entries are at ({want})", node)
    what = lambda sh: f"shape {mx.show(sh)}" if sh else "a scalar"  # noqa: E731
    raise src.error(f"this step is {what(shape)} but the claim is {what(ctx.claim_shape)}", node)


def _cases(src, ctx, item, counter):
    fields = _mapping(src, item, "a cases entry")
    if set(fields) != {"cases"}:
        raise src.error("a cases entry has only `cases:`", item)
    branches = []
    for branch in _sequence(src, fields["cases"], "cases"):
        bf = _mapping(src, branch, "a case")
        if set(bf) != {"when", "steps"}:
            raise src.error("a case has `when:` and `steps:`", branch)
        when = _scalar(src, bf["when"], "when")
        rel = _located(src, bf["when"], build.expression, ctx, when, ("eq", "ne"))
        if not isinstance(rel, tuple):
            raise src.error("`when` is a condition `i == j` or `i != j`", bf["when"])
        for side in rel[1:]:
            if side.is_integer is not True:
                raise src.error("`when` compares indices", bf["when"])
        steps = _steps(src, ctx, bf["steps"], counter)
        branches.append(Case(rel, when, bf["when"].start_mark.line + 1, steps))
    if len(branches) < 2:
        raise src.error("cases needs at least two branches", item)
    return Cases(item.start_mark.line + 1, branches)
