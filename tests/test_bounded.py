"""Bounded everywhere: nothing a file asks for runs outside --timeout and the memory cap, and
numbers too big to compute (or print) are refused at load with their line."""
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import DATA
from derivcheck import canon, engine
from derivcheck.cli import main
from derivcheck.errors import DerivError
from derivcheck.load import load_text
from derivcheck.model import NOT_VERIFIED, PROVED, UNPROVED
from derivcheck.runner import run

HEADER = "derivcheck: 1\nname: t\nsymbols:\n  N: size\n  k: index N\n  x: real\n  z: vector N\n  X: matrix N N\n"


def _file(claim):
    return HEADER + f"claim: {claim}\nsteps:\n  - x\n"


def _slow_lemma_file(path):
    """`user` cites `lem`; their definitions of f agree, but only a 2^23-term expansion shows it."""
    names = [f"x{k}" for k in range(1, 25)]
    rest = " * ".join(f"({n} + 1) / 4" for n in names[1:])
    decl = f"    symbols:\n      {' '.join(names)} y: real\n"
    path.write_text(f"""derivations:
  - derivcheck: 1
    name: lem
{decl}    define:
      f: (x1 + 1) / 4 * {rest}
    claim: D(f * y**2, y) == 2 * y * f
    steps:
      - D(f * y**2, y)
      - by: [constant_rule, power_rule]
        expr: 2 * y * f
  - derivcheck: 1
    name: user
{decl}    define:
      f: x1 / 4 * {rest} + {rest} / 4
    claim: D(f * y**2, y) + y == 2 * y * f + y
    steps:
      - D(f * y**2, y) + y
      - by: lem
        expr: 2 * y * f + y
""")
    return path


def test_the_lemma_compatibility_check_runs_under_the_time_limit(tmp_path):
    """Issue 10, item 10: the check ran in the parent, outside --timeout (minutes)."""
    path = _slow_lemma_file(tmp_path / "slow.deriv.yaml")
    out = subprocess.run([sys.executable, "-m", "derivcheck", "verify", "--no-cache", "--timeout", "2", str(path)],
                         capture_output=True, text=True, timeout=120)  # a guard against a hang, not a timing
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert re.search(r"1 of 2 derivation(s|\(s\)) verified", out.stdout)
    assert "timed out" in out.stdout


def test_a_failing_compatibility_check_is_a_reason_never_a_traceback(monkeypatch):
    """canon.TooLarge (or any error) in the check leaves the lemma unusable, in process too."""

    def too_large(lemma, ctx):
        raise canon.TooLarge("more than 4000 operations")

    monkeypatch.setattr(engine, "incompatibility", too_large)
    report = run([str(DATA / "every_field.deriv.yaml")], timeout=0)
    lem, user = report.results
    assert lem.verdict != NOT_VERIFIED
    first = user.steps[0].outcome
    assert first.status != PROVED and "lem could not be compared with these declarations (TooLarge" in first.message


def test_the_compatibility_check_is_reported_to_the_worker_as_an_item():
    from derivcheck.load import load_file

    lem, user = load_file(DATA / "every_field.deriv.yaml")
    events = []
    engine.verify(user, lemmas={"lem": lem}, progress=lambda e, i, o=None: events.append((e, i, o)))
    assert events[0][:2] == ("start", "lemma:lem") and events[1][:2] == ("done", "lemma:lem")
    assert events[1][2].status == PROVED
    # preset (a worker that resumes after a timeout) is obeyed: the lemma is not used
    result = engine.verify(user, lemmas={"lem": lem}, preset={"lemma:lem": engine.Outcome(UNPROVED, "timed out")})
    assert "lem could not be compared" in result.steps[0].outcome.message


def test_an_exception_in_the_engine_is_a_verdict_in_process(monkeypatch):
    def broken(self, *args):
        raise RuntimeError("engine broke")

    monkeypatch.setattr(engine._Replay, "replay", broken)
    (result,) = run([str(DATA / "spec_example.deriv.yaml")], timeout=0).results
    assert result.verdict == NOT_VERIFIED and "engine broke" in result.claim.message


@pytest.mark.parametrize("claim,message", [
    ("((9**999)**999)**999 == x", "this power would compute a number of about 952334 digits"),
    ("(2**999 * x)**999 == x", "this power"),
    ("10**999 * 10**999 * 10**999 * 10**999 * 10**999 == x", "this product"),
    ("(x + 10**999) * 10**999 == x", "this product"),
    ("x / (10**500 + 1) + x / (10**500 + 3) + x / (10**500 + 7) == x", "this sum"),
    ("sum_all((X * 10**600) * (X * 10**600)) == x", "this product"),
    ("sum_all((X * 10**600) @ (X * 10**600)) == x", "this product"),
    ("z[999999999] == x", "too large"),
    ("delta(k, 100000) == x", "too large"),
    ("Sum(x, (k, 1, N + 99999)) == x", "more than"),
    ("sum_all(softmax(softmax(softmax(softmax(softmax(X)))))) == x", "softmax nested"),
])
def test_work_too_big_to_do_at_load_is_refused_with_its_line(claim, message):
    with pytest.raises(DerivError, match=message) as info:
        load_text(_file(claim), "big.deriv.yaml")
    assert info.value.line == 9 and info.value.column is not None


@pytest.mark.parametrize("claim", [
    "2**999 * x + (x + 1)**999 == 2**999 * x + (x + 1)**999",  # 301 digits; a power of a sum is not expanded
    "x / 3 + x / 7 + 10**900 * x == x",
    "z[10000] == x",
    "sum_all(softmax(softmax(X))) == x",
    "sum_all(X * 10**600) * 10**600 == x",  # a factor outside a sum is not multiplied in
])
def test_big_but_bounded_numbers_are_accepted(claim):
    load_text(_file(claim), "fine.deriv.yaml")


@pytest.mark.parametrize("declaration,message", [
    ("  i: index 1..999999999\n", "range bound 999999999 is too large"),
    ("  w: vector 99999\n", "range bound 99999 is too large"),
    ("  Y: matrix 1000 1000\n", "1000000 entries"),
    ("  lab: labels N 99999999\n", "too large"),
])
def test_declarations_too_big_to_sample_are_refused(declaration, message):
    with pytest.raises(DerivError, match=message):
        load_text(HEADER + declaration + "claim: x == x\nsteps:\n  - x\n", "big.deriv.yaml")


def test_the_cli_refuses_a_huge_number_with_exit_2_and_the_line(tmp_path):
    path = tmp_path / "huge.deriv.yaml"
    path.write_text(_file("10**999 * 10**999 * 10**999 * 10**999 * 10**999 == x"))
    for args in (["verify", "--no-cache", str(path), "--format", "latex"], ["emit", str(path), "-o", str(tmp_path / "m.py")]):
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 2 and f"{path}:9:" in out.output
        assert out.exception is None or isinstance(out.exception, SystemExit)
