"""The weekly list a manager asks for every Friday: what is overdue, what falls due next week,
which internal reviews and ICO cases are due, what is waiting for the requester (clarification,
a fee and when it lapses, or a subject access requester's identity evidence) and what reviews
have committed the office to release.

Worked out from the register and a given day; nothing is stored. Working days count on the
register's UK-wide calendar, so "next week" is Monday to Friday after the day given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from foikit.clock.duedates import load_calendar
from foikit.clock.rules import IDENTITY, last_day_to_pay, working_days_between

if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar


if TYPE_CHECKING:
    from foikit.register.reader import Reader


BUCKETS = ("overdue", "due_next_week", "reviews", "ico", "waiting", "commitments")
TITLES = {
    "overdue": "Overdue",
    "due_next_week": "Due next week",
    "reviews": "Internal reviews",
    "ico": "ICO cases",
    "waiting": "Waiting for the requester",
    "commitments": "Commitments from reviews",
}


@dataclass(frozen=True)
class Item:
    """One line of the weekly list."""

    reference: str
    subject: str
    handler: str | None
    due: str | None  # the date that matters for this bucket (ISO)
    working_days_left: int | None  # negative: overdue by that many working days
    detail: str  # what is due or awaited, in a few words


def next_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Friday of the week after `today`'s (from a Saturday or Sunday, the coming one)."""
    monday = today + dt.timedelta(days=7 - today.weekday())
    return monday, monday + dt.timedelta(days=4)


def _left(today: dt.date, due: str | None, cal: Calendar) -> int | None:
    return None if due is None else working_days_between(today, dt.date.fromisoformat(due), cal)


def weekly(reg: Reader, today: dt.date) -> dict[str, list[Item]]:
    """The weekly list on `today`, by bucket (BUCKETS), each sorted soonest first."""
    cal = load_calendar(reg)
    monday, friday = next_week(today)
    day = today.isoformat()
    running = reg.query(
        "SELECT reference, subject, handler, due FROM requests WHERE status = 'open'"
        " AND clock_stopped IS NULL AND due IS NOT NULL ORDER BY due, reference"
    )
    result: dict[str, list[Item]] = {name: [] for name in BUCKETS}
    for r in running:
        item = Item(
            r["reference"], r["subject"], r["handler"], r["due"], _left(today, r["due"], cal), ""
        )
        if r["due"] < day:
            result["overdue"].append(
                Item(**{**asdict(item), "detail": "response overdue (FOIA s.10, EIR reg 5)"})
            )
        elif monday.isoformat() <= r["due"] <= friday.isoformat():
            result["due_next_week"].append(Item(**{**asdict(item), "detail": "response due"}))
    result["reviews"] = _reviews(reg, today, cal)
    result["ico"] = _ico(reg, today, cal)
    result["waiting"] = _waiting(reg, today, cal)
    result["commitments"] = _commitments(reg, today, cal)
    return result


def _reviews(reg: Reader, today: dt.date, cal: Calendar) -> list[Item]:
    rows = reg.query(
        "SELECT r.reference, r.subject, r.regime, v.reviewer, v.due, v.extended FROM reviews v"
        " JOIN requests r ON r.id = v.request_id WHERE v.decided IS NULL"
        " ORDER BY v.due, r.reference"
    )
    return [
        Item(
            r["reference"],
            r["subject"],
            r["reviewer"],
            r["due"],
            _left(today, r["due"], cal),
            _review_detail(r["regime"], bool(r["extended"])),
        )
        for r in rows
    ]


def _review_detail(regime: str, extended: bool) -> str:
    if regime.split("-")[0] == "eir":
        return "reconsideration due (EIR reg 11(4): 40 working days)"
    return "internal review due" + (" (extended)" if extended else "")


def _ico(reg: Reader, today: dt.date, cal: Calendar) -> list[Item]:
    rows = reg.query(
        "SELECT r.reference, r.subject, r.handler, c.case_reference, c.respond_by"
        " FROM ico_cases c JOIN requests r ON r.id = c.request_id WHERE c.decided IS NULL"
        " ORDER BY c.respond_by IS NULL, c.respond_by, r.reference"
    )
    return [
        Item(
            r["reference"],
            r["subject"],
            r["handler"],
            r["respond_by"],
            _left(today, r["respond_by"], cal),
            f"ICO case {r['case_reference']}: "
            + ("response to the ICO due" if r["respond_by"] else "no response date recorded"),
        )
        for r in rows
    ]


def _waiting(reg: Reader, today: dt.date, cal: Calendar) -> list[Item]:
    rows = reg.query(
        "SELECT r.reference, r.subject, r.handler, r.regime, r.clock_stopped,"
        " (SELECT e.date FROM clock_events e WHERE e.request_id = r.id"
        "  AND e.kind = CASE r.clock_stopped WHEN 'fee' THEN 'fee'"
        "   WHEN 'identity evidence' THEN 'id-requested' ELSE 'clarify' END"
        "  ORDER BY e.date DESC, e.id DESC LIMIT 1) AS since"
        " FROM requests r WHERE r.status = 'open' AND r.clock_stopped IS NOT NULL"
        " ORDER BY since, r.reference"
    )
    items = []
    for r in rows:
        since = r["since"]
        if r["clock_stopped"] == "fee" and since:
            lapses = last_day_to_pay(r["regime"], dt.date.fromisoformat(since), cal)
            due = lapses.isoformat() if lapses else None
            detail = f"fees notice of {since}: " + (
                "lapses if unpaid after the date shown" if due else "no time limit to pay"
            )
        elif r["clock_stopped"] == IDENTITY:
            due = None
            detail = (
                f"identity evidence asked for on {since}: the month runs afresh from its receipt "
                "(UK GDPR Art 12A)"
            )
        else:
            due = None
            detail = f"clarification asked for on {since}: no statutory lapse (FOIA s.1(3))"
        items.append(
            Item(r["reference"], r["subject"], r["handler"], due, _left(today, due, cal), detail)
        )
    return items


def _commitments(reg: Reader, today: dt.date, cal: Calendar) -> list[Item]:
    from foikit.casework.commitments import outstanding

    return [
        Item(
            c["reference"],
            c["subject"],
            c["reviewer"],
            c["due"],
            _left(today, c["due"], cal),
            f"to release: {c['what']}",
        )
        for c in outstanding(reg)
    ]


def weekly_json(lists: dict[str, list[Item]], today: dt.date) -> dict[str, Any]:
    monday, friday = next_week(today)
    return {
        "today": today.isoformat(),
        "next_week": {"from": monday.isoformat(), "to": friday.isoformat()},
        **{name: [asdict(i) for i in items] for name, items in lists.items()},
    }


def weekly_rows(lists: dict[str, list[Item]]) -> list[dict[str, Any]]:
    """One row a line, the bucket first: the `--csv` shape."""
    return [{"bucket": name, **asdict(i)} for name, items in lists.items() for i in items]
