"""A derivation citing another file's derivation gets one verdict however the run is made: file order,
-j, the cited file named or found in the repository, and a decoy elsewhere in the repository.

Guards the run path (loading files overlapped with verifying, loading in workers): a citation must be
resolved against every target of the run before a repository search, a cited file that cannot be read
makes the citing derivation not verified, and a cycle across files is refused whatever the order.
"""
from derivcheck.model import VERIFIED
from derivcheck.runner import run

USE = """derivcheck: 1
name: use-cube
symbols:
  x: real
claim: D(x**3 * exp(x), x) == (3 * x**2 + x**3) * exp(x)
steps:
  - D(x**3 * exp(x), x)
  - by: lem-cube
    expr: (3 * x**2 + x**3) * exp(x)
"""
LEM = """derivcheck: 1
name: lem-cube
symbols:
  x: real
claim: D(x**3 * exp(x), x) == (3 * x**2 + x**3) * exp(x)
steps:
  - D(x**3 * exp(x), x)
  - by: product_rule
    expr: D(x**3, x) * exp(x) + x**3 * D(exp(x), x)
  - by: [power_rule, exp_rule]
    expr: 3 * x**2 * exp(x) + x**3 * exp(x)
  - by: algebra
    expr: (3 * x**2 + x**3) * exp(x)
"""
DECOY = LEM.replace("expr: 3 * x**2 * exp(x) + x**3 * exp(x)", "expr: 2 * x**2 * exp(x) + x**3 * exp(x)")  # a false link


def outcomes(report):
    return {r.derivation.name: (r.verdict, r.claim.status, [(s.outcome.status, s.outcome.message) for s in r.steps])
            for r in report.results}


def files(tmp_path, **texts):
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository searched for a cited derivation
    out = {}
    for name, text in texts.items():
        p = tmp_path / f"{name}.deriv.yaml"
        p.write_text(text)
        out[name] = str(p)
    return out


def test_the_cited_target_wins_over_a_decoy_in_the_repository_in_any_order_and_jobs(tmp_path):
    # the decoy sorts first in the repository: a search would find it before the real lemma
    f = files(tmp_path, a_decoy=DECOY.replace("lem-cube", "lem-cube-decoy"), use=USE, z_lem=LEM)
    (tmp_path / "a_decoy.deriv.yaml").write_text(DECOY)  # now it declares lem-cube as well (and is no target)
    ref = run([f["use"], f["z_lem"]], strict=True, cache=None)
    assert not ref.errors, [str(e) for e in ref.errors]
    want = outcomes(ref)
    assert want["use-cube"][0] == VERIFIED and want["lem-cube"][0] == VERIFIED
    for targets, jobs in (([f["z_lem"], f["use"]], 1), ([f["use"], f["z_lem"]], 2), ([f["z_lem"], f["use"]], 2)):
        got = run(targets, strict=True, cache=None, jobs=jobs)
        assert not got.errors, [str(e) for e in got.errors]
        assert outcomes(got) == want, (targets, jobs)


def test_a_cited_file_that_cannot_be_read_leaves_the_citing_one_not_verified(tmp_path):
    f = files(tmp_path, use=USE, z_lem=LEM.replace("steps:", "steps: [", 1))  # a YAML error
    for targets, jobs in (([f["use"], f["z_lem"]], 1), ([f["z_lem"], f["use"]], 2), ([f["use"]], 1), ([f["use"]], 2)):
        got = run(targets, strict=True, cache=None, jobs=jobs)
        assert got.errors, (targets, jobs)
        assert all(r.verdict != VERIFIED for r in got.results if r.derivation.name == "use-cube"), (targets, jobs)


def test_a_citation_cycle_across_files_is_refused_in_any_order(tmp_path):
    one = USE.replace("by: lem-cube", "by: lem-back").replace("name: use-cube", "name: use-front")
    two = LEM.replace("name: lem-cube", "name: lem-back").replace("by: product_rule", "by: use-front")
    f = files(tmp_path, one=one, two=two)
    for targets, jobs in (([f["one"], f["two"]], 1), ([f["two"], f["one"]], 1), ([f["one"], f["two"]], 2), ([f["one"]], 1)):
        got = run(targets, strict=True, cache=None, jobs=jobs)
        assert any("cycle" in str(e) for e in got.errors), (targets, jobs, [str(e) for e in got.errors])
        assert not any(r.verdict == VERIFIED for r in got.results if r.derivation.name in ("use-front", "lem-back"))


FAST_BAD = """derivcheck: 1
name: lem-cube
symbols:
  x: real
claim: D(x**3 * exp(x), x) == (3 * x**2 + x**3) * exp(x)
steps:
  - D(x**3 * exp(x), x)
  - by: algebra
    expr: (3 * x**2 + x**3) * exp(x) + 1
  - by: algebra
    expr: (3 * x**2 + x**3) * exp(x)
"""  # the same name as LEM, not verified, and quick to finish


def test_a_name_two_files_derive_is_cited_as_the_plan_picks_it(tmp_path):
    # the plan picks the first file's lem-cube (here the unverified one) and reports the duplicate; the citing
    # derivation must then not be verified (by the picked lemma, or because the name is ambiguous) in any run
    f = files(tmp_path, good=LEM, bad=FAST_BAD, use=USE)
    for jobs, timeout in ((1, 0), (1, 10), (2, 10)):
        report = run([f["bad"], f["good"], f["use"]], strict=True, cache=None, jobs=jobs, timeout=timeout)
        assert any("also used" in str(e) for e in report.errors)  # the duplicate is reported in every run
        assert outcomes(report)["use-cube"][0] != VERIFIED, (jobs, timeout, outcomes(report)["use-cube"])

    for jobs in (1, 2):  # the other order: the plan picks the verified one, in every run
        report = run([f["good"], f["bad"], f["use"]], strict=True, cache=None, jobs=jobs, timeout=10)
        assert outcomes(report)["use-cube"][0] == VERIFIED, (jobs, outcomes(report)["use-cube"])


def _together(*texts):
    """One file holding the derivations of texts (each a one-derivation file's text)."""
    items = []
    for text in texts:
        lines = text.strip().splitlines()
        items.append("\n".join(["  - " + lines[0]] + ["    " + line for line in lines[1:]]))
    return "derivations:\n" + "\n".join(items) + "\n"


def test_a_citation_means_its_own_files_derivation_whatever_else_runs(tmp_path):
    # two files each derive lem-cube (one false) and cite their own: each file gets the verdict it gets alone,
    # in any order, with any -j, and in shards
    f = files(tmp_path, good=_together(LEM, USE), bad=_together(FAST_BAD, USE.replace("name: use-cube", "name: use-bad")))
    alone = {**outcomes(run([f["good"]], strict=True, cache=None)), **outcomes(run([f["bad"]], strict=True, cache=None))}
    assert alone["use-cube"][0] == VERIFIED and alone["use-bad"][0] != VERIFIED
    for targets in ([f["good"], f["bad"]], [f["bad"], f["good"]]):
        for jobs, timeout in ((1, 0), (1, 10), (2, 10)):
            got = outcomes(run(targets, strict=True, cache=None, jobs=jobs, timeout=timeout))
            assert got["use-cube"] == alone["use-cube"] and got["use-bad"] == alone["use-bad"], (targets, jobs)
        parts = {}
        for k in (1, 2):
            parts.update(outcomes(run(targets, strict=True, cache=None, shard=(k, 2))))
        assert parts["use-cube"] == alone["use-cube"] and parts["use-bad"] == alone["use-bad"]
