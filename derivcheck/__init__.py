"""derivcheck: verify hand-written calculus derivations link by link, for every size N."""
import os

__version__ = "0.1.0"
__all__ = ["verify", "check", "numeric", "__version__"]

# In a source checkout the rule catalogue sits in ../rules; installed, it is derivcheck/rules.
_here = os.path.dirname(__file__)
if not os.path.isdir(os.path.join(_here, "rules")) and os.path.isfile(os.path.join(_here, os.pardir, "rules", "__init__.py")):
    __path__.append(os.path.join(_here, os.pardir))  # noqa: F821 - package __path__


def __getattr__(name):
    """verify, check and numeric come from derivcheck.api, imported on first use (import stays fast)."""
    if name in ("verify", "check", "numeric"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'derivcheck' has no attribute {name!r}")
