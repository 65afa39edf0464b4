"""Machine outputs: JSON Schemas (shipped, printed, validated), JUnit, SARIF 2.1.0, --output."""
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import DATA, SPEC_EXAMPLE, line_of, variant
from derivcheck import api
from derivcheck.builtins import HERE as BUILTINS
from derivcheck.cli import main
from derivcheck.report import render

ROOT = Path(__file__).parent.parent
WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")
MIS = variant("by: quotient_rule", "by: product_rule").replace("name: softmax-jacobian", "name: mis")
DERIVATION_FILES = sorted(BUILTINS.glob("*.deriv.yaml")) + sorted((ROOT / "examples").rglob("*.deriv.yaml")) + \
    sorted(DATA.glob("*.deriv.yaml"))


def validator(name):
    schema = api.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("machine")
    (folder / "wrong.deriv.yaml").write_text(WRONG)
    (folder / "mis.deriv.yaml").write_text(MIS)
    (folder / "good.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: good"))
    return folder


@pytest.fixture(scope="module")
def report(folder):
    return api.verify([folder, "softmax-cross-entropy"])


def as_text(fmt, report):
    stream = io.StringIO()
    render(fmt, report, stream)
    return stream.getvalue()


def test_schema_command_prints_the_shipped_schemas():
    for name in ("report", "derivation"):
        out = CliRunner().invoke(main, ["schema", name])
        assert out.exit_code == 0 and json.loads(out.output) == api.schema(name)
    assert CliRunner().invoke(main, ["schema", "nothing"]).exit_code == 2


@pytest.mark.parametrize("path", DERIVATION_FILES, ids=lambda p: p.name)
def test_every_builtin_and_example_file_validates(path):
    validator("derivation").validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("change", [
    ("claim: D", "clam: D"), ("  - by: definition\n", "  - by: definition\n    note: x\n    extra: 1\n"),
    ("name: softmax-jacobian", "name: Softmax_Jacobian"), ("z: vector N", "z: vectr N"),
])
def test_the_derivation_schema_rejects_what_the_reader_rejects(change, tmp_path):
    text = variant(*change)
    errors = list(validator("derivation").iter_errors(yaml.safe_load(text)))
    assert errors
    path = tmp_path / "x.deriv.yaml"
    path.write_text(text)
    assert CliRunner().invoke(main, ["verify", str(path)]).exit_code == 2


def test_every_json_report_validates(report, tmp_path):
    check = validator("report")
    data = json.loads(as_text("json", report))
    check.validate(data)
    assert {r["verdict"] for r in data["results"]} == {"verified", "not verified"}
    (tmp_path / "bad.deriv.yaml").write_text(variant("  i j k: index N", "  i j: index N"))
    errors = json.loads(as_text("json", api.verify(tmp_path)))
    check.validate(errors)
    assert errors["errors"]
    broken = dict(data, results=[dict(data["results"][0], verdict="maybe")])
    assert list(check.iter_errors(broken))  # the schema is not vacuous


def test_junit_has_testsuites_time_file_line_and_a_real_classname(report, folder):
    root = ET.fromstring(as_text("junit", report))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "1"
    assert float(root.get("time")) > 0
    cases = {c.get("name"): c for c in root.iter("testcase")}
    wrong = cases["wrong"]
    assert wrong.get("file") == str(folder / "wrong.deriv.yaml")
    assert wrong.get("line") == str(line_of(WRONG, "+ exp(z[i]) * exp(z[j])) / Sum"))
    assert float(wrong.get("time")) > 0
    assert wrong.get("classname").endswith(".wrong") and "yaml" not in wrong.get("classname")
    assert all("yaml" not in c.get("classname") for c in cases.values())
    assert "refuted" in wrong.find("failure").get("message")
    assert "counterexample at N = " in wrong.find("failure").text
    suites = root.findall("testsuite")
    assert sum(int(s.get("tests")) for s in suites) == 4 and all(s.get("time") for s in suites)


def test_sarif_follows_the_2_1_0_structure(report, folder):
    log = json.loads(as_text("sarif", report))
    schema = json.loads((DATA / "sarif-2.1.0-minimal.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    refuted = [r for r in results if r["ruleId"] == "refuted-link"]
    assert refuted and all(r["level"] == "error" for r in refuted)
    loc = refuted[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == str(folder / "wrong.deriv.yaml")
    assert loc["region"]["startLine"] == line_of(WRONG, "+ exp(z[i]) * exp(z[j])) / Sum")
    assert "counterexample at N = " in refuted[0]["message"]["text"]
    assert any(r["ruleId"] == "misjustified-link" and r["level"] == "warning" for r in results)
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert not any("good" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)


def test_output_writes_the_format_to_a_file_and_text_to_the_terminal(folder, tmp_path):
    out_file = tmp_path / "report.sarif"
    out = CliRunner().invoke(main, ["verify", str(folder), "--format", "sarif", "--output", str(out_file)])
    assert out.exit_code == 1
    assert "2 of 3 derivations verified" in out.output and "::" not in out.output
    assert json.loads(out_file.read_text())["version"] == "2.1.0"
    junit = tmp_path / "junit.xml"
    CliRunner().invoke(main, ["verify", str(folder), "--format", "junit", "-o", str(junit)])
    assert ET.parse(junit).getroot().tag == "testsuites"
