"""The README's "Where things are" table follows the tree.

Every path in its first column exists; every file a row names in its description (`rules.py`,
`assets/`) exists in that row's folder; every subpackage of foikit/ has a row of its own, and so
does every module left at the top of the package.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "foikit"
TICKED = re.compile(r"`([^`]+)`")
# A backticked name in a description that names a file or folder, not a command or a value.
FILE_NAME = re.compile(r"^[\w.-]+(\.py|/)$")


def where_things_are() -> list[tuple[list[str], str]]:
    """(paths, description) for each row of the table under "## Where things are"."""
    text = (ROOT / "README.md").read_text()
    assert "\n## Where things are\n" in text, "the README has no 'Where things are' section"
    section = text.split("\n## Where things are\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 2 or set(cells[0]) <= set("-: "):
            continue
        if cells == ["path", "what"]:
            continue
        rows.append((TICKED.findall(cells[0]), cells[1]))
    return rows


def exists(path: str) -> bool:
    return any(ROOT.glob(path.rstrip("/"))) if "*" in path else (ROOT / path).exists()


def test_the_table_has_rows_naming_paths():
    rows = where_things_are()
    assert len(rows) >= 5
    assert all(paths for paths, _ in rows), "a row names no path in its first column"


def test_every_path_named_exists():
    missing = [p for paths, _ in where_things_are() for p in paths if not exists(p)]
    assert missing == [], f"the README names paths that do not exist: {missing}"


def test_every_file_a_description_names_is_in_its_folder():
    missing = []
    for paths, what in where_things_are():
        if len(paths) != 1 or not paths[0].endswith("/"):
            continue  # only a row for one folder names its files by their short names
        folder = ROOT / paths[0]
        for name in TICKED.findall(what):
            if FILE_NAME.match(name) and not (folder / name).exists():
                missing.append(f"{paths[0]}{name}")
    assert missing == [], f"the README describes files that do not exist: {missing}"


def test_every_subpackage_has_a_row():
    named = {p.rstrip("/") for paths, _ in where_things_are() for p in paths}
    subpackages = sorted(
        str(init.parent.relative_to(ROOT))
        for init in PACKAGE.rglob("__init__.py")
        if init.parent != PACKAGE
    )
    assert subpackages, "foikit/ has no subpackages"
    unnamed = [p for p in subpackages if p not in named]
    assert unnamed == [], f"the README's 'Where things are' table does not name {unnamed}"


def test_every_module_left_at_the_top_has_a_row():
    named = {p for paths, _ in where_things_are() for p in paths}
    top = sorted(
        f"foikit/{m.name}"
        for m in PACKAGE.glob("*.py")
        if m.name not in ("__init__.py", "__main__.py")
    )
    unnamed = [m for m in top if m not in named]
    assert unnamed == [], f"the README's 'Where things are' table does not name {unnamed}"


DOC_CITED = re.compile(r"\bdocs/[\w.-]+\.md\b")
OUTSIDE = re.compile(r"\.\./shared|(?<![\w/])(CONTRACT|FOI-RULES|STYLE)\.md")


def test_docstrings_cite_only_documents_in_the_repository():
    """The code points a reader at docs/contract.md and docs/law.md, never at files outside the
    checkout (issue 12: fifteen docstrings pointed at ../shared)."""
    outside, missing = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        rel = str(path.relative_to(ROOT))
        outside += [f"{rel}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
        missing += [f"{rel}: {m}" for m in DOC_CITED.findall(text) if not (ROOT / m).is_file()]
    assert outside == []
    assert missing == []


def test_every_command_module_is_loaded():
    """A command module left out of COMMAND_MODULES would be dead code whose commands quietly
    vanish; every module of foikit/cli/ but the shared ones is loaded."""
    from foikit.cli import COMMAND_MODULES

    shared = {"__init__", "common", "helpdoc"}
    on_disk = {p.stem for p in (PACKAGE / "cli").glob("*.py")} - shared
    assert on_disk == set(COMMAND_MODULES)
