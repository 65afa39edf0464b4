"""JUnit XML: testsuites > testsuite per file > testcase per derivation, with time, file and line."""
from pathlib import PurePath
from xml.etree import ElementTree as ET

from ..model import VERIFIED
from .base import assuming, counterexample_lines, failure_phrase, needs_attention, rules_phrase, status_word, where


def classname(file):
    """A dotted name Jenkins splits into package and class: examples/seeds/003-x.deriv.yaml -> examples.seeds.003-x."""
    if not file:
        return "derivcheck"
    if file.startswith("builtin:"):
        file = "builtin/" + file[len("builtin:"):]
    path = PurePath(file)
    stem = path.name.split(".deriv.")[0].split(".md")[0].replace(".", "_")
    parts = [p.replace(".", "_") for p in path.parent.parts if p not in ("/", ".", "..")]
    return ".".join(parts + [stem]) or "derivcheck"


def _detail(result):
    lines, d = [], result.derivation
    for sr in result.steps:
        if needs_attention(result, sr):
            lines.append(f"{where(d.file, sr.step.line, sr.step.column)}: [{sr.step.index}] {sr.step.text}")
            lines.append(f"  {rules_phrase(sr)}: {status_word(result, sr)}: {sr.outcome.message}")
            lines += ["  " + x for x in counterexample_lines(sr.outcome.counterexample)]
    for check in result.checks:
        if check.outcome.status != "proved":
            lines.append(f"{where(d.file, check.line)}: {check.kind} check {check.outcome.status}: {check.outcome.message}")
            lines += ["  " + x for x in counterexample_lines(check.outcome.counterexample, ("chain", "claim"))]
    lines.append(f"claim ({where(d.file, d.claim_line)}): {result.claim.status}: {result.claim.message}")
    return "\n".join(lines)


def _suite(root, name, file):
    return ET.SubElement(root, "testsuite", name=name, file=file or "")


def render(report, stream, **options):
    root = ET.Element("testsuites", name="derivcheck")
    suites, counts = {}, {}

    def suite_of(file):
        if file not in suites:
            suites[file] = _suite(root, classname(file), file)
            counts[file] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
        return suites[file], counts[file]

    for exc in report.errors:
        suite, c = suite_of(exc.file)
        case = ET.SubElement(suite, "testcase", classname=classname(exc.file), name="read", file=exc.file or "",
                             line=str(exc.line or 1), time="0")
        ET.SubElement(case, "error", message=str(exc), type="unreadable").text = str(exc)
        c["tests"] += 1
        c["errors"] += 1
    for u in report.unchecked:
        suite, c = suite_of(u.file)
        case = ET.SubElement(suite, "testcase", classname=classname(u.file), name=f"line {u.line}", file=u.file,
                             line=str(u.line), time="0")
        ET.SubElement(case, "skipped", message=f"{u.file}:{u.line}:{u.column}: not checked: {u.reason}")
        c["tests"] += 1
        c["skipped"] += 1
    for result in report.results:
        d = result.derivation
        suite, c = suite_of(d.file)
        line = result.failure.line if result.failure else d.claim_line
        case = ET.SubElement(suite, "testcase", classname=classname(d.file), name=d.name, file=d.file or "",
                             line=str(line), time=f"{result.seconds:.3f}")
        c["tests"] += 1
        c["time"] += result.seconds
        if result.verdict != VERIFIED:
            c["failures"] += 1
            ET.SubElement(case, "failure", message=failure_phrase(result), type=result.verdict).text = _detail(result)
        else:
            ET.SubElement(case, "system-out").text = f"verified{assuming(result)}: {d.claim_text}"
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for file, suite in suites.items():
        for key, value in counts[file].items():
            suite.set(key, f"{value:.3f}" if key == "time" else str(value))
            total[key] += value
    for key, value in total.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(value))
    stream.write(ET.tostring(root, encoding="unicode") + "\n")
