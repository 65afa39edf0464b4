"""Shared helpers: the SPEC example and ways to verify variants of it."""
import os
from pathlib import Path

import pytest

from derivcheck.engine import verify
from derivcheck.load import load_text

DATA = Path(__file__).parent / "data"
SPEC_EXAMPLE = (DATA / "spec_example.deriv.yaml").read_text()


def verify_text(text, **options):
    (deriv,) = load_text(text, "test.deriv.yaml")
    return verify(deriv, **options)


def variant(old, new, text=SPEC_EXAMPLE):
    """The SPEC example with one piece of text replaced (which must occur)."""
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text, fragment):
    """The 1-based line of the first line containing fragment."""
    for n, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            return n
    raise AssertionError(fragment)


def by_line(result):
    return {sr.step.line: sr.outcome for sr in result.steps}


@pytest.fixture
def spec_example():
    return SPEC_EXAMPLE


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's own cache of checked links."""
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path_factory.getbasetemp() / "derivcheck-cache"))


def counting_forks(monkeypatch):
    """The pids of the processes os.fork makes from now on (the test's monkeypatch undoes it)."""
    forks = []
    real = os.fork

    def fork():
        pid = real()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forks
