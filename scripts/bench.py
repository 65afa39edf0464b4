"""Benchmark: every speed figure of derivcheck as a ratio to `python -c "import sympy"`.

    python scripts/bench.py [--runs 5] [--files 100] [--markdown]

One alternated run: each round runs `python -c "import sympy"`, then each figure's command,
so every ratio pairs two runs that saw the same machine load. Reports per figure the median
wall time, the median of the per-round ratios and their spread (min..max), the goal of
issue 14, files per second where a figure verifies many files, the median CPU time (user and
system, workers included; less noisy than wall time on a shared machine) with its ratio to
`import sympy`'s, and the median time per link (in-process, warm). --markdown prints the table
README's Benchmark section is made of.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DERIVCHECK = [sys.executable, "-m", "derivcheck", "verify", "--format", "json"]
BASELINE = [sys.executable, "-c", "import sympy"]
# as installed: Python's bytecode cache on (SymPy's .pyc files exist; derivcheck's are written by the warm-up)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd, env=None):
    """(wall seconds, CPU seconds: user + system of the command and the workers it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def wall(cmd, env=None):
    return timed(cmd, env)[0]


def generate(folder, count):
    """count derivation files: the softmax Jacobian over renamed symbols, every tenth one wrong."""
    from derivcheck import builtins

    base = builtins.find("softmax").read_text().replace("aliases: [softmax]\n", "")
    for n in range(count):
        text = base.replace("name: softmax-jacobian", f"name: generated-{n:03d}")
        text = text.replace("z[", f"v{n}[").replace("  z: vector N", f"  v{n}: vector N")
        if n % 10 == 9:
            text = text.replace("- exp(z[i]) * exp(z[i])) /".replace("z[", f"v{n}["),
                                "+ exp(z[i]) * exp(z[i])) /".replace("z[", f"v{n}["))
        (Path(folder) / f"g{n:03d}.deriv.yaml").write_text(text)


def figures(folder, files, cache):
    """(name, command, environment, files verified, goal) of every figure."""
    warm = dict(ENV, DERIVCHECK_CACHE=cache)
    cold = dict(ENV, DERIVCHECK_CACHE=tempfile.mkdtemp())
    out = [
        ("verify softmax --no-cache", DERIVCHECK + ["softmax", "--no-cache"], cold, 1, "ratio <= 1.2"),
        ("verify softmax, warm cache", DERIVCHECK + ["softmax"], warm, 1, "ratio <= 0.25"),
        ("verify mlp-backprop --no-cache", DERIVCHECK + ["mlp-backprop", "--no-cache"], cold, 1, "ratio <= 1.5"),
    ]
    if files:
        out += [
            (f"{files} files cold -j 1", DERIVCHECK + [folder, "--no-cache"], cold, files, ">= 25 files/s"),
            (f"{files} files cold -j 2", DERIVCHECK + [folder, "--no-cache", "-j", "2"], cold, files,
             "faster than -j 1"),
            (f"{files} files cached", DERIVCHECK + [folder], warm, files, ">= 100 files/s"),
        ]
    return out


def alternated(items, runs, folder=None):
    """({name: seconds}, {name: ratios}, baseline seconds, [(engine seconds, its round's baseline,
    its round's cold -j 1 seconds)], {name: CPU seconds}, baseline CPU seconds): each round runs
    the baseline, then each figure (and, with folder, the engine alone right after the cold -j 1
    figure, under the same load)."""
    for _, cmd, env, _, _ in items:  # warm the file cache, .pyc files and the derivcheck caches
        wall(cmd, env)
    wall(BASELINE)
    seconds = {name: [] for name, *_ in items}
    ratios = {name: [] for name, *_ in items}
    cpu = {name: [] for name, *_ in items}
    base, base_cpu, engine = [], [], []
    for _ in range(runs):
        for name, cmd, env, _, _ in items:
            b, bc = timed(BASELINE)
            t, c = timed(cmd, env)
            base.append(b)
            base_cpu.append(bc)
            seconds[name].append(t)
            cpu[name].append(c)
            ratios[name].append(t / b)
            if folder and name.endswith("files cold -j 1"):
                engine.append((engine_once(folder), b, t))
    return seconds, ratios, base, engine, cpu, base_cpu


ENGINE = """import sys, time
from derivcheck.runner import run
start = time.perf_counter()
run([sys.argv[1]])
print(time.perf_counter() - start)
"""


def engine_once(folder):
    """Seconds of loading and verifying folder in one process that has imported everything (no
    worker, no output): the engine's share of a cold run; the rest is process overhead."""
    out = subprocess.run([sys.executable, "-c", ENGINE, folder], capture_output=True, text=True,
                         env=dict(ENV, DERIVCHECK_CACHE=tempfile.mkdtemp()), check=True)
    return float(out.stdout.split()[-1])


def per_link(names):
    """Median seconds per link check (proof and numeric evidence), in-process, warm."""
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

    run(names)  # warm
    engine._Replay.link = timed
    try:
        run(names)
    finally:
        engine._Replay.link = original
    return statistics.median(times), max(times), len(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=100, help="generated files for the files/second figures (0: none)")
    parser.add_argument("--markdown", action="store_true", help="print README's table")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as cache:
        if args.files:
            generate(folder, args.files)
        items = figures(folder, args.files, cache)
        seconds, ratios, base, engine, cpu, base_cpu = alternated(items, args.runs, folder if args.files else None)
    load_after = os.getloadavg()[0]
    rows = []
    for name, _, _, count, goal in items:
        med = statistics.median(seconds[name])
        rate = f"{count / med:.1f} files/s" if count > 1 else ""
        used = statistics.median(cpu[name])
        rows.append((name, med, statistics.median(ratios[name]), min(ratios[name]), max(ratios[name]), rate, goal,
                     used, used / statistics.median(base_cpu)))
    links = {n: per_link([n]) for n in ("softmax", "mlp-backprop")}
    print(f"machine: python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load_before:.2f} before "
          f"and {load_after:.2f} after; bytecode cache on; {args.runs} alternated rounds; "
          f"python -c 'import sympy' median {statistics.median(base):.3f} s "
          f"(spread {min(base):.3f}..{max(base):.3f}), CPU {statistics.median(base_cpu):.3f} s")
    if args.markdown:
        print("\n| figure | median | ratio to `import sympy` (spread) | files/s | CPU (ratio) | goal |")
        print("|---|---:|---:|---:|---:|---|")
        for name, med, ratio, lo, hi, rate, goal, used, used_ratio in rows:
            print(f"| `{name}` | {med:.3f} s | **{ratio:.2f}** ({lo:.2f}..{hi:.2f}) | {rate} | {used:.3f} s "
                  f"({used_ratio:.2f}) | {goal} |")
        print()
    else:
        for name, med, ratio, lo, hi, rate, goal, used, used_ratio in rows:
            print(f"{name:<34} median {med:7.3f} s  ratio {ratio:5.2f} ({lo:.2f}..{hi:.2f})  {rate:>14}  "
                  f"CPU {used:6.3f} s ({used_ratio:5.2f})  goal {goal}")
    if engine:
        cold, imports, alone = (statistics.median(x) for x in zip(*[(t, b, e) for e, b, t in engine]))
        share = statistics.median(t / (b + e) for e, b, t in engine)
        print(f"{args.files} files cold -j 1, per round: {cold:.2f} s against import sympy {imports:.2f} s + engine "
              f"(load, then verify, in one process, run right after) {alone:.2f} s: {share:.0%} of their sum "
              f"(medians; under 100%: loading overlapped with verifying)")
    for name, (median, worst, count) in links.items():
        print(f"time per link, {name}: median {median * 1000:.1f} ms, slowest {worst * 1000:.0f} ms "
              f"({count} link checks, in-process, warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
