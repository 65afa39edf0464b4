"""The loader: SPEC §2 files in, clean errors with file and line for everything else."""
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck.errors import DerivError
from derivcheck.load import load_file, load_text


def test_spec_example_loads_with_lines():
    (d,) = load_text(SPEC_EXAMPLE, "x.deriv.yaml")
    assert d.name == "softmax-jacobian"
    assert d.claim_line == line_of(SPEC_EXAMPLE, "claim:")
    lines = [s.line for s in d.steps()]
    assert lines[0] == line_of(SPEC_EXAMPLE, "  - D(p[i], z[j])")
    assert lines[1] == line_of(SPEC_EXAMPLE, "expr: D(exp(z[i])")
    assert [s.index for s in d.steps()] == [0, 1, 2, 3, 4]
    assert d.steps()[3].rules == ("exp_rule", "sum_rule", "index_rule", "delta_sift")


def test_several_derivations_under_derivations():
    body = "\n".join("    " + ln if ln else ln for ln in SPEC_EXAMPLE.splitlines())
    other = body.replace("name: softmax-jacobian", "name: second")
    text = "derivations:\n  -\n" + body + "\n  -\n" + other + "\n"
    ds = load_text(text)
    assert [d.name for d in ds] == ["softmax-jacobian", "second"]


def _error(text):
    with pytest.raises(DerivError) as info:
        load_text(text, "bad.deriv.yaml")
    assert info.value.file == "bad.deriv.yaml"
    return info.value


@pytest.mark.parametrize("old,new,fragment,message", [
    ("  i j k: index N", "  i j: index N", "  p[i]:", "undeclared name 'k'"),
    ("  z: vector N", "  z: tensor N", "  z: tensor N", "unknown symbol kind"),
    ("by: quotient_rule", "by: quotient_rules", "by: quotient_rules", "unknown rule 'quotient_rules'"),
    ("name: softmax-jacobian", "name: Softmax Jacobian", "name: Softmax", "must match"),
    ("derivcheck: 1 ", "derivcheck: 2 ", "derivcheck: 2", "unsupported format version"),
    ("claim: D(p[i], z[j]) == p[i] * (delta(i, j) - p[j])", "claim: D(p[i], z[j])", "claim:", "an equation"),
    ("expr: p[i] * (delta(i, j) - p[j])", "expr: p[i] * (delta(i, j) - q[j])", "q[j]", "undeclared name 'q'"),
    ("expr: p[i] * (delta(i, j) - p[j])", "expr: p[i] * (delta(i, j) - p[j]", "expr: p[i] * (delta", "expected ')'"),
    ("title: Jacobian of the softmax", "title: Jacobian\ncolour: red", "colour", "unknown field 'colour'"),
])
def test_bad_file_is_an_error_at_the_right_line(old, new, fragment, message):
    text = variant(old, new)
    err = _error(text)
    assert message in err.message
    assert err.line == line_of(text, fragment)


def test_a_definition_may_have_a_parameter_index_that_is_never_summed():
    text = variant("  p[i]: exp(z[i]) / Sum(exp(z[k]), k)", "  p[i]: exp(z[i]) / Sum(exp(z[k]), k)\n  q[i]: delta(i, j)")
    (d,) = load_text(text)
    assert {s.name for s in d.ctx.parameters} == {"j"}  # q[i] depends on j: j can never be summed
    with pytest.raises(DerivError, match="cannot be a summation index") as info:
        load_text(text.replace("claim: D(p[i], z[j]) ==", "claim: D(p[i], z[j]) * Sum(q[i], j) =="))
    assert info.value.line == line_of(text, "claim:")


def test_undeclared_name_in_a_step_points_at_the_column():
    text = variant("expr: p[i] * (delta(i, j) - p[j])", "expr: p[i] * (delta(i, j) - q[j])")
    err = _error(text)
    assert err.column == text.splitlines()[err.line - 1].index("q[j]") + 1


@pytest.mark.parametrize("text,message", [
    ("", "empty file"),
    ("- a\n- b\n", "must be a mapping"),
    ("name: [unclosed\n", "invalid YAML"),
    ("!!python/object/apply:os.system ['true']\n", "not allowed"),
    ("derivcheck: 1\nname: x\nsymbols: !!python/name:os.system {}\n", "not allowed"),
    ("a: &a [*a, *a]\n", "unknown field"),
    ("derivcheck: 1\nname: x\nsymbols: {N: size}\nclaim: N == N\nsteps: []\n", "steps is empty"),
])
def test_malformed_yaml(text, message):
    assert message in _error(text).message


def test_code_in_any_field_never_runs(tmp_path):
    marker = tmp_path / "ran"
    payload = f'__import__("os").system("touch {marker}")'
    places = [
        ("name: softmax-jacobian", f"name: '{payload}'"),
        ("  N: size", f"  N: '{payload}'"),
        ("  i j k: index N", f"  '{payload}': index N"),
        ("  p[i]: exp(z[i]) / Sum(exp(z[k]), k)", f"  p[i]: '{payload}'"),
        ("claim: D(p[i], z[j]) ==", f"claim: '{payload}' =="),
        ("by: quotient_rule", f"by: '{payload}'"),
        ("expr: p[i] * (delta(i, j) - p[j])", f"expr: '{payload}'"),
    ]
    for old, new in places:
        with pytest.raises(DerivError):
            load_text(variant(old, new))
    for old, new in [("title: Jacobian of the softmax", f"title: '{payload}'"),
                     ("source: 003_493ae7828d0ac3a8.txt", f"source: '{payload}'")]:
        load_text(variant(old, new))  # free text: kept as text, never run
    assert not marker.exists()


def test_unreadable_and_non_utf8_files(tmp_path):
    bad = tmp_path / "x.deriv.yaml"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DerivError, match="UTF-8"):
        load_file(bad)
    with pytest.raises(DerivError, match="cannot read"):
        load_file(tmp_path / "missing.deriv.yaml")


def test_alias_bomb_is_bounded():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(DerivError):
        load_text(text)


FIELDS = ["derivcheck", "name", "title", "symbols", "define", "claim", "steps", "assume"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), VALUES)
def test_fuzz_wrong_types_in_every_field(field, value):
    data = yaml.safe_load(SPEC_EXAMPLE)
    data[field] = value
    try:
        load_text(yaml.safe_dump(data))
    except DerivError as exc:
        assert exc.message and exc.file


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SPEC_EXAMPLE) - 1), st.integers(0, 40), st.text(max_size=6))
def test_fuzz_mutated_valid_file(pos, cut, insert):
    text = SPEC_EXAMPLE[:pos] + insert + SPEC_EXAMPLE[pos + cut:]
    try:
        load_text(text)
    except DerivError as exc:
        assert exc.message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.deriv.yaml"
    path.write_bytes(data)
    try:
        load_file(path)
    except DerivError as exc:
        assert exc.message
