"""The register side of the clock: the calendar from the holidays table, due dates written back.

The request lifecycle calls `recompute` inside its own transaction after it records a clock
event; `holidays add/remove` call `recompute_open` so that every open deadline moves with the
calendar in the same transaction as the change, each with its audit row.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from foikit.clock import rules as clock
from foikit.clock.workdays import (
    NATIONS,
    Calendar,
    PackageDays,
    default_cache_dir,
    default_years,
    is_statutory,
    parse_nations,
    uk_holidays,
)
from foikit.errors import HolidayError, RequestNotFound

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


SAR_NATION_KEY = "clock.sar_nation"
DEFAULT_NATION = "ENG"
HOLIDAYS_SQL = "SELECT date, name, nations, source FROM holidays ORDER BY date"
PACKAGE_SOURCE = "holidays-package"
_T = TypeVar("_T")


def calendar_from_rows(rows: list[dict[str, Any]]) -> Calendar:
    """The years covered are those the `holidays` package was loaded for: a day added by hand
    in a later year must not make the years before it look complete."""
    loaded = [r["date"][:4] for r in rows if r.get("source") == PACKAGE_SOURCE] or [
        r["date"][:4] for r in rows
    ]
    years = (int(min(loaded)), int(max(loaded))) if loaded else None
    cal = Calendar.from_rows(rows, years)
    if years is None:
        return cal  # nothing loaded yet: `foikit init` first, not a silent package calendar
    # Any other year the `holidays` package covers is read from it on demand (not stored).
    return Calendar(cal.holidays, cal.years, PackageDays(default_cache_dir()))


def _execute(reg_or_tx: Reader, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Read through a Register or a Tx (both hold the connection)."""
    return list(reg_or_tx.conn.execute(sql, params))


def _cached(reg: Reader, key: str, table: str, read: Callable[[], _T]) -> _T:
    """`read()`, kept by the Register for the length of a unit of work (an import) until the
    table is written (Register.cached_read); read afresh otherwise."""
    cached_read = getattr(getattr(reg, "register", reg), "cached_read", None)
    return read() if cached_read is None else cast(_T, cached_read(key, (table,), read))


def load_calendar(reg: Reader) -> Calendar:
    """The working-day calendar from the register's holidays table (a Register or a Tx).

    Read afresh every time (an added holiday is never missed) but built once per content;
    inside an import's unit of work, read once until a holiday is added or removed.
    """
    return _cached(
        reg,
        "clock.calendar",
        "holidays",
        lambda: _calendar_for(tuple(tuple(r) for r in _execute(reg, HOLIDAYS_SQL))),
    )


@functools.lru_cache(maxsize=8)
def _calendar_for(rows: tuple[tuple[str, str, str, str], ...]) -> Calendar:
    keys = ("date", "name", "nations", "source")
    return calendar_from_rows([dict(zip(keys, row, strict=True)) for row in rows])


def sar_nation(reg: Reader) -> str:
    """The authority's own nation for subject access dates (setting clock.sar_nation)."""

    def read() -> str:
        rows = _execute(reg, "SELECT value FROM settings WHERE key = ?", (SAR_NATION_KEY,))
        value = str(rows[0][0]).upper() if rows and rows[0][0] else DEFAULT_NATION
        return value if value in NATIONS else DEFAULT_NATION

    return _cached(reg, SAR_NATION_KEY, "settings", read)


def calendar_at(path: str | Path) -> tuple[Calendar, str] | None:
    """The calendar and SAR nation of the register at `path`, read with plain sqlite3 (fast,
    read-only); None when there is no register there or it holds no holidays yet."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(HOLIDAYS_SQL)]
        if not rows:
            return None
        setting = conn.execute(
            "SELECT value FROM settings WHERE key = ?", (SAR_NATION_KEY,)
        ).fetchone()
    except sqlite3.Error:
        return None  # not a register (or not initialised): the package calendar will do
    finally:
        conn.close()
    nation = str(setting[0]).upper() if setting and setting[0] else DEFAULT_NATION
    return calendar_from_rows(rows), nation if nation in NATIONS else DEFAULT_NATION


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def events_for(reg_or_tx: Reader, request_id: int) -> list[clock.ClockEvent]:
    """A request's clock events in the order they happened: by date, then as recorded; an
    undated extension stays where it was recorded."""
    rows = _execute(
        reg_or_tx,
        "SELECT kind, date, days, reason, late FROM clock_events WHERE request_id = ? ORDER BY id",
        (request_id,),
    )
    keyed = []
    last = ""
    for i, row in enumerate(rows):
        last = row["date"] or last
        keyed.append(((last, i), row))
    keyed.sort(key=lambda item: item[0])
    return [
        clock.ClockEvent(
            row["kind"], _date(row["date"]), row["days"], row["reason"], bool(row["late"])
        )
        for _, row in keyed
    ]


def deadline_for(reg_or_tx: Reader, request_id: int, cal: Calendar) -> clock.Deadline:
    """The Deadline of one request, from its row and clock events (no writing)."""
    rows = _execute(reg_or_tx, "SELECT regime, received FROM requests WHERE id = ?", (request_id,))
    if not rows:
        raise RequestNotFound(f"no request with id {request_id}")
    received = dt.date.fromisoformat(rows[0]["received"])
    return clock.request_deadline(
        received,
        rows[0]["regime"],
        events_for(reg_or_tx, request_id),
        cal,
        nation=sar_nation(reg_or_tx),
    )


def recompute(tx: Tx, request_id: int, cal: Calendar) -> dict[str, Any]:
    """Write the request's due / notice_due / clock_stopped from its events; returns the changes
    ({} when nothing moved). Call it inside the transaction that changed the events."""
    deadline = deadline_for(tx, request_id, cal)
    wanted = {
        "due": _iso(deadline.due),
        "notice_due": _iso(deadline.notice_due),
        "clock_stopped": deadline.stopped,
    }
    row = _execute(
        tx,
        "SELECT due, notice_due, clock_stopped, version FROM requests WHERE id = ?",
        (request_id,),
    )[0]
    changes = {k: v for k, v in wanted.items() if row[k] != v}
    if not changes:
        return {}
    tx.update(
        "requests",
        request_id,
        {**changes, "version": row["version"] + 1, "updated_at": tx.at},
        action="clock",
    )
    return changes


def recompute_open(tx: Tx, cal: Calendar) -> list[str]:
    """Recompute every open request and every undecided review; the references that moved."""
    moved: list[str] = []
    for row in _execute(tx, "SELECT id, reference FROM requests WHERE status = 'open' ORDER BY id"):
        if recompute(tx, row["id"], cal):
            moved.append(row["reference"])
    reviews = _execute(
        tx,
        "SELECT reviews.id, reviews.request_id, reviews.received, reviews.extended, reviews.due,"
        " requests.reference, requests.regime"
        " FROM reviews JOIN requests ON requests.id = reviews.request_id"
        " WHERE reviews.decided IS NULL ORDER BY reviews.id",
    )
    for review in reviews:
        due = clock.review_due(
            dt.date.fromisoformat(review["received"]),
            cal,
            bool(review["extended"]),
            regime=review["regime"],
        ).isoformat()
        if review["due"] != due:
            tx.update(
                "reviews",
                review["id"],
                {"due": due},
                request_id=review["request_id"],
                action="clock",
            )
            if review["reference"] not in moved:
                moved.append(review["reference"])
    return moved


def list_holidays(reg: Reader, year: int | None = None) -> list[dict[str, Any]]:
    if year is None:
        return reg.query("SELECT date, name, nations, source FROM holidays ORDER BY date")
    return reg.query(
        "SELECT date, name, nations, source FROM holidays WHERE date LIKE ? ORDER BY date",
        (f"{year:04d}-%",),
    )


def add_holiday(
    reg: Register, day: dt.date, name: str, actor: str, nations: str = ",".join(NATIONS)
) -> list[str]:
    """Add a day (a newly proclaimed bank holiday) and move every open deadline that spans it,
    in one transaction; returns the references that moved."""
    name = name.strip()
    if not name:
        raise HolidayError("a holiday needs a name")
    if len(name) > 200 or "\x00" in name:
        raise HolidayError("a holiday's name is at most 200 characters, without NUL bytes")
    parsed = parse_nations(nations)
    if day.weekday() >= 5:
        raise HolidayError(f"{day.isoformat()} is a {day:%A}: never a working day anyway")
    with reg.transaction(actor) as tx:
        # Looked for inside the transaction: two officers adding the same day queue here.
        existing = tx.execute("SELECT name FROM holidays WHERE date = ?", (day.isoformat(),))
        found = existing.fetchone()
        if found is not None:
            raise HolidayError(f"{day.isoformat()} is already a holiday: {found[0]}")
        tx.insert(
            "holidays",
            {
                "date": day.isoformat(),
                "name": name,
                "nations": ",".join(parsed),
                "source": "manual",
            },
            pk="date",
        )
        return recompute_open(tx, load_calendar(tx))


def remove_holiday(reg: Register, day: dt.date, actor: str) -> list[str]:
    """Remove a day from the calendar (it becomes a working day) and move every open deadline
    that spans it, in one transaction; returns the references that moved."""
    if is_statutory(day):
        raise HolidayError(
            f"{day.isoformat()} is Christmas Day or Good Friday, never a working day (s.10(6))"
        )
    with reg.transaction(actor) as tx:
        if not tx.delete("holidays", day.isoformat(), pk="date"):
            raise HolidayError(f"{day.isoformat()} is not in the holidays table")
        return recompute_open(tx, load_calendar(tx))


def load_uk_holidays(tx: Tx, years: Iterable[int] | None = None) -> int:
    """Store the `holidays` package's UK-wide days (used by `foikit init`); returns how many rows
    were added or changed. Days an officer added by hand are left alone. Open deadlines are
    recomputed when anything changed."""
    manual = {r[0] for r in _execute(tx, "SELECT date FROM holidays WHERE source = 'manual'")}
    changed = 0
    for holiday in uk_holidays(default_years() if years is None else years):
        iso = holiday.date.isoformat()
        if iso in manual:
            continue
        result = tx.upsert(
            "holidays",
            {
                "date": iso,
                "name": holiday.name,
                "nations": ",".join(holiday.nations),
                "source": PACKAGE_SOURCE,
            },
            pk="date",
        )
        changed += result != "unchanged"
    if changed:
        recompute_open(tx, load_calendar(tx))
    return changed
