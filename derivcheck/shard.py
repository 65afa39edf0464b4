"""--shard K/N: a deterministic split of a run's derivations, citations kept together."""
import hashlib

from .errors import DerivError


def parse(text):
    """(k, n) from "K/N" with 1 <= K <= N; a DerivError otherwise."""
    k, sep, n = str(text).partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit() or not 1 <= int(k) <= int(n):
        raise DerivError(f"--shard takes K/N with 1 <= K <= N, not {text!r}")
    return int(k), int(n)


def _stable(text):
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def select(order, cited, shard):
    """The part of order [(derivation, shown)] that shard (k, n) verifies.

    Derivations joined by citations (cited(d) -> the derivations d cites) form one group, never split. Groups go,
    largest first (by links), to the shard with the fewest links so far: every shard computes
    the same assignment from the same inputs, and the shards together cover every group once.
    """
    k, n = shard
    parent = {id(d): id(d) for d, _ in order}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d, _ in order:
        for c in cited(d):
            if id(c) in parent:
                parent[root(id(d))] = root(id(c))
    groups = {}
    for d, shown in order:
        groups.setdefault(root(id(d)), []).append((d, shown))
    label = {g: min(f"{d.file}\0{d.name}" for d, _ in members) for g, members in groups.items()}
    weight = {g: sum(len(d.steps()) for d, _ in members) for g, members in groups.items()}
    load, mine = [0] * n, set()
    for g in sorted(groups, key=lambda g: (-weight[g], _stable(label[g]), label[g])):
        target = min(range(n), key=lambda s: (load[s], s))
        load[target] += weight[g]
        if target == k - 1:
            mine.add(g)
    return [(d, shown) for d, shown in order if root(id(d)) in mine]


def owns(shard, file):
    """Whether shard (k, n) reports a problem of this file (each file's errors in one shard)."""
    k, n = shard
    return _stable(str(file)) % n == k - 1
