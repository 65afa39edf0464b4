"""The HTML report and the notebook display: verdict colours, typeset side conditions, a style scoped to itself."""
import re
from pathlib import Path

from click.testing import CliRunner

import chromium
import derivcheck
from derivcheck.cli import main
from derivcheck.report.html import COLORS, TABLE_STYLE

GREEN, RED = COLORS["proved"], COLORS["refuted"]


def trace(target):
    return CliRunner().invoke(main, ["trace", target, "--format", "html"]).output


def test_the_verdict_has_its_colour():
    good = trace("softmax-cross-entropy")
    assert f'style="color:{GREEN}">VERIFIED</span>' in good
    bad = derivcheck.verify("examples/seeds/003-stackoverflow-softmax.deriv.yaml")._repr_html_()
    assert f'style="color:{RED}">NOT VERIFIED</span>' in bad


def test_side_conditions_are_typeset_without_internal_names():
    page = trace("softmax-cross-entropy")
    conditions = re.findall(r"<div>side condition of <i>([a-z_-]+)</i>: (.*?)</div>", page)
    assert {rule for rule, _ in conditions} >= {"chain_rule", "log_rule", "delta_sift", "assumption"}
    assert all("<math" in shown for _, shown in conditions)
    assert not re.search(r"[\[(]_[a-z]", page)  # y[_k], (_k, 1, N): SymPy's bound names
    assert all("Sum(" not in shown and "&gt; 0" not in shown for _, shown in conditions)  # as mathematics


def test_the_notebook_style_touches_only_derivchecks_output():
    html = derivcheck.verify("softmax")["softmax"]._repr_html_()
    assert html.startswith("<style>") and '<div class="derivcheck-out">' in html
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", TABLE_STYLE) for s in rule.split(",")]
    assert selectors and all(s.startswith(".derivcheck-out ") for s in selectors)
    assert "body" not in TABLE_STYLE


def test_the_readme_shows_the_pictures_and_they_are_not_blank():
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text()
    for name in ("trace", "notebook"):
        assert f"](docs/{name}.png)" in readme
        data = (root / "docs" / f"{name}.png").read_bytes()
        assert len(data) < 400_000  # small enough for a README
        pixels = chromium.decode_png(data)
        assert 600 <= pixels.shape[1] <= 1200 and chromium.ink(pixels) > 0.03
        assert chromium.near(pixels, (0xCF, 0x22, 0x2E)) > 50  # the refuted link, in red
    assert "$ derivcheck verify examples/seeds/003-stackoverflow-softmax.deriv.yaml" in readme  # the terminal, as text


def test_the_example_notebook_stores_its_displays():
    """examples/notebook.ipynb shows the chain without Jupyter (outputs by scripts/notebook_outputs.py)."""
    import json
    import sys

    root = Path(__file__).parent.parent
    sys.path.insert(0, str(root / "scripts"))
    import notebook_outputs

    nb = json.loads((root / "examples" / "notebook.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert ["".join(c["source"]) for c in code] == notebook_outputs.CELLS
    shown = ["".join(c["outputs"][0]["data"].get("text/html", c["outputs"][0]["data"]["text/plain"])) for c in code]
    assert 'data-status="proved"' in shown[0] and ">VERIFIED<" in shown[0] and 'data-status="refuted"' not in shown[0]
    assert 'data-status="refuted"' in shown[1] and "counterexample at N = " in shown[1]
    assert shown[2] == "('not verified', 16, 'refuted')" and shown[3] == "True"


def test_matrix_steps_show_the_entry_that_was_checked():
    from derivcheck.load import load_file
    from derivcheck.report.written import is_matrix

    page = trace("mlp-backprop")
    first = page.split('<section class="derivation"')[1]  # mlp-backprop itself, the first of the file
    (d, *_) = load_file(str(Path(__file__).parent.parent / "derivcheck" / "builtins" / "mlp_backprop.deriv.yaml"))
    matrix = [s for s in d.steps() if not s.tex and is_matrix(s.text)]
    assert matrix and first.count('<div class="evidence entry">entry: <math') == len(matrix)


def test_function_names_are_upright():
    page = trace("mlp-backprop")
    assert "<mo />" not in page  # latex2mathml's empty operator for \operatorname
    assert '<mi mathvariant="normal">r</mi><mi mathvariant="normal">o</mi>' in page  # sum_rows, upright
