"""Softmax + cross-entropy: p - y and the batch mean, the index chain rule, lemma citations."""
import json

import pytest
from click.testing import CliRunner

from conftest import line_of
from derivcheck import builtins
from derivcheck.cli import main
from derivcheck.evidence.sampling import BASE_SIZES as SIZES
from derivcheck.model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

SCE = builtins.find("softmax-cross-entropy").read_text()
BATCH = builtins.find("batch-cross-entropy").read_text()


def verify_files(tmp_path, **texts):
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.deriv.yaml"
        path.write_text(text)
        paths.append(str(path))
    return run(paths)


def outcome_at(report, text, fragment, name=None):
    result = next(r for r in report.results if name is None or r.derivation.name == name)
    line = line_of(text, fragment)
    return result, next(sr.outcome for sr in result.steps if sr.step.line == line)


@pytest.mark.parametrize("name", ["softmax-cross-entropy", "batch-cross-entropy"])
def test_builtin_verifies_with_every_link_proved(name):
    (result,) = run([name]).results
    assert result.verdict == VERIFIED
    assert all(sr.outcome.status == PROVED for sr in result.steps)
    assert result.claim.status == PROVED


def test_chain_rule_over_an_index_is_a_transform_with_its_side_condition():
    (result,) = run(["softmax-cross-entropy"]).results
    link = result.steps[0].outcome
    assert ("chain_rule", "L depends on z[m] only through p") in link.side_conditions


def test_lemma_citation_is_applied_with_its_binding():
    (result,) = run(["softmax-cross-entropy"]).results
    link = next(sr.outcome for sr in result.steps if sr.step.rules == ("softmax-jacobian",))
    assert link.status == PROVED
    assert any(rule == "softmax-jacobian" and "i = n, j = m" in cond for rule, cond in link.side_conditions)


def test_wrong_sign_of_y_is_refuted_at_its_line(tmp_path):
    text = SCE.replace("expr: p[m] - y[m]", "expr: p[m] + y[m]")
    result, outcome = outcome_at(verify_files(tmp_path, sce=text), text, "expr: p[m] + y[m]")
    assert outcome.status == REFUTED and result.verdict == NOT_VERIFIED


def test_dropped_one_over_b_is_refuted_at_its_line(tmp_path):
    old = "expr: 1/B * Sum(D(Li[n], z[i, k]), n)"
    text = BATCH.replace(old, "expr: Sum(D(Li[n], z[i, k]), n)")
    result, outcome = outcome_at(verify_files(tmp_path, b=text), text, "expr: Sum(D(Li[n], z[i, k]), n)")
    assert outcome.status == REFUTED
    assert outcome.counterexample["sizes"]["B"] in SIZES


def test_wrong_index_in_delta_is_refuted_at_its_line(tmp_path):
    text = BATCH.replace("expr: 1/B * (a[i, k] - delta(k, y[i]))", "expr: 1/B * (a[i, k] - delta(i, y[i]))")
    result, outcome = outcome_at(verify_files(tmp_path, b=text), text, "- delta(i, y[i]))")
    assert outcome.status == REFUTED
    ce = outcome.counterexample
    assert set(ce["inputs"]) == {"z", "y"} and all(1 <= v <= ce["sizes"]["C"] for v in ce["inputs"]["y"])


def test_one_hot_assumption_is_what_makes_p_minus_y_true(tmp_path):
    simplex = SCE.replace("y: onehot N", "y: simplex N")
    assert verify_files(tmp_path, s=simplex).results[0].verdict == VERIFIED
    plain = SCE.replace("y: onehot N", "y: vector N")
    result, outcome = outcome_at(verify_files(tmp_path, v=plain), plain, "expr: p[m] - y[m]")
    assert outcome.status == REFUTED  # Sum(y) == 1 no longer holds: never proved
    assert result.claim.status == REFUTED


def test_citing_a_derivation_from_another_file_in_the_same_run(tmp_path):
    jac = builtins.find("softmax").read_text().replace("name: softmax-jacobian", "name: my-jacobian").replace(
        "aliases: [softmax]\n", "")
    text = SCE.replace("by: softmax-jacobian", "by: my-jacobian")
    report = verify_files(tmp_path, a_user=text, b_lemma=jac)
    assert [r.derivation.name for r in report.results] == ["softmax-cross-entropy", "my-jacobian"]
    assert all(r.verdict == VERIFIED for r in report.results)


def test_an_unverified_lemma_cannot_prove_anything(tmp_path):
    jac = builtins.find("softmax").read_text().replace("name: softmax-jacobian", "name: bad-jacobian").replace(
        "aliases: [softmax]\n", "").replace("expr: -p[i] * p[j]", "expr: p[i] * p[j]")
    text = SCE.replace("by: softmax-jacobian", "by: bad-jacobian")
    report = verify_files(tmp_path, a=text, b=jac)
    _, outcome = outcome_at(report, text, "expr: Sum(-y[n] / p[n] * p[n]", name="softmax-cross-entropy")
    assert outcome.status == MISJUSTIFIED  # true, but the cited lemma is not verified
    assert "bad-jacobian is not verified" in outcome.message


def test_a_lemma_about_another_p_does_not_apply(tmp_path):
    text = SCE.replace("p[i]: exp(z[i]) / Sum(exp(z[k]), k)", "p[i]: exp(2 * z[i]) / Sum(exp(2 * z[k]), k)")
    report = verify_files(tmp_path, a=text)
    _, outcome = outcome_at(report, text, "expr: Sum(-y[n] / p[n] * p[n]")
    assert outcome.status == REFUTED  # with this p the Jacobian differs: the lemma must not be used
    assert report.results[0].verdict == NOT_VERIFIED


def test_citation_cycle_and_unknown_citation_exit_2(tmp_path):
    a = SCE.replace("name: softmax-cross-entropy", "name: a").replace("by: softmax-jacobian", "by: b")
    b = SCE.replace("name: softmax-cross-entropy", "name: b").replace("by: softmax-jacobian", "by: a")
    (tmp_path / "a.deriv.yaml").write_text(a)
    (tmp_path / "b.deriv.yaml").write_text(b)
    out = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert out.exit_code == 2 and "cycle" in out.output
    c = SCE.replace("by: softmax-jacobian", "by: no-such-derivation")
    (tmp_path / "a.deriv.yaml").unlink()
    (tmp_path / "b.deriv.yaml").unlink()
    (tmp_path / "c.deriv.yaml").write_text(c)
    out = CliRunner().invoke(main, ["verify", str(tmp_path / "c.deriv.yaml")])
    assert out.exit_code == 2
    assert f"c.deriv.yaml:{line_of(c, 'by: no-such-derivation')}" in out.output


def test_json_for_the_cross_entropy_builtins():
    out = CliRunner().invoke(main, ["verify", "softmax-cross-entropy", "batch-cross-entropy", "--format", "json"])
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert [r["verdict"] for r in data["results"]] == ["verified", "verified"]
