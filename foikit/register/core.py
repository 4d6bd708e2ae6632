"""The Register: one facade that owns the connection, the transactions and the audit trail.

Every change goes through `Register.transaction(actor)`, which opens `BEGIN IMMEDIATE` (so
concurrent officers queue rather than fail) and writes each change together with its audit
row. Nothing else in foikit writes SQL that mutates.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from foikit.errors import RegisterNotInitialised, RegisterPathError

DEFAULT_PATH = "register.db"
BUSY_TIMEOUT_S = 60.0


def default_path() -> str:
    return os.environ.get("FOIKIT_DB") or DEFAULT_PATH


def current_actor(by: str | None = None) -> str:
    """`--by`, else FOIKIT_USER, else the login name (CONTRACT.md "Who is acting")."""
    if by:
        return by
    env = os.environ.get("FOIKIT_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# Columns whose values never go into the audit trail: the trail records that they changed, not
# what they hold. Password hashes are secrets; a requester's details are personal data that
# retention must be able to erase, so they live only in the requesters table.
SECRET_COLUMNS = {
    "users": {"password_hash": "[secret]"},
    "requesters": {
        "name": "[personal data]",
        "email": "[personal data]",
        "address": "[personal data]",
        "phone": "[personal data]",
        "email_key": "[personal data]",
        "post_key": "[personal data]",
    },
    "request_texts": {"text": "[personal data]"},
}


def _masked(table: str | None, values: Mapping[str, Any]) -> dict[str, Any]:
    secret = SECRET_COLUMNS.get(table or "", {})
    return {k: (secret[k] if k in secret and v is not None else v) for k, v in values.items()}


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# What a read-only view refuses: every statement that changes the database or its schema, and
# attaching another file. Reads, transactions control and functions are allowed.
_WRITE_ACTIONS = frozenset(
    getattr(sqlite3, name)
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
    or name
    in (
        "SQLITE_INSERT",
        "SQLITE_UPDATE",
        "SQLITE_DELETE",
        "SQLITE_ALTER_TABLE",
        "SQLITE_ATTACH",
        "SQLITE_DETACH",
        "SQLITE_REINDEX",
        "SQLITE_ANALYZE",
    )
)


def _deny_writes(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    if action in _WRITE_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None:
        return sqlite3.SQLITE_DENY  # `PRAGMA x = value` sets; `PRAGMA x` only reads
    return sqlite3.SQLITE_OK


class Register:
    """An open register. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = False):
        self.path = Path(path if path is not None else default_path())
        if not self.path.parent.exists():
            raise RegisterPathError(f"the folder {str(self.path.parent)!r} does not exist")
        if self.path.is_dir():
            raise RegisterPathError(f"{str(self.path)!r} is a folder, not a register file")
        if not create and not self.path.exists():
            raise RegisterNotInitialised(
                f"no register at {str(self.path)!r}: run `foikit init` first"
            )
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as e:
            raise RegisterPathError(f"cannot open {str(self.path)!r} as a register: {e}") from None
        self.conn = conn
        self.db = Database(conn, execute_plugins=False)
        self._read_only_depth = 0

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def migrate(self) -> list[str]:
        """Apply pending migrations; returns the names applied."""
        from foikit.register.schema import migrations

        pending = [m.name for m in migrations.pending(self.db)]
        migrations.apply(self.db)
        return pending

    def is_initialised(self) -> bool:
        from foikit.register.schema import migrations

        return self.db["_sqlite_migrations"].exists() and not migrations.pending(self.db)

    def require_initialised(self) -> None:
        if not self.is_initialised():
            raise RegisterNotInitialised(
                f"the register {str(self.path)!r} is not initialised or is out of date: "
                "run `foikit init`"
            )

    # -- reads -----------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row is not None else None

    @contextmanager
    def read_only(self) -> Iterator[Register]:
        """A read-only view of the register for the duration: SQLite's authorizer denies every
        statement that could write (letters and answers are worked out under it, so a future
        mistake in a template's context cannot become a write). Re-entrant."""
        if self._read_only_depth == 0:
            self.conn.set_authorizer(_deny_writes)
        self._read_only_depth += 1
        try:
            yield self
        finally:
            self._read_only_depth -= 1
            if self._read_only_depth == 0:
                self.conn.set_authorizer(None)

    # -- writes ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Tx]:
        """One unit of work: every change in it and its audit rows commit together or not at all."""
        if self.conn.in_transaction:
            raise RuntimeError("transactions do not nest")
        self.conn.execute("BEGIN IMMEDIATE")
        tx = Tx(self, actor)
        try:
            yield tx
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()


class Tx:
    """Writes inside one transaction; each writes its audit row."""

    def __init__(self, register: Register, actor: str):
        self.register = register
        self.conn = register.conn
        self.actor = actor
        self.at = now_utc()

    def audit(
        self,
        action: str,
        *,
        table: str | None = None,
        row_id: Any = None,
        request_id: int | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, table_name, row_id, request_id, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.at,
                self.actor,
                action,
                table,
                None if row_id is None else str(row_id),
                request_id,
                _json(_masked(table, old) if isinstance(old, Mapping) else old),
                _json(_masked(table, new) if isinstance(new, Mapping) else new),
            ),
        )

    def insert(
        self,
        table: str,
        row: Mapping[str, Any],
        *,
        request_id: int | None = None,
        action: str = "insert",
        pk: str = "id",
    ) -> Any:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)})"
            f" VALUES ({', '.join('?' for _ in cols)})",
            [row[c] for c in cols],
        )
        row_id = row.get(pk, cur.lastrowid)
        if table == "requests" and request_id is None:
            request_id = int(row_id)
        self.audit(action, table=table, row_id=row_id, request_id=request_id, new=dict(row))
        return row_id

    def _set(
        self, table: str, row_id: Any, changes: Mapping[str, Any], pk: str
    ) -> tuple[sqlite3.Row, dict[str, Any]]:
        """Write the columns that differ; returns the row as it was and the changes made."""
        before = self.conn.execute(
            f"SELECT * FROM [{table}] WHERE [{pk}] = ?", (row_id,)
        ).fetchone()
        if before is None:
            raise LookupError(f"no {table} row {row_id!r}")
        diff = {k: v for k, v in changes.items() if before[k] != v}
        if diff:
            self.conn.execute(
                f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in diff)} WHERE [{pk}] = ?",
                [*diff.values(), row_id],
            )
        return before, diff

    def update(
        self,
        table: str,
        row_id: Any,
        changes: Mapping[str, Any],
        *,
        request_id: int | None = None,
        action: str = "update",
        pk: str = "id",
    ) -> dict[str, Any]:
        """Update the columns that differ; returns the changes made (empty: nothing to do)."""
        before, diff = self._set(table, row_id, changes, pk)
        if not diff:
            return {}
        if table == "requests" and request_id is None:
            request_id = int(row_id)
        self.audit(
            action,
            table=table,
            row_id=row_id,
            request_id=request_id,
            old={k: before[k] for k in diff},
            new=diff,
        )
        return diff

    def anonymise(
        self,
        table: str,
        row_id: Any,
        changes: Mapping[str, Any],
        *,
        request_id: int | None = None,
        action: str = "anonymise",
        pk: str = "id",
    ) -> dict[str, Any]:
        """Overwrite personal data so that no copy survives, the audit trail included.

        The new audit row names the columns changed, not their old values, and earlier audit rows
        of the same record lose their values for those columns (retention, UK GDPR Art 5(1)(e)).
        """
        _, diff = self._set(table, row_id, changes, pk)
        if not diff:
            return {}
        earlier = self.conn.execute(
            "SELECT id, old, new FROM audit WHERE table_name = ? AND row_id = ?",
            (table, str(row_id)),
        ).fetchall()
        for audit_id, old, new in earlier:
            scrubbed = []
            for text in (old, new):
                value = json.loads(text) if text else None
                if isinstance(value, dict):
                    value = {
                        k: ("[removed]" if k in diff and v is not None else v)
                        for k, v in value.items()
                    }
                scrubbed.append(_json(value))
            self.conn.execute(
                "UPDATE audit SET old = ?, new = ? WHERE id = ?", (*scrubbed, audit_id)
            )
        self.audit(
            action,
            table=table,
            row_id=row_id,
            request_id=request_id,
            old={k: "[removed]" for k in diff},
            new=diff,
        )
        return diff

    def delete(
        self,
        table: str,
        row_id: Any,
        *,
        request_id: int | None = None,
        action: str = "delete",
        pk: str = "id",
    ) -> bool:
        before = self.conn.execute(
            f"SELECT * FROM [{table}] WHERE [{pk}] = ?", (row_id,)
        ).fetchone()
        if before is None:
            return False
        self.conn.execute(f"DELETE FROM [{table}] WHERE [{pk}] = ?", (row_id,))
        self.audit(action, table=table, row_id=row_id, request_id=request_id, old=dict(before))
        return True

    def upsert(
        self, table: str, row: Mapping[str, Any], *, pk: str = "id", request_id: int | None = None
    ) -> str:
        """Insert, or update the columns that differ; returns inserted | updated | unchanged."""
        exists = self.conn.execute(
            f"SELECT 1 FROM [{table}] WHERE [{pk}] = ?", (row[pk],)
        ).fetchone()
        if exists is None:
            self.insert(table, row, pk=pk, request_id=request_id)
            return "inserted"
        changes = {k: v for k, v in row.items() if k != pk}
        return (
            "updated"
            if self.update(table, row[pk], changes, pk=pk, request_id=request_id)
            else "unchanged"
        )

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        """Reads inside the transaction (e.g. allocating the next reference)."""
        return self.conn.execute(sql, tuple(params))
