"""The click layer: parse options, resolve targets, call the engine, report, set the exit code."""
import sys

import click

from . import __version__
from .model import VERIFIED

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _exit_code(report):
    if report.errors:
        return EXIT_USAGE
    return EXIT_OK if all(r.verdict == VERIFIED for r in report.results) else EXIT_FAIL


def _print_errors(report):
    for exc in report.errors:
        click.echo(f"{exc}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="derivcheck")
def main():
    """Verify hand-written calculus derivations link by link, for every size N."""


@main.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "junit", "latex"]), default="text",
              show_default=True)
@click.option("--strict", is_flag=True, help="Every link must be proved by the rules it names.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the numeric spot checks.")
@click.option("--timeout", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds one link may take before it is stopped and reported unproved (0: no limit).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Derivations verified in parallel processes.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache of checked links.")
def verify(targets, fmt, strict, seed, timeout, jobs, no_cache):
    """Verify TARGETS: built-in names, *.deriv.yaml files or folders of them."""
    from .cache import LinkCache
    from .report import render
    from .runner import run

    cache = None if no_cache else LinkCache()
    report = run(targets, strict=strict, seed=seed, timeout=timeout, jobs=jobs, cache=cache)
    _print_errors(report)
    render(fmt, report, sys.stdout)
    sys.exit(_exit_code(report))


@main.command("list")
def list_builtins():
    """List the built-in derivations."""
    from . import builtins

    for name, aliases, title, _ in builtins.catalogue():
        also = f" (also: {', '.join(aliases)})" if aliases else ""
        click.echo(f"{name:<24} {title}{also}")


@main.command()
def rules():
    """List the rule catalogue with statements and side conditions."""
    from .rules import RULES

    for rule in RULES:
        click.echo(f"{rule.name}")
        click.echo(f"    {rule.summary}")
        click.echo(f"    statement: {rule.statement}")
        for cond in rule.side_conditions:
            click.echo(f"    side condition: {cond}")
        if rule.aliases:
            click.echo(f"    aliases: {', '.join(rule.aliases)}")


@main.command()
@click.argument("target")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "markdown"]), default="text", show_default=True,
              help="latex: a complete amsmath document; markdown: $$ blocks that GitHub renders.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0), default=10.0, show_default=True)
def trace(target, fmt, seed, timeout):
    """Print the proof trace of TARGET: every link, its rules and their side conditions."""
    from .report import render
    from .runner import run

    report = run([target], seed=seed, timeout=timeout)
    _print_errors(report)
    render(fmt, report, sys.stdout, trace=True)
    sys.exit(_exit_code(report))


@main.command()
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The Python module to write.")
@click.option("-n", "--name", help="The derivation, when TARGET holds several.")
def emit(target, output, name):
    """Write a standalone numpy module for TARGET: a function per expression, and spot_check()."""
    from .emit import choose, module_source
    from .errors import DerivError
    from .load import load_file
    from .runner import resolve

    paths, errors = resolve([target])
    try:
        if errors:
            raise errors[0]
        deriv = choose([d for p in paths for d in load_file(p)], name)
        source = module_source(deriv)
    except DerivError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    with open(output, "w", encoding="utf-8") as f:
        f.write(source)
    click.echo(f"wrote {output}: {len(deriv.steps())} chain functions for {deriv.name}; run it for spot_check()")


if __name__ == "__main__":  # pragma: no cover
    main()
