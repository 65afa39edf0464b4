"""derivcheck: verify hand-written calculus derivations link by link, for every size N."""
import os

__version__ = "0.1.0"

# In a source checkout the rule catalogue sits in ../rules; installed, it is derivcheck/rules.
_here = os.path.dirname(__file__)
if not os.path.isdir(os.path.join(_here, "rules")) and os.path.isfile(os.path.join(_here, os.pardir, "rules", "__init__.py")):
    __path__.append(os.path.join(_here, os.pardir))  # noqa: F821 - package __path__


def numeric(target, name=None):
    """The lambdified numeric functions of a derivation (a built-in name or a file), as a module
    with one function per expression and per definition, and spot_check(seed=0) -> bool."""
    from .emit import numeric as _numeric

    return _numeric(target, name)
