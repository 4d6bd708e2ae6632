"""The register's one write path, enforced in every test: an SQLite authorizer on every
register connection refuses a mutating statement unless the innermost foikit code issuing it
lives in foikit/register/ (the Register, its Tx, the schema and its migrations).

So a module elsewhere that runs `conn.execute("UPDATE ...")` on the register, skipping the
audit trail, fails the first test that reaches it with "not authorized". Reads are not checked.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import foikit

PACKAGE = Path(foikit.__file__).resolve().parent
ALLOWED = PACKAGE / "register"

_WRITES = frozenset(
    getattr(sqlite3, name)
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
    or name in ("SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_ALTER_TABLE")
)

violations: list[str] = []


def _innermost_foikit_file() -> Path | None:
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PACKAGE):
            return path
        frame = frame.f_back
    return None


def guard(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None):
    if action not in _WRITES or trigger is not None or db == "temp":
        return sqlite3.SQLITE_OK
    where = _innermost_foikit_file()
    if where is None or where.is_relative_to(ALLOWED):
        return sqlite3.SQLITE_OK  # tests and tools may set a register up directly
    violations.append(f"{where.relative_to(PACKAGE)}: {arg1} on {arg1 or arg2}")
    return sqlite3.SQLITE_DENY
