"""What every casework module shares: dates, finding a request, bumping its version, the clock.

The request lifecycle (foikit.casework.lifecycle), internal review (foikit.casework.reviews),
the ICO (foikit.casework.ico) and the read side (foikit.casework.casefile) build on these; none
of them imports click.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foikit.errors import InvalidDate, InvalidRequest, RequestNotFound, StaleRecord
from foikit.formats import iso_date
from foikit.law.outcomes import ANSWER_STATUSES

if TYPE_CHECKING:
    from foikit.register.core import Tx
    from foikit.register.reader import Reader


if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar

CHANNELS = ("email", "post", "web", "phone", "in-person", "social-media", "whatdotheyknow")
QUESTION_STATUSES = ANSWER_STATUSES  # the law's one list (foikit.law.outcomes)


class RequestClosed(InvalidRequest):
    """The change needs an open request."""


def as_date(value: dt.date | str | None, what: str) -> dt.date:
    """A date from a `date` or an ISO string; InvalidDate otherwise (2021-02-30 included)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:  # exactly YYYY-MM-DD (foikit.formats.iso_date, the one reader of dates as text)
            return iso_date(value.strip())
        except ValueError:
            pass
    raise InvalidDate(f"the {what} {value!r} is not a date in the form YYYY-MM-DD")


def check_text(what: str, *values: Any) -> None:
    """Text SQLite can store: undecodable bytes on a command line arrive as lone surrogates,
    which would fail deep in the write; refuse them here with a clear line instead."""
    for value in values:
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidRequest(f"the {what} must be text, not {type(value).__name__}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRequest(
                f"the {what} holds bytes that are not UTF-8 text (is the terminal set to UTF-8?)"
            ) from None
        if "\x00" in value:  # cuts a string short in C, Word and the disclosure log
            raise InvalidRequest(f"the {what} holds a NUL byte")


def resolve_today(today: dt.date | str | None) -> dt.date:
    """`today` as given (tests, back-dated entry), else the machine's date: read at the edge."""
    return dt.date.today() if today is None else as_date(today, "date for today")


def check_not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise InvalidDate(
            f"the {what} {day.isoformat()} is in the future (today is {today.isoformat()})"
        )


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def from_iso(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def normalise_reference(reference: str) -> str:
    return reference.strip().upper()


def get_request_row(reg: Reader, reference: str) -> dict[str, Any]:
    """The `requests` row for a reference (case-insensitive); RequestNotFound otherwise."""
    ref = normalise_reference(reference)
    row = reg.one("SELECT * FROM requests WHERE reference = ?", (ref,))
    if row is None:
        # An imported request answers to the office's own reference too (4/19, FOI/21/045).
        rows = reg.query(
            "SELECT * FROM requests WHERE original_reference = ? LIMIT 2", (reference.strip(),)
        )
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise RequestNotFound(f"no request {reference.strip()!r} in the register")
    return row


def request_id(reg: Reader, reference: str) -> int:
    return int(get_request_row(reg, reference)["id"])


def require_open(row: dict[str, Any], doing: str) -> None:
    if row["status"] != "open":
        raise RequestClosed(
            f"{row['reference']} is closed (responded {row['responded']}): cannot {doing}"
        )


def touch(tx: Tx, request_id: int, changes: dict[str, Any] | None = None, **kw: Any) -> None:
    """Change a request's columns and bump its version, in one audited update.

    Called for every change to a request or anything that belongs to it, so a form showing an
    older version can be refused (`expected_version`).
    """
    current = tx.execute("SELECT version FROM requests WHERE id = ?", (request_id,)).fetchone()
    row = {**(changes or {}), "updated_at": tx.at, "version": int(current[0]) + 1}
    tx.update("requests", request_id, row, **kw)


def last_change(reg: Reader, request_id: int) -> str:
    """` by NAME at 10:42 UTC on 2021-07-01`: the latest audit row for the request (or "")."""
    last = reg.one(
        "SELECT actor, at FROM audit WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,)
    )
    if last is None:
        return ""
    return f" by {last['actor']} at {last['at'][11:16]} UTC on {last['at'][:10]}"


def check_version(reg: Reader, row: dict[str, Any], expected_version: int | None) -> None:
    """StaleRecord when the request is no longer at `expected_version` (None: no check).

    Call inside the transaction that writes, straight after reading the row: the register
    opens BEGIN IMMEDIATE, so no other connection can change the request between this check
    and the write it guards.
    """
    if expected_version is None or int(row["version"]) == int(expected_version):
        return
    raise StaleRecord(
        f"{row['reference']} was changed{last_change(reg, row['id'])} after you opened it "
        f"(it is at version {row['version']}, yours was {expected_version}), so your change "
        "was not saved: check the request as it is now and try again"
    )


def load_calendar(reg: Reader) -> Calendar:
    """The register's working-day calendar: the clock's own loader (memoised on the holidays
    table's content, so an added holiday is never missed), never a second reading of the table."""
    from foikit.clock.duedates import load_calendar as from_table

    return from_table(reg)


def recompute(tx: Tx, rid: int, cal: Calendar) -> dict[str, Any]:
    """Write the request's due date, notice date and stopped clock from its events (the clock's
    rules, foikit.clock.duedates); call inside the transaction that changed them."""
    from foikit.clock.duedates import recompute as write_due_dates

    return write_due_dates(tx, rid, cal)


def next_seq(tx: Tx, regime: str, prefix: str, year: int) -> int:
    """The number of the next reference of a regime and year, read inside the transaction that
    takes it: one past the highest in the register, and at least the `reference.next` setting
    when that names the same prefix and year (an office continuing its own numbering)."""
    seq = int(
        tx.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM requests WHERE regime = ? AND year = ?",
            (regime, year),
        ).fetchone()[0]
    )

    def read() -> Any:
        return tx.execute("SELECT value FROM settings WHERE key = 'reference.next'").fetchone()

    # Read once for a whole import (Register.cached_read), again after any settings write.
    cached_read = getattr(getattr(tx, "register", None), "cached_read", None)
    row = read() if cached_read is None else cached_read("reference.next", ("settings",), read)
    if row is not None and row[0]:
        wanted_prefix, wanted_year, wanted_seq = str(row[0]).split("-")
        if wanted_prefix == prefix and int(wanted_year) == year:
            seq = max(seq, int(wanted_seq))
    return seq
