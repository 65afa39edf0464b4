"""Readers produce plain records with positions; the elaborator alone writes the symbol table."""
import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


TEX = r"""\documentclass{article}
\begin{document}
% derivcheck
% symbols:
%   N: size
%   i j k: index N
%   z: vector N
% define:
%   p[i]: exp(z[i]) / Sum(exp(z[k]), k)
% end derivcheck
\section{Softmax}
\begin{align}
\frac{\partial p_i}{\partial z_j}
  &= \frac{\partial}{\partial z_j} \frac{e^{z_i}}{\sum_{k=1}^{N} e^{z_k}} \\ % by: definition
  &= p_i (\delta_{ij} - p_j) + 1. % by: quotient_rule
\end{align}
% \[ a = b \]
\[ x \to y \]
\end{document}
"""


def test_latex_reader_declarations_environments_comments_and_positions():
    from derivcheck.source.latex_reader import read_text as read_tex

    ((raw, _),), unchecked = read_tex(TEX, "notes.tex")
    assert [s.at.line for s in raw.chain] == [13, 14, 15]
    assert [s.by for s in raw.chain] == [None, ("definition",), ("quotient_rule",)]
    assert raw.chain[2].text == r"p_i (\delta_{ij} - p_j) + 1"  # trailing `.` is layout
    assert raw.chain[2].at.column == TEX.splitlines()[14].index("p_i")
    assert [u.line for u in unchecked] == [18]  # the commented-out block is not a block


def test_latex_document_wrong_link_at_its_line(tmp_path):
    from click.testing import CliRunner

    from derivcheck.cli import main

    path = tmp_path / "notes.tex"
    path.write_text(TEX)
    out = CliRunner().invoke(main, ["verify", "--no-cache", "--format", "github", str(path)]).stdout
    assert f"::error file={path},line=15,col=6," in out


def test_notebook_reader_names_the_cell_and_line(tmp_path):
    import nbformat
    from click.testing import CliRunner

    from derivcheck.cli import main

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n<!-- derivcheck\nsymbols:\n  x: real\n-->"),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_markdown_cell("Text\n\n$$ x \\cdot 2 = x + x + 1 $$\n")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    result = CliRunner().invoke(main, ["verify", "--no-cache", "--format", "github", str(path)])
    assert result.exit_code == 1
    assert f"::error file={path}#cell3,line=3,col=16," in result.stdout


def test_cases_continuation_and_when_blocks():
    from derivcheck.source.markdown_reader import read_text as read_md

    head = DOC.split("$$")[0]
    text = head + r"""$$
\frac{\partial p_i}{\partial z_j} = \frac{\partial}{\partial z_j} \frac{e^{z_i}}{\sum_{k=1}^{N} e^{z_k}}
$$

<!-- derivcheck: when i == j -->
$$ = p_i (1 - p_i) $$

$$ = p_i - p_i^2 $$

<!-- derivcheck: when i != j -->
$$ = -p_i p_j $$

$$ = p_i (\delta_{ij} - p_j) $$

<!-- derivcheck: skip -->
$$ a = b $$

$$ = \begin{cases} 1, & \text{if } i = j \\ 0, & \text{otherwise} \end{cases} $$
"""
    ((raw, _),), unchecked = read_md(text, "c.md")
    start, link, cases, merge, split2 = raw.chain
    assert [c.when for c in cases.cases] == ["i == j", "i != j"]
    assert [len(c.steps) for c in cases.cases] == [2, 1]
    assert merge.text == r"p_i (\delta_{ij} - p_j)"
    assert [c.when for c in split2.cases] == ["i == j", "i != j"]  # `otherwise` is the complement
    assert [(u.reason, u.skipped) for u in unchecked] == [("skip", True)]


FUZZ_ALPHABET = list("$=\\{}[]()&%_^ \n,.-+*/0123456789abcdijkpz") + [
    "$$", "\\[", "\\]", "\\begin{align}", "\\end{align}", "\\begin{cases}", "\\end{cases}", "\\frac", "\\sum",
    "\\partial", "\\text{by}", "% by: ", "% when: ", "<!-- derivcheck: ", "-->", "\\\\", "\\left(", "\\right)",
    "<!-- derivcheck\nsymbols:\n  N: size\n  i j: index N\n  z: vector N\n-->\n", "% derivcheck\n% symbols:\n%   x: real\n% end derivcheck\n"]


@given(st.lists(st.sampled_from(FUZZ_ALPHABET), max_size=40))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzzed_documents_exit_0_1_or_2_without_traceback(parts):
    from click.testing import CliRunner

    from derivcheck.cli import main

    import os
    import tempfile

    text = "".join(parts)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        for name in ("f.md", "f.tex"):
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            result = runner.invoke(main, ["verify", "--no-cache", "--timeout", "0", path])
            assert result.exit_code in (0, 1, 2), (text, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), text
