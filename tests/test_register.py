"""The Register facade: connection settings, one write path, the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from foikit.errors import RegisterNotInitialised, RegisterPathError
from foikit.register import Register


def test_connection_is_wal_with_foreign_keys_and_busy_timeout(empty_register):
    assert empty_register.scalar("PRAGMA journal_mode") == "wal"
    assert empty_register.scalar("PRAGMA foreign_keys") == 1
    assert empty_register.scalar("PRAGMA busy_timeout") >= 10_000


def test_every_change_writes_an_audit_row_with_old_and_new_values(empty_register):
    with empty_register.transaction("alice") as tx:
        tx.insert("settings", {"key": "test.phone", "value": "0121 000 0000"}, pk="key")
    with empty_register.transaction("bob") as tx:
        tx.update("settings", "test.phone", {"value": "0121 626 6060"}, pk="key")
    rows = empty_register.query(
        "SELECT actor, action, old, new FROM audit WHERE row_id = 'test.phone' ORDER BY id"
    )
    assert [(r["actor"], r["action"]) for r in rows][-2:] == [
        ("alice", "insert"),
        ("bob", "update"),
    ]
    assert json.loads(rows[-1]["old"]) == {"value": "0121 000 0000"}
    assert json.loads(rows[-1]["new"]) == {"value": "0121 626 6060"}


def test_a_failed_transaction_leaves_neither_change_nor_audit_row(empty_register):
    before = empty_register.scalar("SELECT count(*) FROM audit")
    with pytest.raises(ZeroDivisionError), empty_register.transaction("alice") as tx:
        tx.insert("settings", {"key": "x.half", "value": "1"}, pk="key")
        raise ZeroDivisionError
    assert empty_register.scalar("SELECT count(*) FROM settings WHERE key = 'x.half'") == 0
    assert empty_register.scalar("SELECT count(*) FROM audit") == before


def test_an_update_that_changes_nothing_writes_no_audit_row(empty_register):
    with empty_register.transaction("alice") as tx:
        tx.upsert("settings", {"key": "k", "value": "v"}, pk="key")
    before = empty_register.scalar("SELECT count(*) FROM audit")
    with empty_register.transaction("alice") as tx:
        assert tx.upsert("settings", {"key": "k", "value": "v"}, pk="key") == "unchanged"
    assert empty_register.scalar("SELECT count(*) FROM audit") == before


def test_a_register_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(RegisterPathError, match="does not exist"):
        Register(tmp_path / "nope" / "register.db", create=True)


def test_opening_a_missing_register_without_create_asks_for_init(tmp_path):
    with pytest.raises(RegisterNotInitialised, match="foikit init"):
        Register(tmp_path / "register.db")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "register.db"
    path.write_text("this is not a database " * 100)
    with pytest.raises(RegisterPathError):
        Register(path)


def test_foreign_keys_are_enforced(empty_register):
    with pytest.raises(sqlite3.IntegrityError), empty_register.transaction("alice") as tx:
        tx.insert("questions", {"request_id": 999, "number": 1, "text": "orphan"})


def test_password_hashes_never_reach_the_audit_trail(empty_register):
    from foikit.register.users import add_user, set_password

    add_user(empty_register, "ann.admin", "administrator", "correct horse battery", actor="t")
    set_password(empty_register, "ann.admin", "another good passphrase", actor="t")
    stored = empty_register.scalar("SELECT password_hash FROM users WHERE name = 'ann.admin'")
    trail = " ".join(
        f"{r['old']} {r['new']}" for r in empty_register.query("SELECT old, new FROM audit")
    )
    assert stored and stored not in trail
    assert "[secret]" in trail  # the change itself is still recorded


def test_requester_details_stay_out_of_the_audit_trail(register):
    from foikit.casework.lifecycle import add_request

    add_request(
        register,
        "t",
        received=dt.date(2024, 6, 3),
        subject="Budgets",
        requester_name="Priya Marchetti",
        requester_email="priya.m@example.org",
        requester_address=["12 Lime Grove", "Walsall", "WS1 1AA"],
        questions=["How much?"],
        today=dt.date(2024, 6, 3),
    )
    trail = " ".join(f"{r['old']} {r['new']}" for r in register.query("SELECT old, new FROM audit"))
    for personal in ["Priya", "Marchetti", "priya.m@example.org", "Lime Grove", "WS1 1AA"]:
        assert personal not in trail
    assert "[personal data]" in trail


# -- one write path ---------------------------------------------------------------------------


def test_mutating_sql_from_outside_the_register_package_is_refused(register, tmp_path):
    """The guard every test runs under (tests/write_guard.py) catches a module that writes to
    the register behind the audit trail's back, and lets the register's own code through."""
    import importlib.util

    from write_guard import PACKAGE

    import foikit

    rogue = PACKAGE / "casework" / "_rogue_writer_for_test.py"
    rogue.write_text(
        "def write(reg):\n    reg.conn.execute(\"UPDATE users SET role = 'administrator'\")\n"
    )
    try:
        spec = importlib.util.spec_from_file_location("foikit.casework._rogue", rogue)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            module.write(register)
    finally:
        rogue.unlink()
    with register.transaction("test.officer") as tx:  # the audited path still writes
        tx.execute("SELECT 1")
        tx.update("settings", "office.name", {"value": "Renamed"}, pk="key")
    assert register.scalar("SELECT value FROM settings WHERE key = 'office.name'") == "Renamed"
    assert foikit
