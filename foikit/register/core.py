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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlite_utils import Database

from foikit.errors import FoikitError, RegisterNotInitialised, RegisterPathError
from foikit.register.reader import Params, Reader, Row

_T = TypeVar("_T")

DEFAULT_PATH = "register.db"
BUSY_TIMEOUT_S = 60.0


def default_path() -> str:
    return os.environ.get("FOIKIT_DB") or DEFAULT_PATH


def current_actor(by: str | None = None) -> str:
    """`--by`, else FOIKIT_USER, else the login name (docs/contract.md "Who is acting")."""
    for given, where in ((by, "--by"), (os.environ.get("FOIKIT_USER"), "FOIKIT_USER")):
        if given:
            if "\x00" in given or any("\ud800" <= ch <= "\udfff" for ch in given):
                raise FoikitError(f"{where} must be a name in UTF-8 without NUL bytes")
            if len(given) > 200:
                raise FoikitError(f"{where} is longer than 200 characters")
            return given
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
    "sessions": {"token_hash": "[secret]"},
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


# One encoder for every audit row: `json.dumps` with options builds a new one each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return _ENCODER.encode(value)


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


Authorizer = Callable[[int, "str | None", "str | None", "str | None", "str | None"], int]


class Reads:
    """The reads of the `Reader` protocol over `self.conn`, shared by the Register and its
    transactions (a transaction's reads see its own uncommitted changes)."""

    conn: sqlite3.Connection

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Params = ()) -> Row | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row is not None else None


class Register(Reads):
    """An open register. Use as a context manager, or call `close()`."""

    # An SQLite authorizer installed on every register connection (None: none). The test suite
    # sets one that refuses mutating SQL issued from outside foikit/register (tests/write_guard.py).
    base_authorizer: Authorizer | None = None

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
        if create and not self.path.exists():
            from foikit.register.files import create_private

            create_private(self.path)  # 0600 whatever the umask; -wal and -shm follow it
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            # Deleted and overwritten personal data is zeroed on disk, not left in free pages.
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as e:
            raise RegisterPathError(f"cannot open {str(self.path)!r} as a register: {e}") from None
        self.conn = conn
        self.db = Database(conn, execute_plugins=False)
        self._read_only_depth = 0
        if self.base_authorizer is not None:
            conn.set_authorizer(self.base_authorizer)
        self._joinable: Tx | None = None  # set by unit_of_work(): transactions become savepoints
        self._savepoints = 0
        # Reads kept for one unit of work (`cached_read`): key -> (tables read, value).
        self._reads: dict[Hashable, tuple[frozenset[str], Any]] | None = None

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
                self.conn.set_authorizer(self.base_authorizer)

    # -- writes ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Tx]:
        """One unit of work: every change in it and its audit rows commit together or not at all.

        Inside `unit_of_work` a transaction is a SAVEPOINT of the outer one: its changes are
        undone alone when it fails, and commit only with the outer unit of work."""
        if self._joinable is not None:
            with self._savepoint(actor) as tx:
                yield tx
            return
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

    @contextmanager
    def _savepoint(self, actor: str) -> Iterator[Tx]:
        # Named by depth: the innermost savepoint of a name is the one ROLLBACK TO and RELEASE
        # act on, and a name used again is one SQL text, prepared once (not once a row).
        self._savepoints += 1
        name = f"foikit_{self._savepoints}"
        try:
            self.conn.execute(f"SAVEPOINT {name}")
            tx = Tx(self, actor)
            try:
                yield tx
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                self._reads = {} if self._reads is not None else None  # may hold undone rows
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    @contextmanager
    def unit_of_work(self, actor: str, *, commit: bool = True, bulk: bool = False) -> Iterator[Tx]:
        """One transaction around many calls of the lifecycle (an import: one per file). Each
        `transaction()` inside it is a savepoint; `savepoint()` wraps a step that may fail
        alone. With `commit=False` everything is rolled back at the end (a dry run that runs
        every rule exactly as the real run does). Reads made through `cached_read` (the
        calendar) are kept for its length. `bulk`: many requests are written, so the search
        index is brought up to date once, at the end (foikit.register.bulk)."""
        from foikit.register.bulk import deferred_search_index

        try:
            with self.transaction(actor) as tx:
                self._joinable, self._reads = tx, {}
                try:
                    if bulk:
                        with deferred_search_index(tx, reindex=commit):
                            yield tx
                    else:
                        yield tx
                finally:
                    self._joinable, self._reads = None, None
                if not commit:
                    raise _DryRun  # rolls the transaction back
        except _DryRun:
            pass

    def cached_read(self, key: Hashable, tables: Iterable[str], read: Callable[[], _T]) -> _T:
        """`read()`, kept until the unit of work ends or a write through its Tx touches one of
        `tables` (or a savepoint is undone): an import reads the calendar once, not once a
        row. Outside a unit of work, `read()` every time. Only for tables written through Tx."""
        if self._reads is None:
            return read()
        found = self._reads.get(key)
        if found is None:
            found = self._reads[key] = (frozenset(tables), read())
        return cast(_T, found[1])

    def _written(self, table: str) -> None:
        if self._reads:
            for key in [k for k, (tables, _) in self._reads.items() if table in tables]:
                del self._reads[key]

    @contextmanager
    def savepoint(self, actor: str) -> Iterator[Tx]:
        """A step inside `unit_of_work` that is undone alone when it raises."""
        if self._joinable is None:
            raise RuntimeError("a savepoint needs an open unit_of_work")
        with self._savepoint(actor) as tx:
            yield tx


class _DryRun(Exception):
    """Raised inside a unit of work that must not commit; never leaves it."""


class Tx(Reads):
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
        if table is not None:
            self.register._written(table)  # a read kept for the unit of work is read again
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

    def redact_audit(self, request_ids: Iterable[int], redact: Any) -> int:
        """Apply `redact` (text -> text) to every string held in the audit rows of these
        requests (retention: the trail keeps no copy of what was redacted); returns the rows
        changed. The rows keep who did what and when."""

        def walk(value: Any) -> Any:
            if isinstance(value, str):
                return redact(value)
            if isinstance(value, list):
                return [walk(v) for v in value]
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            return value

        ids = [int(i) for i in request_ids]
        if not ids:
            return 0
        changed = 0
        rows = self.conn.execute(
            f"SELECT id, old, new FROM audit WHERE request_id IN ({', '.join('?' for _ in ids)})",
            ids,
        ).fetchall()
        for audit_id, old, new in rows:
            cleaned = [
                text if text is None else _json(walk(json.loads(text))) for text in (old, new)
            ]
            if cleaned != [old, new]:
                self.conn.execute(
                    "UPDATE audit SET old = ?, new = ? WHERE id = ?", (*cleaned, audit_id)
                )
                changed += 1
        return changed

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


if TYPE_CHECKING:  # mypy proves here that both satisfy the protocol (structural typing)

    def _both_are_readers(register: Register, tx: Tx) -> tuple[Reader, Reader]:
        return register, tx
