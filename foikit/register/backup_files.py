"""The files a backup takes with the register: released documents and email attachments.

A backup stays one file: the private files beside the register (documents' originals and
redacted copies in `documents/`, an email's attachments in `attachments/`) are stored in the
backup's own `foikit_backup_files` table, each with its SHA-256. A restore writes each back
(0600, folders 0700; through a temporary file renamed into place) after checking its SHA-256,
and the table is dropped from the restored register: it belongs to the backup, not the register.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError
from foikit.register.files import PRIVATE_DIR, PRIVATE_FILE, finish, temp_beside

if TYPE_CHECKING:
    from foikit.register.core import Register

TABLE = "foikit_backup_files"
ROOTS = ("documents", "attachments")


def _root(register_path: str | os.PathLike[str], root: str) -> Path:
    """Where files of this kind are kept for the register at `register_path`."""
    here = Path(os.path.abspath(register_path)).parent
    if root == "documents":
        return here / "documents"
    env = os.environ.get("FOIKIT_ATTACHMENTS")  # attachment paths start at its parent
    return Path(env).resolve().parent if env else here


def private_files(reg: Register) -> list[tuple[str, str, Path]]:
    """(root, relative path, absolute path) of every private file to back up that exists."""
    found: list[tuple[str, str, Path]] = []
    docs = _root(reg.path, "documents")
    for row in reg.query("SELECT * FROM documents WHERE deleted_at IS NULL ORDER BY id"):
        for rel in (row.get("original_path"), row.get("redacted_path"), row.get("pdf_path")):
            if rel and (docs / rel).is_file():
                found.append(("documents", rel, docs / rel))
    base = _root(reg.path, "attachments")
    deleted = any(r[1] == "deleted_at" for r in reg.conn.execute("PRAGMA table_info(attachments)"))
    where = " WHERE deleted_at IS NULL" if deleted else ""
    for row in reg.query(f"SELECT DISTINCT path FROM attachments{where} ORDER BY path"):
        if (base / row["path"]).is_file():
            found.append(("attachments", row["path"], base / row["path"]))
    return found


def store_files(reg: Register, conn: sqlite3.Connection) -> int:
    """Into the backup being made (`conn`): every private file, with its SHA-256."""
    conn.execute(
        f"CREATE TABLE {TABLE} (root TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,"
        " size INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (root, path))"
    )
    count = 0
    with conn:
        for root, rel, path in private_files(reg):
            data = path.read_bytes()
            conn.execute(
                f"INSERT OR IGNORE INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
                (root, rel, hashlib.sha256(data).hexdigest(), len(data), data),
            )
            count += 1
    return count


def _safe(base: Path, rel: str) -> Path:
    """`base/rel`, refused when `rel` would leave `base` (a tampered backup)."""
    target = (base / rel).resolve()
    if rel.startswith(("/", "\\")) or not target.is_relative_to(base.resolve()):
        raise FoikitError(f"the backup names a file outside its folder: {rel!r}")
    return target


def _rows(source: sqlite3.Connection) -> Any:
    has = source.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    if not has:
        return []
    return source.execute(f"SELECT root, path, sha256, data FROM {TABLE} ORDER BY root, path")


def _checked(
    register_path: str | os.PathLike[str], root: str, rel: str, digest: str, data: bytes
) -> tuple[Path, Path]:
    """(folder, target) of one stored file, refused if tampered with."""
    if root not in ROOTS:
        raise FoikitError(f"the backup holds files of an unknown kind: {root!r}")
    if hashlib.sha256(data).hexdigest() != digest:
        raise FoikitError(f"the backup's copy of {root}/{rel} does not match its SHA-256")
    base = _root(register_path, root)
    return base, _safe(base, rel)


def check_files(source: sqlite3.Connection, register_path: str | os.PathLike[str]) -> int:
    """Every file a backup holds checked (SHA-256, path inside its folder) before anything is
    written; returns how many."""
    count = 0
    for root, rel, digest, data in _rows(source):
        _checked(register_path, root, rel, digest, data)
        count += 1
    return count


def restore_files(source: sqlite3.Connection, register_path: str | os.PathLike[str]) -> int:
    """Write back every file a backup holds (checked against its SHA-256); returns how many."""
    count = 0
    for root, rel, digest, data in _rows(source):
        base, target = _checked(register_path, root, rel, digest, data)
        for folder in reversed(target.relative_to(base.resolve()).parents):
            where = base / folder
            where.mkdir(mode=PRIVATE_DIR, exist_ok=True)
            if where != base or root == "documents":
                os.chmod(where, PRIVATE_DIR)
        tmp = temp_beside(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        finish(tmp, target, PRIVATE_FILE)
        count += 1
    return count


def drop_table(register_path: str | os.PathLike[str]) -> None:
    """The restored register without the backup's file table."""
    conn = sqlite3.connect(register_path)
    try:
        with conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute("VACUUM")
    finally:
        conn.close()
