"""Errors that teach: did-you-mean for rules, functions, kinds and fields; hints for common slips; YAML in our words."""
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck.cli import main
from derivcheck.errors import DerivError
from derivcheck.hints import teach

CASES = [
    (("by: quotient_rule", "by: quotent_rule"), "did you mean 'quotient_rule'?"),
    (("by: [algebra, definition]", "by: [algebra, softmax-jacobain]"), "did you mean 'softmax-jacobian'?"),
    (("p[i]: exp(z[i])", "p[i]: ex(z[i])"), "unknown function 'ex'; did you mean 'exp'?"),
    (("z: vector N", "z: vectr N"), "did you mean 'vector'?"),
    (("claim: D", "clam: D"), "unknown field 'clam'"),
    (("    expr: D(exp(z[i]) /", "    exp: D(exp(z[i]) /"), "did you mean 'expr'?"),
    (("claim: D(p[i], z[j]) ==", "claim: D(p[i], z[j]) ="), "an equation is written with =="),
    (("  - D(p[i], z[j])", "  - D(p[i], z_j)"), "an entry is written z[j], not z_j"),
    (("  - D(p[i], z[j])", "  - d(p[i], z[j])"), "a derivative is D(f, x), with a capital D"),
    (("p[i]: exp(z[i])", "p[i]: e**z[i]"), "e^x is written exp(x)"),
    (("steps:\n", "steps:\n bad\n"), "must start in the same column (YAML says: "),
    (("title: Jacobian of the softmax", "title: Jacobian: of the softmax"), "a ': ' inside a value starts a new key"),
    (("title: Jacobian of the softmax", 'title: "Jacobian of the softmax'), "is opened and never closed"),
    (("symbols:\n  N: size", "symbols:\n\tN: size"), "indent with spaces only"),
]


@pytest.mark.parametrize("change, expected", CASES, ids=[c[1][:30] for c in CASES])
def test_a_slip_gets_a_hint_at_its_line(tmp_path, change, expected):
    text = variant(*change)
    path = tmp_path / "slip.deriv.yaml"
    path.write_text(text)
    out = CliRunner().invoke(main, ["verify", "--no-cache", str(path)])
    assert out.exit_code == 2
    assert expected in out.output, out.output
    assert f"{path}:" in out.output and "Traceback" not in out.output


def test_no_hint_for_a_name_far_from_every_choice():
    exc = teach(DerivError("unknown rule 'zzzzqqq' (see `derivcheck rules`)"))
    assert exc.message == "unknown rule 'zzzzqqq' (see `derivcheck rules`)"


def test_json_errors_carry_the_hint(tmp_path):
    import json

    path = tmp_path / "slip.deriv.yaml"
    path.write_text(variant("by: quotient_rule", "by: quotent_rule"))
    out = CliRunner().invoke(main, ["verify", "--format", "json", str(path)])
    (error,) = json.loads(out.stdout if hasattr(out, "stdout") else out.output)["errors"]
    assert error["line"] == line_of(SPEC_EXAMPLE, "by: quotient_rule") and "did you mean 'quotient_rule'" in error["message"]


@given(st.text(max_size=80))
def test_teaching_keeps_the_message_and_never_fails(message):
    exc = teach(DerivError(message, file="f", line=1))
    assert exc.message.startswith(message) or "(YAML says: " in exc.message
    assert teach(exc).message == exc.message  # a hint is added once


def test_every_unreadable_step_of_a_file_is_reported_in_one_run(tmp_path):
    import json

    text = variant("  - D(p[i], z[j])", "  - D(p[i], z_j)")
    text = variant("(exp(z[i]) * delta(i, j) * Sum", "(e**z[i] * delta(i, j) * Sum", text)
    second = variant("name: softmax-jacobian", "name: second").replace("by: definition\n    expr: D(exp(z[i])",
                                                                      "by: definition\n    expr: D(ex(z[i])")
    body = "derivations:\n" + "\n".join("  - " + t.replace("\n", "\n    ").rstrip() for t in (text, second)) + "\n"
    path = tmp_path / "two.deriv.yaml"
    path.write_text(body)
    out = CliRunner().invoke(main, ["verify", "--format", "json", str(path)])
    assert out.exit_code == 2
    errors = json.loads(out.stdout)["errors"]
    messages = [e["message"] for e in errors]
    assert any("z_j" in m for m in messages) and any("undeclared name 'e'" in m for m in messages)
    assert any("unknown function 'ex'" in m for m in messages)  # the second derivation is read too
    assert len({e["line"] for e in errors}) == 3
