"""--shard K/N splits a run deterministically; the shards together verify everything once."""
import pytest
from click.testing import CliRunner

from conftest import DATA, SPEC_EXAMPLE
from derivcheck import shard
from derivcheck.cli import main
from derivcheck.errors import DerivError
from derivcheck.runner import run

SAMPLE = (DATA / "every_field.deriv.yaml").read_text()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharded")
    for n in range(4):
        (root / f"s{n}.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", f"name: s{n}"))
    lem, rest = SAMPLE.split("  - derivcheck: 1\n    name: main")
    (root / "lem.deriv.yaml").write_text(lem)  # cited from another file: must share a shard
    (root / "zmain.deriv.yaml").write_text("derivations:\n  - derivcheck: 1\n    name: main" + rest)
    (root / "bad.deriv.yaml").write_text("derivcheck: 1\nname: bad\n")
    return root


def _names(report):
    return [r.derivation.name for r in report.results]


def test_the_shards_cover_every_derivation_once_with_the_same_verdicts(folder):
    whole = run([str(folder)], timeout=0)
    verdicts = {r.derivation.name: r.verdict for r in whole.results}
    parts = [run([str(folder)], timeout=0, shard=(k, 3)) for k in (1, 2, 3)]
    names = [n for p in parts for n in _names(p)]
    assert sorted(names) == sorted(verdicts) and len(set(names)) == len(names)
    assert all(verdicts[r.derivation.name] == r.verdict for p in parts for r in p.results)
    assert any("lem" in _names(p) and "main" in _names(p) for p in parts)  # citations kept together
    assert sum(len(p.errors) for p in parts) == len(whole.errors) == 1  # each file's errors in one shard
    assert sum(1 for p in parts if p.results) >= 2  # the work is really split


def test_shards_are_deterministic(folder):
    assert [_names(run([str(folder)], timeout=0, shard=(2, 3)))] * 2 == [
        _names(run([str(folder)], timeout=0, shard=(2, 3))) for _ in range(2)]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_refused(text):
    with pytest.raises(DerivError):
        shard.parse(text)
    out = CliRunner().invoke(main, ["verify", "--no-cache", "softmax", "--shard", text])
    assert out.exit_code == 2 and "--shard" in out.output


def test_the_cli_runs_one_shard(folder):
    outs = [CliRunner().invoke(main, ["verify", "--no-cache", str(folder), "--shard", f"{k}/2", "--format", "junit"])
            for k in (1, 2)]
    whole = CliRunner().invoke(main, ["verify", "--no-cache", str(folder), "--format", "junit"])
    cases = [o.output.count("<testcase ") for o in outs]
    assert sum(cases) == whole.output.count("<testcase ") == 7 and all(cases)  # 6 derivations, 1 unreadable file
