"""The built-in derivations shipped with derivcheck, found by name or alias."""
import functools
from pathlib import Path

import yaml

HERE = Path(__file__).parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1)
def catalogue():
    """[(name, aliases, title, path)] of every built-in, in file order."""
    out = []
    for path in sorted(HERE.glob("*.deriv.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        for item in data.get("derivations", [data]):
            out.append((item["name"], tuple(item.get("aliases", ())), item.get("title", ""), path))
    return tuple(out)


def find(name):
    """The file of the built-in called name (or one of its aliases), or None; verifying a file
    verifies every derivation in it (mlp-backprop is the file of all seven backprop identities)."""
    for main, aliases, _, path in catalogue():
        if name == main or name in aliases:
            return path
    return None
