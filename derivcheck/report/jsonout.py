"""The JSON report of SPEC §6: one object, byte-identical for the same input and seed."""
import json

from .. import __version__
from ..reasons import check_reason, claim_reason, derivation_reason, link_reason
from ..verdict import hypotheses


def _outcome(outcome, line, reason):
    return {"line": line, "status": outcome.status, "reason": reason, "message": outcome.message,
            "counterexample": outcome.counterexample}


def result_dict(result):
    d = result.derivation
    steps = []
    for sr in result.steps:
        item = {"index": sr.step.index, "line": sr.step.line, "rules": list(sr.step.rules or [])}
        item.update(_outcome(sr.outcome, sr.step.line, link_reason(result, sr)))
        if sr.step.column is not None:
            item["column"] = sr.step.column
        item["rules_found"] = list(sr.outcome.rules_found)
        item["side_conditions"] = [f"{rule}: {cond}" for rule, cond in sr.outcome.side_conditions]
        steps.append(item)
    return {
        "file": d.file,
        "name": d.name,
        "verdict": result.verdict,
        "reason": derivation_reason(result),  # a stable code: reasons.DERIVATION
        "claim": _outcome(result.claim, d.claim_line, claim_reason(result.claim)),
        "steps": steps,
        "checks": [dict(kind=c.kind, **_outcome(c.outcome, c.line, check_reason(c))) for c in result.checks],
        "hypotheses": [{"line": h.line, "text": h.text} for h in hypotheses(result)],  # "verified assuming" these
    }


def render(report, stream, **options):
    data = {
        "derivcheck": __version__,
        "results": [result_dict(r) for r in report.results],
        "errors": [{"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in report.errors],
    }
    if report.unchecked:
        data["unchecked"] = [{"file": u.file, "line": u.line, "column": u.column, "reason": u.reason,
                              "skipped": u.skipped} for u in report.unchecked]
    stream.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))  # dumps: the C encoder
    stream.write("\n")
