"""Every repository path named in code, comments or docs (``static/…``, ``docs/…``, ``atlas/…``, …) exists.

Reads the tree as it is: after files move, the failure lists each ``file:line`` still naming an old path.
"""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

TOP = ("static", "docs", "templates", "atlas", "tests", "scripts", "bench")
SCANNED = (".py", ".js", ".md", ".toml", ".html")
# a top-level folder name at the start of a path (not inside a word, a URL or another path), then its segments
PATH = re.compile(r"(?<![\w./:@-])(?:" + "|".join(TOP) + r")/[\w.-]+(?:/[\w.-]+)*")
# Not files of the repository: third-party files (vendored, generated) and examples of paths that are not ours.
SKIP_FILES = ("static/vendor/", "node_modules/", "tests/test_paths_named.py")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in out.splitlines() if name.endswith(SCANNED) and not name.startswith(SKIP_FILES)]


def named_paths(text: str):
    """(line number, path) of every repository path named in ``text``, trailing punctuation dropped."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in PATH.finditer(line):
            path = match.group(0).rstrip(".-/")
            if "{" in line[match.end() : match.end() + 1]:  # a pattern such as static/js/{name}.js
                continue
            yield number, path


def exists(path: str) -> bool:
    target = ROOT / path
    return target.exists() or any(target.parent.glob(target.name + ".*"))  # "atlas/store" for atlas/store.py


def test_the_scanner_finds_paths_and_ignores_urls_and_words():
    found = [p for _, p in named_paths("see docs/scale.md, https://x.org/docs/a.md and the_docs/b, atlas/web/.")]
    assert found == ["docs/scale.md", "atlas/web"]


def test_every_path_named_in_code_and_docs_exists():
    named, missing = 0, []
    for name in tracked_files():
        found = list(named_paths((ROOT / name).read_text(encoding="utf-8", errors="replace")))
        named += len(found)
        missing += [f"{name}:{number}: {path}" for number, path in found if not exists(path)]
    assert named > 100  # the scan reads the tree: hundreds of paths are named in it
    assert missing == [], "paths named but not in the repository (fix the name):\n" + "\n".join(missing)
