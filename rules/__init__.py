"""The rule catalogue: one module per identity, collected here in catalogue order."""
from importlib import import_module

from derivcheck.rulebase import Rule, canonical_name

ORDER = (
    "definition",
    "sum_rule",
    "constant_rule",
    "quotient_rule",
    "product_rule",
    "power_rule",
    "exp_rule",
    "log_rule",
    "chain_rule",
    "index_rule",
    "delta_sift",
    "delta_cases",
    "assumption",
    "algebra",
)

RULES = tuple(import_module(f"{__name__}.{name}").RULE for name in ORDER)
BY_NAME = {r.name: r for r in RULES}
_ALIASES = {canonical_name(a): r for r in RULES for a in (r.name,) + r.aliases}


def lookup(text):
    """The Rule a `by` entry names (canonical name or alias), or None."""
    return _ALIASES.get(canonical_name(text))


__all__ = ["Rule", "RULES", "BY_NAME", "lookup"]
