"""Readers produce plain records with positions; the elaborator alone writes the symbol table."""
import pickle

import pytest

from conftest import SPEC_EXAMPLE, line_of
from derivcheck.load import load_text
from derivcheck.source.raw import RawCases, RawStep
from derivcheck.source.yaml_reader import read_text


def test_yaml_reader_gives_plain_records_with_positions():
    (raw,) = read_text(SPEC_EXAMPLE, "x.deriv.yaml")
    assert raw.name == "softmax-jacobian" and raw.claim.text.startswith("D(p[i], z[j]) ==")
    assert raw.claim.at.line == line_of(SPEC_EXAMPLE, "claim:")
    assert all(isinstance(s, (RawStep, RawCases)) for s in raw.chain)
    assert [type(v).__name__ for _, v, _ in raw.declarations.symbols] == ["str"] * 3
    first = raw.chain[0]
    assert first.at.column == SPEC_EXAMPLE.splitlines()[first.at.line - 1].index("D(p[i]")
    assert raw.chain[3].by == ("exp_rule", "sum_rule", "index_rule", "delta_sift")


def test_the_symbol_table_is_frozen_after_elaboration():
    (d,) = load_text(SPEC_EXAMPLE)
    ctx = d.ctx
    for write in (lambda: ctx.indices.__setitem__("q", 1), lambda: ctx.assumptions.append(1),
                  lambda: ctx.parameters.add(1), lambda: setattr(ctx, "sizes", {}),
                  lambda: ctx.definitions.pop("p")):
        with pytest.raises((TypeError, AttributeError)):
            write()
    assert pickle.loads(pickle.dumps(dict(ctx.indices))) == dict(ctx.indices)


def test_matrix_entry_indices_are_declared_by_the_elaborator_only():
    from derivcheck import matrices as mx
    from derivcheck.errors import DerivError
    from derivcheck.symbols import Context, declare

    ctx = Context()
    declare(ctx, "B", "size", 1)
    with pytest.raises(DerivError, match="no declared index"):
        mx.entry_indices(ctx, (ctx.sizes["B"],))  # without the elaborator's writer: nothing is written
    assert not ctx.indices


DOC = r"""# A post

<!-- derivcheck
symbols:
  N: size
  i j k: index N
  z: vector N
define:
  p[i]: exp(z[i]) / Sum(exp(z[k]), k)
-->

$$
\frac{\partial p_i}{\partial z_j} = \frac{\partial}{\partial z_j} \frac{e^{z_i}}{\sum_{k=1}^{N} e^{z_k}} =
$$

Some prose.

$$
= p_i (\delta_{ij} - p_j) % by: algebra
$$

$$ f = g \rightarrow h $$
"""


def test_markdown_reader_positions_continuation_and_not_a_chain():
    from derivcheck.source.markdown_reader import read_text as read_md

    ((raw, blocks),), unchecked = read_md(DOC, "post.md")
    lines = DOC.splitlines()
    assert [s.at.line for s in raw.chain] == [13, 13, 19]
    assert raw.chain[1].at.column == lines[12].index(r"\frac{\partial}{")
    assert raw.chain[2].by == ("algebra",) and raw.chain[2].text == r"p_i (\delta_{ij} - p_j)"
    assert [(u.line, u.reason.split(" (")[0]) for u in unchecked] == [(22, "not a chain of equalities")]
