"""Reason codes in the JSON report: one stable code per link, check, claim and derivation, in the schema."""
import io
import json
import os
import re
import time
from pathlib import Path

import jsonschema
import pytest

import derivcheck
from conftest import DATA, SPEC_EXAMPLE, variant
from derivcheck import api, engine, reasons
from derivcheck.report import render
from derivcheck.runner import run

ROOT = Path(__file__).parent.parent
WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")
MIS = variant("by: quotient_rule", "by: product_rule").replace("name: softmax-jacobian", "name: mis")
UNNAMED = variant("  - by: quotient_rule\n    expr: ", "  - ").replace("name: softmax-jacobian", "name: unnamed")
SMALL = "derivcheck: 1\nname: {name}\nsymbols:\n  x: real\n{assume}claim: {claim}\nsteps:\n  - {start}\n" \
        "  - by: {by}\n    expr: {end}\n"
NO_SAMPLES = SMALL.format(name="nosamples", assume="", claim="log(-1 - x**2) == log(-(1 + x**2))",
                          start="log(-1 - x**2)", by="algebra", end="log(-(1 + x**2))")  # undefined at every real x
MISMATCH = SMALL.format(name="mismatch", assume="", claim="D(x**2, x) == 3 * x", start="D(x**2, x)",
                        by="power_rule", end="2 * x")  # every link holds; the chain ends elsewhere
DOUBLE = "cos(2 * x) == 2 * cos(x)**2 - 1"
ASSUMING = SMALL.format(name="assuming", assume=f"assume:\n  - {DOUBLE}\n", claim=f"x * {DOUBLE.split(' == ')[0]} == "
                        f"x * ({DOUBLE.split(' == ')[1]})", start="x * cos(2 * x)", by="assumption",
                        end="x * (2 * cos(x)**2 - 1)")
FALSE_ASSUME = SMALL.format(name="falseassume", assume="assume:\n  - x**2 == x\n", claim="D(x**2, x) == 2 * x",
                            start="D(x**2, x)", by="power_rule", end="2 * x")  # every link holds, the assumption not


def report_json(report):
    stream = io.StringIO()
    render("json", report, stream)
    data = json.loads(stream.getvalue())
    jsonschema.Draft202012Validator(api.schema("report")).validate(data)
    return data


def by_name(report):
    return {r["name"]: r for r in report_json(report)["results"]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reasons")
    texts = {"wrong": WRONG, "mis": MIS, "unnamed": UNNAMED, "nosamples": NO_SAMPLES, "mismatch": MISMATCH,
             "assuming": ASSUMING, "falseassume": FALSE_ASSUME, "good": SPEC_EXAMPLE}
    for name, text in texts.items():
        (folder / f"{name}.deriv.yaml").write_text(text)
    return folder


@pytest.fixture(scope="module")
def plain(folder):
    return by_name(api.verify(folder))


@pytest.fixture(scope="module")
def strict(folder):
    return by_name(api.verify(folder, strict=True))


def test_each_derivation_says_why_in_a_stable_code(plain, strict):
    codes = {name: r["reason"] for name, r in plain.items()}
    assert codes == {"wrong": "refuted", "mis": "verified", "unnamed": "verified", "nosamples": "no-samples",
                     "mismatch": "chain-mismatch", "assuming": "verified-assuming",
                     "falseassume": "assumption-refuted", "softmax-jacobian": "verified"}
    assert {n: r["reason"] for n, r in strict.items() if n in ("mis", "unnamed", "assuming")} == \
        {"mis": "misjustified", "unnamed": "unnamed-rule", "assuming": "hypothesis"}
    assert all((r["reason"] in ("verified", "verified-assuming")) == (r["verdict"] == "verified")
               for r in list(plain.values()) + list(strict.values()))


def test_each_link_check_and_claim_says_why(plain, strict):
    def links(r):
        return [s["reason"] for s in r["steps"]]

    assert links(plain["wrong"])[2:4] == ["refuted", "refuted"] and links(plain["wrong"])[:2] == ["proved"] * 2
    assert "misjustified" in links(plain["mis"]) and links(strict["mis"]) == links(plain["mis"])
    assert links(plain["unnamed"]) == ["proved"] * 4 and links(strict["unnamed"])[1] == "unnamed-rule"
    assert links(plain["nosamples"]) == ["no-samples"] and plain["nosamples"]["claim"]["reason"] == "no-samples"
    checks = {c["kind"]: c["reason"] for c in plain["mismatch"]["checks"]}
    assert checks == {"start": "proved", "end": "refuted"} and plain["mismatch"]["claim"]["reason"] == "refuted"
    assert {c["kind"]: c["reason"] for c in plain["nosamples"]["checks"]} == {"start": "no-samples",
                                                                             "end": "no-samples"}
    assert [c["reason"] for c in plain["assuming"]["checks"] if c["kind"] == "assume"] == ["hypothesis"]
    assert [c["reason"] for c in plain["falseassume"]["checks"] if c["kind"] == "assume"] == ["refuted"]
    for r in plain.values():  # a code agrees with its status
        for item in r["steps"] + r["checks"] + [r["claim"]]:
            assert item["reason"] == item["status"] or item["status"] == "unproved" or \
                (item["reason"] == "unnamed-rule" and item["status"] in ("proved", "misjustified"))


def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.parametrize("trouble, code", [(lambda: _spin(600), "timeout"), (lambda: os._exit(3), "crashed")])
def test_a_link_the_worker_stopped_says_timeout_or_crashed(monkeypatch, trouble, code):
    original = engine._Replay.link

    def link(self, prev, step, conditions):
        if step.index == 2:
            trouble()
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", link)  # inherited by the forked worker
    (r,) = report_json(run([str(DATA / "spec_example.deriv.yaml")], timeout=1))["results"]
    assert [s["reason"] for s in r["steps"]] == ["proved", code, "proved", "proved"]
    assert r["reason"] == code and r["verdict"] == "not verified"


def test_the_codes_are_the_schemas_and_the_readmes():
    schema = api.schema("report")["$defs"]
    assert schema["reason"]["enum"] == list(reasons.OUTCOME)
    assert schema["derivation_reason"]["enum"] == list(reasons.DERIVATION)
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Reason codes"):]
    assert all(f"`{code}`" in section for code in list(reasons.OUTCOME) + list(reasons.DERIVATION))
    good = report_json(derivcheck.verify("softmax"))
    bad = json.loads(json.dumps(good))
    bad["results"][0]["steps"][1]["reason"] = "probably"
    assert list(jsonschema.Draft202012Validator(api.schema("report")).iter_errors(bad))
    del bad["results"][0]["reason"]
    assert re.search("reason", str(list(jsonschema.Draft202012Validator(api.schema("report")).iter_errors(bad))))


def test_sarif_results_carry_the_same_codes(folder):
    stream = io.StringIO()
    render("sarif", api.verify(folder, strict=True), stream)
    results = json.loads(stream.getvalue())["runs"][0]["results"]
    by_rule = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], set()).add(r.get("properties", {}).get("reason"))
    assert by_rule["refuted-link"] == {"refuted"} and by_rule["misjustified-link"] == {"misjustified"}
    assert by_rule["unnamed-rule"] == {"unnamed-rule"} and by_rule["unproved-link"] == {"no-samples"}
    assert by_rule["hypothesis"] == {"hypothesis"} and "refuted" in by_rule["failed-check"]
