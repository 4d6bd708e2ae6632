"""What the staff pages show, read from the register (no HTTP here, so tests can call it).

The board's tags (overdue, due this week, awaiting clarification or fee, in review) are derived
from the due dates and `today`, never stored. Each request page carries the request's version,
so a form filled in on a page that has since changed is refused rather than overwriting someone
else's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from foikit.errors import FoikitError, RequestNotFound
from foikit.register import Register


@dataclass
class Tag:
    key: str  # overdue | due-soon | clarification | fee | review | extended | on-time
    label: str


@dataclass
class BoardRow:
    reference: str
    regime: str
    subject: str
    received: str
    due: str | None
    handler: str | None
    questions: int
    answered: int
    days_left: int | None  # working days from today to the due date; negative when overdue
    tags: list[Tag] = field(default_factory=list)
    review_due: str | None = None
    reviewer: str | None = None


def _tags(status: Any, clock_stopped: str | None, in_review: bool) -> list[Tag]:
    tags = []
    if clock_stopped == "clarification":
        tags.append(Tag("clarification", "Awaiting clarification"))
    elif clock_stopped == "fee":
        tags.append(Tag("fee", "Awaiting fee"))
    elif clock_stopped == "identity evidence":  # subject access, UK GDPR Art 12A
        tags.append(Tag("clarification", "Awaiting identity evidence"))
    if in_review:
        tags.append(Tag("review", "In review"))
    if status.overdue:
        tags.append(Tag("overdue", "Overdue"))
    elif status.working_days_left == 0:
        tags.append(Tag("overdue", "Due today"))
    elif status.due_soon:
        tags.append(Tag("due-soon", "Due this week"))
    return tags


def board(reg: Register, today: dt.date) -> list[BoardRow]:
    """Open requests and open reviews, the most urgent first (working days left, then due)."""
    from foikit.clock import rules as clock
    from foikit.clock.duedates import load_calendar
    from foikit.register.settings import get_setting

    cal = load_calendar(reg)
    soon = int(get_setting(reg, "clock.due_soon_days"))  # the setting, not a constant
    # Open requests through their (status, due) index, plus undecided reviews: never a scan
    # of the whole register.
    rows = reg.query(
        """
        WITH wanted(id) AS (
            SELECT id FROM requests WHERE status = 'open'
            UNION
            SELECT request_id FROM reviews WHERE decided IS NULL
        )
        SELECT r.id, r.reference, r.regime, r.subject, r.received, r.due, r.handler,
               r.status, r.clock_stopped,
               (SELECT count(*) FROM questions q WHERE q.request_id = r.id) AS questions,
               (SELECT count(*) FROM questions q JOIN answers a ON a.question_id = q.id
                 WHERE q.request_id = r.id) AS answered,
               rv.due AS review_due, rv.reviewer AS reviewer, rv.id AS review_id
        FROM wanted w
        JOIN requests r ON r.id = w.id
        LEFT JOIN reviews rv ON rv.request_id = r.id AND rv.decided IS NULL
        """
    )
    result = []
    for row in rows:
        in_review = row["review_id"] is not None
        due = row["review_due"] if in_review and row["status"] != "open" else row["due"]
        # The clock's own status: due is NULL while the clock is stopped, so no count then.
        status = clock.status(dt.date.fromisoformat(due) if due else None, today, cal, soon=soon)
        result.append(
            BoardRow(
                reference=row["reference"],
                regime=row["regime"],
                subject=row["subject"],
                received=row["received"],
                due=due,
                handler=row["handler"],
                questions=row["questions"],
                answered=row["answered"],
                days_left=status.working_days_left,
                tags=_tags(status, row["clock_stopped"], in_review),
                review_due=row["review_due"],
                reviewer=row["reviewer"],
            )
        )
    # Stopped clocks have no count: after everything with a count, oldest first.
    result.sort(key=lambda r: (r.days_left is None, r.days_left or 0, r.due or "", r.reference))
    return result


def request_id(reg: Register, reference: str) -> int:
    found = reg.scalar("SELECT id FROM requests WHERE reference = ?", (reference,))
    if found is None:
        raise RequestNotFound(f"no request {reference!r} in the register")
    return int(found)


def freshness(reg: Register, reference: str) -> str:
    """The version of the request a page shows, carried by its forms (`version`).

    Every change to a request or anything belonging to it bumps the version (casework.touch);
    the library refuses a form whose version is no longer current, inside the transaction that
    would write (foikit.staff.actions passes it as `expected_version`).
    """
    rid = request_id(reg, reference)
    return str(reg.scalar("SELECT version FROM requests WHERE id = ?", (rid,)))


def request_detail(reg: Register, reference: str) -> dict[str, Any]:
    """Everything the request page shows, straight from the register."""
    rid = request_id(reg, reference)
    request = reg.one("SELECT * FROM requests WHERE id = ?", (rid,))
    assert request is not None
    requester = (
        reg.one("SELECT * FROM requesters WHERE id = ?", (request["requester_id"],))
        if request["requester_id"]
        else None
    )
    questions = reg.query(
        """
        SELECT q.id, q.number, q.text, a.id AS answer_id, a.status AS answer_status,
               a.text AS answer, a.answered_by, a.answered_at
        FROM questions q LEFT JOIN answers a ON a.question_id = q.id
        WHERE q.request_id = ? ORDER BY q.number
        """,
        (rid,),
    )
    for q in questions:
        q["exemptions"] = (
            reg.query(
                "SELECT section, reason, public_interest, ncnd FROM answer_exemptions"
                " WHERE answer_id = ? ORDER BY id",
                (q["answer_id"],),
            )
            if q["answer_id"]
            else []
        )
    events = reg.query("SELECT * FROM clock_events WHERE request_id = ? ORDER BY date, id", (rid,))
    reviews = reg.query("SELECT * FROM reviews WHERE request_id = ? ORDER BY id", (rid,))
    letters = reg.query(
        "SELECT kind, path, published, rendered_at, deleted_at FROM letters WHERE request_id = ?"
        " ORDER BY rendered_at DESC, id DESC",
        (rid,),
    )
    from foikit.casework.lifecycle import history as request_history

    # The lifecycle's own plain-English history (it leaves out bookkeeping rows), newest first.
    history = list(reversed(request_history(reg, reference)))
    from foikit.clock.duedates import deadline_for, load_calendar

    deadline, deadline_error = None, None
    try:
        deadline = deadline_for(reg, rid, load_calendar(reg))
    except FoikitError as e:  # e.g. a date beyond the calendar: say so instead of a wrong date
        deadline_error = str(e)
    reviewers = [
        r["name"]
        for r in reg.query(
            "SELECT name FROM users WHERE active = 1 AND role IN ('reviewer', 'administrator')"
            " ORDER BY name"
        )
    ]
    return {
        "reviewers": reviewers,
        "deadline": deadline,
        "deadline_error": deadline_error,
        "req": request,
        "requester": requester,
        "questions": questions,
        "events": events,
        "reviews": reviews,
        "open_review": next((r for r in reviews if r["decided"] is None), None),
        "letters": letters,
        "history": history,
        "token": freshness(reg, reference),
        "redaction_rules": _redaction_rules(reg, rid),
    }


def _redaction_rules(reg: Register, rid: int) -> list[dict[str, Any]]:
    from foikit.publishing.redact import rule_rows

    return rule_rows(reg, rid)
