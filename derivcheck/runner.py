"""One run: resolve targets, load files, order citations, verify each derivation into a Report."""
import contextlib
from pathlib import Path

from . import builtins, inline, siblings, workers
from .engine import verify
from .errors import DerivError
from .hints import teach
from .lemmas import citations
from .load import load_document, load_file
from .source import files_in, is_document
from .model import NOT_VERIFIED, UNPROVED, VERIFIED, Check, DerivationResult, Outcome, Report
from .rules import lookup
from .verdict import first_failure


def resolve(targets):
    """Paths of derivation files for built-in names, files and folders; errors for the rest."""
    paths, errors = [], []
    for target in targets:
        p = Path(target)
        if p.is_dir():
            found = files_in(p)
            if not found:
                errors.append(DerivError("no *.deriv.yaml files or documents in this folder", file=target))
            paths += found
        elif p.is_file():
            paths.append(p)
        elif builtins.find(target) is not None:
            paths.append(builtins.find(target))
        else:
            errors.append(DerivError("no such file, folder or built-in derivation (see `derivcheck list`)", file=target))
    return list(dict.fromkeys(paths)), errors


def _load(path, report):
    try:
        if is_document(path):
            derivations, unchecked = load_document(path)
            report.unchecked += unchecked
            return derivations
        derivations = load_file(path)
    except DerivError as exc:
        report.errors.extend(getattr(exc, "errors", None) or [exc])  # every error of the file
        return []
    if path.parent == builtins.HERE:
        for d in derivations:
            d.file = f"builtin:{path.name}"
    return derivations


def plan(derivations, report):
    """The derivations in citation order, built-ins that are cited added; (derivation, shown)."""
    named = {}
    for d in derivations:
        for n in (d.name,) + d.aliases:
            if n in named and named[n] is not d:
                report.errors.append(DerivError(f"derivation name {n!r} is also used in {named[n].file}", file=d.file))
            named.setdefault(n, d)
    shown = {id(d) for d in derivations}
    everything = list(derivations)
    queue, bad = list(derivations), set()
    while queue:
        d = queue.pop()
        for name, step in citations(d, lambda r: lookup(r) is not None):
            if name in named:
                continue
            path = siblings.find(name, d.file) or builtins.find(name)  # the repository's own first
            if path is None:
                report.errors.append(DerivError(f"unknown rule or derivation {name!r} (see `derivcheck rules`)",
                                                file=d.file, line=step.rules_line or step.line))
                bad.add(id(d))
                continue
            for extra in _load(path, report):
                for n in (extra.name,) + extra.aliases:
                    named.setdefault(n, extra)
                queue.append(extra)
                everything.append(extra)
    order, state = [], {}

    def visit(d, trail):
        if state.get(id(d)) == "done":
            return
        if state.get(id(d)) == "active":
            cycle = " -> ".join(x.name for x in trail + [d])
            report.errors.append(DerivError(f"derivations cite each other in a cycle: {cycle}", file=d.file))
            bad.add(id(d))
            return
        state[id(d)] = "active"
        for name, _ in citations(d, lambda r: lookup(r) is not None):
            if name in named:
                visit(named[name], trail + [d])
        state[id(d)] = "done"
        order.append(d)

    for d in everything:
        visit(d, [])
    return [(d, id(d) in shown) for d in order if id(d) not in bad]


def _lemmas(deriv, results):
    """What each derivation deriv cites is: its verified Derivation, or why it cannot be used.

    Whether its declarations fit deriv's is checked by the engine, under the limits of a link.
    """
    lemmas = {}
    for name, _ in citations(deriv, lambda r: lookup(r) is not None):
        cited = results.get(name)
        if cited is None or cited.verdict != VERIFIED:
            lemmas[name] = f"the cited derivation {name} is not verified"
        else:
            lemmas[name] = cited.derivation
    return lemmas


def _failed(deriv, reason):
    """The result of a derivation whose worker could not finish it."""
    outcome = Outcome(UNPROVED, reason)
    result = DerivationResult(deriv, NOT_VERIFIED, outcome, [], [Check("worker", deriv.claim_line, outcome)])
    result.failure = first_failure(result)
    return result


def run(targets, strict=False, seed=0, timeout=0, jobs=1, cache=None, progress=None, shard=None, every=None):
    """Load and verify every target: a Report with results and unreadable inputs.

    timeout > 0 (seconds per link of CPU time) or jobs > 1 runs each derivation in a forked
    worker (see workers.py); cache is a LinkCache (or None) that remembers link outcomes across
    runs; progress(done, total, name), if given, hears each derivation finish; shard (k, n)
    verifies only the k-th of n deterministic parts (see shard.py); every, a list, gets every
    derivation's result (the cited ones not shown too).
    """
    report = Report(strict=strict)
    paths, report.errors = resolve(targets)
    derivations = [d for path in paths for d in _load(path, report)]
    order = plan(derivations, report)
    if shard is not None:
        from . import shard as sharding

        order = sharding.select(order, lambda d: [n for n, _ in citations(d, lambda r: lookup(r) is not None)], shard)
        report.errors = [e for e in report.errors if sharding.owns(shard, e.file)]
    results, position = {}, {id(d): n for n, d in enumerate(derivations)}
    shown = {id(d) for d, visible in order if visible}
    by_key = {id(d): d for d, _ in order}

    def finished(key, outcome):
        deriv = by_key[key]
        result = outcome if isinstance(outcome, DerivationResult) else _failed(deriv, outcome)
        result.derivation = deriv  # the parent's own object, not the worker's copy
        for n in (deriv.name,) + deriv.aliases:
            results[n] = result
        if every is not None:
            every.append(result)
        if key in shown:
            report.results.append(result)
        if progress is not None:
            progress(len({id(r) for r in results.values()}), len(order), deriv.name)

    guard = None
    if jobs == 1 and timeout > 0 and len(paths) == 1 and inline.possible():  # one file: no fork (inline.py)
        guard = inline.Guard(timeout, workers.MEMORY_LIMIT)
    if guard is None and (timeout > 0 or jobs > 1) and workers.available():
        ordered = [d for d, _ in order]
        names = {n for d in ordered for n in (d.name,) + d.aliases}
        waits_for = [{n for n, _ in citations(d, lambda r: lookup(r) is not None)} & names for d in ordered]

        workers.run_all(ordered, lambda key: all(n in results for n in waits_for[key]),
                        lambda key: _lemmas(ordered[key], results),
                        lambda key, outcome: finished(id(ordered[key]), outcome), max(1, jobs),
                        timeout if timeout > 0 else float("inf"), dict(strict=strict, seed=seed, memo=cache))
    else:
        with guard or contextlib.nullcontext():
            for deriv, _ in order:
                try:
                    result = verify(deriv, strict=strict, seed=seed, lemmas=_lemmas(deriv, results),
                                    progress=guard and guard.tick, memo=guard.memo(cache) if guard else cache)
                except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - a verdict, never a traceback
                    if guard:
                        raise  # the command starts again with workers, which decide
                    result = f"not checked: {type(exc).__name__}: {exc}"
                finished(id(deriv), result)
    report.results.sort(key=lambda r: position[id(r.derivation)])
    report.errors = [teach(e) for e in report.errors]
    return report
