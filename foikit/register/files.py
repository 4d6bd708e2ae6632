"""Files foikit writes beside the register: one output guard, private modes, durable renames.

Every writer (`publish`, `letter`, `export`, `report`, `backup`) goes through `guard_output`
before it writes: nothing is ever written over the register (or its -wal, -shm and -journal
files), nor over any other SQLite file that is not of the writer's own kind. A mistyped
`--out register.db` is refused with one clear error instead of replacing every record.

Files that hold personal data (the register, letters, exports, reports, backups) are created
0600 and their folders 0700 whatever the umask; the public `disclosure.db` is 0644. Every file
is written to a temporary name beside its target, flushed to disk (fsync), then renamed over,
and the folder is synced so that the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import IO, Any

from foikit.errors import FoikitError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644
SQLITE_MAGIC = b"SQLite format 3\x00"
REGISTER_SIDE_FILES = ("-wal", "-shm", "-journal")


class OutputRefused(FoikitError):
    """A writer was pointed at a file it must never replace."""


class Kind(Enum):
    """What a writer writes, so the guard knows which SQLite files are its own kind."""

    TEXT = "a text or document file"  # letters, exports, reports: never an SQLite file
    DISCLOSURE_LOG = "a disclosure log"  # publish may replace an earlier disclosure log
    BACKUP = "a register backup"  # backup may replace an earlier backup (never the register)


def is_sqlite(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def sqlite_tables(path: str | os.PathLike[str]) -> set[str]:
    """The table names of an SQLite file, read-only; empty when it cannot be read."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _is_register_file(target: Path, register: Path) -> bool:
    if _same_file(target, register):
        return True
    resolved = target.resolve()
    for side in REGISTER_SIDE_FILES:
        candidate = register.with_name(register.name + side)
        if resolved == candidate.resolve() or _same_file(target, candidate):
            return True
    return False


def own_kind(path: Path, kind: Kind) -> bool:
    """Whether an existing SQLite file is one this kind of writer made (so may replace)."""
    tables = sqlite_tables(path)
    if kind is Kind.DISCLOSURE_LOG:
        return "publication" in tables and "requesters" not in tables
    if kind is Kind.BACKUP:
        return "_sqlite_migrations" in tables and "requests" in tables
    return False


def guard_output(
    target: str | os.PathLike[str],
    kind: Kind,
    *,
    register: str | os.PathLike[str] | None = None,
) -> Path:
    """Refuse to write `target` when it is the register (or one of its side files), or an
    SQLite file that is not this writer's own kind. Returns the target as a Path."""
    path = Path(target)
    if register is not None and _is_register_file(path, Path(register)):
        raise OutputRefused(
            f"refusing to write {kind.value} over the register {str(path)!r}: choose another file"
        )
    if path.is_dir():
        raise OutputRefused(f"{str(path)!r} is a folder, not a file")
    if not path.parent.is_dir():
        raise OutputRefused(f"the folder {str(path.parent)!r} does not exist")
    if not path.exists() or own_kind(path, kind):
        return path
    if is_sqlite(path):
        raise OutputRefused(
            f"refusing to write {kind.value} over {str(path)!r}: it is an SQLite database"
            " (a register or another database), not " + kind.value
        )
    if kind is not Kind.TEXT and path.stat().st_size > 0:
        raise OutputRefused(
            f"refusing to write {kind.value} over {str(path)!r}: it is not {kind.value}"
        )
    return path


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def private_dir(folder: str | os.PathLike[str]) -> Path:
    """Create `folder` (and its parents) 0700 when missing; an existing folder is left as it is."""
    path = Path(folder)
    if not path.is_dir():
        missing = []
        probe = path
        while not probe.exists() and probe != probe.parent:
            missing.append(probe)
            probe = probe.parent
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        for made in missing:
            with contextlib.suppress(OSError):
                os.chmod(made, PRIVATE_DIR)
    return path


def create_private(path: str | os.PathLike[str]) -> bool:
    """Create an empty file 0600 whatever the umask; False when it already existed."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return True


def temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def is_foikit_temp(name: str) -> bool:
    """A temporary file a killed writer may have left: `.NAME.PID.HEX.tmp`."""
    return name.startswith(".") and name.endswith(".tmp") and name.count(".") >= 4


def finish(tmp: Path, target: Path, mode: int, *, replace: bool = True) -> Path:
    """fsync `tmp`, set its mode, rename it to `target` and sync the folder.

    `replace=False` never replaces an existing target (a hard link fails when the name is
    taken): a sent letter cannot be written over, even by two renderings at once."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)
    if replace:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    return target


@contextlib.contextmanager
def atomic_output(
    target: str | os.PathLike[str],
    *,
    mode: int = PRIVATE_FILE,
    binary: bool = False,
    replace: bool = True,
) -> Iterator[IO[Any]]:
    """Write `target` whole or not at all: a private temporary file beside it, fsynced and
    renamed over it once the block ends without error; removed otherwise."""
    path = Path(target)
    tmp = temp_beside(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        fh: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with fh:
            yield fh
        finish(tmp, path, mode, replace=replace)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_private(
    target: str | os.PathLike[str], write: Callable[[IO[bytes]], None], *, replace: bool = True
) -> Path:
    with atomic_output(target, binary=True, replace=replace) as fh:
        write(fh)
    return Path(target)
