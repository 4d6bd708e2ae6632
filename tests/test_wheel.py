"""The wheel is enough: built with `pip wheel --no-deps` and installed into a fresh virtual
environment, foikit creates a register and writes a letter in an empty folder, with no checkout.

foikit comes only from the wheel. Its dependencies are not downloaded again: a .pth file in the
new environment points at the test run's own site-packages, so the test needs no network for
them (a plain path line, so that folder's own .pth files, the editable install among them, are
not run). Building the wheel may fetch setuptools for pip's isolated build, as any build does.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from foikit.law.letter_kinds import LETTER_KINDS
from foikit.letters import letter_text

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing at the checkout or its register."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOIKIT_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    return {**env, **extra}


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a clean copy of the sources (pip builds in the tree it is given)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "foikit", source / "foikit", ignore=ignore)
    dist = tmp_path / "dist"
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "-q", "--no-deps", "-w", dist, source, cwd=tmp_path, env=clean_env())
    (wheel,) = dist.glob("foikit-*.whl")
    return wheel


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; returns its bin folder."""
    venv = tmp_path / "venv"
    env = clean_env()
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "-q", "--no-deps", wheel, cwd=tmp_path, env=env)
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(run(python, "-c", code, cwd=tmp_path, env=env).stdout.strip())
    paths = sysconfig.get_paths()
    ours = sorted({paths["purelib"], paths["platlib"], *site.getsitepackages()})
    lines = "".join(f"{p}\n" for p in ours if Path(p).is_dir())
    (purelib / "_foikit_test_dependencies.pth").write_text(lines)
    return venv / "bin"


def test_an_installed_wheel_runs_init_and_letter_in_an_empty_folder(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = [Path(n) for n in z.namelist()]
    shipped = {n.stem for n in names if n.parent == Path("foikit/letters/templates")}
    assert shipped == set(LETTER_KINDS)

    bin_dir = fresh_venv(tmp_path, wheel)
    office = tmp_path / "office"
    office.mkdir()
    env = clean_env(
        FOIKIT_USER="test.officer", HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache")
    )

    def foikit(*args: str) -> subprocess.CompletedProcess[str]:
        return run(bin_dir / "foikit", *args, cwd=office, env=env)

    code = "import foikit; print(foikit.__file__)"
    where = run(bin_dir / "python", "-c", code, cwd=office, env=env).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where

    init = foikit("init")
    assert f"letter templates copied to {office / 'templates'}: 8" in init.stdout
    assert sorted(p.stem for p in (office / "templates").glob("*.docx")) == sorted(LETTER_KINDS)

    added = foikit(
        "request", "add", "--received", "2021-06-05", "--today", "2021-06-07",
        "--subject", "CSPs", "--question", "How many CSPs are there?",
        "--requester-name", "A Person", "--requester-email", "a.person@example.org",
    )  # fmt: skip
    ref = added.stdout.strip()
    assert ref == "FOI-2021-0001"

    letter = foikit("letter", ref, "acknowledgement", "--today", "2021-06-07")
    assert letter.stdout == f"responses/{ref}-acknowledgement.docx\n"
    assert letter.stderr == f"Templates: {office / 'templates'} (beside the register)\n"
    assert f"Our reference: {ref}" in letter_text(office / letter.stdout.strip())

    # Without the office's copy, the templates inside the installed package are used.
    shutil.rmtree(office / "templates")
    draft = foikit("letter", ref, "acknowledgement", "--draft", "--today", "2021-06-07")
    assert draft.stdout == f"responses/{ref}-acknowledgement-draft.docx\n"
    assert draft.stderr.startswith("Templates: ") and "(shipped with foikit)" in draft.stderr
    installed = Path(draft.stderr.removeprefix("Templates: ").split(" (shipped")[0])
    assert installed.is_relative_to(tmp_path / "venv"), installed
    assert f"Our reference: {ref}" in letter_text(office / draft.stdout.strip())
