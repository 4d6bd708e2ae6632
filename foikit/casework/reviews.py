"""Internal review (s.45 Code of Practice, part 5): a fresh look by someone not involved.

Independence is read from the audit trail, not from a flag someone could forget to set: the
reviewer may not be the handler, nor anyone recorded as having changed the request (logging it,
answering, closing, clock events) before the review was opened. Like the lifecycle functions,
each change takes `expected_version` (a stale form is refused, not written).

Who may act is enforced here, for every path (the CLI, the staff pages, scripts):
- once the register has staff accounts, the reviewer named must be an active account with a
  reviewer role (foikit.register.roles.REVIEWER_ROLES); a register used from the command line
  alone, with no accounts, takes the name as given (cleaned of invisible characters);
- only the named reviewer, or an administrator who took no part in the case, may extend or
  decide the review;
- people are compared by foikit.register.people.person_key (NFKC, invisible characters removed,
  case folded), so `ravi.quenby` followed by a zero-width space is still ravi.quenby.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foikit.casework.casefile import review_dict
from foikit.casework.change import changing
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    resolve_today,
)
from foikit.errors import (
    InvalidDate,
    InvalidRequest,
    NotAuthorised,
    ReviewerNotIndependent,
    ReviewNotFound,
)
from foikit.law.outcomes import check_review_outcome
from foikit.register.people import clean_name, person_key

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


# Audit actions that are not taking part: the clock moving because an administrator added a
# bank holiday (foikit.clock.duedates.recompute_open) touches every open request.
# A letter preview (`--draft`, the staff Preview button) is not taking part either.
NOT_INVOLVEMENT = ("clock", "letter-draft")
# Recording that a review was asked for, or extending it, does not take part in the response:
# an administrator who only did these may still decide it.
REVIEW_BOOKKEEPING = ("review-open", "review-extend")


def involvement(reg: Reader, request_id: int, *, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """Everyone who took part in the request so far, each with what they did: its handler now
    or at any earlier time, and every actor the audit trail records changing it (an earlier
    reviewer included). Keys are foikit.register.people.person_key names."""
    found: dict[str, str] = {}
    for r in reg.query(
        "SELECT actor, action, at, json_extract(old, '$.handler') AS old_handler,"
        " json_extract(new, '$.handler') AS new_handler, table_name"
        " FROM audit WHERE request_id = ? ORDER BY id",
        (request_id,),
    ):
        if r["action"] not in NOT_INVOLVEMENT and r["action"] not in ignore:
            found.setdefault(person_key(r["actor"]), f"{r['action']} on {r['at'][:10]}")
        if r["table_name"] == "requests":
            for name in (r["old_handler"], r["new_handler"]):
                if isinstance(name, str) and name.strip():
                    found.setdefault(person_key(name), "handled it")
    handler = reg.scalar("SELECT handler FROM requests WHERE id = ?", (request_id,))
    if handler and handler.strip():
        found[person_key(handler)] = "handled it"
    return found


def resolve_reviewer(reg: Register, reviewer: str | None) -> str:
    """The reviewer's name as stored. With staff accounts, the account's own name, refused unless
    it is an active reviewer; without any (a CLI-only register), the name cleaned of invisible
    characters, as given."""
    from foikit.casework.staff_names import has_accounts
    from foikit.register.roles import REVIEWER_ROLES
    from foikit.register.users import find_person

    cleaned = clean_name(reviewer)
    if not cleaned:
        raise InvalidRequest("a review needs a reviewer (--reviewer NAME)")
    if not has_accounts(reg.conn):
        return cleaned
    user = find_person(reg, cleaned)
    if user is None:
        raise InvalidRequest(
            f"there is no staff account called {cleaned!r}: the reviewer must be an active user "
            "with the reviewer role (`foikit users list`)"
        )
    if not user.active:
        raise InvalidRequest(f"{user.name}'s account is disabled: choose another reviewer")
    if user.role not in REVIEWER_ROLES:
        raise InvalidRequest(
            f"{user.name} is an {user.role}, not a reviewer: internal reviews are decided by "
            "a reviewer (`foikit users role NAME reviewer`)"
        )
    return user.name


def import_reviewer(reg: Register, reviewer: str, handler: str | None, decided: Any) -> str:
    """The reviewer of a review brought in from a spreadsheet (foikit.records.importer): never
    the handler; a review still to be decided needs a reviewer who can decide it (resolve_reviewer);
    one decided in the past keeps the name it was decided under, cleaned."""
    cleaned = clean_name(reviewer)
    if handler and person_key(handler) == person_key(cleaned):
        raise ReviewerNotIndependent(
            f"the reviewer {cleaned} is the request's handler: the review must be done by someone "
            "not involved in the original response (s.45 Code of Practice, part 5)"
        )
    return cleaned if decided is not None else resolve_reviewer(reg, cleaned)


def check_decider(
    reg: Register, row: dict[str, Any], review: dict[str, Any], actor: str, doing: str
) -> None:
    """NotAuthorised unless the actor is the named reviewer, or an active administrator who took
    no part in the case (s.45 Code of Practice, part 5: the review is independent)."""
    from foikit.register.users import find_person

    if person_key(actor) == person_key(review["reviewer"]):
        return
    user = find_person(reg, actor)
    if user is not None and user.active and user.is_admin:
        what = involvement(reg, row["id"], ignore=REVIEW_BOOKKEEPING).get(person_key(actor))
        if what is None:
            return
        raise ReviewerNotIndependent(
            f"{user.name} took part in {row['reference']} ({what}): an administrator may "
            f"{doing} a review only of a case they took no part in (s.45 Code of Practice, part 5)"
        )
    raise NotAuthorised(
        f"the review of {row['reference']} is {review['reviewer']}'s to {doing}, not "
        f"{clean_name(actor) or 'nobody'}'s (only the named reviewer, or an administrator who took "
        "no part in the case, may)"
    )


def check_independent(reg: Reader, request_id: int, reviewer: str) -> None:
    """ReviewerNotIndependent when the reviewer took part in the original response."""
    reference = reg.scalar("SELECT reference FROM requests WHERE id = ?", (request_id,))
    what = involvement(reg, request_id).get(person_key(reviewer))
    if what is not None:
        raise ReviewerNotIndependent(
            f"{reviewer} took part in {reference} ({what}): the review must be done by someone "
            "not involved in the original response (s.45 Code of Practice, part 5)"
        )


def current_review(reg: Reader, request_id: int) -> dict[str, Any] | None:
    return reg.one(
        "SELECT * FROM reviews WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,)
    )


def open_review(
    reg: Register,
    actor: str,
    reference: str,
    *,
    received: dt.date | str,
    reviewer: str,
    grounds: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Record a request for internal review; returns the review with `warnings` (a list).
    `grounds` are the requester's reasons for asking, in their words, for the reviewer.

    Refused when the request has no response yet, a review is already under way, or the reviewer
    is not independent. A request asked for more than 40 working days after the response is
    recorded with a warning (the Code says "should", so it is never refused for that).
    """
    from foikit.clock.rules import review_due, review_request_is_late

    today_ = resolve_today(today)
    received_ = as_date(received, "date the review was asked for")
    check_not_future(received_, today_, "date the review was asked for")
    check_text("reviewer", reviewer)
    reviewer = resolve_reviewer(reg, reviewer)
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        tx, row, cal = change.tx, change.row, change.calendar
        cal.check(received_)
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
        check_independent(reg, row["id"], reviewer)
        warnings = []
        from foikit.register.settings import get_setting

        within = int(get_setting(reg, "review.request_within_days"))
        late = review_request_is_late(responded, received_, cal, within)
        if late:
            warnings.append(
                f"the review was asked for more than {within} working days after the response "
                f"({row['responded']}); the s.45 Code allows a reasonable refusal, but it is "
                "recorded"
            )
        due = review_due(received_, cal, regime=row["regime"])
        review = {
            "request_id": row["id"],
            "received": received_.isoformat(),
            "reviewer": reviewer,
            "due": due.isoformat(),
            "extended": 0,
            "late_request": 1 if late else 0,
            "grounds": grounds.strip() if grounds and grounds.strip() else None,
        }
        tx.insert("reviews", review, request_id=row["id"], action="review-open")
    result = review_dict({**review, "decided": None, "outcome": None, "reasons": None})
    result["reference"] = row["reference"]
    result["warnings"] = warnings
    return result


def extend_review(
    reg: Register,
    actor: str,
    reference: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Exceptional cases: 40 working days from receipt, not 20 (s.45 Code of Practice, part 5)."""
    from foikit.clock.rules import review_due

    check_text("reason", reason)
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        tx, row = change.tx, change.row
        review = _undecided(reg, row)
        check_decider(reg, row, review, actor, "extend")
        if str(row["regime"]).split("-")[0] == "eir":
            raise InvalidRequest(
                f"{row['reference']} is an EIR request: its reconsideration already has the 40 "
                "working days regulation 11(4) allows at most, so it cannot be extended"
            )
        due = review_due(dt.date.fromisoformat(review["received"]), change.calendar, extended=True)
        changes = {"extended": 1, "due": due.isoformat()}
        if reason and reason.strip():
            changes["reasons"] = reason
        tx.update("reviews", review["id"], changes, request_id=row["id"], action="review-extend")
    return review_dict({**review, **changes})


def _undecided(reg: Reader, row: dict[str, Any]) -> dict[str, Any]:
    review = current_review(reg, row["id"])
    if review is None:
        raise ReviewNotFound(f"{row['reference']} has no internal review")
    if review["decided"] is not None:
        raise ReviewNotFound(
            f"the internal review of {row['reference']} was decided on {review['decided']}"
        )
    return review


def close_review(
    reg: Register,
    actor: str,
    reference: str,
    *,
    decided: dt.date | str,
    outcome: str,
    reasons: str | None = None,
    release: str | None = None,
    release_by: dt.date | str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """Record the review's outcome. `overturned` reopens the request for a fresh response: its
    status goes back to open and a `reopen` clock event, dated the decision, restarts the clock.

    A partly upheld review must say what is now to be released (`release`) and by when
    (`release_by`); an overturned one may (its fresh response is on the clock anyway). The
    commitment stays on the weekly list until `meet_commitment` records it met."""
    from foikit.casework.commitments import check_commitment, commitment_row

    check_review_outcome(outcome)
    check_text("reasons", reasons)
    today_ = resolve_today(today)
    decided_ = as_date(decided, "review decision date")
    check_not_future(decided_, today_, "review decision date")
    promise = check_commitment(outcome, release, release_by, decided_)
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        tx, row = change.tx, change.row
        review = _undecided(reg, row)
        check_decider(reg, row, review, actor, "decide")
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
        if promise is not None:
            tx.insert(
                "review_commitments",
                commitment_row(review["id"], row["id"], *promise),
                request_id=row["id"],
                action="review-commitment",
            )
        if outcome == "overturned":
            change.calendar.check(decided_)
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
            change.set(action="reopen", status="open", responded=None, outcome=None)
            change.recompute_due = True
