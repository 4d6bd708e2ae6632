"""Correcting a logged request: `foikit request edit` and the edit forms on the staff page.

A wrong date of receipt, a misspelt name, a question split in the wrong place, the handler or
the publication flag. Every change is one audited update (before and after), all the changes
of one edit commit together, and the clock is recomputed from the corrected date of receipt.
A closed request is a record of what was sent: it may still be corrected, but only with a
reason, which goes in the history. A question that has an answer may be reworded but not
removed (the answer would lose its question).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from foikit.casework.change import changing
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    load_calendar,
    recompute,
    resolve_today,
    touch,
)
from foikit.casework.questions import strip_marker
from foikit.casework.requesters import (
    address_lines,
    make_requester,
    match_keys,
    requester_row,
)
from foikit.casework.staff_names import check_staff
from foikit.errors import InvalidDate, InvalidRequest, QuestionNotFound

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


_UNSET: Any = object()


def _question_text(text: Any, what: str) -> str:
    check_text(what, text)
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest(f"{what} is empty")
    return strip_marker(text)


def _requester_changes(
    tx: Tx, row: dict[str, Any], name: Any, email: Any, address: Any
) -> dict[str, Any]:
    """Correct the requester's record (the person: all their requests show the correction)."""
    if name is _UNSET and email is _UNSET and address is _UNSET:
        return {}
    check_text("requester's details", *(v for v in (name, email) if v is not _UNSET))
    current = (
        tx.execute("SELECT * FROM requesters WHERE id = ?", (row["requester_id"],)).fetchone()
        if row["requester_id"] is not None
        else None
    )
    old_lines = (current["address"] or "").split("\n") if current and current["address"] else []
    person = make_requester(
        (current["name"] if current else None) if name is _UNSET else name,
        (current["email"] if current else None) if email is _UNSET else (email or None),
        old_lines if address is _UNSET else address_lines(address),
    )
    wanted = requester_row(person)
    if current is None:
        new_id = tx.insert("requesters", wanted, request_id=row["id"], action="add-requester")
        touch(tx, row["id"], {"requester_id": new_id}, action="edit")
        return {"requester": "added"}
    email_key, post_key = match_keys(person.name, person.email, person.address)
    changed = tx.update(
        "requesters",
        current["id"],
        {**person.row(), "email_key": email_key, "post_key": post_key},
        request_id=row["id"],
        action="edit-requester",
    )
    return {f"requester_{k}": "changed" for k in changed if not k.endswith("_key")}


def _question_changes(
    tx: Tx,
    row: dict[str, Any],
    reword: Mapping[int, str],
    add: Sequence[str],
    remove: Sequence[int],
) -> dict[str, Any]:
    rid = row["id"]
    out: dict[str, Any] = {}
    questions = {
        q["number"]: dict(q)
        for q in tx.execute(
            "SELECT q.id, q.number, q.text, a.id AS answer_id FROM questions q"
            " LEFT JOIN answers a ON a.question_id = q.id WHERE q.request_id = ?",
            (rid,),
        ).fetchall()
    }
    for number, text in reword.items():
        if number not in questions:
            raise QuestionNotFound(f"{row['reference']} has no question {number}")
        if tx.update(
            "questions",
            questions[number]["id"],
            {"text": text},
            request_id=rid,
            action="edit-question",
        ):
            out[f"question {number}"] = text
    for number in sorted(set(remove), reverse=True):
        q = questions.get(number)
        if q is None:
            raise QuestionNotFound(f"{row['reference']} has no question {number}")
        if q["answer_id"] is not None:
            raise InvalidRequest(
                f"question {number} of {row['reference']} has an answer: reword it with "
                "--question N TEXT, or remove the answer first"
            )
        tx.delete("questions", q["id"], request_id=rid, action="remove-question")
        del questions[number]
        # later questions move up, so the numbers stay 1, 2, 3 as letters print them
        for later in sorted(n for n in questions if n > number):
            tx.update(
                "questions",
                questions[later]["id"],
                {"number": later - 1},
                request_id=rid,
                action="renumber-question",
            )
            questions[later - 1] = questions.pop(later)
        out[f"question {number}"] = "removed"
    if add:
        start = tx.execute(
            "SELECT COALESCE(MAX(number), 0) FROM questions WHERE request_id = ?", (rid,)
        ).fetchone()[0]
        for i, text in enumerate(add, start + 1):
            tx.insert(
                "questions",
                {"request_id": rid, "number": i, "text": text},
                request_id=rid,
                action="add-question",
            )
            out[f"question {i}"] = "added"
    remaining = tx.execute("SELECT COUNT(*) FROM questions WHERE request_id = ?", (rid,))
    if remaining.fetchone()[0] == 0:
        raise InvalidRequest(f"{row['reference']} would have no questions left")
    return out


def _check_received(reg: Reader, row: dict[str, Any], received: dt.date, today: dt.date) -> None:
    check_not_future(received, today, "received date")
    if row["responded"] and received.isoformat() > row["responded"]:
        raise InvalidDate(
            f"the received date {received.isoformat()} is after the response ({row['responded']})"
        )
    first = reg.scalar(
        "SELECT MIN(date) FROM clock_events WHERE request_id = ? AND date IS NOT NULL",
        (row["id"],),
    )
    if first and received.isoformat() > first:
        raise InvalidDate(
            f"the received date {received.isoformat()} is after the request's first clock "
            f"event ({first})"
        )


def edit_request(
    reg: Register,
    actor: str,
    reference: str,
    *,
    received: dt.date | str | None = None,
    subject: str | None = None,
    requester_name: Any = _UNSET,
    requester_email: Any = _UNSET,
    requester_address: Any = _UNSET,
    handler: Any = _UNSET,
    questions: Mapping[int, str] | None = None,
    add_questions: Sequence[str] = (),
    remove_questions: Sequence[int] = (),
    publish: bool | None = None,
    reason: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Apply the corrections; returns {"reference", "changes", "due_before", "due"}.

    Refused as a whole (nothing written) when any part is refused."""
    today_ = resolve_today(today)
    received_ = None if received is None else as_date(received, "received date")
    check_text("reason", reason)
    subject_ = None
    if subject is not None:
        check_text("subject", subject)
        if not subject.strip():
            raise InvalidRequest("the subject is empty")
        subject_ = subject.strip()
    reword = {int(n): _question_text(t, f"question {n}") for n, t in (questions or {}).items()}
    adds = [_question_text(t, "the added question") for t in add_questions]
    cal = load_calendar(reg)
    if received_ is not None:
        cal.check(received_)
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        change.bump = False  # bumped below with the columns that changed, or not at all
        tx, row = change.tx, change.row
        if row["status"] != "open" and not (reason and reason.strip()):
            raise InvalidRequest(
                f"{row['reference']} is closed (responded {row['responded']}): a correction "
                "to a closed request needs --reason"
            )
        changes: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        if received_ is not None:
            _check_received(reg, row, received_, today_)
            columns["received"] = received_.isoformat()
        if subject_ is not None:
            columns["subject"] = subject_
        if handler is not _UNSET:
            columns["handler"] = check_staff(tx.conn, handler, "handler")
        if publish is not None:
            columns["publish"] = 1 if publish else 0
        diff = {k: v for k, v in columns.items() if row[k] != v}
        if diff:
            touch(tx, row["id"], diff, action="edit")
            changes.update(diff)
        changes.update(
            _requester_changes(tx, row, requester_name, requester_email, requester_address)
        )
        changes.update(_question_changes(tx, row, reword, adds, remove_questions))
        if not changes:
            return {
                "reference": row["reference"],
                "changes": {},
                "due_before": row["due"],
                "due": row["due"],
            }
        if not diff:
            touch(tx, row["id"])  # question and requester edits change the request too
        clock = recompute(tx, row["id"], cal)
        tx.audit(
            "edit",
            table="requests",
            row_id=row["id"],
            request_id=row["id"],
            new={"changed": sorted(changes), "reason": reason},
        )
        due = clock.get("due", row["due"])
    return {
        "reference": row["reference"],
        "changes": changes,
        "due_before": row["due"],
        "due": due,
    }
