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
    column: int = None  # the column of the expression in its file, when the reader knows it


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
        return [item.step for item in walk(self.chain) if isinstance(item, Link)]


@dataclass(frozen=True)
class Link:
    """A step met by walk(): the ends it follows ((Step, conditions) each; none for the start)."""

    step: Step
    prev: tuple
    conditions: tuple
    depth: int


@dataclass(frozen=True)
class CaseEntry:
    """The start of one case met by walk(): its conditions so far and its nesting depth."""

    case: Case
    conditions: tuple
    depth: int


def walk(chain):
    """THE chain walker: CaseEntry and Link items in file order; after a `cases` entry the next
    step follows the last step of every case (a merge), each under its case's conditions."""

    def go(entries, ends, conds, depth):
        for entry in entries:
            if isinstance(entry, Cases):
                new_ends = []
                for case in entry.cases:
                    inner = conds + (case.condition,)
                    yield CaseEntry(case, inner, depth)
                    new_ends += yield from go(case.steps, [(e, inner) for e, _ in ends], inner, depth + 1)
                ends = new_ends
                continue
            yield Link(entry, tuple(ends), conds, depth)
            ends = [(entry, conds)]
        return ends

    yield from go(chain, [], (), 0)


def links(chain):
    """(previous Step, Step, conditions) for every link of the chain, one per end it follows."""
    return [(prev, item.step, conds) for item in walk(chain) if isinstance(item, Link) for prev, conds in item.prev]


@dataclass
class Outcome:
    """A verdict on one link or check, with its evidence."""

    status: str
    message: str = ""
    counterexample: dict = None
    rules_found: tuple = ()
    side_conditions: tuple = ()
    samples: int = 0

    def to_dict(self):
        """Plain JSON-ready data (the cache and the worker pipe use it)."""
        return {"status": self.status, "message": self.message, "counterexample": self.counterexample,
                "rules_found": list(self.rules_found), "side_conditions": [list(c) for c in self.side_conditions],
                "samples": self.samples}

    @classmethod
    def from_dict(cls, data):
        """The Outcome of to_dict's data; ValueError for anything else (a damaged cache entry, say)."""
        try:
            status, message, samples = data["status"], data["message"], data["samples"]
            counter = data["counterexample"]
            found = tuple(data["rules_found"])
            conds = tuple(tuple(c) for c in data["side_conditions"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not an outcome: {exc}") from None
        if (status not in STATUS_ORDER or not isinstance(message, str) or type(samples) is not int
                or not (counter is None or isinstance(counter, dict))
                or not all(isinstance(r, str) for r in found)
                or not all(isinstance(x, str) for c in conds for x in c)):
            raise ValueError("not an outcome")
        return cls(status, message, counter, found, conds, samples)


@dataclass
class StepResult:
    step: Step
    outcome: Outcome


@dataclass
class Check:
    """A check of the chain as a whole: start, end, case coverage, an assume entry (text: the entry)."""

    kind: str
    line: int
    outcome: Outcome
    text: str = ""


@dataclass(frozen=True)
class Failure:
    """What first keeps a derivation from being verified: a link, a check or the claim."""

    kind: str  # "link", a Check kind ("start", "end", "cases", "assume", "worker") or "claim"
    line: int
    status: str
    message: str = ""
    index: int = None  # the step's index, for a link
    column: int = None
    counterexample: dict = None


@dataclass
class DerivationResult:
    derivation: Derivation
    verdict: str
    claim: Outcome
    steps: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    strict: bool = False
    failure: Failure = None  # set with the verdict (verdict.first_failure), never recomputed by reporters
    seconds: float = 0.0  # time spent verifying it (in the worker that did)


@dataclass
class Report:
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # DerivError for inputs that could not be read
    unchecked: list = field(default_factory=list)  # source.raw.Unchecked: document blocks not checked, and why
    strict: bool = False  # --strict: a block not checked without `skip` fails the run

    @property
    def ok(self):
        """Every derivation verified and every input read."""
        return not self.errors and all(r.verdict == VERIFIED for r in self.results) and \
            not (self.strict and any(not u.skipped for u in self.unchecked))
