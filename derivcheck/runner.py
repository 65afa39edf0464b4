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


def resolver(everything):
    """(d, name) -> the derivation a citation of name in d means: the one of d's own file carrying
    that name, else the first loaded (a second derivation of a name is an error of the run), or None."""
    first, own = {}, {}
    for d in everything:
        for n in (d.name,) + d.aliases:
            first.setdefault(n, d)
            own.setdefault((d.file, n), d)
    return lambda d, n: own.get((d.file, n)) or first.get(n)


def plan(derivations, report, out=None):
    """The derivations in citation order, built-ins that are cited added; (derivation, shown).
    out, a dict, gets "resolve": what each citation means (see resolver)."""
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
    resolve = resolver(everything)
    if out is not None:
        out["resolve"] = resolve

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
            if resolve(d, name) is not None:
                visit(resolve(d, name), trail + [d])
        state[id(d)] = "done"
        order.append(d)

    for d in everything:
        visit(d, [])
    return [(d, id(d) in shown) for d in order if id(d) not in bad]


def _lemmas(deriv, result_of):
    """What each derivation deriv cites is: its verified Derivation, or why it cannot be used
    (result_of(name): the result of the derivation that name means there, or None).

    Whether its declarations fit deriv's is checked by the engine, under the limits of a link.
    """
    lemmas = {}
    for name, _ in citations(deriv, lambda r: lookup(r) is not None):
        cited = result_of(name)
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


def _is_rule(name):
    return lookup(name) is not None


def run(targets, strict=False, seed=0, timeout=0, jobs=1, cache=None, progress=None, shard=None, every=None):
    """Load and verify every target: a Report with results and unreadable inputs.

    timeout > 0 (seconds per link of CPU time) or jobs > 1 runs each derivation in a forked
    worker (see workers.py; a one-file command may verify in its own process, see inline.py);
    cache is a LinkCache (or None) that remembers link outcomes across runs; progress(done,
    total, name), if given, hears each derivation finish; shard (k, n) verifies only the k-th of
    n deterministic parts (see shard.py); every, a list, gets every derivation's result (the
    cited ones not shown too).
    """
    report = Report(strict=strict)
    paths, report.errors = resolve(targets)
    guard = None
    if jobs == 1 and timeout > 0 and len(paths) == 1 and inline.possible():  # one file: no fork (inline.py)
        guard = inline.Guard(timeout, workers.MEMORY_LIMIT)
    derivations, done, order, plans = [], {}, [], {}

    def result_of(deriv):
        """name -> the result of the derivation a citation of name in deriv means (None: not had)."""
        return lambda name: done.get(id(plans["resolve"](deriv, name)))

    def finished(deriv, outcome):
        result = outcome if isinstance(outcome, DerivationResult) else _failed(deriv, outcome)
        result.derivation = deriv  # the parent's own object, not the worker's copy
        done[id(deriv)] = result
        if every is not None:
            every.append(result)
        if progress is not None:
            progress(len(done), len(order or derivations), deriv.name)

    def planned():
        found = plan(derivations, report, plans)
        if shard is not None:
            from . import shard as sharding

            found = sharding.select(found, lambda d: [plans["resolve"](d, n) for n, _ in citations(d, _is_rule)], shard)
            report.errors = [e for e in report.errors if sharding.owns(shard, e.file)]
        return found

    if guard is None and (timeout > 0 or jobs > 1) and workers.available():
        _pooled(paths, report, derivations, order, planned, finished, result_of, plans, done, jobs,
                timeout if timeout > 0 else float("inf"), dict(strict=strict, seed=seed, memo=cache), shard is None)
    else:
        derivations += [d for path in paths for d in _load(path, report)]
        order += planned()
        with guard or contextlib.nullcontext():
            for deriv, _ in order:
                try:
                    result = verify(deriv, strict=strict, seed=seed, lemmas=_lemmas(deriv, result_of(deriv)),
                                    progress=guard and guard.tick, memo=guard.memo(cache) if guard else cache)
                except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - a verdict, never a traceback
                    if guard:
                        raise  # the command starts again with workers, which decide
                    result = f"not checked: {type(exc).__name__}: {exc}"
                finished(deriv, result)
    position = {id(d): n for n, d in enumerate(derivations)}
    report.results = sorted((done[id(d)] for d, shown in order if shown), key=lambda r: position[id(r.derivation)])
    report.errors = [teach(e) for e in report.errors]
    return report


def _pooled(paths, report, derivations, order, planned, finished, result_of, plans, done, jobs, timeout, common,
            early):
    """Load the files into derivations and verify in workers (pool.py) in the plan (planned(),
    put in order). With early, a derivation is sent to a worker as soon as its file is loaded, when
    what it cites is already known for sure: each cited name belongs to exactly one derivation of
    the files loaded so far (the plan would pick the same one), and that one is verified (so no
    cycle runs through it). The others wait for the plan, made once every file is loaded, as before."""
    from .pool import Pool

    loaded, fixed, waits_for = [], {}, {}  # the workers' list; lemmas of early ones; what the others wait for
    pool = Pool(loaded, jobs, timeout, common,
                lambda key: key in fixed or all(i in done for i in waits_for[key]),
                lambda key: _lemmas(loaded[key], fixed[key].get if key in fixed else result_of(loaded[key])),
                lambda key, outcome: finished(loaded[key], outcome))
    pool.ahead = early
    owners, pending = {}, []
    try:
        for path in paths:
            new = _load(path, report)
            derivations += new
            loaded += new
            if not early:
                continue
            for d in new:
                for n in (d.name,) + d.aliases:
                    owners.setdefault(n, []).append(d)
            pending += [len(loaded) - len(new) + n for n in range(len(new))]
            for key in list(pending):
                cited = {n: owners.get(n, ()) for n, _ in citations(loaded[key], _is_rule)}
                if all(len(o) == 1 and id(o[0]) in done for o in cited.values()):
                    fixed[key] = {n: done[id(o[0])] for n, o in cited.items()}
                    pending.remove(key)
                    pool.add([key])
            pool.pump(0)
        order += planned()
        keys = {id(d): n for n, d in enumerate(loaded)}
        for d, _ in order:
            if id(d) not in keys:  # a cited derivation from another file, loaded by the plan
                keys[id(d)] = len(loaded)
                loaded.append(d)
        runs = {id(d) for d, _ in order}
        for d, _ in order:  # each cited derivation that runs (one that does not is not verified)
            cited = (plans["resolve"](d, n) for n, _ in citations(d, _is_rule))
            waits_for[keys[id(d)]] = {id(c) for c in cited if c is not None and id(c) in runs}
        pool.add([keys[id(d)] for d, _ in order if keys[id(d)] not in fixed])
        pool.finish()
    finally:
        pool.close()
