"""The data that flows load -> engine -> report: derivations in, results out."""
from dataclasses import dataclass, field

PROVED, MISJUSTIFIED, UNPROVED, REFUTED, ERROR = "proved", "misjustified", "unproved", "refuted", "error"
STATUS_ORDER = (PROVED, MISJUSTIFIED, UNPROVED, REFUTED, ERROR)  # best to worst
VERIFIED, NOT_VERIFIED = "verified", "not verified"


def worst(statuses):
    return max(statuses, key=STATUS_ORDER.index, default=PROVED)


@dataclass
class Step:
    """One expression of the chain: index from 0 in file order, its line and its rules."""

    index: int
    line: int
    text: str
    expr: object
    rules: tuple = None  # None: no `by` given
    note: str = None
    rules_line: int = None  # the line of `by`
    tex: bool = False  # written in LaTeX (`tex:`): reports show the parsed form too


@dataclass
class Case:
    """One branch of a `cases` entry: its condition ((op, a, b)) and its own steps."""

    condition: tuple
    text: str
    line: int
    steps: list


@dataclass
class Cases:
    line: int
    cases: list


@dataclass
class Derivation:
    """A derivation as loaded: symbols, claim and the chain of Steps and Cases."""

    name: str
    ctx: object
    claim_lhs: object
    claim_rhs: object
    claim_text: str
    claim_line: int
    chain: list
    title: str = ""
    source: str = ""
    file: str = None
    aliases: tuple = ()
    claim_tex: bool = False

    def steps(self):
        """Every Step in file order, cases included."""
        out = []

        def walk(entries):
            for e in entries:
                if isinstance(e, Cases):
                    for c in e.cases:
                        walk(c.steps)
                else:
                    out.append(e)

        walk(self.chain)
        return out


@dataclass
class Outcome:
    """A verdict on one link or check, with its evidence."""

    status: str
    message: str = ""
    counterexample: dict = None
    rules_found: tuple = ()
    side_conditions: tuple = ()
    samples: int = 0


@dataclass
class StepResult:
    step: Step
    outcome: Outcome


@dataclass
class Check:
    """A check of the chain as a whole: start, end, case coverage."""

    kind: str
    line: int
    outcome: Outcome


@dataclass
class DerivationResult:
    derivation: Derivation
    verdict: str
    claim: Outcome
    steps: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    strict: bool = False


@dataclass
class Report:
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # DerivError for inputs that could not be read
