"""What an internal review commits the office to: a partly upheld (or overturned) review names
what is now to be released and by when, and that stays on the weekly list until it is met."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foikit.casework.change import changing
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    resolve_today,
)
from foikit.errors import InvalidDate, InvalidRequest, ReviewNotFound

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


# Outcomes after which something is still owed to the requester.
NEEDS_COMMITMENT = ("partly-upheld",)
MAY_HAVE_COMMITMENT = ("partly-upheld", "overturned")


def check_commitment(
    outcome: str, release: str | None, release_by: dt.date | str | None, decided: dt.date
) -> tuple[str, str] | None:
    """(what, due) to record with the outcome, or None; refuses a half-given or impossible one."""
    check_text("release", release)
    what = release.strip() if release and release.strip() else None
    if release_by is None and what is None:
        if outcome in NEEDS_COMMITMENT:
            raise InvalidRequest(
                "a partly upheld review must say what is now to be released and by when "
                "(--release TEXT --release-by DATE)"
            )
        return None
    if outcome not in MAY_HAVE_COMMITMENT:
        raise InvalidRequest(
            f"an {outcome} review leaves nothing to release: --release goes with partly-upheld "
            "or overturned"
        )
    if what is None or release_by is None:
        raise InvalidRequest(
            "give both what is to be released (--release) and by when (--release-by)"
        )
    due = as_date(release_by, "date to release by")
    if due < decided:
        raise InvalidDate(
            f"the release date {due.isoformat()} is before the review decision "
            f"({decided.isoformat()})"
        )
    return what, due.isoformat()


def commitment_row(review_id: int, request_id: int, what: str, due: str) -> dict[str, Any]:
    return {"review_id": review_id, "request_id": request_id, "what": what, "due": due, "met": None}


def outstanding(reg: Reader) -> list[dict[str, Any]]:
    """Commitments not yet met, soonest first, with their request."""
    return reg.query(
        "SELECT c.id, c.what, c.due, r.reference, r.subject, r.handler, v.reviewer"
        " FROM review_commitments c JOIN requests r ON r.id = c.request_id"
        " JOIN reviews v ON v.id = c.review_id WHERE c.met IS NULL ORDER BY c.due, r.reference"
    )


def commitments_of(reg: Reader, request_id: int) -> list[dict[str, Any]]:
    return reg.query(
        "SELECT what, due, met FROM review_commitments WHERE request_id = ? ORDER BY id",
        (request_id,),
    )


def meet_commitment(
    reg: Register,
    actor: str,
    reference: str,
    *,
    on: dt.date | str,
    today: dt.date | str | None = None,
) -> dict[str, Any]:
    """Record the review's outstanding commitment as met on `on`."""
    on_ = as_date(on, "date it was met")
    check_not_future(on_, resolve_today(today), "date it was met")
    with changing(reg, actor, reference) as change:
        tx, row = change.tx, change.row
        open_ = reg.one(
            "SELECT * FROM review_commitments WHERE request_id = ? AND met IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (row["id"],),
        )
        if open_ is None:
            raise ReviewNotFound(f"{row['reference']} has no outstanding review commitment")
        decided = reg.scalar("SELECT decided FROM reviews WHERE id = ?", (open_["review_id"],))
        if decided and on_.isoformat() < decided:
            raise InvalidDate(
                f"{on_.isoformat()} is before the review decision that made the commitment "
                f"({decided})"
            )
        tx.update(
            "review_commitments",
            open_["id"],
            {"met": on_.isoformat()},
            request_id=row["id"],
            action="commitment-met",
        )
    return {**open_, "met": on_.isoformat(), "reference": row["reference"]}
