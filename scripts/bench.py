"""Benchmark: `derivcheck verify NAME` against `python -c "import sympy"`, and time per link.

    python scripts/bench.py [--runs 7] [NAME ...]

For `softmax` and for every built-in together: runs the two commands alternately (so both see
the same machine load), reports each median wall time and the median of the per-pair ratios;
then times every link of each built-in in-process (warm) and reports the median time per link.
Last, files per second on --files generated derivation files: cold, cached, and with -j 2.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 1.5


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def startup(names, runs):
    exe = [sys.executable, "-m", "derivcheck", "verify", "--no-cache", *names]  # the full proof, every run
    base = [sys.executable, "-c", "import sympy"]
    wall(exe), wall(base)  # warm the file cache and .pyc files
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(wall(exe))
        theirs.append(wall(base))
    ratios = [a / b for a, b in zip(ours, theirs)]
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def per_link(names, runs):
    """Median seconds per link (proof + numeric check), timed in-process with warm caches."""
    from derivcheck import engine
    from derivcheck.runner import run

    times = []
    original = engine._Replay.link

    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            times.append(time.perf_counter() - start)

    engine._Replay.link = timed
    for _ in range(runs):
        run(names)
    engine._Replay.link = original
    return statistics.median(times), len(times) // runs


def generate(folder, count):
    """count derivation files: the softmax Jacobian over renamed symbols, every tenth one wrong."""
    from derivcheck import builtins

    base = builtins.find("softmax").read_text().replace("aliases: [softmax]\n", "")
    for n in range(count):
        text = base.replace("name: softmax-jacobian", f"name: generated-{n:03d}")
        text = text.replace("z[", f"v{n}[").replace("  z: vector N", f"  v{n}: vector N")
        if n % 10 == 9:
            text = text.replace("- exp(z[i]) * exp(z[i])) /".replace("z[", f"v{n}["), "+ exp(z[i]) * exp(z[i])) /".replace("z[", f"v{n}["))
        (Path(folder) / f"g{n:03d}.deriv.yaml").write_text(text)


def files_per_second(count):
    """Files per second on count generated files: cold, cached (second run), and -j 2."""
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as cache:
        generate(folder, count)
        exe = [sys.executable, "-m", "derivcheck", "verify", folder, "--format", "json"]
        env = dict(os.environ, DERIVCHECK_CACHE=cache)

        def timed(*extra):
            start = time.perf_counter()
            subprocess.run(exe + list(extra), stdout=subprocess.DEVNULL, env=env, check=False)
            return count / (time.perf_counter() - start)

        cold = timed("--no-cache")
        timed()  # fills the cache
        cached = timed()
        parallel = timed("--no-cache", "-j", "2")
    return cold, cached, parallel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--files", type=int, default=100, help="generated files for the files/second figures")
    args = parser.parse_args()
    from derivcheck import builtins

    every = list(dict.fromkeys(path.name for _, _, _, path in builtins.catalogue()))
    every = [next(n for n, _, _, p in builtins.catalogue() if p.name == f) for f in every]  # one name per file
    groups = [args.names] if args.names else [["softmax"], every]
    print(f"machine: python {sys.version.split()[0]}, {os.cpu_count()} cores")
    for names in groups:
        ours, theirs, ratio = startup(names, args.runs)
        link, n_links = per_link(names, max(1, args.runs // 2))
        print(f"derivcheck verify {' '.join(names)}")
        print(f"  median {ours:.3f} s; python -c 'import sympy' median {theirs:.3f} s ({args.runs} runs each, alternated)")
        print(f"  median ratio: {ratio:.2f} (goal <= {GOAL_RATIO})")
        print(f"  median time per link: {link * 1000:.1f} ms ({n_links} link checks per run, warm, in-process)")
    if args.files:
        cold, cached, parallel = files_per_second(args.files)
        print(f"{args.files} generated files (the softmax Jacobian, 12 links each, every tenth wrong):")
        print(f"  cold {cold:.1f} files/s; cached {cached:.1f} files/s; cold with -j 2 {parallel:.1f} files/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
