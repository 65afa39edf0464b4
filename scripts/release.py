"""Release steps: bump the version everywhere it is written, check that they agree, create the tag (never push).

    python scripts/release.py bump 0.2.0    # __version__, README's pre-commit `rev:`, CHANGELOG's heading
    python scripts/release.py check         # the three agree (CI and the tests run it); --tag vX.Y.Z too
    python scripts/release.py notes         # the CHANGELOG section of the version (the release notes)
    python scripts/release.py tag           # on a clean, committed tree: git tag -a vX.Y.Z with the notes

Nothing here imports derivcheck or runs text from a file: versions are read with regular expressions.
"""
import argparse
import datetime
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INIT, README, CHANGELOG = "derivcheck/__init__.py", "README.md", "CHANGELOG.md"
VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.M)
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
REV = re.compile(r"^(\s*rev: )v(\S+)$", re.M)
HEADING = re.compile(r"^## (\S+)(?: [-—] (\d{4}-\d{2}-\d{2}))?\s*$", re.M)
UNRELEASED = "## Unreleased"


def version(root=ROOT):
    """derivcheck.__version__ as written in derivcheck/__init__.py."""
    found = VERSION.search((root / INIT).read_text(encoding="utf-8"))
    if not found:
        raise SystemExit(f"{INIT}: no line __version__ = \"X.Y.Z\"")
    return found.group(1)


def notes(root, ver):
    """The CHANGELOG section of ver (the text under `## ver — date`), or None."""
    text = (root / CHANGELOG).read_text(encoding="utf-8") if (root / CHANGELOG).exists() else ""
    heads = list(HEADING.finditer(text))
    for k, head in enumerate(heads):
        if head.group(1) == ver:
            end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
            return text[head.end():end].strip()
    return None


def problems(root=ROOT, tag=None):
    """What keeps the version from being released: disagreements between the files (and tag, if given)."""
    ver, out = version(root), []
    if not SEMVER.match(ver):
        out.append(f"{INIT}: version {ver!r} is not X.Y.Z")
    revs = [m.group(2) for m in REV.finditer((root / README).read_text(encoding="utf-8"))]
    if not revs or any(r != ver for r in revs):
        out.append(f"{README}: the pre-commit snippet pins rev {', '.join('v' + r for r in revs) or '(none)'}, "
                   f"not v{ver}")
    changelog = (root / CHANGELOG).read_text(encoding="utf-8") if (root / CHANGELOG).exists() else ""
    head = next((h for h in HEADING.finditer(changelog) if h.group(1) == ver), None)
    if head is None:
        out.append(f"{CHANGELOG}: no section `## {ver} — YYYY-MM-DD`")
    elif not head.group(2):
        out.append(f"{CHANGELOG}: the section of {ver} has no date")
    elif not notes(root, ver):
        out.append(f"{CHANGELOG}: the section of {ver} is empty")
    if tag is not None and tag != f"v{ver}":
        out.append(f"the tag {tag} is not v{ver}")
    return out


def bump(root, new, today=None):
    """Write version new into __init__.py, README's rev and CHANGELOG (its Unreleased notes become new's)."""
    if not SEMVER.match(new):
        raise SystemExit(f"not X.Y.Z: {new}")
    old = version(root)
    init = root / INIT
    init.write_text(VERSION.sub(f'__version__ = "{new}"', init.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    readme = root / README
    readme.write_text(REV.sub(lambda m: f"{m.group(1)}v{new}", readme.read_text(encoding="utf-8")), encoding="utf-8")
    log = root / CHANGELOG
    text = log.read_text(encoding="utf-8") if log.exists() else "# Changelog\n\n"
    dated = f"## {new} — {today or datetime.date.today().isoformat()}"
    if UNRELEASED in text:
        text = text.replace(UNRELEASED, f"{UNRELEASED}\n\n{dated}", 1)
    else:
        first = HEADING.search(text)
        at = first.start() if first else len(text)
        text = f"{text[:at]}{UNRELEASED}\n\n{dated}\n\n- (describe the release)\n\n{text[at:]}"
    log.write_text(text, encoding="utf-8")
    print(f"{old} -> {new}: edit {CHANGELOG}, commit, then `python scripts/release.py tag`")


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def tag(root):
    """git tag -a vX.Y.Z on HEAD with the CHANGELOG notes, after every check; never pushes."""
    ver = version(root)
    found = problems(root)
    if git(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        found.append("the work tree has uncommitted changes: commit them first")
    if git(root, "rev-parse", "-q", "--verify", f"refs/tags/v{ver}").returncode == 0:
        found.append(f"the tag v{ver} exists already: bump the version")
    if found:
        raise SystemExit("not released:\n  " + "\n  ".join(found))
    message = f"derivcheck {ver}\n\n{notes(root, ver)}\n"
    made = subprocess.run(["git", "-C", str(root), "tag", "-a", f"v{ver}", "-F", "-"], input=message, text=True)
    if made.returncode:
        raise SystemExit(made.returncode)
    print(f"tagged v{ver}; publish it with: git push origin v{ver}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this one)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("bump").add_argument("version")
    sub.add_parser("check").add_argument("--tag", help="also require this tag name (a release workflow's ref)")
    sub.add_parser("notes")
    sub.add_parser("tag")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "bump":
        bump(root, args.version)
    elif args.command == "check":
        found = problems(root, args.tag)
        for p in found:
            print(p, file=sys.stderr)
        if found:
            return 1
        print(f"v{version(root)}: version, README rev and CHANGELOG agree")
    elif args.command == "notes":
        text = notes(root, version(root))
        if text is None:
            print(f"{CHANGELOG}: no section for {version(root)}", file=sys.stderr)
            return 1
        print(text)
    else:
        tag(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
