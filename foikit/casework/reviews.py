"""Internal review (s.45 Code of Practice, part 5): a fresh look by someone not involved.

Independence is read from the audit trail, not from a flag someone could forget to set: the
reviewer may not be the handler, nor anyone recorded as having changed the request (logging it,
answering, closing, clock events) before the review was opened. Like the lifecycle functions,
each change takes `expected_version` (a stale form is refused, not written).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from foikit.casework.casefile import review_dict
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    check_version,
    get_request_row,
    load_calendar,
    recompute,
    resolve_today,
    touch,
)
from foikit.casework.staff_names import check_staff
from foikit.errors import InvalidDate, InvalidRequest, ReviewerNotIndependent, ReviewNotFound
from foikit.law.outcomes import check_review_outcome

# Audit actions that are not taking part: the clock moving because an administrator added a
# bank holiday (foikit.clock.duedates.recompute_open) touches every open request.
NOT_INVOLVEMENT = ("clock",)


def involvement(reg: Any, request_id: int) -> dict[str, str]:
    """Everyone who took part in the request so far, each with what they did: its handler now
    or at any earlier time, and every actor the audit trail records changing it (an earlier
    reviewer included). Keys are case-folded names."""
    found: dict[str, str] = {}
    for r in reg.query(
        "SELECT actor, action, at, json_extract(old, '$.handler') AS old_handler,"
        " json_extract(new, '$.handler') AS new_handler, table_name"
        " FROM audit WHERE request_id = ? ORDER BY id",
        (request_id,),
    ):
        if r["action"] not in NOT_INVOLVEMENT:
            found.setdefault(r["actor"].strip().casefold(), f"{r['action']} on {r['at'][:10]}")
        if r["table_name"] == "requests":
            for name in (r["old_handler"], r["new_handler"]):
                if isinstance(name, str) and name.strip():
                    found.setdefault(name.strip().casefold(), "handled it")
    handler = reg.scalar("SELECT handler FROM requests WHERE id = ?", (request_id,))
    if handler and handler.strip():
        found[handler.strip().casefold()] = "handled it"
    return found


def check_independent(reg: Any, request_id: int, reviewer: str) -> None:
    """ReviewerNotIndependent when the reviewer took part in the original response."""
    reference = reg.scalar("SELECT reference FROM requests WHERE id = ?", (request_id,))
    what = involvement(reg, request_id).get(reviewer.strip().casefold())
    if what is not None:
        raise ReviewerNotIndependent(
            f"{reviewer} took part in {reference} ({what}): the review must be done by someone "
            "not involved in the original response (s.45 Code of Practice, part 5)"
        )


def current_review(reg: Any, request_id: int) -> dict | None:
    return reg.one(
        "SELECT * FROM reviews WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,)
    )


def open_review(
    reg: Any,
    actor: str,
    reference: str,
    *,
    received: dt.date | str,
    reviewer: str,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> dict:
    """Record a request for internal review; returns the review with `warnings` (a list).

    Refused when the request has no response yet, a review is already under way, or the reviewer
    is not independent. A request asked for more than 40 working days after the response is
    recorded with a warning (the Code says "should", so it is never refused for that).
    """
    from foikit.clock.rules import review_due, review_request_is_late

    today_ = resolve_today(today)
    received_ = as_date(received, "date the review was asked for")
    check_not_future(received_, today_, "date the review was asked for")
    check_text("reviewer", reviewer)
    if reviewer is None or not reviewer.strip():
        raise InvalidRequest("a review needs a reviewer (--reviewer NAME)")
    cal = load_calendar(reg)
    cal.check(received_)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        check_version(reg, row, expected_version)
        if row["responded"] is None:
            raise InvalidRequest(
                f"{row['reference']} has had no response yet: an internal review is of a "
                "response (complaints about delay go to the ICO)"
            )
        responded = dt.date.fromisoformat(row["responded"])
        if received_ < responded:
            raise InvalidDate(
                f"the review was asked for on {received_.isoformat()}, before the response "
                f"({row['responded']})"
            )
        existing = current_review(reg, row["id"])
        if existing is not None and existing["decided"] is None:
            raise InvalidRequest(
                f"{row['reference']} already has an internal review under way "
                f"(asked for {existing['received']}, reviewer {existing['reviewer']})"
            )
        if row["status"] != "closed":
            raise InvalidRequest(
                f"{row['reference']} is open again: review the fresh response once it is sent"
            )
        reviewer = check_staff(tx.conn, reviewer, "reviewer") or reviewer
        check_independent(reg, row["id"], reviewer)
        warnings = []
        late = review_request_is_late(responded, received_, cal)
        if late:
            warnings.append(
                f"the review was asked for more than 40 working days after the response "
                f"({row['responded']}); the s.45 Code allows a reasonable refusal, but it is "
                "recorded"
            )
        due = review_due(received_, cal)
        review = {
            "request_id": row["id"],
            "received": received_.isoformat(),
            "reviewer": reviewer,
            "due": due.isoformat(),
            "extended": 0,
            "late_request": 1 if late else 0,
        }
        tx.insert("reviews", review, request_id=row["id"], action="review-open")
        touch(tx, row["id"])
    result = review_dict({**review, "decided": None, "outcome": None, "reasons": None})
    result["reference"] = row["reference"]
    result["warnings"] = warnings
    return result


def extend_review(
    reg: Any,
    actor: str,
    reference: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> dict:
    """Exceptional cases: 40 working days from receipt, not 20 (s.45 Code of Practice, part 5)."""
    from foikit.clock.rules import review_due

    check_text("reason", reason)
    cal = load_calendar(reg)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        check_version(reg, row, expected_version)
        review = _undecided(reg, row)
        due = review_due(dt.date.fromisoformat(review["received"]), cal, extended=True)
        changes = {"extended": 1, "due": due.isoformat()}
        if reason and reason.strip():
            changes["reasons"] = reason
        tx.update("reviews", review["id"], changes, request_id=row["id"], action="review-extend")
        touch(tx, row["id"])
    return review_dict({**review, **changes})


def _undecided(reg: Any, row: dict) -> dict:
    review = current_review(reg, row["id"])
    if review is None:
        raise ReviewNotFound(f"{row['reference']} has no internal review")
    if review["decided"] is not None:
        raise ReviewNotFound(
            f"the internal review of {row['reference']} was decided on {review['decided']}"
        )
    return review


def close_review(
    reg: Any,
    actor: str,
    reference: str,
    *,
    decided: dt.date | str,
    outcome: str,
    reasons: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """Record the review's outcome. `overturned` reopens the request for a fresh response: its
    status goes back to open and a `reopen` clock event, dated the decision, restarts the clock."""
    check_review_outcome(outcome)
    check_text("reasons", reasons)
    today_ = resolve_today(today)
    decided_ = as_date(decided, "review decision date")
    check_not_future(decided_, today_, "review decision date")
    cal = load_calendar(reg)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        check_version(reg, row, expected_version)
        review = _undecided(reg, row)
        if decided_.isoformat() < review["received"]:
            raise InvalidDate(
                f"the review decision {decided_.isoformat()} is before the review was asked for "
                f"({review['received']})"
            )
        tx.update(
            "reviews",
            review["id"],
            {
                "decided": decided_.isoformat(),
                "outcome": outcome,
                "reasons": reasons if reasons and reasons.strip() else review["reasons"],
            },
            request_id=row["id"],
            action="review-close",
        )
        if outcome == "overturned":
            cal.check(decided_)
            tx.insert(
                "clock_events",
                {
                    "request_id": row["id"],
                    "kind": "reopen",
                    "date": decided_.isoformat(),
                    "detail": (
                        f"internal review overturned the response of {row['responded']} "
                        f"({row['outcome']})"
                    ),
                    "created_at": tx.at,
                },
                request_id=row["id"],
                action="reopen",
            )
            touch(
                tx,
                row["id"],
                {"status": "open", "responded": None, "outcome": None},
                action="reopen",
            )
            recompute(tx, row["id"], cal)
        else:
            touch(tx, row["id"])
