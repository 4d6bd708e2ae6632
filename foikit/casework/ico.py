"""Complaints to the Information Commissioner (FOIA s.50) and the ICO's decisions.

Recorded against the request, so that `request show` and `request history` tell the whole
story: response, internal review, ICO complaint, decision notice. Like the lifecycle
functions, each takes `expected_version` (a stale form is refused, not written).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foikit.casework.casefile import ico_dict
from foikit.casework.change import changing
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    resolve_today,
)
from foikit.errors import FoikitError, InvalidDate, InvalidRequest

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


ICO_DECISIONS: dict[str, str] = {
    "upheld": "Complaint upheld: the authority got it wrong",
    "partly-upheld": "Complaint partly upheld",
    "not-upheld": "Complaint not upheld: the authority's response stands",
    "informal-resolution": "Resolved informally",
    "withdrawn": "Complaint withdrawn",
}


class IcoCaseNotFound(FoikitError):
    pass


def check_decision(decision: str) -> str:
    if decision not in ICO_DECISIONS:
        raise InvalidRequest(
            f"unknown ICO decision {decision!r}: use one of {', '.join(ICO_DECISIONS)}"
        )
    return decision


def _weeks_setting(reg: Reader) -> int:
    from foikit.register.settings import get_setting

    return int(get_setting(reg, "ico.complaint_weeks"))


def open_complaint(
    reg: Register,
    actor: str,
    reference: str,
    *,
    case_reference: str,
    complained: dt.date | str,
    notified: dt.date | str | None = None,
    notes: str | None = None,
    respond_by: dt.date | str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Record a complaint to the ICO; returns the case with `warnings` (a list). `respond_by`
    is the date the ICO's letter asks for our response (on the weekly list until decided).

    Warns (never refuses: the Commissioner decides what to accept) when the requester did not
    ask for an internal review first, or complained more than six weeks after the final response.
    """
    today_ = resolve_today(today)
    check_text("ICO case details", case_reference, notes)
    if case_reference is None or not case_reference.strip():
        raise InvalidRequest("an ICO complaint needs the ICO's case reference (--case-reference)")
    complained_ = as_date(complained, "date of the complaint")
    check_not_future(complained_, today_, "date of the complaint")
    notified_ = as_date(notified, "date the ICO told us") if notified is not None else None
    if notified_ is not None:
        check_not_future(notified_, today_, "date the ICO told us")
        if notified_ < complained_:
            raise InvalidDate(
                f"the ICO told us on {notified_.isoformat()}, before the complaint "
                f"({complained_.isoformat()})"
            )
    respond_by_ = as_date(respond_by, "date to respond by") if respond_by is not None else None
    if respond_by_ is not None and respond_by_ < (notified_ or complained_):
        raise InvalidDate(
            f"the ICO's response date {respond_by_.isoformat()} is before it told us of the "
            "complaint"
        )
    case_ref = case_reference.strip()
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        tx, row = change.tx, change.row
        if complained_.isoformat() < row["received"]:
            raise InvalidDate(
                f"the complaint ({complained_.isoformat()}) is before the request was received "
                f"({row['received']})"
            )
        open_case = reg.one(
            "SELECT case_reference FROM ico_cases WHERE request_id = ? AND decided IS NULL",
            (row["id"],),
        )
        if open_case is not None:
            raise InvalidRequest(
                f"{row['reference']} already has an ICO case under way "
                f"({open_case['case_reference']})"
            )
        warnings = []
        review = reg.one(
            "SELECT decided FROM reviews WHERE request_id = ? ORDER BY id DESC LIMIT 1",
            (row["id"],),
        )
        final = review["decided"] if review and review["decided"] else row["responded"]
        if review is None and row["responded"] is not None:
            warnings.append("no internal review was asked for: the ICO normally expects one first")
        if final is not None:
            weeks = _weeks_setting(reg)
            limit = dt.date.fromisoformat(final) + dt.timedelta(weeks=weeks)
            if complained_ > limit:
                warnings.append(
                    f"complained more than {weeks} weeks after the final response ({final}); "
                    "the ICO may not accept it"
                )
        case = {
            "request_id": row["id"],
            "case_reference": case_ref,
            "complained": complained_.isoformat(),
            "notified": None if notified_ is None else notified_.isoformat(),
            "notes": notes if notes and notes.strip() else None,
            "respond_by": None if respond_by_ is None else respond_by_.isoformat(),
        }
        tx.insert("ico_cases", case, request_id=row["id"], action="ico-open")
    result = ico_dict({**case, "decision_notice": None, "decided": None, "decision": None})
    result["reference"] = row["reference"]
    result["warnings"] = warnings
    return result


def decide(
    reg: Register,
    actor: str,
    reference: str,
    *,
    decided: dt.date | str,
    decision: str,
    notice: str | None = None,
    case_reference: str | None = None,
    notes: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Record the ICO's decision (and its decision notice reference, e.g. IC-123456-A1B2) on the
    request's undecided case (or the one named by `case_reference`)."""
    check_decision(decision)
    check_text("ICO decision details", notice, case_reference, notes)
    today_ = resolve_today(today)
    decided_ = as_date(decided, "date of the ICO decision")
    check_not_future(decided_, today_, "date of the ICO decision")
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        tx, row = change.tx, change.row
        if case_reference:
            case = reg.one(
                "SELECT * FROM ico_cases WHERE request_id = ? AND case_reference = ?"
                " ORDER BY id DESC LIMIT 1",
                (row["id"], case_reference.strip()),
            )
        else:
            case = reg.one(
                "SELECT * FROM ico_cases WHERE request_id = ? AND decided IS NULL"
                " ORDER BY id DESC LIMIT 1",
                (row["id"],),
            )
        if case is None:
            which = f"case {case_reference}" if case_reference else "undecided ICO case"
            raise IcoCaseNotFound(
                f"{row['reference']} has no {which}: record it with `foikit ico open`"
            )
        if case["decided"] is not None:
            raise InvalidRequest(
                f"the ICO case {case['case_reference'] or ''} of {row['reference']} was decided"
                f" on {case['decided']} ({case['decision']}): a decision is never overwritten"
            )
        if decided_.isoformat() < case["complained"]:
            raise InvalidDate(
                f"the ICO decision ({decided_.isoformat()}) is before the complaint "
                f"({case['complained']})"
            )
        changes = {
            "decided": decided_.isoformat(),
            "decision": decision,
            "decision_notice": notice.strip() if notice and notice.strip() else None,
        }
        if notes and notes.strip():
            changes["notes"] = notes
        tx.update("ico_cases", case["id"], changes, request_id=row["id"], action="ico-decide")
    return ico_dict({**case, **changes})
