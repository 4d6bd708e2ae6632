"""The date a letter bears: the day of its event, not the day it happens to be drawn.

A response (or refusal) is dated by the request's responded date; a clarification, fees or
extension letter by its clock event; a review outcome by the day the review was decided; an
acknowledgement (and a review acknowledgement) by the day it was sent, that is the date of the
first such letter recorded, else today. A published copy carries the date of the letter sent
(recorded in `letters.dated`). `--today` overrides all of these.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.reader import Reader


_EVENT_KINDS = {"clarification": "clarify", "fees": "fee", "extension": "extend"}
_SENT = "l.draft = 0 AND l.published = 0"


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _sent(reg: Reader, request_id: int, kind: str, order: str) -> dt.date | None:
    row = reg.one(
        f"SELECT coalesce(l.dated, substr(l.rendered_at, 1, 10)) AS day FROM letters l"
        f" WHERE l.request_id = ? AND l.kind = ? AND {_SENT} ORDER BY l.id {order} LIMIT 1",
        (request_id, kind),
    )
    return _day(row["day"]) if row else None


def event_date(reg: Reader, row: dict[str, Any], kind: str) -> dt.date | None:
    """The day of the letter's event, or None when it has none (yet)."""
    rid = row["id"]
    if kind in ("response", "refusal"):
        return _day(row.get("responded"))
    if kind in _EVENT_KINDS:
        return _day(
            reg.scalar(
                "SELECT date FROM clock_events WHERE request_id = ? AND kind = ?"
                " ORDER BY id DESC LIMIT 1",
                (rid, _EVENT_KINDS[kind]),
            )
        )
    if kind == "review-outcome":
        return _day(
            reg.scalar(
                "SELECT decided FROM reviews WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                (rid,),
            )
        )
    if kind in ("acknowledgement", "review-acknowledgement"):
        return _sent(reg, rid, kind, "ASC")
    return None


def letter_date(
    reg: Reader, reference: str, kind: str, *, published: bool = False, today: dt.date | None = None
) -> dt.date:
    """The date the letter bears (see the module's docstring); `today` when it has no event."""
    from foikit.casework.common import get_request_row

    row = get_request_row(reg, reference)
    if published:
        sent = _sent(reg, row["id"], kind, "DESC")
        if sent is not None:
            return sent
    return event_date(reg, row, kind) or today or dt.date.today()
