"""Every third-party package foikit imports is declared in pyproject.toml, not merely installed
because something else pulled it in (itsdangerous and uvicorn come with Datasette, lxml with
python-docx: an upgrade of those could drop them).

Imports are read from the source, anywhere in a module (inside functions and `TYPE_CHECKING`
blocks too), and mapped to the distributions that provide them in this environment.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: `Jinja2` and `jinja2`, `a_b` and `a-b`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*extras: str) -> set[str]:
    requirements = list(PYPROJECT["dependencies"])
    for extra in extras:
        requirements += PYPROJECT["optional-dependencies"][extra]
    return {normalise(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


# Modules the tests and tools import from each other's folders (put on sys.path), not packages.
SCRIPT_FOLDERS = ("tests", "bench", "scripts")
SIBLINGS = frozenset(p.stem for f in SCRIPT_FOLDERS for p in (ROOT / f).glob("*.py"))


def imported(folder: Path, local: frozenset[str] = frozenset()) -> dict[str, set[str]]:
    """Top-level names of the third-party modules imported under `folder` -> the files;
    `local` names modules of the project's own that are imported by their bare name."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"__future__", "foikit"} | local:
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(folder: Path, allowed: set[str], local: frozenset[str] = frozenset()) -> list[str]:
    providers = importlib.metadata.packages_distributions()
    problems = []
    for module, files in sorted(imported(folder, local).items()):
        dists = {normalise(d) for d in providers.get(module, [])}
        where = ", ".join(sorted(files))
        if not dists:
            problems.append(f"{module} (not installed; imported by {where})")
        elif not dists & allowed:
            problems.append(f"{module} from {' or '.join(sorted(dists))} (imported by {where})")
    return problems


def test_the_imports_are_read():
    found = imported(ROOT / "foikit")
    assert {"click", "datasette", "docx", "sqlite_utils", "uvicorn"} <= set(found)
    assert "json" not in found and "foikit" not in found


def test_every_third_party_import_in_foikit_is_a_declared_dependency():
    problems = undeclared(ROOT / "foikit", declared())
    assert problems == [], "add to [project] dependencies in pyproject.toml: " + "; ".join(problems)


@pytest.mark.parametrize("folder", SCRIPT_FOLDERS)
def test_every_third_party_import_in_the_tests_and_tools_is_declared(folder):
    problems = undeclared(ROOT / folder, declared("test", "dev"), SIBLINGS)
    assert problems == [], "add to pyproject.toml (the test extra): " + "; ".join(problems)
