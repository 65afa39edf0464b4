"""What `pip install .` ships: every subpackage of derivcheck and its data files are declared in setup.cfg."""
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_declared():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    declared = set(cfg["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "derivcheck").rglob("__init__.py")}
    assert found <= declared, f"add to setup.cfg [options] packages: {sorted(found - declared)}"
    assert "derivcheck.rules" in declared


def test_every_data_file_is_declared():
    from fnmatch import fnmatch

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    patterns = [(ROOT / Path(*pkg.split(".")), pat) for pkg, value in cfg["options.package_data"].items()
                for pat in value.split()]
    for path in (ROOT / "derivcheck").rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        owned = any(path.is_relative_to(folder) and fnmatch(path.relative_to(folder).as_posix(), pat)
                    for folder, pat in patterns)
        assert owned, f"{path.relative_to(ROOT)} is not in setup.cfg [options.package_data]"
