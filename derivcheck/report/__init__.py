"""Reporters, chosen by name: each renders a Report to a text stream."""
from importlib import import_module

FORMATS = {"text": "text", "json": "jsonout", "github": "github", "junit": "junit", "latex": "latex",
           "markdown": "markdown"}


def render(fmt, report, stream, **options):
    """Write report to stream in format fmt (a key of FORMATS)."""
    module = import_module(f"{__name__}.{FORMATS[fmt]}")
    module.render(report, stream, **options)
