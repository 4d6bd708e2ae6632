"""Backup, restore and check: `foikit backup FILE`, `foikit restore FILE`, `foikit check`.

A backup is SQLite's online backup of the live register (officers may go on working while it
runs), checked with `PRAGMA integrity_check` before it is renamed into place, 0600. Unlike
`foikit export` it holds everything: the audit trail, users, letters, settings, holidays, ICO
cases and reviews.

A restore verifies the file first (an SQLite database, intact, foreign keys sound, a foikit
register no newer than this foikit) and refuses it otherwise, whatever `--force` says. The
register it replaces is copied beside it (`register.db.before-restore-20260101T020000`), and the
backup is copied into the live register with SQLite's backup API, under its lock: a process
that has the register open sees the restored data on its next read, never half of it.

`check` reports what is wrong: integrity, foreign keys, pending migrations, and foikit's own
invariants (every open request's stored due date equals the clock's, every undecided review's
too, every letter's file exists or is marked deleted, an anonymised requester holds no personal
data, references match their year and sequence).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError
from foikit.register.files import (
    PRIVATE_FILE,
    Kind,
    create_private,
    finish,
    guard_output,
    is_sqlite,
    temp_beside,
)

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


class BackupError(FoikitError):
    pass


def _integrity(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else [f"integrity: {r}" for r in rows[:20]]


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    return [
        f"foreign key: {table} row {rowid} points at a missing {parent} row"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]
    ]


def _copy(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()


@dataclass
class BackupReport:
    path: str
    bytes: int
    requests: int
    audit_rows: int
    files: int = 0  # documents and attachments taken with it

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def backup(reg: Register, dest: str | os.PathLike[str]) -> BackupReport:
    """An online, integrity-checked, private copy of the register at `dest`."""
    target = guard_output(dest, Kind.BACKUP, register=reg.path)
    tmp = temp_beside(target)
    create_private(tmp)
    try:
        _copy(reg.conn, tmp)
        conn = sqlite3.connect(tmp)
        try:
            from foikit.register.backup_files import store_files

            files = store_files(reg, conn)  # documents and attachments (issue 18)
            problems = _integrity(conn)
            requests = conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
            audit_rows = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
        finally:
            conn.close()
        if problems:
            raise BackupError(f"the backup failed its integrity check: {problems[0]}")
        finish(tmp, target, PRIVATE_FILE)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BackupReport(str(target), target.stat().st_size, requests, audit_rows, files)


def verify_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What a backup holds, or BackupError saying why it cannot be restored."""
    from foikit.register.schema import migrations

    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no backup at {str(source)!r}")
    if not is_sqlite(source):
        raise BackupError(f"{str(source)!r} is not an SQLite database")
    try:
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise BackupError(f"cannot open {str(source)!r}: {e}") from None
    try:
        problems = _integrity(conn) + _foreign_keys(conn)
        if problems:
            raise BackupError(f"{str(source)!r} cannot be restored: {problems[0]}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"_sqlite_migrations", "requests", "audit"} <= tables:
            raise BackupError(f"{str(source)!r} is not a foikit register")
        applied = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", ("foikit",)
            )
        }
        known = {m.name for m in migrations._migrations}
        unknown = sorted(applied - known)
        if unknown:
            raise BackupError(
                f"{str(source)!r} comes from a newer foikit (migration {unknown[0]}): upgrade first"
            )
        return {
            "path": str(source),
            "requests": conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0],
            "audit_rows": conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0],
            "last_change": conn.execute("SELECT MAX(at) FROM audit").fetchone()[0],
        }
    except sqlite3.Error as e:
        raise BackupError(f"{str(source)!r} cannot be read: {e}") from None
    finally:
        conn.close()


@dataclass
class RestoreReport:
    restored: str
    into: str
    kept: str | None
    requests: int
    audit_rows: int
    migrations: list[str] = field(default_factory=list)
    files: int = 0  # documents and attachments written back

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def restore(
    register_path: str | os.PathLike[str],
    source: str | os.PathLike[str],
    *,
    force: bool = False,
    now: dt.datetime | None = None,
) -> RestoreReport:
    """Replace the register with a verified backup; the register replaced is kept beside it."""
    from foikit.register.core import BUSY_TIMEOUT_S, Register

    live = Path(register_path)
    src = Path(source)
    if live.exists() and src.exists() and os.path.samefile(live, src):
        raise BackupError("that is the register itself, not a backup of it")
    info = verify_backup(src)
    from foikit.register.backup_files import check_files

    checking = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check_files(checking, live)  # a tampered file refused before anything is written
    except FoikitError as e:
        raise BackupError(f"{str(src)!r} cannot be restored: {e}") from None
    finally:
        checking.close()
    kept: Path | None = None
    if live.exists():
        if not force:
            raise BackupError(
                f"a register already exists at {str(live)!r}: restoring replaces it (it is kept"
                " beside it); add --force to go ahead"
            )
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
        with Register(live) as current:
            create_private(kept)
            _copy(current.conn, kept)
    else:
        if not live.parent.is_dir():
            raise BackupError(f"the folder {str(live.parent)!r} does not exist")
        create_private(live)
    from foikit.register.backup_files import drop_table, restore_files

    source_conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    try:
        files = restore_files(source_conn, live)  # checked against their SHA-256 first
        dest = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
        try:
            source_conn.backup(dest)  # under the register's lock: all of it or none
        finally:
            dest.close()
    finally:
        source_conn.close()
    drop_table(live)
    with Register(live) as restored:
        applied = restored.migrate()
    return RestoreReport(
        str(src),
        str(live),
        str(kept) if kept else None,
        info["requests"],
        info["audit_rows"],
        applied,
        files,
    )


# -- check ------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    path: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, **self.__dict__}


def _due_dates(reg: Reader, report: CheckReport) -> None:
    from foikit.clock.duedates import deadline_for, load_calendar
    from foikit.clock.rules import review_due

    cal = load_calendar(reg)
    rows = reg.query(
        "SELECT id, reference, due, notice_due, clock_stopped FROM requests"
        " WHERE status = 'open' ORDER BY id"
    )
    for row in rows:
        try:
            deadline = deadline_for(reg, row["id"], cal)
        except FoikitError as e:
            report.problems.append(f"{row['reference']}: its clock cannot be worked out ({e})")
            continue
        due = deadline.due.isoformat() if deadline.due else None
        if row["due"] != due:
            report.problems.append(
                f"{row['reference']}: stored due date {row['due']} but the clock gives {due}"
            )
    report.checked["open requests"] = len(rows)
    for review in reg.query(
        "SELECT v.received, v.extended, v.due, r.reference, r.regime FROM reviews v"
        " JOIN requests r ON r.id = v.request_id WHERE v.decided IS NULL"
    ):
        wanted = review_due(
            dt.date.fromisoformat(review["received"]),
            cal,
            bool(review["extended"]),
            regime=review["regime"],
        ).isoformat()
        if review["due"] != wanted:
            report.problems.append(
                f"{review['reference']}: review due {review['due']} but the clock gives {wanted}"
            )


def _letters(reg: Reader, report: CheckReport) -> None:
    rows = reg.query("SELECT id, path, deleted_at FROM letters ORDER BY id")
    for row in rows:
        if row["deleted_at"] is None and not os.path.exists(row["path"]):
            report.problems.append(
                f"letter {row['id']}: {row['path']} is neither on disk nor marked deleted"
            )
    report.checked["letters"] = len(rows)


def check_register(reg: Register) -> CheckReport:
    """Integrity, foreign keys, migrations and foikit's own invariants (see the module)."""
    report = CheckReport(str(reg.path))
    report.problems += _integrity(reg.conn) + _foreign_keys(reg.conn)
    if not reg.is_initialised():
        report.problems.append("the register is not initialised or is out of date: foikit init")
        return report
    _due_dates(reg, report)
    _letters(reg, report)
    for row in reg.query(
        "SELECT id FROM requesters WHERE anonymised_at IS NOT NULL AND (name IS NOT NULL"
        " OR email IS NOT NULL OR address IS NOT NULL OR phone IS NOT NULL)"
    ):
        report.problems.append(f"requester {row['id']} is marked anonymised but holds details")
    for row in reg.query("SELECT reference, regime, year, seq FROM requests"):
        if not row["reference"].endswith(f"-{row['year']}-{row['seq']:04d}"):
            report.problems.append(
                f"{row['reference']}: reference does not match year {row['year']}"
                f" and sequence {row['seq']}"
            )
    report.checked["requests"] = reg.scalar("SELECT COUNT(*) FROM requests")
    mode = reg.path.stat().st_mode & 0o777
    if mode & 0o077:
        report.warnings.append(
            f"{reg.path} is readable by others (mode {mode:o}): chmod 600 {reg.path}"
        )
    return report
