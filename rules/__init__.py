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
    "inverse_rule",
    "det_rule",
    "delta_sift",
    "delta_cases",
    "assumption",
    "algebra",
)

RULES = tuple(import_module(f"{__name__}.{name}").RULE for name in ORDER)
BY_NAME = {r.name: r for r in RULES}
_ALIASES = {canonical_name(a): r for r in RULES for a in (r.name,) + r.aliases}


BOOKKEEPING = tuple(r for r in RULES if r.role == "bookkeeping")  # applied with any named rule
# The rule sets of the engine's own checks: the chain's start against the claim's left side, its
# end(s) against the right side (under each case), and the direct check of the claim after SymPy's diff.
CHECKS = {
    "start": (BY_NAME["definition"], BY_NAME["algebra"]),
    "end": (BY_NAME["definition"], BY_NAME["delta_cases"], BY_NAME["algebra"]),
    "claim": (BY_NAME["delta_sift"], BY_NAME["assumption"]),
}


def lookup(text):
    """The Rule a `by` entry names (canonical name or alias), or None."""
    return _ALIASES.get(canonical_name(text))


__all__ = ["Rule", "RULES", "BY_NAME", "BOOKKEEPING", "CHECKS", "lookup"]
