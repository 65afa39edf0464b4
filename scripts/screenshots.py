"""README's pictures: the HTML trace of a refuted derivation and the notebook display, in headless Chromium.

    python scripts/screenshots.py [--out docs]   # writes docs/trace.png and docs/notebook.png

Needs Debian's `chromium` (tests/chromium.py drives it). The notebook picture is the result's own
_repr_html_() in a page laid out like a Jupyter cell (the code of examples/notebook.ipynb's cell, not run:
the output is computed here with derivcheck.check on the same text).
"""
import argparse
import os
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import chromium  # noqa: E402 - tests/chromium.py

TRACE_TARGET = "examples/seeds/003-stackoverflow-softmax.deriv.yaml"  # a published erratum: refuted at line 33
WRONG_SIGN = '''
derivcheck: 1
name: wrong-sign
symbols:
  N: size
  i j k: index N
  z: vector N
define:
  p[i]: exp(z[i]) / Sum(exp(z[k]), k)
claim: D(p[i], z[j]) == p[i] * (delta(i, j) - p[j])
steps:
  - D(p[i], z[j])
  - by: definition
    expr: D(exp(z[i]) / Sum(exp(z[k]), k), z[j])
  - by: quotient_rule
    expr: (D(exp(z[i]), z[j]) * Sum(exp(z[k]), k) + exp(z[i]) * D(Sum(exp(z[k]), k), z[j])) / Sum(exp(z[k]), k)**2
'''
CELL_CODE = f'wrong = derivcheck.check("""{WRONG_SIGN}""")\nwrong["wrong-sign"]'
JUPYTER = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body {{ font-family: system-ui, sans-serif; margin: 0; padding: 16px 24px; color: #1f2328; background: #fff; }}
.cell {{ display: grid; grid-template-columns: 64px 1fr; gap: 4px 8px; }}
.prompt {{ font-family: monospace; font-size: 13px; color: #307fc1; text-align: right; padding-top: 6px; }}
.prompt.out {{ color: #bf5b3d; }}
pre.code {{ margin: 0; padding: 6px 8px; background: #f5f5f5; border: 1px solid #e0e0e0; font-size: 12px;
  line-height: 1.35; white-space: pre-wrap; overflow-wrap: anywhere; }}
.output {{ font-size: 14px; }}
</style></head><body><div class="cell">
<div class="prompt">[2]:</div><pre class="code">{code}</pre>
<div class="prompt out">[2]:</div><div class="output">{output}</div>
</div></body></html>
"""


def notebook_page(code, output_html):
    """A page laid out like one Jupyter cell: its code and its rich output."""
    return JUPYTER.format(code=escape(code), output=output_html)


def fitted(binary, page, png, width, most=4000):
    """Screenshot page at width, as tall as its content (two renders: measure, then shoot)."""
    pixels = chromium.decode_png(chromium.screenshot(binary, page, png, width, most))
    inked = (pixels != pixels[0, 0]).any(axis=-1).any(axis=1).nonzero()[0]
    height = min(most, int(inked.max()) + 24) if len(inked) else most
    data = chromium.screenshot(binary, page, png, width, height)
    if chromium.ink(chromium.decode_png(data)) < 0.01:
        raise SystemExit(f"{png}: the screenshot is blank")
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    binary = chromium.find()
    if binary is None or not chromium.works(binary):
        raise SystemExit("needs a headless Chromium (Debian: apt-get install chromium)")
    import derivcheck

    notebook_src = (ROOT / "examples" / "notebook.ipynb").read_text(encoding="utf-8")
    if "name: wrong-sign" not in notebook_src:
        raise SystemExit("examples/notebook.ipynb no longer has the wrong-sign cell this picture shows")
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    trace = subprocess.run([sys.executable, "-m", "derivcheck", "trace", TRACE_TARGET, "--format", "html"],
                           cwd=ROOT, capture_output=True, text=True, env=env).stdout  # paths relative to the root
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages = {"trace": trace,
                 "notebook": notebook_page(CELL_CODE, derivcheck.check(WRONG_SIGN)["wrong-sign"]._repr_html_())}
        for name, html in pages.items():
            page = Path(tmp) / f"{name}.html"
            page.write_text(html, encoding="utf-8")
            data = fitted(binary, page, Path(tmp) / f"{name}.png", 960 if name == "trace" else 900)
            (args.out / f"{name}.png").write_bytes(data)
            print(f"{args.out / f'{name}.png'}: {len(data) // 1024} KB")


if __name__ == "__main__":
    main()
