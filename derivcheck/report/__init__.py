"""Reporters, chosen by name from one registry (the CLI's --format choices come from it)."""
from importlib import import_module

# name: (module, what it gives); every module has render(report, stream, **options)
REGISTRY = {
    "text": ("text", "the terminal report (colour on a terminal)"),
    "json": ("jsonout", "the JSON report of SPEC §6 (schema: `derivcheck schema report`)"),
    "github": ("github", "GitHub Actions annotations, then the text report"),
    "junit": ("junit", "JUnit XML: a testcase per derivation"),
    "sarif": ("sarif", "SARIF 2.1.0 for code scanning"),
    "latex": ("latex", "the proof trace as a complete amsmath document"),
    "markdown": ("markdown", "the proof trace as markdown with $$ blocks"),
    "html": ("html", "the proof trace as one self-contained HTML page (MathML, no network)"),
}
FORMATS = {name: module for name, (module, _) in REGISTRY.items()}


def render(fmt, report, stream, **options):
    """Write report to stream in format fmt (a key of FORMATS)."""
    module = import_module(f"{__name__}.{FORMATS[fmt]}")
    module.render(report, stream, **options)
