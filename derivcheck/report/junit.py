"""JUnit XML: one testcase per derivation; a failure carries the failing link and its evidence."""
from xml.etree import ElementTree as ET

from ..model import PROVED, VERIFIED


def _detail(result):
    lines = []
    for sr in result.steps:
        if sr.outcome.status != PROVED:
            lines.append(f"line {sr.step.line} [{sr.step.index}] {sr.step.text}")
            lines.append(f"  by {', '.join(sr.step.rules or ('(no rule named)',))}: {sr.outcome.status}: {sr.outcome.message}")
            if sr.outcome.counterexample:
                lines.append(f"  counterexample: {sr.outcome.counterexample}")
    for check in result.checks:
        if check.outcome.status != PROVED:
            lines.append(f"{check.kind} (line {check.line}): {check.outcome.status}: {check.outcome.message}")
            if check.outcome.counterexample:
                lines.append(f"  counterexample: {check.outcome.counterexample}")
    lines.append(f"claim (line {result.derivation.claim_line}): {result.claim.status}: {result.claim.message}")
    return "\n".join(lines)


def render(report, stream, **options):
    suite = ET.Element("testsuite", name="derivcheck")
    failures = errors = 0
    for exc in report.errors:
        case = ET.SubElement(suite, "testcase", classname=exc.file or "derivcheck", name="load")
        ET.SubElement(case, "error", message=str(exc)).text = str(exc)
        errors += 1
    for u in report.unchecked:
        case = ET.SubElement(suite, "testcase", classname=u.file, name=f"line {u.line}")
        ET.SubElement(case, "skipped", message=f"{u.file}:{u.line}:{u.column}: not checked: {u.reason}")
    for result in report.results:
        d = result.derivation
        case = ET.SubElement(suite, "testcase", classname=d.file or "derivcheck", name=d.name)
        if result.verdict != VERIFIED:
            failures += 1
            bad = result.failure
            message = (f"line {bad.line}: link {bad.index} {bad.status}" if bad and bad.kind == "link"
                       else f"line {bad.line}: {bad.kind} {bad.status}" if bad else "not verified")
            ET.SubElement(case, "failure", message=message, type=result.verdict).text = _detail(result)
        else:
            ET.SubElement(case, "system-out").text = f"verified: {d.claim_text}"
    suite.set("tests", str(len(report.results) + len(report.errors) + len(report.unchecked)))
    suite.set("skipped", str(len(report.unchecked)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    stream.write(ET.tostring(suite, encoding="unicode") + "\n")
