"""The click layer: options (flags over [tool.derivcheck]), targets, the runner, reporters, exit codes."""
import contextlib
import gc
import sys

import click

from . import __version__
from .model import VERIFIED
from .report import REGISTRY

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
FORMAT_HELP = "; ".join(f"{name}: {what}" for name, (_, what) in REGISTRY.items())
DEFAULTS = {"seed": 0, "timeout": 10.0, "strict": False, "jobs": 1, "format": "text", "color": "auto", "paths": [],
            "exclude": []}


def _exit_code(report):
    if report.errors:
        return EXIT_USAGE
    if report.strict and any(not u.skipped for u in report.unchecked):
        return EXIT_FAIL
    return EXIT_OK if all(r.verdict == VERIFIED for r in report.results) else EXIT_FAIL


def _print_errors(report):
    for exc in report.errors:
        click.echo(f"{exc}", err=True)


def _fail(message):
    click.echo(f"derivcheck: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _settings(flags):
    """The options of this run: a flag given on the command line, else [tool.derivcheck], else the default."""
    from . import config
    from .errors import DerivError

    try:
        found, where = config.load()
    except DerivError as exc:
        _fail(str(exc))
    out = dict(DEFAULTS)
    out.update(found)
    out.update({k: v for k, v in flags.items() if v is not None})
    if out["format"] not in REGISTRY:
        _fail(f"{where}: unknown format {out['format']!r} in [tool.derivcheck] (choose from {', '.join(REGISTRY)})")
    return out


def _targets(targets, settings):
    """The command line's targets, else the configured paths; folders expanded when patterns exclude files."""
    from . import config
    from .runner import resolve

    targets = list(targets) or settings["paths"]
    if not targets:
        _fail("no TARGET given and no `paths` in [tool.derivcheck] of a pyproject.toml")
    if not settings["exclude"]:
        return targets
    paths, errors = resolve(targets)
    kept = [str(p) for p in paths if not config.excluded(p, settings["exclude"])]
    return kept + [e.file for e in errors]


def _run(targets, settings, cache, shard=None, every=None):
    from .report.progress import Progress
    from .runner import run

    if not gc.isenabled():  # the entry point turned collection off for the imports (SymPy's are large)
        gc.freeze()  # what they made is never collected, nor copied into workers by a collection
        gc.enable()

    progress = Progress()
    try:
        return run(targets, strict=settings["strict"], seed=settings["seed"], timeout=settings["timeout"],
                   jobs=settings["jobs"], cache=cache, progress=progress, shard=shard, every=every)
    finally:
        progress.close()


def _render(report, fmt, output, color, **options):
    """fmt to output (a file) with the text report on the terminal, or fmt to the terminal."""
    from .report import render
    from .report.text import use_color

    if output:
        with open(output, "w", encoding="utf-8") as f:
            render(fmt, report, f, color=False, **options)
    if not output or fmt != "text":
        shown = fmt if not output else "text"
        if shown == "text":
            options.setdefault("width", _width())
        render(shown, report, sys.stdout, color=use_color(sys.stdout, color), **options)


def _width():
    from .report.text import terminal_width

    return terminal_width(sys.stdout)


format_option = click.option("--format", "fmt", type=click.Choice(tuple(REGISTRY)), default=None,
                             help=f"Report format (default text). {FORMAT_HELP}.")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                             help="Write the report in --format to FILE; the terminal shows the text report.")
color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]), default=None,
                            help="Colour: auto (a terminal; FORCE_COLOR and NO_COLOR are honoured), always, never.")


class _Main(click.Group):
    """The command group; it notes the command line it parses (filecache.py keys a run by it)."""

    def main(self, args=None, *rest, **options):
        from . import filecache

        filecache.ARGV = list(sys.argv[1:] if args is None else args)
        return super().main(args, *rest, **options)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="derivcheck")
def main():
    """Verify hand-written calculus derivations link by link, for every size N."""


@main.command()
@click.argument("targets", nargs=-1)
@format_option
@output_option
@click.option("-q", "--quiet", is_flag=True, help="Only the derivations that fail, and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="Every link of every derivation (the full trace).")
@color_option
@click.option("--strict/--no-strict", default=None, help="Every link must be proved by the rules it names.")
@click.option("--seed", type=int, default=None, help="Seed of the numeric spot checks (default 0).")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="Seconds one link may take before it is stopped and reported unproved (default 10; 0: no limit).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Derivations verified in parallel processes (default 1).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache of checked links.")
@click.option("--shard", metavar="K/N", help="Verify only part K of N (a CI matrix); citations stay together.")
def verify(targets, fmt, output, quiet, verbose, color, strict, seed, timeout, jobs, no_cache, shard):
    """Verify TARGETS: built-in names, *.deriv.yaml files or folders of them (default: `paths` of
    [tool.derivcheck] in pyproject.toml)."""
    from . import filecache
    from .cache import LinkCache

    if quiet and verbose:
        _fail("choose one of --quiet and --verbose")
    settings = _settings(dict(format=fmt, color=color, strict=strict, seed=seed, timeout=timeout, jobs=jobs))
    if shard is not None:
        from .errors import DerivError
        from .shard import parse

        try:
            shard = parse(shard)
        except DerivError as exc:
            _fail(exc.message)
    run_key = None if no_cache or output else filecache.key(filecache.ARGV)
    remembered = filecache.get(run_key)  # this very run, its inputs unchanged: no SymPy needed
    if remembered:
        sys.stdout.write(remembered[0])
        sys.exit(remembered[1])
    from .report.text import NORMAL, QUIET, VERBOSE

    recorder = filecache.Recorder(list(targets) or settings["paths"]) if run_key is not None else None
    every = []  # every derivation's result, the cited ones not shown too
    with recorder or contextlib.nullcontext():  # what the run reads, when it may be stored
        report = _run(_targets(targets, settings), settings, None if no_cache else LinkCache(), shard, every)
    _print_errors(report)
    verbosity = QUIET if quiet else VERBOSE if verbose else NORMAL
    shown = filecache.Tee(sys.stdout)
    sys.stdout = shown
    try:
        _render(report, settings["format"], output, settings["color"], verbosity=verbosity)
    finally:
        sys.stdout = shown.stream
    code = _exit_code(report)
    if run_key is not None and not report.errors and filecache.settled(every):
        filecache.put(run_key, shown.text(), code, recorder.inputs())
    sys.exit(code)


@main.command("list")
def list_builtins():
    """List the built-in derivations."""
    from . import builtins

    for name, aliases, title, _ in builtins.catalogue():
        also = f" (also: {', '.join(aliases)})" if aliases else ""
        click.echo(f"{name:<24} {title}{also}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown: the catalogue page (docs/rules.md is this output).")
def rules(fmt):
    """List the rule catalogue: roles, statements, side conditions, aliases."""
    from .catalogue import FORMATS

    click.echo(FORMATS[fmt](), nl=False)


@main.command()
@click.argument("target")
@format_option
@output_option
@color_option
@click.option("--seed", type=int, default=None)
@click.option("--timeout", type=click.FloatRange(min=0), default=None)
def trace(target, fmt, output, color, seed, timeout):
    """Print the proof trace of TARGET: every link, its rules and their side conditions."""
    settings = _settings(dict(color=color, seed=seed, timeout=timeout))
    settings["format"] = fmt or "text"  # the configured format is for verify
    report = _run([target], dict(settings, strict=False), None)
    _print_errors(report)
    _render(report, settings["format"], output, settings["color"], trace=True)
    sys.exit(_exit_code(report))


@main.command()
@click.argument("name", type=click.Choice(["report", "derivation"]))
def schema(name):
    """Print the JSON Schema of the JSON report or of a *.deriv.yaml file."""
    import json

    from .api import schema as load_schema

    click.echo(json.dumps(load_schema(name), indent=2, ensure_ascii=False))


@main.command()
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The Python module to write.")
@click.option("-n", "--name", help="The derivation, when TARGET holds several.")
def emit(target, output, name):
    """Write a standalone numpy module for TARGET: a function per expression, and spot_check()."""
    from .api import load_one
    from .emit import module_source
    from .errors import DerivError

    try:
        deriv = load_one(target, name)
        source = module_source(deriv)
    except DerivError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    with open(output, "w", encoding="utf-8") as f:
        f.write(source)
    click.echo(f"wrote {output}: {len(deriv.steps())} chain functions for {deriv.name}; run it for spot_check()")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def declare(file):
    """Propose the declarations comment for a Markdown, LaTeX or notebook FILE that has none."""
    from .errors import DerivError
    from .source.declare import propose

    try:
        text = propose(file)
    except DerivError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    if file.lower().endswith(".tex"):
        body = text.splitlines()[1:-1]
        text = "% derivcheck\n" + "".join(f"% {line}\n" for line in body) + "% end derivcheck\n"
    click.echo(text, nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
