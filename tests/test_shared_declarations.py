"""Declarations written the same in two derivations of a file are elaborated once: each derivation still
gets its own symbol table, equal to the one it would build alone, with its own lines."""
from derivcheck import elaborate
from derivcheck.load import load_text

FIRST = """  - derivcheck: 1
    name: one
    symbols:
      N M P: size
      i j k: index N
      x: vector N
      A: matrix N M
      C: matrix N P
    define:
      sigma(u): 1 / (1 + exp(-u))
      s[i]: sigma(x[i])
      B: A.T
    assume:
      - Sum(x[k], k) == 1
    claim: D(s[i], x[j]) == s[i] * (1 - s[i]) * delta(i, j)
    steps:
      - D(s[i], x[j])
      - by: definition
        expr: D(sigma(x[i]), x[j])
      - by: chain_rule
        expr: s[i] * (1 - s[i]) * delta(i, j)
"""
# the same declarations as one, laid out otherwise (flow style: two keys on one line), and a matrix claim
# whose entry needs an index over M that is not declared (the elaborator declares one: a write)
SECOND = """  - derivcheck: 1
    name: two
    symbols: {N M P: size, i j k: index N, x: vector N, A: matrix N M, C: matrix N P}

    define: {"sigma(u)": "1 / (1 + exp(-u))", "s[i]": "sigma(x[i])",
             B: A.T}
    assume: ["Sum(x[k], k) == 1"]
    claim: C == 1 * C
    steps:
      - C
      - by: algebra
        expr: 1 * C
"""
THIRD = """  - derivcheck: 1
    name: three
    symbols:
      N M P: size
      i j k: index N
      x: vector N
      A: matrix N M
      C: matrix N P
    define:
      sigma(u): 1 / (1 + exp(-u))
      s[i]: sigma(x[i])
      B: A.T
    assume:
      - Sum(x[k], k) == 1
    claim: C == 1 * C
    steps:
      - C
      - by: algebra
        expr: 1 * C
"""
TEXT = "derivations:\n" + SECOND + FIRST + THIRD  # two first: its flow-style lines cannot move to one's


def _tables(d):
    ctx = d.ctx
    return (d.name, d.claim_lhs, d.claim_rhs, [s.expr for s in d.chain],
            sorted((n, x.target, x.params, x.body, x.line) for n, x in ctx.definitions.items()),
            sorted((n, f.head, f.params, f.body, f.line, f.derivative and (f.derivative.name, f.derivative.line))
                   for n, f in ctx.functions.items()),
            list(ctx.assumptions), dict(ctx.assumption_texts), dict(ctx.indices), dict(ctx.ranges),
            set(ctx.parameters), dict(ctx.shapes))


def _alone(monkeypatch, text):
    with monkeypatch.context() as m:
        m.setattr(elaborate, "_signature", lambda decl: None)  # nothing shared: each derivation on its own
        return [_tables(d) for d in load_text(text)]


def test_shared_declarations_give_each_derivation_its_own_table_and_lines(monkeypatch):
    read = []
    declarations = elaborate.Elaborator.declarations
    monkeypatch.setattr(elaborate.Elaborator, "declarations", lambda self: read.append(self.raw.name) or declarations(self))
    derivations = load_text(TEXT)
    assert read == ["two", "one"]  # two's lines (two keys on line 6) cannot move to one's; three copies one's
    assert [_tables(d) for d in derivations] == _alone(monkeypatch, TEXT)
    two, one, three = derivations
    assert {d.name: {n: x.line for n, x in d.ctx.definitions.items()} for d in derivations} == {
        "two": {"s": 6, "B": 7}, "one": {"s": 24, "B": 25}, "three": {"s": 45, "B": 46}}
    assert [d.ctx.functions["sigma"].line for d in derivations] == [6, 23, 44]
    assert three.ctx.functions["sigma"].derivative is three.ctx.functions["sigma'"]
    assert three.ctx.functions["sigma'"].line == 44
    assert [a[2] for d in derivations for a in d.ctx.assumptions] == [8, 27, 48]
    assert list(three.ctx.assumption_texts) == list(three.ctx.assumptions)


def test_the_table_a_derivation_writes_is_not_the_next_ones():
    """three's claim needs an index over P: it declares p in its own table, not in the one it copied
    from one's, which four copies next."""
    text = "derivations:\n" + FIRST + THIRD + FIRST.replace("name: one", "name: four")
    one, three, four = load_text(text)
    assert set(one.ctx.indices) == set(four.ctx.indices) == {"i", "j", "k", "m"}
    assert set(three.ctx.indices) == {"i", "j", "k", "m", "p"}


def test_declarations_that_differ_are_not_shared():
    """Same symbols and define, another assume: the second keeps its own assumption."""
    text = "derivations:\n" + FIRST + THIRD.replace("Sum(x[k], k) == 1", "Sum(x[k]**2, k) == 1")
    one, three = load_text(text)
    assert one.ctx.assumptions[0][0] != three.ctx.assumptions[0][0]
    assert "**2" in three.ctx.assumption_texts[three.ctx.assumptions[0]]
