"""The proof trace as markdown: `$$` blocks that GitHub renders; a compact table for notebooks."""
from ..model import VERIFIED
from .base import assuming, code, failure_phrase, rows, rules_phrase, status_word, summary_line
from .html import claim_tex, step_tex
from .trace_tex import markdown


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def result_markdown(result):
    """One derivation as a markdown table: a row per link with its status."""
    d = result.derivation
    out = [f"**{d.name}**" + (f" — {d.title}" if d.title else "") + f": ${claim_tex(d)}$", "",
           "| line | expression | justification | status |", "|---:|---|---|---|"]
    for row in rows(result):
        if row.kind == "case":
            out.append(f"| {row.case.line} | *case {_cell(row.case.text)}* | | |")
        elif row.kind == "start":
            out.append(f"| {row.step.line} | ${_cell(step_tex(row.step, d.ctx))}$ | the start | |")
        else:
            sr = row.result
            out.append(f"| {row.step.line} | $= {_cell(step_tex(row.step, d.ctx))}$ | {_cell(rules_phrase(sr))} "
                       f"| **{status_word(result, sr)}** |")
    verdict = summary_line(result) if result.verdict == VERIFIED else failure_phrase(result)
    out += ["", f"**{result.verdict.upper()}**{assuming(result, code)}: {verdict}", ""]
    return "\n".join(out)


def report_markdown(report):
    return "\n".join([result_markdown(r) for r in report.results] + [f"**error:** `{e}`" for e in report.errors])


def render(report, stream, **options):
    stream.write(markdown(report))
