"""The elaborator's BuildMemo: every expression is the one a build without it returns, errors keep their columns."""
from pathlib import Path

import pytest
import sympy

from derivcheck import elaborate
from derivcheck.errors import DerivError
from derivcheck.load import load_document, load_file, load_text
from derivcheck.model import Cases
from derivcheck.source import is_document

ROOT = Path(__file__).resolve().parent.parent


class _NoMemo(elaborate.BuildMemo):
    """A memo that never keeps anything: every subexpression is built anew (the code before the memo)."""

    class _Forget(dict):
        def __setitem__(self, key, value):
            pass

    def __init__(self):
        super().__init__()
        self.values, self.parsed = self._Forget(), self._Forget()


def _forms(derivations):
    """Everything the elaborator produced that later stages read, in order."""
    out = []

    def chain(entries):
        for e in entries:
            if isinstance(e, Cases):
                for c in e.cases:
                    out.append(("case", c.condition, c.text))
                    chain(c.steps)
            else:
                out.append((e.index, e.line, e.column, e.text, e.expr, e.rules, e.tex))

    for d in derivations:
        if not hasattr(d, "ctx"):  # a document's block not checked
            out.append(d)
            continue
        ctx = d.ctx
        out.append((d.name, d.claim_lhs, d.claim_rhs, d.claim_text))
        chain(d.chain)
        out.append(sorted((n, x.target, x.params, x.body) for n, x in ctx.definitions.items()))
        out.append(sorted(ctx.indices.items()))
        out.append(list(ctx.assumptions))
    return out


def _load(load, *args):
    try:
        return _forms(load(*args))
    except DerivError as exc:
        return [(e.file, e.line, e.column, e.message) for e in getattr(exc, "errors", None) or [exc]]


def _both(monkeypatch, load, *args):
    with_memo = _load(load, *args)
    with monkeypatch.context() as m:
        m.setattr(elaborate, "BuildMemo", _NoMemo)
        without = _load(load, *args)
    return with_memo, without


CORPUS = sorted(str(p) for folder in ("derivcheck/builtins", "tests/data", "examples")
                for p in (ROOT / folder).rglob("*") if p.suffix in (".yaml", ".md", ".ipynb", ".tex"))


def _document(path):
    derivations, unchecked = load_document(path)
    return derivations + unchecked  # _forms reads the derivations; an Unchecked compares as itself


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_every_expression_of_the_corpus_is_the_one_built_without_the_memo(monkeypatch, path):
    with_memo, without = _both(monkeypatch, _document if is_document(path) else load_file, path)
    assert with_memo == without


HEAD = """derivcheck: 1
name: t
symbols:
  N: size
  i j: index N
  x y: vector N
  S: sym N
"""


def test_a_subexpression_that_numbers_bound_indices_is_built_anew(monkeypatch):
    """x.T @ y twice: each product sums over its own bound index, also where a later step repeats it
    after another product (a memo ignoring the numbering would return the first product's sum)."""
    text = HEAD + """claim: x.T @ y + x.T @ y == 2 * (x.T @ y)
steps:
  - x.T @ y + x.T @ y
  - (y.T @ x) * 0 + 2 * (x.T @ y)
  - 2 * (x.T @ y)
"""
    with_memo, without = _both(monkeypatch, load_text, text)
    assert with_memo == without
    (d,) = load_text(text)
    assert len(d.claim_lhs.args) == 2 and d.claim_lhs.args[0] != d.claim_lhs.args[1]  # two sums, two bound names
    assert d.chain[1].expr != d.chain[2].expr  # the second step's product numbers after y.T @ x


def test_an_error_inside_a_matrix_value_is_located_where_each_step_writes_it(monkeypatch):
    """D(f, S) is a matrix whose entries raise when lowered: the same text in two steps, at two
    columns, gives two errors at their own columns (a memo keeping the matrix would give the first's)."""
    text = HEAD + """define:
  f: x.T @ S @ x
claim: f == f
steps:
  - f + 0 * sum_all(D(f, S))
  - f + 0 *  sum_all(D(f, S))
"""
    with_memo, without = _both(monkeypatch, load_text, text)
    assert with_memo == without
    (first, second) = with_memo
    assert "symmetric matrix S" in first[3] and "symmetric matrix S" in second[3]
    assert (first[1], second[1]) == (12, 13)
    assert second[2] == first[2] + 1


def test_the_memo_keeps_repeated_subexpressions(monkeypatch):
    """It does its job: x[i], written six times, is built once."""
    from derivcheck.build import Builder

    built = []
    index = Builder._index
    monkeypatch.setattr(Builder, "_index", lambda self, node: built.append(node) or index(self, node))
    text = HEAD + """claim: exp(x[i]) * exp(x[i]) == exp(x[i])**2
steps:
  - exp(x[i]) * exp(x[i])
  - exp(x[i])**2
"""
    load_text(text)
    assert len(built) == 1
    monkeypatch.setattr(elaborate, "BuildMemo", _NoMemo)
    built.clear()
    load_text(text)
    assert len(built) == 6


def test_a_name_defined_as_a_matrix_is_built_anew_after_its_definition(monkeypatch):
    """`0 * Z` above Z's definition builds Z as a symbol; after `Z: X @ w` the name Z is a vector
    (a memo kept over that write would hand sum_all the symbol Z, a scalar)."""
    text = """derivcheck: 1
name: t
symbols:
  N M: size
  i j: index N
  X: matrix N M
  w: vector M
define:
  a: 0 * Z
  Z: X @ w
  b: sum_all(Z)
claim: b == b
steps:
  - b
"""
    with_memo, without = _both(monkeypatch, load_text, text)
    assert with_memo == without
    (d,) = load_text(text)
    assert str(d.ctx.definitions["b"].body) == "Sum(Z[n_1], (n_1, 1, N))"


def test_a_function_parameter_is_not_a_name_after_its_body(monkeypatch):
    """u is a scalar inside sigma's body only: a later `u` is undeclared (not the body's u)."""
    text = HEAD.replace("  S: sym N\n", "") + """define:
  sigma(u): u * 2
  q: u + 1
claim: q == q
steps:
  - q
"""
    with_memo, without = _both(monkeypatch, load_text, text)
    assert with_memo == without and "undeclared name 'u'" in with_memo[0][3]


def test_a_text_written_again_is_parsed_once(monkeypatch):
    """A document's first expression is read for the claim's shape and again as the chain's first step;
    equal texts of derivations sharing declarations are read once too."""
    from derivcheck import latex_in

    parsed = []
    parse_tex = latex_in.parse_tex
    monkeypatch.setattr(latex_in, "parse_tex", lambda text, *a: parsed.append(text) or parse_tex(text, *a))
    path = str(ROOT / "examples/documents/001-softmax-activation-derivative-corrected.md")
    load_document(path)
    assert parsed and len(parsed) == len(set(parsed))
    with_memo = len(parsed)
    parsed.clear()
    monkeypatch.setattr(elaborate, "BuildMemo", _NoMemo)
    load_document(path)
    assert len(parsed) > with_memo


# -- property: any sequence of expressions builds the same with the memo as without it --------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from derivcheck import build  # noqa: E402
from derivcheck.buildmemo import BuildMemo  # noqa: E402
from derivcheck.symbols import Context, declare  # noqa: E402

_SCALARS = st.sampled_from(["x", "y", "z[i]", "z[j]", "z[k]", "W[i, j]", "W[j, k]", "2", "0.5", "N", "i", "q"])
_MATRICES = st.sampled_from(["W", "z", "W.T", "V", "u"])


def _expressions():
    matrix = st.recursive(_MATRICES, lambda m: st.one_of(
        st.builds("({} @ {})".format, m, m), st.builds("{}.T".format, m), st.builds("({} + {})".format, m, m),
        st.builds("tanh({})".format, m), st.builds("softmax({})".format, m), st.builds("({} * {})".format, _SCALARS, m)),
        max_leaves=4)
    return st.recursive(_SCALARS, lambda s: st.one_of(
        st.builds("({} + {})".format, s, s), st.builds("({} * {})".format, s, s), st.builds("({} / {})".format, s, s),
        st.builds("-{}".format, s), st.builds("({})**2".format, s), st.builds("exp({})".format, s),
        st.builds("D({}, z[j])".format, s), st.builds("Sum({}, k)".format, s), st.just("delta(i, j)"),
        st.builds("({0} + {0})".format, s), st.builds("(sum_all({0}) - 2 * sum_all({0}))".format, matrix),
        st.builds("sum_all({})".format, matrix), st.builds("z.T @ {} @ z".format, matrix),
        st.builds("{} + 0 * sum_all({})".format, s, matrix)), max_leaves=8)


def _table():
    ctx = Context()
    for names, kind in (("N M", "size"), ("i j k", "index N"), ("x y", "real"), ("z", "vector N"),
                        ("W", "matrix N N"), ("V", "matrix N M"), ("u", "vector M")):
        declare(ctx, names, kind, 1)
    return ctx


def _run(texts, memo):
    ctx, out = _table(), []

    def declare_index(name, symbol, size):
        ctx.indices[name] = symbol
        ctx.ranges[symbol] = (sympy.Integer(1), size)

    for text in texts:
        try:
            out.append(build.value(ctx, text, (), False, declare_index, memo))
        except DerivError as exc:
            out.append((exc.message, exc.column))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_expressions(), min_size=1, max_size=5).map(lambda texts: texts + texts[:2]))
def test_any_sequence_of_expressions_builds_as_without_the_memo(texts):
    """Values (bound index names included) and errors (message, column), text after text (some twice)."""
    assert _run(texts, BuildMemo()) == _run(texts, None)
