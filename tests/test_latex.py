"""LaTeX in (tex:, claim_tex:), LaTeX and markdown traces out, and emitted numeric modules."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from derivcheck import numeric
from derivcheck.build import definition_target, expression, new_target
from derivcheck.canon import canonical_bound
from derivcheck.cli import main
from derivcheck.errors import DerivError
from derivcheck.model import PROVED, VERIFIED
from derivcheck.runner import run
from derivcheck.symbols import Context, declare

GOLDEN = Path(__file__).parent / "golden"
SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def ctx():
    c = Context()
    for names, kind in {"N L C K": "size", "i j k l m n s": "index N", "z a S": "matrix N N", "o x": "vector N",
                        "y": "labels N C", "Sigma": "real"}.items():
        declare(c, names, kind, 1)
    return c


CTX = ctx()


@pytest.mark.parametrize("tex,ascii_", [
    (r"\frac{\partial S_{i,j}}{\partial z_{i,k}}", "D(S[i, j], z[i, k])"),
    (r"\frac{\partial}{\partial z_{ik}} e^{z_{ij}} \cdot \Sigma", "D(exp(z[i, j]), z[i, k]) * Sigma"),
    (r"\frac{\partial}{\partial o_m} e^{o_n} (\Sigma)^{-1}", "D(exp(o[n]) * Sigma**-1, o[m])"),
    (r"\sum_{k=1}^{N} e^{o_k} \delta_{jk}", "Sum(exp(o[k]) * delta(j, k), (k, 1, N))"),
    (r"\sum_k e^{o_k} + 1", "Sum(exp(o[k]), k) + 1"),
    (r"a_{ij} \left(\mathbb{I}_{\{j=k\}} - a_{ik}\right)", "a[i, j] * (delta(j, k) - a[i, k])"),
    (r"\exp(x_i) \cdot \ln x_j \times 2", "exp(x[i]) * log(x[j]) * 2"),
    (r"\frac{1}{2} x_i^2 - \sqrt{x_j}", "1/2 * x[i]**2 - sqrt(x[j])"),
    (r"o_0 + o_1 + \dots + o_N", "Sum(o[k], (k, 0, N))"),
    (r"\sum_{j=1, j \neq k}^{C} \mathbb{I}_{\{j=y_i\}} a_{ik}", "Sum((1 - delta(j, k)) * delta(j, y[i]) * a[i, k], (j, 1, C))"),
])
def test_latex_gives_the_same_expression_as_ascii(tex, ascii_):
    assert canonical_bound(expression(CTX, tex, tex=True)) == canonical_bound(expression(CTX, ascii_))


@pytest.mark.parametrize("tex,message,column", [
    (r"\frac{\partial p_i}{\partial z_j", "end of expression", None),
    (r"x_i + \foo", "cannot read LaTeX", 7),
    (r"q_i", "undeclared name 'q'", 1),
    (r"\delta_{ijk}", "two indices", 1),
    (r"\sum_{k=1} x_k", "upper one", 1),
])
def test_latex_errors_point_at_the_column(tex, message, column):
    with pytest.raises(DerivError) as info:
        expression(CTX, tex, tex=True)
    assert message in info.value.message
    if column is not None:
        assert info.value.column == column


# Expressions as the seed documents write them (the derivation links, verbatim), by document:
# each with the declarations its notation needs.
SEED_SYMBOLS = {
    "001": {"M L": "size", "i": "index M", "j k l": "index L", "z": "matrix M L"},
    "002": {"K": "size", "i j l m n": "index 0..K", "z": "vector 0..K", "y": "vector 0..K", "S": "positive"},
    "004": {"N C": "size", "i": "index N", "j k s": "index C", "z": "matrix N C", "y": "labels N C", "Sigma": "positive"},
}
SEED_DEFINE = {
    "001": {"S[i, j]": "exp(z[i, j]) / Sum(exp(z[i, l]), l)"},
    "002": {"softmax_out[n]": "exp(z[n]) / S", "L": "-Sum(y[i] * log(softmax_out[i]), i)"},
    "004": {"a[i, j]": "exp(z[i, j]) / Sigma"},
}
SEED_EXPRESSIONS = [
    ("001", r"\frac{e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}}"),
    ("001", r"\frac{\partial S_{i,j}}{\partial z_{i,k}}"),
    ("001", r"\frac{\partial \frac{e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}}}{\partial z_{i,k}}"),
    ("001", r"\frac{\frac{\partial}{\partial z_{i,k}} e^{z_{i,j}} \cdot \sum_{l=1}^{L} e^{z_{i,l}} - e^{z_{i,j}} \cdot \frac{\partial}{\partial z_{i,k}} \sum_{l=1}^{L} e^{z_{i,l}}}{\left[ \sum_{l=1}^{L} e^{z_{i,l}} \right]^2}"),
    ("001", r"\frac{\partial}{\partial z_{i,k}} \sum_{l=1}^{L} e^{z_{i,l}}"),
    ("001", r"\frac{e^{z_{i,j}} \cdot \sum_{l=1}^{L} e^{z_{i,l}} - e^{z_{i,j}} \cdot e^{z_{i,j}}}{\left[ \sum_{l=1}^{L} e^{z_{i,l}} \right]^2}"),
    ("001", r"\frac{e^{z_{i,j}} \cdot \left( \sum_{l=1}^{L} e^{z_{i,l}} - e^{z_{i,k}} \right)}{\sum_{l=1}^{L} e^{z_{i,l}} \cdot \sum_{l=1}^{L} e^{z_{i,l}}}"),
    ("001", r"\frac{e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}} \cdot \frac{\sum_{l=1}^{L} e^{z_{i,l}} - e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}}"),
    ("001", r"\frac{e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}} \cdot \left( \frac{\sum_{l=1}^{L} e^{z_{i,j}}}{\sum_{l=1}^{L} e^{z_{i,l}}} - \frac{e^{z_{i,k}}}{\sum_{l=1}^{L} e^{z_{i,l}}} \right)"),
    ("001", r"S_{i,j} \cdot (1 - S_{i,k})"),
    ("001", r"-S_{i,j} \cdot S_{i,k}"),
    ("002", r"\frac{\partial}{\partial z_m} e^{z_n} (e^{z_0} + e^{z_1} + \dots + e^{z_k})^{-1}"),
    ("002", r"e^{z_n} (S)^{-1} + e^{z_n} \cdot (-1) (S)^{-2} e^{z_n}"),
    ("002", r"(-1) e^{z_n} (S)^{-2} e^{z_m}"),
    ("002", r"e^{z_n} (S)^{-1} (1 - e^{z_n} (S)^{-1})"),
    ("002", r"-(e^{z_n} S^{-1}) (e^{z_m} S^{-1})"),
    ("002", r"\text{softmax_out}_n (1 - \text{softmax_out}_n)"),
    ("002", r"-(\text{softmax_out}_n) (\text{softmax_out}_m)"),
    ("002", r"- \sum_{i=0}^k y_i \log(\text{softmax_out}_i)"),
    ("002", r"-(y_m) \left(\frac{1}{\text{softmax_out}_m} \right)"),
    ("002", r"\sum_{n=0}^k \frac{\partial L}{\partial \text{softmax_out}_n} * \frac{\partial \text{softmax_out}_n}{\partial z_m}"),
    ("002", r"-y_l \left(\frac{1}{\text{softmax_out}_l} \right) * \frac{\partial \text{softmax_out}_l}{\partial z_m}"),
    ("002", r"-y_m \left(\frac{1}{\text{softmax_out}_m} \right) (\text{softmax_out}_m) (1 - \text{softmax_out}_m)"),
    ("002", r"\text{softmax_out}_m - y_m"),
    ("004", r"\frac{e^{z_{ij}}}{\sum_{s=1}^C e^{z_{is}}}"),
    ("004", r"\frac{\Sigma \frac{\partial e^{z_{ij}}}{\partial z_{ik}} - e^{z_{ij}} \frac{\partial \Sigma}{\partial z_{ik}}}{\Sigma^2}"),
    ("004", r"\frac{e^{z_{ij}} \mathbb{I}_{\{j=k\}}}{\Sigma} - \frac{e^{z_{ij}} \frac{\partial \sum_{s=1}^C e^{z_{is}}}{\partial z_{ik}}}{\Sigma^2}"),
    ("004", r"\frac{e^{z_{ij}}}{\Sigma} \left( \mathbb{I}_{\{j=k\}} - \frac{e^{z_{ik}}}{\Sigma} \right)"),
    ("004", r"a_{ij} (\mathbb{I}_{\{j=k\}} - a_{ik})"),
    ("004", r"- \sum_{j=1}^C \{ \mathbb{I}_{\{j=y_i\}} \log a_{ij} \}"),
    ("004", r"- \sum_{j=1}^C \left\{ \mathbb{I}_{\{j=y_i\}} \frac{1}{a_{ij}} \frac{\partial a_{ij}}{\partial z_{ik}} \right\}"),
    ("004", r"- \mathbb{I}_{\{k=y_i\}} (1 - a_{ik}) + \sum_{j=1, j \neq k}^C \mathbb{I}_{\{j=y_i\}} a_{ik}"),
    ("004", r"- \mathbb{I}_{\{k=y_i\}} + a_{ik} \sum_{j=1}^C \mathbb{I}_{\{j=y_i\}}"),
    ("004", r"\frac{1}{N} (a_{ik} - \mathbb{I}_{\{k=y_i\}})"),
]


def seed_ctx(doc):
    from derivcheck.symbols import Definition

    c = Context()
    for names, kind in SEED_SYMBOLS[doc].items():
        declare(c, names, kind, 1)
    if doc == "002":  # the document's own upper limit k is the size K here
        c.sizes["k"] = c.sizes["K"]
    for key, body in SEED_DEFINE[doc].items():
        name, params = definition_target(c, key)
        c.definitions[name] = Definition(name, new_target(name, params), params)
    for key, body in SEED_DEFINE[doc].items():
        name, _ = definition_target(c, key)
        c.definitions[name].body = expression(c, body)
    return c


@pytest.mark.parametrize("doc,tex", SEED_EXPRESSIONS)
def test_expressions_quoted_in_the_seeds_parse(doc, tex):
    expression(seed_ctx(doc), tex, tex=True)


def test_the_seed_quotes_are_verbatim():
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    text = "".join(p.read_text() for p in seeds.glob("*.txt"))
    if not text:
        pytest.skip("the shared seeds are not beside this checkout")
    assert all(tex in text for _, tex in SEED_EXPRESSIONS)


def test_seed_003s_d_ij_reads_as_a_defined_delta(tmp_path):
    from derivcheck.load import load_text

    text = """derivcheck: 1
name: dij
symbols:
  N: size
  i j k: index N
  o: vector N
define:
  p[j]: exp(o[j]) / Sum(exp(o[k]), k)
  D[i, j]: delta(i, j)
claim_tex: \\frac{\\partial p_j}{\\partial o_i} = D_{ij} p_j - p_j p_i
steps:
  - D(p[j], o[i])
  - by: [definition, quotient_rule, exp_rule, sum_rule, index_rule, delta_sift, algebra]
    expr: D[i, j] * p[j] - p[j] * p[i]
"""
    (d,) = load_text(text)
    assert str(d.claim_rhs) == "D[i, j]*p[j] - p[i]*p[j]"
    path = tmp_path / "dij.deriv.yaml"
    path.write_text(text)
    (result,) = run([str(path)]).results
    assert result.verdict == VERIFIED


def test_spec_example_written_in_latex_verifies():
    (result,) = run([str(DATA / "spec_example_tex.deriv.yaml")]).results
    assert result.verdict == VERIFIED
    assert all(sr.outcome.status == PROVED for sr in result.steps)
    assert result.derivation.steps()[0].tex


def test_the_report_shows_the_parsed_form():
    out = CliRunner().invoke(main, ["verify", "-v", str(DATA / "spec_example_tex.deriv.yaml")])
    assert "parsed as: D(exp(z[i])/Sum(exp(z[k]), (k, 1, N)), z[j])" in out.output


def _normal(text):
    return re.sub(r"max deviation [0-9.e+-]+", "max deviation X", text)


@pytest.mark.parametrize("target,golden,fmt", [
    ("softmax", "softmax.tex", "latex"),
    ("softmax", "softmax.md", "markdown"),
    (str(SEEDS / "003-stackoverflow-softmax.deriv.yaml"), "seed-003.tex", "latex"),
])
def test_trace_golden_files(target, golden, fmt):
    out = CliRunner().invoke(main, ["trace", target, "--format", fmt])
    text = _normal(out.output).replace(str(SEEDS), "examples/seeds")
    path = GOLDEN / golden
    if not path.exists():
        path.with_suffix(path.suffix + ".new").write_text(text)
        pytest.fail(f"no golden file {path.name}: review {path.name}.new and rename it")
    assert text == path.read_text()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("target", ["softmax", "softmax-cross-entropy", str(SEEDS / "003-stackoverflow-softmax.deriv.yaml")])
def test_latex_trace_compiles(tmp_path, target):
    doc = CliRunner().invoke(main, ["trace", target, "--format", "latex"]).output
    (tmp_path / "trace.tex").write_text(doc)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "trace.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "trace.pdf").stat().st_size > 1000


def test_emitted_module_is_standalone_and_spot_checks(tmp_path):
    out = CliRunner().invoke(main, ["emit", "softmax", "-o", str(tmp_path / "softmax_num.py")])
    assert out.exit_code == 0, out.output
    source = (tmp_path / "softmax_num.py").read_text()
    imports = {m.group(1) for m in re.finditer(r"^(?:import|from) (\w+)", source, re.M)}
    assert imports <= {"builtins", "itertools", "math", "numpy"}  # the standard library and numpy only
    done = subprocess.run(["python", str(tmp_path / "softmax_num.py")], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "spot_check: True"


def test_numeric_api_functions_and_a_failing_spot_check():
    import numpy as np

    module = numeric("softmax")
    z = np.array([np.nan, 0.1, 0.2, 0.3])
    p1 = np.exp(0.1) / np.exp([0.1, 0.2, 0.3]).sum()
    assert module.define_p(3, 1, 1, 1, z) == pytest.approx(p1)
    assert module.step_0(3, 1, 1, 1, z) == pytest.approx(p1 * (1 - p1), rel=1e-7)  # D by finite differences
    assert module.spot_check(seed=1)
    wrong = numeric(str(SEEDS / "003-stackoverflow-softmax.deriv.yaml"))
    assert not wrong.spot_check()


def test_emit_needs_a_name_when_a_file_holds_several(tmp_path):
    target = str(SEEDS / "004-softmax-loss-backprop.deriv.yaml")
    out = CliRunner().invoke(main, ["emit", target, "-o", str(tmp_path / "x.py")])
    assert out.exit_code == 2 and "--name" in out.output
    out = CliRunner().invoke(main, ["emit", target, "-n", "seed-004-loss-gradient", "-o", str(tmp_path / "x.py")])
    assert out.exit_code == 0


# -- LaTeX read as mathematicians write it, or refused (issue 10) --------------------------------

def trust_ctx(extra=None):
    c = Context()
    for names, kind in {"N": "size", "i j k": "index N", "z x": "vector N", "a b d f y": "real",
                        "X W": "matrix N N", **(extra or {})}.items():
        declare(c, names, kind, 1)
    return c


TRUST = trust_ctx()


@pytest.mark.parametrize("tex,ascii_", [
    (r"\exp(y)^2", "exp(y)**2"),
    (r"\tanh(y)^2", "tanh(y)**2"),
    (r"\tanh\left(y\right)^{2} a", "tanh(y)**2 * a"),
    (r"\log{\left(y \right)}^{2}", "log(y)**2"),  # SymPy's own form of log(y)**2
    (r"\sin^2 y", "sin(y)**2"),
    (r"\sin^{-1} y", "arcsin(y)"),  # the inverse sine, never 1/sin
    (r"\cos^{-1}(y) + 1", "arccos(y) + 1"),
    (r"\cos^{2}{\left(y \right)}", "cos(y)**2"),
    (r"\sin^2(y)", "sin(y)**2"),
    (r"\log y^2", "log(y**2)"),
    (r"\log {y}^2", "log(y**2)"),  # braces are invisible: the reader sees log y²
    (r"\exp y + 1", "exp(y) + 1"),
    (r"\log x_i \cdot a", "log(x[i]) * a"),
    (r"\sin y \cos y", "sin(y) * cos(y)"),
    (r"\log \log y", "log(log(y))"),
    (r"\log(y) a", "log(y) * a"),
    (r"\frac{d}{dy} y^2", "D(y**2, y)"),
    (r"\frac{d}{d y} a y", "D(a * y, y)"),
    (r"\frac{dy}{da}", "D(y, a)"),
    (r"\frac{d a}{d y}", "D(a, y)"),
    (r"\frac{\mathrm{d}}{\mathrm{d}y} y^2", "D(y**2, y)"),
    (r"\frac{\mathrm{d} a}{\mathrm{d} y}", "D(a, y)"),
    (r"\frac{\partial}{\partial y} a y", "D(a * y, y)"),
    (r"\frac{\partial}{\partial y} (a + y) + b", "D(a + y, y) + b"),
    (r"2 \frac{\partial}{\partial y} \log y", "2 * D(log(y), y)"),
    (r"\frac{\partial^2 a}{\partial y \partial b}", "D(D(a, b), y)"),
    (r"\frac{d^2 a}{d y^2}", "D(D(a, y), y)"),
    (r"a(b + y)", "a * (b + y)"),
    (r"x_i (1 - x_j)", "x[i] * (1 - x[j])"),
    (r"-y^2", "-(y**2)"),
    (r"\frac12 y", "y / 2"),
    (r"\frac ab", "a / b"),
    (r"2^{3^2}", "2**9"),
    (r"x^2_i", "x[i]**2"),
    (r"y^2a", "y**2 * a"),  # x^2y is x²y, as LaTeX shows it
    (r"\frac{\partial^2a}{\partial y^2}", "D(D(a, y), y)"),
    (r"\sum_k x_k + b", "Sum(x[k], k) + b"),
    (r"\sum_k x_k \cdot b", "Sum(x[k] * b, k)"),
    (r"\sum_k x_k + \sum_k z_k", "Sum(x[k], k) + Sum(z[k], k)"),
    (r"\sum_k x_k \sum_j z_j + b", "Sum(x[k] * Sum(z[j], j), k) + b"),
    (r"\log \sum_k e^{z_k}", "log(Sum(exp(z[k]), k))"),
    (r"\log \sum_k e^{z_k} + 1", "log(Sum(exp(z[k]), k)) + 1"),
    (r"a / b / y", "(a / b) / y"),
    (r"\sigma(y)", "sigmoid(y)"),
    (r"\operatorname{relu}(y)", "relu(y)"),
    (r"\mathrm{step}(y)", "step(y)"),
])
def test_latex_reads_as_mathematicians_write_it(tex, ascii_):
    assert canonical_bound(expression(TRUST, tex, tex=True)) == canonical_bound(expression(TRUST, ascii_))


def test_leibniz_d_is_a_derivative_whatever_names_are_declared():
    for extra in ({}, {"dx": "real"}, {"e": "real"}):
        c = trust_ctx(extra)
        assert expression(c, r"\frac{d}{dy} y^2", tex=True) == expression(c, "D(y**2, y)")
    no_d = Context()
    declare(no_d, "y", "real", 1)
    assert expression(no_d, r"\frac{dy}{dy}", tex=True) == expression(no_d, "D(y, y)")


def test_a_declared_sigma_stays_a_product():
    c = trust_ctx({"sigma": "real"})
    assert expression(c, r"\sigma (a + y)", tex=True) == expression(c, "sigma * (a + y)")


@pytest.mark.parametrize("tex,message,column", [
    (r"\tanh^{-1} y", "inverse hyperbolic tangent, not 1/\\tanh", 1),
    (r"a + \tanh^{-1}(y)", "not supported yet", 5),
    (r"\sin^{y} a", "whole positive power", 1),
    (r"\sin 2y", "read two ways", 7),
    (r"\log y a", "read two ways", 8),
    (r"\log y \frac{d}{dy} y", "read two ways", 8),
    (r"\sin^2(y)^3", "read two ways", 1),
    (r"\frac{a}{d y}", "differential", 1),
    (r"\frac{\partial a + b}{\partial y}", "\\partial f in the numerator", 1),
    (r"\frac{\partial a}{y}", "needs \\partial x", 1),
    (r"\frac{d^2 a}{d y}", "does not match", 1),
    (r"\frac{d}{dy}", "needs what it differentiates", 1),
    (r"\frac{d}{dy} + 1", "needs what it differentiates", 1),
    (r"a + \partial y", "\\partial is read in", 5),
    (r"a(b)", "neither as a product nor as an application", 1),
    (r"f(y)", "neither as a product nor as an application", 1),
    (r"x_i(y)", "neither", 1),
    (r"e^{y}^2", "double superscript", 6),
    (r"2^3^2", "double superscript", 4),
    (r"y_i_j", "double subscript", 4),
    (r"2^32", "one character", 3),
    (r"x_12", "one character", 3),
    (r"x_ij", "one character", 3),
    (r"e^xy", "one character", 3),
    (r"x_i2", "one character", 3),
    (r"\sum_ke^{y}", "one character", 6),
    (r"\log_2 y", "subscript on a function", 1),
    (r"\sum_k x_k + z_k", "index of a \\sum", 14),
    (r"a - \sum_j x_j - x_j", "index of a \\sum", 18),
    (r"a / b y", "read two ways", 5),
    (r"2\frac{1}{2}", "mixed number", 1),
    (r"2\frac12", "mixed number", 1),
    (r"y 2", "a number after a factor", 3),
    (r"\log", "needs an argument", 1),
    (r"\exp^2", "needs an argument", 1),
    (r"\csc y", "csc is not supported yet", 1),
    (r"a + |y", "unmatched |", 5),
    (r"\sum_{i,j} x_i", "\\sum_i \\sum_j", 8),
])
def test_ambiguous_latex_is_refused_at_its_column(tex, message, column):
    with pytest.raises(DerivError) as info:
        expression(TRUST, tex, tex=True)
    assert message in info.value.message
    assert info.value.column == column


def test_a_defined_name_before_a_parenthesis():
    from derivcheck.symbols import Definition

    c = trust_ctx()
    c.definitions["p"] = Definition("p", new_target("p", ()), ())
    c.definitions["p"].body = expression(c, "sigmoid(y)")
    assert expression(c, r"p (1 - p)", tex=True) == expression(c, "p * (1 - p)")  # σ(1 - σ): a product
    with pytest.raises(DerivError, match="neither as a product"):
        expression(c, r"p(y + 1)", tex=True)  # p applied to y + 1, or p times it


# -- round trip: what derivcheck prints as LaTeX reads back as the same expression ---------------

def _roundtrip(expr, c):
    from derivcheck.report.latex import math

    text = math(expr, c)
    back = expression(c, text, tex=True)
    assert canonical_bound(back) == canonical_bound(expr), text


def _chain_expressions(entries):
    from derivcheck.model import Cases

    for entry in entries:
        if isinstance(entry, Cases):
            for case in entry.cases:
                yield from _chain_expressions(case.steps)
        else:
            yield entry.expr


ROUNDTRIP_FILES = sorted((Path(__file__).resolve().parent.parent / "derivcheck" / "builtins").glob("*.deriv.yaml")) \
    + sorted(SEEDS.glob("*.deriv.yaml")) + [DATA / "spec_example_tex.deriv.yaml"]


@pytest.mark.parametrize("path", ROUNDTRIP_FILES, ids=lambda p: p.name)
def test_every_step_of_the_builtins_and_seeds_round_trips(path):
    from derivcheck.load import load_file

    count = 0
    for d in load_file(str(path)):
        for expr in list(_chain_expressions(d.chain)) + [d.claim_lhs, d.claim_rhs]:
            _roundtrip(expr, d.ctx)
            count += 1
    assert count > 2


def _expressions():
    import sympy
    from hypothesis import strategies as st

    from derivcheck.calculus import D

    c = TRUST
    a, b, y = (c.scalars[n][0] for n in "aby")
    i, j, k = (c.indices[n] for n in "ijk")
    z, x = c.arrays["z"].base, c.arrays["x"].base
    n = c.sizes["N"]
    leaves = st.sampled_from([a, b, y, z[i], z[j], x[i], n, sympy.Integer(2), sympy.Integer(-3), sympy.Rational(1, 2)])

    def grow(sub):
        return st.one_of(
            st.tuples(sub, sub).map(lambda t: t[0] + t[1]),
            st.tuples(sub, sub).map(lambda t: t[0] * t[1]),
            st.tuples(sub, sub).map(lambda t: t[0] - t[1]),
            st.tuples(sub, st.sampled_from([-2, -1, 2, 3])).map(lambda t: t[0] ** t[1]),
            st.tuples(sub, st.sampled_from([sympy.exp, sympy.log, sympy.tanh, sympy.sin, sympy.cos, sympy.sqrt,
                                            lambda u: sympy.Max(u, 0), lambda u: 1 / (1 + sympy.exp(-u)), sympy.sec,
                                            sympy.sinh, sympy.asin, sympy.atan, sympy.Abs, sympy.erf, sympy.sign,
                                            sympy.Heaviside, lambda u: sympy.Max(u, b), lambda u: u * sympy.pi]))
            .map(lambda t: t[1](t[0])),
            st.tuples(sub, st.sampled_from([y, a, z[j]])).map(lambda t: D(t[0], t[1])),
            sub.map(lambda u: sympy.Sum(u * z[k] + x[k], (k, 1, n))),
            sub.map(lambda u: sympy.Sum(u.subs(z[i], z[k]) * sympy.KroneckerDelta(k, j), (k, 1, n))),
        )

    return st.recursive(leaves, grow, max_leaves=8)


def test_generated_expressions_round_trip():
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(_expressions())
    def check(expr):
        if expr.has(sympy_nan(), sympy_zoo()) or expr.is_number and not expr.is_finite:
            return
        try:
            _roundtrip(expr, TRUST)
        except DerivError as exc:
            if "too large" in exc.message or "division by zero" in exc.message or "zero to a" in exc.message:
                return
            raise

    check()


def sympy_nan():
    import sympy

    return sympy.nan


def sympy_zoo():
    import sympy

    return sympy.zoo


def test_the_latex_reader_raises_only_derivcheck_errors():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = [r"\frac", "{", "}", "(", ")", r"\left(", r"\right)", "^", "_", "x", "y", "z", "d", "i", "j", "k", "2",
              "12", r"\partial", r"\sum", r"\log", r"\exp", r"\sin", r"\cdot", "+", "-", "/", "=", r"\neq", r"\delta",
              r"\mathrm{d}", r"\sigma", r"\top", "X", r"\odot", r"\nabla", ",", r"\mathbb{I}", r"\{", r"\}", " ",
              r"\hat{y}", r"\dots", "e", r"\sqrt", "T", r"\frac12", r"\operatorname{relu}", "[", "]", r"\|", "|",
              r"\max", r"\mathbf{W}", "(1)", r"\left|", r"\right|", r"\pi", r"\sec", r"\det", "W", "w", "a"]

    @settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(pieces), min_size=1, max_size=14))
    def check(parts):
        try:
            expression(MATRIX_CTX, "".join(parts), allow=("eq", "ne"), tex=True)
        except DerivError:
            pass

    check()


# -- issue 12's textbook forms -------------------------------------------------------------------

MATRIX_CTX = trust_ctx({"A W1 W_2": "matrix N N", "w": "vector N", "y_hat": "real", "L": "real"})


@pytest.mark.parametrize("tex,ascii_", [
    (r"\log \sum_k e^{z_k}", "log(Sum(exp(z[k]), k))"),
    (r"\cos^2 y + \sin^2 y", "cos(y)**2 + sin(y)**2"),
    (r"\mathbf{X}^\top", "X.T"),
    (r"X^\top", "X.T"),
    (r"X^T", "X.T"),
    (r"X^{\mathsf{T}} W", "X.T @ W"),
    (r"X W", "X @ W"),  # juxtaposed matrices: the matrix product
    (r"X \cdot W^\top", "X @ W.T"),
    (r"X \odot W", "X * W"),  # the elementwise product
    (r"X w", "X @ w"),
    (r"w^\top w", "w.T @ w"),  # a scalar
    (r"2 w^\top X w + a", "2 * (w.T @ X @ w) + a"),
    (r"w w^\top", "w @ w.T"),  # the outer product
    (r"\frac{w}{2}", "w / 2"),
    (r"(X W)^\top", "(X @ W).T"),
    (r"\|w\|", "norm(w)"),
    (r"\|w\|_2^2", "norm(w)**2"),
    (r"\left\| w \right\|", "norm(w)"),
    (r"\|A\|_F", "norm(A)"),
    (r"|y| + \left| a \right|", "abs(y) + abs(a)"),
    (r"\hat{y}", "y_hat"),
    (r"\hat y + 1", "y_hat + 1"),
    (r"\mathbf{W}^{(1)}", "W1"),
    (r"W^{(1)}_{ij}", "W1[i, j]"),
    (r"W^{(2)}", "W_2"),
    (r"\nabla_y a y^2", "D(a * y**2, y)"),
    (r"\nabla_w \sum_k w_k", "D(Sum(w[k], k), w)"),
    (r"\pi", "pi"),
    (r"2 \pi (a + b)", "2 * pi * (a + b)"),
    (r"\operatorname{relu}(y)", "relu(y)"),
    (r"\operatorname{ReLU}(y)", "relu(y)"),
    (r"\sigma(y) (1 - \sigma(y))", "sigmoid(y) * (1 - sigmoid(y))"),
    (r"\sec y", "sec(y)"),
    (r"\sinh(y)^2", "sinh(y)**2"),
    (r"\arctan y", "arctan(y)"),
    (r"\operatorname{tr}(X W)", "trace(X @ W)"),
    (r"\max(a, b)", "max(a, b)"),
    (r"\det X", "det(X)"),
    (r"\log \det X", "log(det(X))"),
    (r"X^{-1} W", "inv(X) @ W"),
    (r"\operatorname{sgn}(y)", "sign(y)"),
])
def test_textbook_forms(tex, ascii_):
    assert canonical_bound(expression(MATRIX_CTX, tex, tex=True)) == canonical_bound(expression(MATRIX_CTX, ascii_))


@pytest.mark.parametrize("tex,message,column", [
    (r"a + \min(a, b)", "min is not supported yet", 5),
    (r"(X W)^{-1}", "the inverse of this matrix is not supported yet", 1),
    (r"X^2", "a power of a matrix or vector", 1),
    (r"(X W)^2", "a power of a matrix or vector", 1),
    (r"w^2", "a power of a matrix or vector", 1),
    (r"\|A\|", "read two ways", 1),
    (r"\|A\|_2", "read two ways", 1),
    (r"\|w\|_1", "subscript is 2", 1),
    (r"\hat{x}", "x_hat", 1),
    (r"W^{(3)}", "W3 or W_3", 1),
    (r"z^{(i)}", "is a label", 3),
    (r"\operatorname{argmax}(y)", "argmax is not supported yet", 1),
    (r"\pi(a)", "neither as a product nor as an application", 1),
])
def test_textbook_forms_refused(tex, message, column):
    with pytest.raises(DerivError) as info:
        expression(MATRIX_CTX, tex, tex=True)
    assert message in info.value.message
    assert info.value.column == column


def test_letters_spelling_a_declared_name_are_refused():
    c = trust_ctx({"lr": "real"})
    with pytest.raises(DerivError, match="spells the declared name lr") as info:
        expression(c, r"a + lr b", tex=True)
    assert info.value.column == 5
    assert expression(c, r"\mathrm{lr} \, a", tex=True) == expression(c, "lr * a")
    assert expression(c, r"a b", tex=True) == expression(c, "a * b")  # ab is no declared name


def test_round_trip_with_a_declared_e():
    import sympy

    c = trust_ctx({"e": "real"})
    y, e = c.scalars["y"][0], c.scalars["e"][0]
    _roundtrip(sympy.exp(y) * e + sympy.exp(2 * e), c)


USER_FUNCTIONS = """derivcheck: 1
name: user-functions
symbols:
  x a: real
  N: size
  i: index N
  z: vector N
define:
  sigma(u): 1 / (1 + exp(-u))
  g(u, v): u * v
claim: D(sigma(x), x) == sigma(x) * (1 - sigma(x))
steps:
  - D(sigma(x), x)
  - by: chain_rule
    expr: sigma(x) * (1 - sigma(x))
"""


def test_defined_functions_in_latex():
    from derivcheck.load import load_text

    (d,) = load_text(USER_FUNCTIONS)
    c = d.ctx
    for tex, ascii_ in [(r"\sigma(z_i)", "sigma(z[i])"), (r"\sigma(x)^2 + 1", "sigma(x)**2 + 1"),
                        (r"\sigma^2(x)", "sigma(x)**2"), (r"g(x, a)", "g(x, a)"), (r"\mathrm{g}\left(x, z_i\right)", "g(x, z[i])"),
                        (r"\sigma'(x)", None)]:
        if ascii_ is None:
            assert str(expression(c, tex, tex=True)) == "sigma'(x)"
            continue
        assert expression(c, tex, tex=True) == expression(c, ascii_)
    for expr in list(_chain_expressions(d.chain)) + [d.claim_lhs, d.claim_rhs]:
        _roundtrip(expr, c)
    sigma, prime = c.functions["sigma"].head, c.functions["sigma'"].head
    x, z, i = c.scalars["x"][0], c.arrays["z"].base, c.indices["i"]
    for expr in (sigma(z[i]) ** 2, prime(x) ** 3 + 1, c.functions["g"].head(x, z[i])):
        _roundtrip(expr, c)
    with pytest.raises(DerivError, match="derivative of a defined function"):
        expression(c, r"x' + 1", tex=True)
