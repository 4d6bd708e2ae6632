"""Letters in batches: which requests need a letter of each kind, and rendering them one by one
(`foikit letters batch`); split from foikit.letters.context, which re-exports them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from foikit.errors import FoikitError
from foikit.letters.context import get_kind, render_letter

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


# -- batches ------------------------------------------------------------------------------------

# The requests each kind of letter is due for: the trigger happened and no letter of that kind
# has been rendered since (drafts and published copies do not count as sent).
_SENT_SINCE = (
    "NOT EXISTS (SELECT 1 FROM letters l WHERE l.request_id = r.id AND l.kind = :kind"
    " AND l.draft = 0 AND l.published = 0 AND l.rendered_at >= {since})"
)
_EVENT_SINCE = (
    "(SELECT MAX(e.created_at) FROM clock_events e WHERE e.request_id = r.id AND e.kind = '{ev}')"
)
_ALL_ANSWERED = (
    "EXISTS (SELECT 1 FROM questions q WHERE q.request_id = r.id) AND NOT EXISTS (SELECT 1 FROM"
    " questions q LEFT JOIN answers a ON a.question_id = q.id WHERE q.request_id = r.id"
    " AND a.id IS NULL)"
)
_REFUSED = (
    "EXISTS (SELECT 1 FROM answer_exemptions x JOIN answers a ON a.id = x.answer_id"
    " JOIN questions q ON q.id = a.question_id WHERE q.request_id = r.id"
    " AND x.section IN ('12', '14', '14(1)', '14(2)'))"
)
_REVIEW = "(SELECT MAX(v.id) FROM reviews v WHERE v.request_id = r.id{extra})"
# An imported open request received before the day of its import was acknowledged (or not) by
# the office's old system: its acknowledgement date has passed, and a letter now would promise
# a response by a date already gone (issue 20).
_NOT_INHERITED = (
    " AND NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = r.import_batch"
    " AND r.received < substr(b.at, 1, 10))"
)
NEEDS: dict[str, str] = {
    "acknowledgement": "r.status = 'open' AND " + _SENT_SINCE.format(since="''") + _NOT_INHERITED,
    "clarification": "r.clock_stopped = 'clarification' AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="clarify")),
    "fees": "r.clock_stopped = 'fee' AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="fee")),
    "extension": "r.status = 'open' AND "
    + _EVENT_SINCE.format(ev="extend")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="extend")),
    "response": "r.status = 'open' AND "
    + _ALL_ANSWERED
    + " AND NOT "
    + _REFUSED
    + " AND "
    + _SENT_SINCE.format(since="''"),
    "refusal": "r.status = 'open' AND "
    + _ALL_ANSWERED
    + " AND "
    + _REFUSED
    + " AND "
    + _SENT_SINCE.format(since="''"),
    "review-acknowledgement": _REVIEW.format(extra=" AND v.decided IS NULL")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since="(SELECT MAX(v.received) FROM reviews v WHERE v.request_id = r.id)"),
    "review-outcome": _REVIEW.format(extra=" AND v.decided IS NOT NULL")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since="(SELECT MAX(v.decided) FROM reviews v WHERE v.request_id = r.id)"),
}


def needing_letter(reg: Reader, kind: str) -> list[str]:
    """References of the requests that need a letter of this kind, oldest first."""
    get_kind(kind)
    sql = f"SELECT r.reference FROM requests r WHERE {NEEDS[kind]} ORDER BY r.received, r.id"
    return [r["reference"] for r in reg.query(sql, {"kind": kind})]


@dataclass
class BatchResult:
    reference: str
    path: Path | None
    error: str | None


def render_batch(
    reg: Register,
    kind: str,
    references: Iterable[str],
    *,
    template_dir: str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    today: dt.date | str | None = None,
    actor: str | None = None,
) -> Iterable[BatchResult]:
    """Render one letter per reference; a failure is reported and the batch goes on."""
    for reference in references:
        try:
            path = render_letter(
                reg,
                reference,
                kind,
                template_dir=template_dir,
                template=template,
                today=today,
                actor=actor,
            )
        except FoikitError as e:
            yield BatchResult(reference, None, str(e))
        else:
            yield BatchResult(reference, path, None)
