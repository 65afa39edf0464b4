"""RawDerivation -> model.Derivation: the only writer of the symbol table, which is frozen after it."""
import re

import sympy

from . import build
from . import matrices as mx
from .buildmemo import BuildMemo
from .calculus import D, free_indices
from .errors import DerivError, DerivErrors
from .model import Case, Cases, Derivation, Step
from .symbols import FUNCTIONS, Context, Definition, UserFunction, declare
from .targets import definition_target, function_target, new_target

_LOSS = re.compile(r"\s*loss\s*\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\)\s*\Z")
_FLIP = {"eq": "ne", "ne": "eq"}


def _error(message, at=None, line=None):
    return DerivError(message, file=at.file if at else None, line=line if line is not None else (at.line if at else None))


def _located(at, fn, *args):
    """Run fn, attaching at's file and line to any DerivError; a column inside the text becomes the
    file's column when the text is an exact slice of its line."""
    try:
        return fn(*args)
    except DerivError as exc:
        if exc.line is None:
            exc.line, exc.column = at.at_column(exc.column)
        raise exc.located(at.file, at.line)


class Elaborator:
    """Builds one derivation's Context (declarations, definitions, entry indices), then its steps."""

    def __init__(self, raw):
        self.raw = raw
        self.ctx = Context()
        self.claim_shape = ()
        self.counter = 0
        self.errors = []  # steps that could not be read (the others still are)
        self.memo = None  # a BuildMemo once the declarations are read (a new one on every later write)

    # -- the only writes to the symbol table ---------------------------------
    def _declare_index(self, name, symbol, size):
        self.ctx.indices[name] = symbol
        self.ctx.ranges[symbol] = (sympy.Integer(1), size)
        if self.memo is not None:  # the memo may be shared (see declared): it stays valid for the others
            self.memo = BuildMemo()

    def declared(self, shared):
        """declarations(), or, when an earlier derivation of the file declared the very same text, a
        copy of its symbol table (lines moved to this one's) and its memo. shared: signature -> earlier."""
        decl = self.raw.declarations
        sig = _signature(decl)
        earlier = shared.get(sig) if sig is not None else None
        line = _line_map(earlier[0], decl) if earlier else None
        if line is not None:
            self.ctx, self.memo = earlier[1].copy(line), earlier[2]
            return
        self.declarations()
        if sig is not None:
            shared[sig] = (decl, self.ctx.copy(), self.memo)

    def value(self, at, text, allow=(), tex=False):
        return _located(at, build.value, self.ctx, text, allow, tex, self._declare_index, self.memo)

    def declarations(self):
        ctx, decl = self.ctx, self.raw.declarations
        for names, kind, at in decl.symbols:
            _located(at, declare, ctx, names, kind, at.line)
        if decl.define:
            self._definitions(decl.define)
        for arr in ctx.arrays.values():
            if arr.kind in ("onehot", "simplex"):
                k = sympy.Symbol("_k", integer=True)
                lo, hi = arr.axes[0]
                ctx.assumptions.append((sympy.Sum(arr.base[k], (k, lo, hi)), sympy.Integer(1), None))
        for text, at in decl.assume:
            rel = self.value(at, text, ("eq",))[0]
            if not isinstance(rel, tuple):
                raise _error("an assumption is an equation `lhs == rhs`", at)
            ctx.assumptions.append((rel[1], rel[2], at.line))
            ctx.assumption_texts[(rel[1], rel[2], at.line)] = text.strip()  # as written, for "verified assuming"
        if self.memo is None:  # the names are all declared: a subexpression built once is built for good
            self.memo = BuildMemo()

    def _function(self, name, params, body_text, key_at, body_at):
        """sigma(u): body — built with its parameters as real scalars that exist only in the body."""
        ctx = self.ctx
        if name in ctx.names() or name in FUNCTIONS:
            raise _error(f"{name!r} is already declared", key_at)
        for p in params:
            if p in ctx.names() or p in FUNCTIONS:
                raise _error(f"the parameter {p!r} of {name} is a declared name: choose another", key_at)
        symbols = tuple(sympy.Symbol(p, real=True) for p in params)
        for p, sym in zip(params, symbols):
            ctx.scalars[p] = (sym, "real")
        try:
            body, shape = self.value(body_at, body_text)
        finally:
            for p in params:
                del ctx.scalars[p]
        if shape:
            raise _error(f"a function's value is a scalar, not shape {mx.show(shape)}", body_at)
        if body.has(D):
            raise _error("a function's body has no D(...): define the derivative's value itself", body_at)
        derivative = None
        if len(symbols) == 1:  # F'(u), for chain_rule: SymPy's diff of the body (unfolded by `definition`)
            prime = sympy.Function(f"{name}'", real=True)
            derivative = UserFunction(f"{name}'", prime, symbols, sympy.diff(body, symbols[0]), key_at.line)
            ctx.functions[derivative.name] = derivative
        ctx.functions[name] = UserFunction(name, sympy.Function(name, real=True), symbols, body, key_at.line, derivative)

    def _definitions(self, items):
        ctx = self.ctx
        defs, losses = [], []
        functions = [(_located(item[2], function_target, item[0]), item) for item in items]
        for target, (key, body_text, key_at, body_at) in functions:
            if target is not None:
                self._function(*target, body_text, key_at, body_at)
        items = [item for target, item in functions if target is None]
        for key, body_text, key_at, body_at in items:
            name, params = _located(key_at, definition_target, ctx, key)
            if name in ctx.names() or (name in FUNCTIONS and not (name == "D" and params)):
                raise _error(f"{name!r} is already declared", key_at)  # D[i, j] may be defined: D(f, x) is a call
            loss = _LOSS.match(body_text)
            if loss:  # L: loss(Z): an unspecified scalar function of the entries of Z
                losses.append((name, params, loss.group(1), body_at))
                continue
            d = Definition(name, new_target(name, params), params, line=key_at.line)
            ctx.definitions[name] = d
            defs.append((d, body_at, body_text))
        built = set()
        self.memo = BuildMemo()  # functions and defined names are declared; a new one when one turns matrix
        for d, body_at, body_text in defs:
            body, shape = self.value(body_at, body_text)
            if shape:  # Z: X @ W + b: a matrix (or vector) defined entry by entry
                if d.params:
                    raise _error(f"{d.name}[...] is defined by a value of shape {mx.show(shape)}: "
                                 f"drop the indices, or write its entry", body_at)
                if any(d.target in o.body.free_symbols for o in ctx.definitions.values() if o.name in built):
                    raise _error(f"{d.name} is a matrix used above its definition: define it first", body_at)
                d.params = mx.entry_indices(ctx, shape, self._declare_index)
                d.target = sympy.IndexedBase(d.name, real=True)
                ctx.shapes[d.name] = shape
                self.memo = BuildMemo()  # the name Z now builds a matrix, no longer the symbol Z
            d.body = body
            built.add(d.name)
            ctx.parameters |= free_indices(d.body, set(ctx.ranges)) - set(d.params)
        for d, body_at, _ in defs:
            self._check_parameters(d.body, body_at)
        self._check_cycles([d for d, _, _ in defs], items[0][2] if items else None)
        for name, params, of, body_at in losses:
            self._loss(name, params, of, body_at)

    def _loss(self, name, params, of, at):
        ctx = self.ctx
        if params:
            raise _error("a loss is a scalar: write L: loss(Z)", at)
        if of in ctx.shapes:
            base, shape = ctx.definitions[of].target, ctx.shapes[of]
        elif of in ctx.arrays and ctx.arrays[of].kind in ("matrix", "posdef", "vector", "positive"):
            base, shape = ctx.arrays[of].base, tuple(hi for _, hi in ctx.arrays[of].axes)
        elif of in ctx.arrays and ctx.arrays[of].kind in ("sym", "sympd"):
            raise _error(f"loss({of}) of the symmetric matrix {of} is not supported: its entries are tied, so "
                         f"D(L, {of}) has no single meaning (declare {of}: matrix N N)", at)
        else:
            raise _error(f"loss({of}) needs {of} to be a matrix or vector defined above", at)
        ctx.losses[name] = (sympy.Symbol(name, real=True), base, shape)
        self.memo = BuildMemo()  # L is a name now (and LaTeX reads the losses)

    def _check_parameters(self, expr, at):
        """A definition's parameter index (y[j]: delta(j, l) has l) may never be summed over:
        unfolding y inside such a sum would capture it."""
        if not self.ctx.parameters:  # nothing to capture (most files): no walk of the expression
            return
        for s in expr.atoms(sympy.Sum):
            for lim in s.limits:
                if lim[0] in self.ctx.parameters:
                    raise _error(f"{lim[0]} is a parameter of a definition (free in its body), "
                                 "so it cannot be a summation index", at)

    def _check_cycles(self, defs, at):
        uses = {}
        for d in defs:  # a target is never bound (sums run over indices): its every occurrence counts
            targets = {e.base for e in d.body.atoms(sympy.Indexed)} | d.body.atoms(sympy.Symbol, sympy.IndexedBase)
            uses[d.name] = {o.name for o in defs if o.target in targets}
        state = {}

        def visit(n, trail):
            if state.get(n) == "done":
                return
            if state.get(n) == "active":
                raise _error(f"definitions refer to each other in a cycle: {' -> '.join(trail + [n])}", at,
                             line=self.ctx.definitions[n].line)
            state[n] = "active"
            for m in sorted(uses[n]):
                visit(m, trail + [n])
            state[n] = "done"

        for d in defs:
            visit(d.name, [])

    # -- the chain -------------------------------------------------------------
    def steps(self, entries):
        """The chain's entries; a step that cannot be read is recorded in self.errors and the rest are read
        (every error of a file in one run)."""
        out = []
        for e in entries:
            try:
                out.append(self._cases(e) if hasattr(e, "cases") else self._step(e))
            except DerivError as exc:
                self.errors.append(exc)
        return out

    def _step(self, raw):
        tex = raw.syntax == "tex"
        expr, shape = self.value(raw.at, raw.text, (), tex)
        self._check_shape(expr, shape, raw.at)
        self._check_parameters(expr, raw.at)
        text = " ".join(raw.text.split()) if raw.at.offsets else raw.text  # a document's layout blanks
        step = Step(self.counter, raw.at.line, text, expr, raw.by, raw.note,
                    raw.by_at.line if raw.by_at else None, tex,
                    column=raw.at.column + 1 if raw.at.column is not None else None)
        self.counter += 1
        return step

    def _check_shape(self, expr, shape, at):
        """A step has the claim's shape, or is its entry in index form (free indices = the entry's)."""
        ctx, claim_shape = self.ctx, self.claim_shape
        if shape == claim_shape:
            return
        if not shape and claim_shape:
            entry = mx.entry_indices(ctx, claim_shape, self._declare_index)
            stray = free_indices(expr, set(ctx.ranges)) - set(entry) - ctx.parameters
            if not stray:
                return
            names = ", ".join(sorted(s.name for s in stray))
            want = ", ".join(s.name for s in entry)
            raise _error(f"this step in index form has free index {names}; the claim's entries are at ({want})", at)
        what = lambda sh: f"shape {mx.show(sh)}" if sh else "a scalar"  # noqa: E731
        raise _error(f"this step is {what(shape)} but the claim is {what(claim_shape)}", at)

    def _condition(self, text, at):
        rel = self.value(at, text, ("eq", "ne"))[0]
        if not isinstance(rel, tuple):
            raise _error("`when` is a condition `i == j` or `i != j`", at)
        for side in rel[1:]:
            if side.is_integer is not True:
                raise _error("`when` compares indices", at)
        return rel

    def _cases(self, raw):
        branches = []
        for case in raw.cases:
            rel = self._condition(case.when, case.when_at)
            branches.append(Case(rel, case.when, case.when_at.line, self.steps(case.steps)))
        if len(branches) == 1:  # a document's single case: the other case keeps the chain as it stood
            op, a, b = branches[0].condition
            text = f"{a} {'!=' if op == 'eq' else '=='} {b}"
            branches.append(Case((_FLIP[op], a, b), text, branches[0].line, []))
        return Cases(raw.at.line, branches)


def _signature(decl):
    """The text of a derivation's declarations (None when some entry is not text: it is never shared)."""
    texts = ([n for n, _, _ in decl.symbols] + [k for _, k, _ in decl.symbols] + [k for k, _, _, _ in decl.define]
             + [b for _, b, _, _ in decl.define] + [t for t, _ in decl.assume])
    if not all(isinstance(t, str) for t in texts):
        return None
    return (tuple((n, k) for n, k, _ in decl.symbols), tuple((k, b) for k, b, _, _ in decl.define),
            tuple(t for t, _ in decl.assume))


def _line_map(old, new):
    """old's line -> new's line of each define key and assume entry (the lines a symbol table keeps),
    or None when one old line would move to two."""
    pairs = [(a[2].line, b[2].line) for a, b in zip(old.define, new.define)]
    pairs += [(a[1].line, b[1].line) for a, b in zip(old.assume, new.assume)]
    lines = {None: None}
    for a, b in pairs:
        if lines.setdefault(a, b) != b:
            return None
    return lines.__getitem__


def _indicator(condition):
    op, a, b = condition
    return sympy.KroneckerDelta(a, b) if op == "eq" else 1 - sympy.KroneckerDelta(a, b)


def _end_value(chain, before=None):
    """The value a chain ends at: its last expression, or over unmerged cases the sum of each
    case's end times the indicator of its condition (the δ-form)."""
    value = before
    for entry in chain:
        if isinstance(entry, Cases):
            value = sympy.Add(*[_indicator(c.condition) * _end_value(c.steps, value) for c in entry.cases])
        else:
            value = entry.expr
    return value


def elaborate(raw, shared=None):
    """The Derivation of one RawDerivation; its Context frozen. shared: a dict kept over one file's
    derivations, so that declarations written the same are elaborated once."""
    el = Elaborator(raw)
    el.declared({} if shared is None else shared)
    ctx = el.ctx
    if raw.claim is not None:
        claim = raw.claim
        rel, shape = el.value(claim.at, claim.text, ("eq",), claim.syntax == "tex")
        if not isinstance(rel, tuple):
            raise _error("the claim is an equation `lhs == rhs`", claim.at)
        el.claim_shape = shape
        el._check_parameters(rel[1] + rel[2], claim.at)
        chain = el.steps(raw.chain)
        if el.errors:
            raise DerivErrors(el.errors)
        lhs, rhs, text, line, tex = rel[1], rel[2], claim.text, claim.at.line, claim.syntax == "tex"
    else:  # a document: the claim is the chain's first expression = its last (§7)
        first = raw.chain[0]
        el.claim_shape = el.value(first.at, first.text, (), first.syntax == "tex")[1]
        chain = el.steps(raw.chain)
        if el.errors:
            raise DerivErrors(el.errors)
        lhs, rhs = chain[0].expr, _end_value(chain)
        text = f"{chain[0].text} = {_end_text(chain, chain[0].text)}"
        line, tex = first.at.line, first.syntax == "tex"
    ctx.freeze()
    return Derivation(name=raw.name, ctx=ctx, claim_lhs=lhs, claim_rhs=rhs, claim_text=text, claim_line=line,
                      chain=chain, title=raw.title, source=raw.source, file=raw.at.file, aliases=raw.aliases,
                      claim_tex=tex)


def _end_text(chain, before):
    """The text of the chain's end: its last expression, or each case's end with its condition."""
    text = before
    for entry in chain:
        if isinstance(entry, Cases):
            text = "; ".join(f"{_end_text(c.steps, text)} when {c.text}" for c in entry.cases)
        else:
            text = entry.text
    return text
