"""The proof trace as one self-contained HTML page (math as MathML, no network); also the notebook display."""
from html import escape

from ..model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, UNPROVED, VERIFIED
from .base import (assuming, counterexample_lines, failure_phrase, rows, rules_phrase, status_word, summary_line,
                   where)
from . import written
from .latex import math as latex_of
from .trace_tex import condition
from .written import plain_names

COLORS = {PROVED: "#1a7f37", MISJUSTIFIED: "#9a6700", UNPROVED: "#9a6700", REFUTED: "#cf222e",
          "names no rule": "#cf222e", VERIFIED: "#1a7f37", NOT_VERIFIED: "#cf222e", "not checked": "#9a6700",
          "skipped": "#57606a"}
PAGE_STYLE = "body { font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; color: #1f2328; }"
TABLE_STYLE = """
.derivcheck-out table.derivcheck { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
.derivcheck-out table.derivcheck td, .derivcheck-out table.derivcheck th { border-bottom: 1px solid #d0d7de;
  padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
.derivcheck-out .status { font-weight: 600; white-space: nowrap; }
.derivcheck-out .case td { background: #f6f8fa; font-style: italic; }
.derivcheck-out .evidence { color: #57606a; font-size: 0.9em; }
.derivcheck-out pre.ce { margin: 0.3em 0 0; font-size: 0.85em; white-space: pre-wrap; }
"""  # scoped to the derivcheck output: in a notebook it must not restyle anything else
STYLE = PAGE_STYLE + TABLE_STYLE


def mathml(tex, display=False):
    """LaTeX as MathML (latex2mathml); the LaTeX itself in <code> if it cannot be converted."""
    try:
        from latex2mathml.converter import convert

        tex = tex.replace(r"\operatorname{", r"\mathrm{")  # latex2mathml sets \operatorname's name in italics
        return convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - a form latex2mathml does not know is shown as its source
        return f"<code>{escape(tex)}</code>"


def step_tex(step, ctx):
    """What the author wrote, as LaTeX: their own LaTeX, or their ASCII typeset in the order written."""
    return written.step_tex(step, ctx, latex_of)


def claim_tex(derivation):
    return written.claim_tex(derivation, latex_of)


def _status(word):
    return f'<span class="status" style="color:{COLORS.get(word.lower(), "#cf222e")}">{escape(word)}</span>'


def result_table(result):
    """The chain as an HTML table: one row per link (class "link"), the start and case headers."""
    d = result.derivation
    out = ['<table class="derivcheck"><thead><tr><th>line</th><th></th><th>expression</th><th>justification</th>'
           '<th>status</th></tr></thead><tbody>']
    for row in rows(result):
        pad = f' style="padding-left:{1 + 1.5 * row.depth}em"'
        if row.kind == "case":
            out.append(f'<tr class="case"><td>{row.case.line}</td><td colspan="4">case {escape(row.case.text)}</td></tr>')
            continue
        expr = mathml(step_tex(row.step, d.ctx))
        if not row.step.tex and written.is_matrix(row.step.text):  # what was checked: the index form
            expr += f'<div class="evidence entry">entry: {mathml(latex_of(row.step.expr, d.ctx))}</div>'
        if row.kind == "start":
            out.append(f'<tr class="start"><td>{row.step.line}</td><td></td><td{pad}>{expr}</td>'
                       f'<td class="evidence">the start</td><td></td></tr>')
            continue
        sr = row.result
        word = status_word(result, sr)
        evidence = escape(plain_names(sr.outcome.message)) if sr.outcome.status != PROVED else ""
        ce = "\n".join(counterexample_lines(sr.outcome.counterexample))
        ce = f'<pre class="ce">{escape(ce)}</pre>' if ce else ""
        sides = "".join(f"<div>side condition of <i>{escape(r)}</i>: {mathml(condition(c))}</div>"
                        for r, c in sr.outcome.side_conditions)
        out.append(f'<tr class="link {escape(sr.outcome.status)}" data-status="{escape(word)}"><td>{row.step.line}</td>'
                   f'<td>=</td><td{pad}>{expr}</td><td>{escape(rules_phrase(sr))}'
                   f'<div class="evidence">{evidence}{sides}</div>{ce}</td><td>{_status(word)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def result_html(result):
    """One derivation: its name, claim, chain table and verdict."""
    d = result.derivation
    verdict = summary_line(result) if result.verdict == VERIFIED else failure_phrase(result)
    return (f'<section class="derivation" id="{escape(d.name)}"><h2>{escape(d.name)}'
            f'{" — " + escape(d.title) if d.title else ""}</h2>'
            f'<p>Claim (line {d.claim_line}): {mathml(claim_tex(d), display=True)}</p>'
            f'<p class="evidence">claim check: {_status(result.claim.status)} {escape(result.claim.message)}</p>'
            f'{result_table(result)}<p><b>{_status(result.verdict.upper())}</b>{escape(assuming(result))}: '
            f'{escape(verdict)}</p></section>')


def unchecked_html(report):
    """The document blocks that were not checked (and those skipped), each at path:line:col with its reason."""
    if not report.unchecked:
        return ""
    out = ['<section class="unchecked"><h2>Blocks not checked</h2><table class="derivcheck unchecked"><thead><tr>'
           '<th>where</th><th>status</th><th>why</th></tr></thead><tbody>']
    for u in report.unchecked:
        word = "skipped" if u.skipped else "not checked"
        why = "marked <code>derivcheck: skip</code>" if u.skipped else escape(u.reason)
        out.append(f'<tr class="block" data-status="{word}"><td><code>{escape(where(u.file, u.line, u.column))}'
                   f'</code></td><td>{_status(word)}</td><td>{why}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def report_html(report):
    parts = [result_html(r) for r in report.results]
    parts += [f'<p class="error"><b>error:</b> <code>{escape(str(e))}</code></p>' for e in report.errors]
    return "".join(parts) + unchecked_html(report)


def notebook(html):
    """html for Jupyter's display: the table style (scoped to the derivcheck tables) before it."""
    return f'<style>{TABLE_STYLE}</style><div class="derivcheck-out">{html}</div>'


def page(report):
    """A complete, self-contained page: no script, no stylesheet or font from the network."""
    title = ", ".join(r.derivation.name for r in report.results) or "derivcheck"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>derivcheck: {escape(title)}</title><style>{STYLE}</style></head><body>"
            f'<div class="derivcheck-out">{report_html(report)}</div></body></html>\n')


def render(report, stream, **options):
    stream.write(page(report))
