"""Backup, restore and check (issue 15): the restore drill, what a restore refuses, and what
`foikit check` catches."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register

TEMPLATES = Path(__file__).resolve().parent.parent / "foikit" / "letters" / "templates"


def run(*args):
    from foikit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def dump(path):
    """Every row of every table, for comparing a restored register with its backup."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM [{t}]"))) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def worked(db_path, tmp_path, monkeypatch):
    """A register with what `export` leaves out: letters, users, settings, holidays, ICO cases,
    reviews and the audit trail."""
    from foikit.casework.ico import open_complaint
    from foikit.casework.reviews import open_review
    from foikit.clock.duedates import add_holiday
    from foikit.letters import render_letter
    from foikit.register.settings import set_setting
    from foikit.register.users import add_user

    monkeypatch.chdir(tmp_path)
    with fresh_register(db_path) as reg:
        closed = answered_and_closed(reg)
        add(reg)
        render_letter(reg, closed, "response", template_dir=TEMPLATES, actor=OFFICER)
        open_review(reg, OFFICER, closed, received="2024-06-25", reviewer="r.eviewer", today=TODAY)
        open_complaint(
            reg, OFFICER, closed, case_reference="IC-9-Z", complained="2024-07-01", today=TODAY
        )
        add_holiday(reg, dt.date(2031, 6, 10), "Proclaimed day", OFFICER)
        add_user(reg, "jane.smith", "officer", "a long enough password 1", actor=OFFICER)
        set_setting(reg, "office.phone", "0121 626 6060", OFFICER)
    return db_path


def test_the_restore_drill(worked, tmp_path):
    """Back up, lose the register, restore, check: everything comes back, the audit trail,
    users, letters, settings, holidays, reviews and ICO cases included."""
    backup = tmp_path / "nightly" / "register.db"
    backup.parent.mkdir()
    result = run("backup", backup)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    at_backup = dump(worked)
    assert at_backup["audit"] and at_backup["users"] and at_backup["ico_cases"]
    # Work goes on after the backup, then the register is lost.
    assert (
        run(
            "request",
            "add",
            "--received",
            "2024-07-01",
            "--subject",
            "after",
            "--requester-name",
            "B",
            "--requester-email",
            "b@example.org",
            "--question",
            "q",
        ).exit_code
        == 0
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{worked}{suffix}").unlink(missing_ok=True)
    result = run("restore", backup)
    assert result.exit_code == 0, result.output
    assert dump(worked) == at_backup, "every table exactly as backed up"
    assert stat.S_IMODE(worked.stat().st_mode) == 0o600
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_restore_over_a_live_register_keeps_it_beside(worked, tmp_path):
    backup = tmp_path / "b.db"
    assert run("backup", backup).exit_code == 0
    at_backup = dump(worked)
    assert run("holidays", "add", "2031-06-17", "Later day").exit_code == 0
    after = dump(worked)
    result = run("restore", backup)
    assert result.exit_code == 1 and "--force" in result.output, "never replaced by accident"
    assert dump(worked) == after
    result = run("restore", backup, "--force")
    assert result.exit_code == 0, result.output
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and dump(kept[0]) == after, "the register replaced is kept whole"
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert dump(worked) == at_backup


def _truncated(src, dest):
    data = Path(src).read_bytes()
    Path(dest).write_bytes(data[: len(data) // 2])


def _flipped(src, dest):
    data = bytearray(Path(src).read_bytes())
    for i in range(8192, len(data), 4096):  # a byte in every page after the schema
        data[i + 100] ^= 0xFF
    Path(dest).write_bytes(bytes(data))


def _not_foikit(src, dest):
    conn = sqlite3.connect(dest)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _newer(src, dest):
    Path(dest).write_bytes(Path(src).read_bytes())
    conn = sqlite3.connect(dest)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('foikit', 'm999_from_the_future', '2099-01-01')"
    )
    conn.commit()
    conn.close()


def _text(src, dest):
    Path(dest).write_text("reference,subject\n")


def _dangling(src, dest):
    Path(dest).write_bytes(Path(src).read_bytes())
    conn = sqlite3.connect(dest)
    conn.execute("INSERT INTO questions (request_id, number, text) VALUES (9999, 1, 'orphan')")
    conn.commit()
    conn.close()


# (name, how the bad backup is made, expected in the error, why)
BAD_BACKUPS = [
    ("truncated", _truncated, "cannot", "a copy cut short by a full disk"),
    ("bit-flipped", _flipped, "cannot", "a damaged disk: integrity_check"),
    ("not-foikit", _not_foikit, "not a foikit register", "some other database"),
    ("newer", _newer, "newer foikit", "a schema this foikit does not know"),
    ("text", _text, "not an SQLite database", "an export is not a backup"),
    ("dangling-fk", _dangling, "foreign key", "a question of no request"),
]


@pytest.mark.parametrize("name, make, expected, why", BAD_BACKUPS, ids=[b[0] for b in BAD_BACKUPS])
def test_a_bad_backup_is_refused_even_with_force(worked, tmp_path, name, make, expected, why):
    good = tmp_path / "good.db"
    assert run("backup", good).exit_code == 0
    bad = tmp_path / f"{name}.db"
    make(good, bad)
    before = dump(worked)
    result = run("restore", bad, "--force")
    assert result.exit_code == 1, why
    assert result.output.count("Error:") == 1 and "Traceback" not in result.output
    assert expected in result.output, (why, result.output)
    assert dump(worked) == before, "the register untouched"
    assert not [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]


def _due(reg):
    reg.conn.execute("UPDATE requests SET due = '2099-01-01' WHERE status = 'open'")


def _letter_gone(reg):
    os.remove(reg.scalar("SELECT path FROM letters LIMIT 1"))


def _half_anonymised(reg):
    reg.conn.execute("UPDATE requesters SET anonymised_at = '2024-01-01'")


def _review_due(reg):
    reg.conn.execute("UPDATE reviews SET due = '2099-01-01'")


# (name, the damage, expected in the report, why)
DAMAGE = [
    ("due-date", _due, "but the clock gives", "a stored due date the clock disagrees with"),
    ("letter-file", _letter_gone, "neither on disk nor marked deleted", "a sent letter lost"),
    ("anonymised", _half_anonymised, "holds details", "retention half done"),
    ("review-due", _review_due, "review due", "a review's date the clock disagrees with"),
]


@pytest.mark.parametrize("name, damage, expected, why", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_check_finds_what_is_wrong(worked, name, damage, expected, why):
    from foikit.register import Register

    assert run("check").exit_code == 0
    with Register(worked) as reg:
        damage(reg)
        reg.conn.commit()
    result = run("check")
    assert result.exit_code == 1, why
    assert expected in result.output, (why, result.output)
