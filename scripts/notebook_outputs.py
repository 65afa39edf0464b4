"""Store the outputs of examples/notebook.ipynb (computed here, not by running the file) so it shows without Jupyter.

    python scripts/notebook_outputs.py

Each code cell of the notebook must be one of CELLS below (else nothing is written); its output is what the
matching function returns: the display of a report or result (text/html and text/plain), or a value's repr.
"""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
sys.path.insert(0, str(ROOT / "scripts"))
from screenshots import WRONG_SIGN  # noqa: E402 - the notebook's wrong-sign derivation

CELLS = [
    'import derivcheck\n\nreport = derivcheck.verify("softmax")\nreport',
    f'wrong = derivcheck.check("""{WRONG_SIGN}""")\nwrong["wrong-sign"]',
    'result = wrong["wrong-sign"]\nresult.verdict, result.failure.line, result.failure.status',
    'softmax = derivcheck.numeric("softmax")\nsoftmax.spot_check()',
]


def outputs():
    """The value each cell of CELLS shows, computed by the same calls."""
    import derivcheck

    report = derivcheck.verify("softmax")
    wrong = derivcheck.check(WRONG_SIGN)
    result = wrong["wrong-sign"]
    return [report, result, (result.verdict, result.failure.line, result.failure.status),
            derivcheck.numeric("softmax").spot_check()]


def bundle(value):
    data = {"text/plain": repr(value) if not hasattr(value, "_repr_html_") else f"<derivcheck {type(value).__name__}>"}
    if hasattr(value, "_repr_html_"):
        data["text/html"] = value._repr_html_()
    return data


def main():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if ["".join(c.source) for c in code] != CELLS:
        raise SystemExit(f"{NOTEBOOK}: its code cells are not CELLS of {Path(__file__).name}; update both")
    for n, (cell, value) in enumerate(zip(code, outputs()), 1):
        cell.execution_count = n
        cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle(value), execution_count=n)]
    nbformat.validate(nb)
    nbformat.write(nb, str(NOTEBOOK))
    print(f"{NOTEBOOK.relative_to(ROOT)}: {len(code)} outputs stored")


if __name__ == "__main__":
    main()
