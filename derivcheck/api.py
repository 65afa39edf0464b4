"""The Python face: verify(), check() and numeric(); reports and results that display in Jupyter."""
import tempfile
from dataclasses import fields
from pathlib import Path

from . import model
from .errors import DerivError


class Result(model.DerivationResult):
    """A DerivationResult that Jupyter shows as its chain, each link with its status."""

    def _repr_html_(self):
        from .report.html import notebook, result_html

        return notebook(result_html(self))

    def _repr_markdown_(self):
        from .report.markdown import result_markdown

        return result_markdown(self)

    @property
    def ok(self):
        return self.verdict == model.VERIFIED


class Report(model.Report):
    """A Report whose results are Result objects; report["name"] is the result of that derivation."""

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.results[key]
        for r in self.results:
            if key in (r.derivation.name,) + tuple(r.derivation.aliases):
                return r
        raise KeyError(key)

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    def _repr_html_(self):
        from .report.html import notebook, report_html

        return notebook(report_html(self))

    def _repr_markdown_(self):
        from .report.markdown import report_markdown

        return report_markdown(self)


def _wrap(report):
    out = Report(**{f.name: getattr(report, f.name) for f in fields(report)})
    out.results = [Result(**{f.name: getattr(r, f.name) for f in fields(r)}) for r in report.results]
    return out


def _is_text(target):
    return isinstance(target, str) and "\n" in target


def verify(targets, *, strict=False, seed=0, timeout=0, jobs=1, cache=False):
    """Verify built-in names, *.deriv.yaml files, folders or derivation text (a string with a newline):
    a Report (report.ok, report.results, report["name"]), shown as the chain in Jupyter.

    timeout (seconds per link) > 0 or jobs > 1 run derivations in forked workers; cache=True reads and
    writes the on-disk cache of checked links (as the command line does).
    """
    from .cache import LinkCache
    from .runner import run

    if isinstance(targets, (str, Path)):
        targets = [targets]
    texts = [t for t in targets if _is_text(t)]
    others = [str(t) for t in targets if not _is_text(t)]
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for n, text in enumerate(texts):
            path = Path(folder) / f"text{n}.deriv.yaml"
            path.write_text(text, encoding="utf-8")
            names[str(path)] = f"<text {n + 1}>" if len(texts) > 1 else "<text>"
        report = run(others + list(names), strict=strict, seed=seed, timeout=timeout, jobs=jobs,
                     cache=LinkCache() if cache else None)
    for r in report.results:
        r.derivation.file = names.get(str(r.derivation.file), r.derivation.file)
    for e in report.errors:
        e.file = names.get(str(e.file), e.file)
    return _wrap(report)


def check(text, **options):
    """Verify the text of a *.deriv.yaml document: the Report (see verify)."""
    if not isinstance(text, str):
        raise TypeError("check() takes the text of a derivation; use verify() for files")
    return verify([text if "\n" in text else text + "\n"], **options)


def choose(derivations, name=None):
    """The one derivation of a target (or the one called name)."""
    found = [d for d in derivations if name in (d.name,) + d.aliases] if name is not None else derivations
    if len(found) != 1:
        names = ", ".join(d.name for d in derivations)
        raise DerivError(f"choose one derivation with --name ({names})" if found else f"no derivation {name!r} here")
    return found[0]


def load_one(target, name=None):
    """The one Derivation of target (a built-in name or a file), or name among several."""
    from .load import load_file
    from .runner import resolve

    from .hints import teach

    paths, errors = resolve([target])
    if errors:
        raise teach(errors[0])
    try:
        return choose([d for p in paths for d in load_file(p)], name)
    except DerivError as exc:
        raise teach(exc) from None


def numeric(target, name=None):
    """The lambdified numeric functions of a derivation (a built-in name or a file), as a module
    with one function per expression and per definition, and spot_check(seed=0) -> bool."""
    from .emit import load_module, module_source

    return load_module(module_source(load_one(target, name)))


SCHEMAS = ("report", "derivation")


def schema(name):
    """The JSON Schema (a dict) of the JSON report ("report") or of a *.deriv.yaml file ("derivation")."""
    import json

    if name not in SCHEMAS:
        raise ValueError(f"no schema {name!r} (choose from {', '.join(SCHEMAS)})")
    return json.loads((Path(__file__).parent / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
