"""Nothing lost (issue 15): the output guard, file modes, secure delete, letters never written
over, the calendar read inside the write transaction, and bad input refused with one line."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register

from foikit.register import Register

TEMPLATES = Path(__file__).resolve().parent.parent / "foikit" / "letters" / "templates"


@pytest.fixture
def reg(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOIKIT_TEMPLATES", str(TEMPLATES))
    register = fresh_register(db_path)
    yield register
    register.close()


def run(*args, input=None):
    from foikit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def state(reg):
    """What a refused command must leave as it was: the audit trail and every request."""
    return (
        reg.scalar("SELECT MAX(id) FROM audit"),
        reg.query("SELECT * FROM requests ORDER BY id"),
    )


def one_error_line(result):
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    return result.exit_code == 1 and len(lines) == 1 and "Traceback" not in result.output


# -- the output guard ------------------------------------------------------------------------

# (name, argv with {db}, {other} and {ref} to fill in, expected error, why)
GUARD = [
    ("publish-over-register", ["publish", "--out", "{db}"], "over the register", "issue 15"),
    ("publish-over-wal", ["publish", "--out", "{db}-wal"], "over the register", "WAL side file"),
    (
        "publish-over-another-db",
        ["publish", "--out", "{other}"],
        "it is an SQLite database",
        "a copy of the register kept elsewhere is not a disclosure log",
    ),
    (
        "letter-over-register",
        ["letter", "{ref}", "acknowledgement", "--out", "{db}"],
        "over the register",
        "issue 15: a letter replaced every record",
    ),
    (
        "letter-over-another-db",
        ["letter", "{ref}", "acknowledgement", "--out", "{other}"],
        "it is an SQLite database",
        "no letter is an SQLite file",
    ),
    (
        "export-over-register",
        ["export", "--csv", "--out", "{db}"],
        "over the register",
        "issue 15: export replaced the register",
    ),
    (
        "export-json-over-another-db",
        ["export", "--out", "{other}"],
        "it is an SQLite database",
        "an export is text",
    ),
    (
        "backup-over-register",
        ["backup", "{db}"],
        "over the register",
        "a backup is never the register",
    ),
    (
        "backup-over-disclosure-log",
        ["backup", "{log}"],
        "it is an SQLite database",
        "a disclosure log is not a backup",
    ),
    (
        "export-to-missing-folder",
        ["export", "--out", "/nonexistent/x.csv"],
        "the folder '/nonexistent' does not exist",
        "issue 15: was a traceback",
    ),
]


@pytest.mark.parametrize("name, argv, expected, why", GUARD, ids=[g[0] for g in GUARD])
def test_no_writer_writes_over_the_register_or_another_database(
    reg, db_path, tmp_path, name, argv, expected, why
):
    ref = answered_and_closed(reg)
    other = tmp_path / "copy-of-register.db"
    shutil.copyfile(db_path, other)
    log = tmp_path / "disclosure.db"
    assert run("publish", "--out", log).exit_code == 0
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = {p: digest(p) for p in (db_path, other, log)}
    rows = state(reg)
    filled = [a.format(db=db_path, other=other, ref=ref, log=log) for a in argv]
    result = run(*filled)
    assert one_error_line(result), (why, result.output)
    assert expected in result.output, why
    assert {p: digest(p) for p in before} == before, "every database as it was"
    assert state(reg) == rows


def test_publish_may_replace_its_own_kind_and_backup_its_own(reg, db_path, tmp_path):
    answered_and_closed(reg)
    assert run("publish", "--out", tmp_path / "log.db").exit_code == 0
    assert run("publish", "--out", tmp_path / "log.db").exit_code == 0, "a log replaces a log"
    assert run("backup", tmp_path / "b.db").exit_code == 0
    assert run("backup", tmp_path / "b.db").exit_code == 0, "a backup replaces a backup"


# -- file modes, fsync, secure delete -----------------------------------------------------------

# (what, how to make it, expected mode, why)
MODES = [
    ("register", lambda t, ref: t / "new.db", 0o600, "personal data of requesters"),
    ("letter", lambda t, ref: t / "responses" / f"{ref}-acknowledgement.docx", 0o600, "names"),
    ("letters folder", lambda t, ref: t / "responses", 0o700, "a folder of personal data"),
    ("export", lambda t, ref: t / "export.csv", 0o600, "the export holds requesters' details"),
    ("report folder", lambda t, ref: t / "report", 0o700, "the report names staff"),
    ("report file", lambda t, ref: t / "report" / "summary.md", 0o600, "names staff"),
    ("backup", lambda t, ref: t / "backup.db", 0o600, "everything, the audit trail included"),
    ("disclosure log", lambda t, ref: t / "disclosure.db", 0o644, "public: the server reads it"),
]


@pytest.mark.parametrize(
    "umask", [0o000, 0o022, 0o077], ids=["umask-000", "umask-022", "umask-077"]
)
def test_files_get_their_modes_whatever_the_umask(reg, db_path, tmp_path, monkeypatch, umask):
    ref = answered_and_closed(reg)
    monkeypatch.setenv("FOIKIT_RESPONSES", str(tmp_path / "responses"))
    old = os.umask(umask)
    try:
        from foikit.register.init import init_register

        init_register(tmp_path / "new.db", load_facts=False, actor="t")
        for argv in (
            ["letter", ref, "acknowledgement"],
            ["export", "--csv", "--out", tmp_path / "export.csv"],
            ["report", "--out", tmp_path / "report"],
            ["backup", tmp_path / "backup.db"],
            ["publish", "--out", tmp_path / "disclosure.db"],
        ):
            result = run(*argv)
            assert result.exit_code == 0, result.output
    finally:
        os.umask(old)
    for what, where, expected, why in MODES:
        mode = stat.S_IMODE(os.stat(where(tmp_path, ref)).st_mode)
        assert mode == expected, f"{what}: {mode:o} ({why})"


def test_secure_delete_leaves_no_copy_in_the_file(reg, db_path):
    from foikit.clock.duedates import add_holiday, remove_holiday

    marker = "Coronation of Zyxwvut Qponmlk"
    add_holiday(reg, dt.date(2031, 6, 10), marker, OFFICER)
    remove_holiday(reg, dt.date(2031, 6, 10), OFFICER)
    # The audit rows name it too (as they must): clear them, as retention would.
    reg.conn.execute(
        "UPDATE audit SET old = NULL, new = NULL WHERE old LIKE ? OR new LIKE ?",
        (f"%{marker}%", f"%{marker}%"),
    )
    reg.conn.commit()
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert reg.scalar("PRAGMA secure_delete") == 1
    data = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert marker.encode() not in data, "deleted text is zeroed on disk (PRAGMA secure_delete)"


# -- letters are never written over -------------------------------------------------------------


def test_every_rendering_is_a_new_file_and_the_sent_one_is_kept(reg, tmp_path, monkeypatch):
    from foikit.letters import render_letter

    monkeypatch.setenv("FOIKIT_RESPONSES", str(tmp_path / "responses"))
    ref = answered_and_closed(reg)
    first = render_letter(reg, ref, "response", template_dir=TEMPLATES, actor=OFFICER)
    sent = digest(first)
    draft = render_letter(reg, ref, "response", template_dir=TEMPLATES, draft=True, actor=OFFICER)
    second = render_letter(reg, ref, "response", template_dir=TEMPLATES, actor=OFFICER)
    assert first.name == f"{ref}-response.docx"
    assert second.name == f"{ref}-response-2.docx", "a new name, never the sent one's"
    assert draft.name == f"{ref}-response-draft.docx"
    assert digest(first) == sent, "the letter that went out is on disk exactly as sent"
    rows = reg.query("SELECT id, path, sent_at, supersedes FROM letters ORDER BY id")
    assert [r["sent_at"] is not None for r in rows] == [True, False, True], "drafts are not sent"
    assert rows[2]["supersedes"] == rows[0]["id"], "the second names the one it follows"
    result = run("letter", ref, "response", "--out", first)
    assert one_error_line(result) and "never written over" in result.output
    assert digest(first) == sent


# -- the calendar is read inside the write transaction ------------------------------------------


def _hold_the_lock(db_path, holiday):
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO holidays (date, name, nations, source)"
        " VALUES (?, 'Proclaimed', 'ENG', 'manual')",
        (holiday,),
    )
    return conn


def test_a_holiday_added_while_a_request_is_logged_counts(reg, db_path):
    """Issue 15: 10 of 10 trials gave the old calendar's date. Another officer's transaction
    adds a holiday inside the new request's 20 working days and commits while `add` waits."""
    conn = _hold_the_lock(db_path, "2024-06-12")
    done: dict[str, str] = {}

    def log_request():
        with Register(db_path) as other:
            done["ref"] = add(other)

    worker = threading.Thread(target=log_request)
    worker.start()
    time.sleep(0.5)  # the request is waiting for the lock, the calendar not yet read
    conn.execute("COMMIT")
    conn.close()
    worker.join(30)
    due = reg.scalar("SELECT due FROM requests WHERE reference = ?", (done["ref"],))
    assert due == "2024-07-02", "20 working days from 3 June 2024, one more for the new holiday"


def test_the_same_holiday_added_twice_at_once_is_one_error(reg, db_path):
    conn = _hold_the_lock(db_path, "2031-06-17")  # another day: it only holds the lock
    results: list[object] = []

    def add_it():
        from foikit.clock.duedates import add_holiday

        with Register(db_path) as other:
            try:
                add_holiday(other, dt.date(2031, 6, 10), "Proclaimed", OFFICER)
                results.append("added")
            except Exception as e:  # the one we want is HolidayError, never IntegrityError
                results.append(type(e).__name__)

    workers = [threading.Thread(target=add_it) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(0.5)
    conn.execute("ROLLBACK")
    conn.close()
    for w in workers:
        w.join(30)
    assert sorted(results) == ["HolidayError", "added"]


# -- bad input: one Error line, nothing written ---------------------------------------------------

# (name, argv with {ref} (open), {closed}, {empty}; expected in the error; why)
BAD = [
    ("by-not-utf8", ["request", "show", "{ref}", "--by", "A\udcff"], "not UTF-8", "surrogates"),
    ("ref-not-utf8", ["request", "show", "FOI-\udcff"], "not UTF-8", "issue 15: a traceback"),
    ("nul-byte", ["request", "answer", "{ref}", "1", "--text", "a\x00b"], "NUL", "cut short"),
    (
        "fee-1e50",
        ["request", "fee", "{ref}", "--sent", "2024-06-04", "--amount", "1e50"],
        "more than £1,000,000",
        "issue 15: decimal overflow traceback",
    ),
    (
        "fee-negative",
        ["request", "fee", "{ref}", "--sent", "2024-06-04", "--amount", "-5"],
        "more than £0",
        "s.9: a fee is a sum owed",
    ),
    (
        "days-10^20",
        ["request", "extend", "{ref}", "--reason", "public-interest", "--days", str(10**20)],
        "10,000 or less",
        "issue 15: OverflowError",
    ),
    (
        "due-within-10^20",
        ["request", "list", "--due-within", str(10**20)],
        "10,000 or less",
        "OverflowError",
    ),
    ("deadline-9999", ["deadline", "9999-12-31"], "9999-12-31", "issue 15: year 10000"),
    (
        "received-future",
        [
            "request",
            "add",
            "--received",
            "2030-01-01",
            "--subject",
            "s",
            "--requester-name",
            "A",
            "--requester-email",
            "a@example.org",
            "--question",
            "q",
        ],
        "in the future",
        "issue 15: received in 2030",
    ),
    (
        "received-basic-iso",
        [
            "request",
            "add",
            "--received",
            "20210605",
            "--subject",
            "s",
            "--requester-name",
            "A",
            "--requester-email",
            "a@example.org",
            "--question",
            "q",
        ],
        "YYYY-MM-DD",
        "issue 15: Python reads 20210605 as a date",
    ),
    (
        "close-no-questions",
        [
            "request",
            "close",
            "{empty}",
            "--responded",
            "2024-06-20",
            "--outcome",
            "granted-in-full",
        ],
        "has no questions",
        "issue 15: nothing was asked",
    ),
    (
        "retention-forever",
        ["retention", "--older-than", "99999999y"],
        "outside the years",
        "AssertionError",
    ),
    (
        "ico-decided-twice",
        [
            "ico",
            "decide",
            "{closed}",
            "--decided",
            "2024-07-20",
            "--decision",
            "upheld",
            "--case-reference",
            "IC-1-A",
            "--today",
            "2024-07-31",
        ],
        "never overwritten",
        "issue 15: the ICO's decision overwritten",
    ),
    (
        "holiday-name-huge",
        ["holidays", "add", "2031-06-10", "x" * 5000],
        "at most 200",
        "a name, not a document",
    ),
]


@pytest.mark.parametrize("name, argv, expected, why", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_error_line_and_writes_nothing(reg, name, argv, expected, why):
    from foikit.casework.ico import decide, open_complaint

    ref = add(reg)
    empty = add(reg, questions=[])
    closed = answered_and_closed(reg)
    open_complaint(
        reg, OFFICER, closed, case_reference="IC-1-A", complained="2024-07-01", today=TODAY
    )
    decide(reg, OFFICER, closed, decided="2024-07-10", decision="not-upheld", today=TODAY)
    rows = state(reg)
    filled = [a.format(ref=ref, closed=closed, empty=empty) for a in argv]
    result = run(*filled)
    assert one_error_line(result), (why, result.output)
    assert expected in result.output, why
    assert state(reg) == rows, "nothing written"


def test_init_does_not_turn_another_database_into_a_register(reg, tmp_path):
    """`foikit --db disclosure.db init` would add the register's tables to the public log."""
    log = tmp_path / "disclosure.db"
    answered_and_closed(reg)
    assert run("publish", "--out", log).exit_code == 0
    before = digest(log)
    result = run("--db", log, "init")
    assert one_error_line(result) and "not a register" in result.output
    assert digest(log) == before
