"""What a rule is: its declaration, and the environment its transform sees."""
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """One identity: its names, statement, side conditions, examples, and its transform.

    transform(node, env, scope) -> node rewrites one node of the tree (the engine walks the
    tree leaves-first); it returns the node unchanged when the identity does not apply.
    Examples are (before, after) pairs in SPEC §3 syntax over EXAMPLE_SYMBOLS. A bookkeeping
    rule (constants, D(z_i, z_j) = δ_ij, unfolding a definition, algebra) is applied with whatever
    rules a link names, as textbooks leave it unnamed.
    """

    name: str
    summary: str
    statement: str
    side_conditions: tuple = ()
    aliases: tuple = ()
    examples: tuple = ()
    transform: object = None
    role: str = "named"  # "named": a link must name it; "bookkeeping": applied silently with any named rule


@dataclass
class Env:
    """What a transform may consult: the declarations, the case conditions, and a log."""

    ctx: object
    conditions: tuple = ()
    sides: tuple = ()  # the link's two sides as written: where it is stated (X⁻¹ written: X invertible)
    notes: list = field(default_factory=list)  # (rule name, instantiated side condition)
    fired: set = field(default_factory=set)
    folded: frozenset = frozenset()  # defined names kept folded outside every derivative (see rewriting._try)

    def note(self, rule, condition):
        if (rule, condition) not in self.notes:
            self.notes.append((rule, condition))


def fill(template, **values):
    """A declared side condition with its names filled in: fill("g ≠ 0", g=den) is "den ≠ 0".

    Templates read as mathematics (`derivcheck rules` prints them as they are); each keyword
    replaces that name where it stands as a whole word.
    """
    if not values:
        return template
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, values)) + r")(?![\w])")
    return pattern.sub(lambda m: str(values[m.group(1)]), template)


def canonical_name(text):
    """`Quotient rule`, `quotient-rule` and `quotient_rule` all name quotient_rule."""
    return "_".join(text.strip().lower().replace("-", " ").split())


EXAMPLE_SYMBOLS = {
    "N": "size",
    "i j k m n": "index N",
    "z": "vector N",
    "y": "onehot N",
    "x t": "real",
}
EXAMPLE_DEFINE = {"p[i]": "exp(z[i]) / Sum(exp(z[k]), k)", "S": "Sum(exp(z[k]), k)"}
