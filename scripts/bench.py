"""Benchmark: `derivcheck verify NAME` against `python -c "import sympy"`, and time per link.

    python scripts/bench.py [--runs 7] [NAME ...]

For `softmax` and for every built-in together: runs the two commands alternately (so both see
the same machine load), reports each median wall time and the median of the per-pair ratios;
then times every link of each built-in in-process (warm) and reports the median time per link.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

GOAL_RATIO = 1.5


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def startup(names, runs):
    exe = [sys.executable, "-m", "derivcheck", "verify", *names]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from derivcheck import builtins

    every = [name for name, _, _, _ in builtins.catalogue()]
    groups = [args.names] if args.names else [["softmax"], every]
    print(f"machine: python {sys.version.split()[0]}, {os.cpu_count()} cores")
    for names in groups:
        ours, theirs, ratio = startup(names, args.runs)
        link, n_links = per_link(names, max(1, args.runs // 2))
        print(f"derivcheck verify {' '.join(names)}")
        print(f"  median {ours:.3f} s; python -c 'import sympy' median {theirs:.3f} s ({args.runs} runs each, alternated)")
        print(f"  median ratio: {ratio:.2f} (goal <= {GOAL_RATIO})")
        print(f"  median time per link: {link * 1000:.1f} ms ({n_links} link checks per run, warm, in-process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
