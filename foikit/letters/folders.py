"""Where letter templates come from.

foikit ships its Word templates inside the package (`foikit/letters/templates/`), so an
installed wheel writes letters with no checkout. An office restyles its own copy: `foikit init`
copies the shipped set to `templates/` beside the register when that folder does not exist yet.
A letter then takes its templates from, in order:

1. the folder named with `--templates` (or `$FOIKIT_TEMPLATES`);
2. `templates/` beside the register, when there is one;
3. the package's own.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
FOLDER_NAME = "templates"
ENV = "FOIKIT_TEMPLATES"

# Where a folder came from -> how the command line says so.
SOURCES = {
    "option": "named with --templates",
    "argument": "named on the command line",
    "environment": f"from ${ENV}",
    "register": "beside the register",
    "package": "shipped with foikit",
}


@dataclass(frozen=True)
class TemplateFolder:
    path: Path
    source: str  # a key of SOURCES

    def describe(self) -> str:
        """`Templates: /srv/foi/templates (beside the register)`: the line commands print."""
        return f"Templates: {self.path} ({SOURCES[self.source]})"


def beside_register(register_path: str | os.PathLike[str]) -> Path:
    """The `templates/` folder next to a register file, as an absolute path (to say where)."""
    return Path(os.path.abspath(register_path)).parent / FOLDER_NAME


def find_templates(
    register_path: str | os.PathLike[str] | None = None,
    explicit: str | os.PathLike[str] | None = None,
    *,
    explicit_source: str = "option",
) -> TemplateFolder:
    """The folder letters are drawn from: `explicit` (from `explicit_source`), else
    $FOIKIT_TEMPLATES, else `templates/` beside the register if it is a folder, else the
    package's own. A folder named explicitly is taken as given, even if missing, so that
    rendering says which template it could not find."""
    if explicit:
        return TemplateFolder(Path(explicit), explicit_source)
    env = os.environ.get(ENV)
    if env:
        return TemplateFolder(Path(env), "environment")
    if register_path is not None:
        beside = beside_register(register_path)
        if beside.is_dir():
            return TemplateFolder(beside, "register")
    return TemplateFolder(PACKAGE_TEMPLATES, "package")


def default_templates() -> Path:
    """The library's default when no folder is named (foikit.letters.context.templates_dir):
    ./templates if there is one, else the package's own. The command line and the staff
    interface look beside the register instead (`find_templates`)."""
    here = Path(FOLDER_NAME)
    return here if here.is_dir() else PACKAGE_TEMPLATES


def shipped_templates() -> list[Path]:
    """The package's templates, by name."""
    return sorted(PACKAGE_TEMPLATES.glob("*.docx"))


def copy_templates(register_path: str | os.PathLike[str]) -> list[Path]:
    """Copy the shipped templates to `templates/` beside the register, unless that folder
    exists (an office's own templates are never overwritten). Returns the files written.

    The copy is made in a temporary folder and renamed into place, so an interrupted copy
    leaves no half-filled folder behind to be mistaken for the office's own."""
    folder = beside_register(register_path)
    if folder.exists():
        return []
    staging = folder.parent / f".{FOLDER_NAME}-{secrets.token_hex(6)}"
    staging.mkdir()  # with the usual permissions, as the folder it becomes
    try:
        for template in shipped_templates():
            shutil.copyfile(template, staging / template.name)
        try:
            staging.rename(folder)
        except OSError:
            if folder.exists():  # made meanwhile by another `foikit init`: theirs stands
                return []
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(folder.glob("*.docx"))
