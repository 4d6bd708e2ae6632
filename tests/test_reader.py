"""The `Reader` protocol: a `Register` and a `Tx` answer the same reads the same way.

mypy proves the structural conformance (foikit/register/core.py, `_both_are_readers`, checked
by `make lint` under `mypy --strict`); these tests prove the behaviour a read model relies on
when it is handed either one: the same rows, and a transaction sees its own uncommitted writes
while the rest of the world does not.
"""

from __future__ import annotations

import pytest

from foikit.register import Reader, Register

SETTING = "test.reader"

READS = [
    # (method, sql, params, why)
    ("query", "SELECT key, value FROM settings WHERE key = ?", (SETTING,), "rows as dicts"),
    ("one", "SELECT key, value FROM settings WHERE key = ?", (SETTING,), "one row or None"),
    ("scalar", "SELECT value FROM settings WHERE key = ?", (SETTING,), "one value or None"),
    ("one", "SELECT * FROM settings WHERE key = :k", {"k": "no.such"}, "named parameters"),
    ("scalar", "SELECT value FROM settings WHERE key = ?", ("no.such",), "no row: None"),
]


def _read(reader: Reader, method: str, sql: str, params: object) -> object:
    return getattr(reader, method)(sql, params)


@pytest.mark.parametrize(("method", "sql", "params", "why"), READS, ids=[r[3] for r in READS])
def test_a_transaction_reads_what_the_register_reads(empty_register, method, sql, params, why):
    with empty_register.transaction("alice") as tx:
        tx.insert("settings", {"key": SETTING, "value": "v1"}, pk="key")
    outside = _read(empty_register, method, sql, params)
    with empty_register.transaction("alice") as tx:
        assert _read(tx, method, sql, params) == outside, why


def test_a_transaction_sees_its_own_uncommitted_write_and_others_do_not(empty_register):
    other = Register(empty_register.path)
    try:
        with empty_register.transaction("alice") as tx:
            tx.insert("settings", {"key": SETTING, "value": "new"}, pk="key")
            assert tx.scalar("SELECT value FROM settings WHERE key = ?", (SETTING,)) == "new"
            assert tx.one("SELECT value FROM settings WHERE key = ?", (SETTING,)) == {
                "value": "new"
            }
            assert other.scalar("SELECT value FROM settings WHERE key = ?", (SETTING,)) is None
        assert other.scalar("SELECT value FROM settings WHERE key = ?", (SETTING,)) == "new"
    finally:
        other.close()


def test_reads_in_a_failed_transaction_leave_nothing_behind(empty_register):
    with pytest.raises(ZeroDivisionError), empty_register.transaction("alice") as tx:
        tx.insert("settings", {"key": SETTING, "value": "gone"}, pk="key")
        assert tx.query("SELECT value FROM settings WHERE key = ?", (SETTING,)) == [
            {"value": "gone"}
        ]
        raise ZeroDivisionError
    assert empty_register.query("SELECT value FROM settings WHERE key = ?", (SETTING,)) == []
