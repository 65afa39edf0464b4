"""SARIF 2.1.0 for code scanning: a result per failing or doubtful link, check, claim and unreadable input."""
import json

from .. import __version__
from ..model import MISJUSTIFIED, PROVED, REFUTED, UNPROVED
from ..reasons import check_reason, link_reason
from ..verdict import is_hypothesis
from .base import counterexample_lines, needs_attention, rules_phrase, unjustified

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# ruleId: (level, short description)
RULES = {
    "refuted-link": ("error", "A link of the chain is false: a numeric counterexample"),
    "misjustified-link": ("warning", "A true link, but not by the rules it names"),
    "unproved-link": ("warning", "A link with no symbolic proof (numerically consistent)"),
    "unnamed-rule": ("error", "--strict: a link names no rule"),
    "failed-check": ("error", "The chain does not meet the claim, or the cases do not cover every index"),
    "refuted-claim": ("error", "The claim itself is false"),
    "unreadable": ("error", "A file or expression that cannot be read"),
    "not-checked": ("warning", "A block of a document that is not checked (a note if marked `derivcheck: skip`)"),
    "hypothesis": ("warning", "An assume entry the rules cannot prove: verified only assuming it (--strict fails it)"),
}
LINK_RULE = {REFUTED: "refuted-link", MISJUSTIFIED: "misjustified-link", UNPROVED: "unproved-link"}


def _location(file, line, column=None):
    region = {"startLine": max(1, int(line or 1))}
    if column:
        region["startColumn"] = max(1, int(column))
    return [{"physicalLocation": {"artifactLocation": {"uri": (file or "<input>").replace("\\", "/")},
                                  "region": region}}]


def _result(rule, text, file, line, column=None, level=None, reason=None):
    out = {"ruleId": rule, "ruleIndex": list(RULES).index(rule), "level": level or RULES[rule][0],
           "message": {"text": text}, "locations": _location(file, line, column)}
    if reason:
        out["properties"] = {"reason": reason}  # the JSON report's code (reasons.py)
    return out


def results(report):
    out = []
    for exc in report.errors:
        out.append(_result("unreadable", exc.message, exc.file, exc.line, exc.column))
    for u in report.unchecked:  # as the text report lists them: a block skipped on purpose is a note
        if u.skipped:
            out.append(_result("not-checked", "skipped (derivcheck: skip)", u.file, u.line, u.column, "note"))
        else:
            out.append(_result("not-checked", f"not checked: {u.reason}", u.file, u.line, u.column,
                               "error" if report.strict else None))  # --strict fails the run on it
    for result in report.results:
        d = result.derivation
        for sr in result.steps:
            if not needs_attention(result, sr):
                continue
            rule = "unnamed-rule" if unjustified(result, sr) and sr.outcome.status in (PROVED, MISJUSTIFIED) \
                else LINK_RULE.get(sr.outcome.status, "unproved-link")
            text = "\n".join([f"{d.name}: link [{sr.step.index}] {sr.step.text} ({rules_phrase(sr)}): "
                              f"{sr.outcome.status}: {sr.outcome.message}"] + counterexample_lines(sr.outcome.counterexample))
            level = "error" if result.strict and rule != "refuted-link" else None
            out.append(_result(rule, text, d.file, sr.step.line, sr.step.column, level, link_reason(result, sr)))
        for check in result.checks:
            if is_hypothesis(check):
                text = f"{d.name}: verified only assuming {check.text}: {check.outcome.message}"
                out.append(_result("hypothesis", text, d.file, check.line, level="error" if result.strict else None,
                                   reason="hypothesis"))
            elif check.outcome.status != PROVED:
                text = "\n".join([f"{d.name}: {check.kind} check {check.outcome.status}: {check.outcome.message}"]
                                 + counterexample_lines(check.outcome.counterexample, ("chain", "claim")))
                out.append(_result("failed-check", text, d.file, check.line, reason=check_reason(check)))
        if result.claim.status == REFUTED:
            text = "\n".join([f"{d.name}: {result.claim.message}"]
                             + counterexample_lines(result.claim.counterexample, ("left side", "right side")))
            out.append(_result("refuted-claim", text, d.file, d.claim_line, reason="refuted"))
    return out


def log(report):
    """The SARIF log as a dict."""
    driver = {"name": "derivcheck", "version": __version__, "semanticVersion": __version__,
              "informationUri": "https://github.com/OWNER/derivcheck",
              "rules": [{"id": rid, "name": rid, "shortDescription": {"text": text},
                         "defaultConfiguration": {"level": level}} for rid, (level, text) in RULES.items()]}
    return {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": results(report), "columnKind": "unicodeCodePoints"}]}


def render(report, stream, **options):
    json.dump(log(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
