"""The second, separate write path of an import: closed historic rows, kept as recorded.

An open request comes in through the lifecycle (foikit.casework.lifecycle), so every rule of
today holds for it. A request the office closed years ago is history: what it holds is what was
done, not what foikit would let an officer do today. So this path, and only this one:

- keeps the row as recorded: no answer text, public interest reasons or reviewer demanded; a
  requester with a name and no address, or no requester at all (anonymised);
- keeps an email that is not a valid address, and flags it (`requests.import_flags`);
- keeps the due date the file gives, else works it out where the calendar reaches, else none;
- records request-level exemptions on the answers, so the statistics count them;
- marks the request as imported (`import_batch`, `original_reference`) and not for the
  disclosure log unless the file or `--publish` chose it.

Everything goes through the import's `Tx` (audited, action `import`); nothing here is reached
from anywhere but foikit.records.importer.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from foikit.clock import rules as clock
from foikit.errors import FoikitError
from foikit.law import exemptions as exemption_registry
from foikit.law.outcomes import get_outcome
from foikit.records.rows import Record
from foikit.records.values import BadCell

if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar


if TYPE_CHECKING:
    from foikit.register.core import Tx


WITHHELD = ("partially-withheld", "withheld-in-full")
# What a closed request's unanswered question is taken to have been, by the request's outcome.
STATUS_BY_OUTCOME = {
    "granted-in-full": "answered",
    "advice-and-assistance": "answered",
    "partially-withheld": "answered",
    "withheld-in-full": "exempt",
    "not-held": "not-held",
}
CHILD_TABLES = ("answer_exemptions", "answers", "questions", "clock_events", "reviews")


def write_history(
    tx: Tx,
    rec: Record,
    *,
    reference: str,
    year: int,
    seq: int,
    marks: dict[str, Any],
    publish: bool,
    cal: Calendar,
    nation: str,
    deadlines: dict[Any, Any] | None = None,
    replace_id: int | None = None,
) -> int:
    """Write one closed historic record; returns the request's id. `replace_id`: rewrite a
    request an earlier import made (the corrected row), keeping its id and reference."""
    assert rec.closed and rec.received is not None and rec.outcome is not None
    requester = _requester(rec)
    due = rec.due or _clock_due(rec, cal, nation, {} if deadlines is None else deadlines)
    row = {
        "subject": rec.subject,
        "received": rec.received.isoformat(),
        "channel": rec.channel,
        "handler": rec.handler,
        "status": "closed",
        "due": due.isoformat() if due else None,
        "notice_due": None,
        "clock_stopped": None,
        "responded": rec.responded.isoformat() if rec.responded else None,
        "outcome": rec.outcome,
        "publish": 1 if (rec.publish if rec.publish is not None else publish) else 0,
        "notes": rec.notes,
        "import_flags": json.dumps(rec.flags, ensure_ascii=False) if rec.flags else None,
        "updated_at": tx.at,
        **marks,
    }
    if replace_id is None:
        requester_id = None
        if requester is not None:
            requester_id = tx.insert("requesters", requester, action="import")
        rid = int(
            tx.insert(
                "requests",
                {
                    "reference": reference,
                    "regime": rec.regime,
                    "year": year,
                    "seq": seq,
                    "requester_id": requester_id,
                    "created_at": tx.at,
                    "version": 1,
                    **row,
                },
                action="import",
            )
        )
    else:
        rid = replace_id
        _clear_children(tx, rid)
        old = tx.execute("SELECT requester_id FROM requests WHERE id = ?", (rid,)).fetchone()
        if old is not None and old[0] is not None and requester is not None:
            tx.update("requesters", old[0], requester, request_id=rid, action="import")
        tx.update("requests", rid, row, action="import")
    _write_children(tx, rid, rec, cal)
    return rid


def normalise_email_fast(text: str) -> str:
    """What `request add` stores for an address: foikit.casework.requesters.normalise_email,
    which checks each domain once (the name the importer has always used)."""
    from foikit.casework.requesters import normalise_email

    return normalise_email(text)


def _requester(rec: Record) -> dict[str, Any] | None:
    if not (rec.requester_name or rec.requester_email or rec.requester_address):
        return None
    email = rec.requester_email
    if email:
        try:
            email = normalise_email_fast(email)
        except FoikitError:
            email = rec.requester_email_raw or email
            rec.flags.append(f"email {email!r} is not a valid address (kept as recorded)")
    return {"name": rec.requester_name, "email": email, "address": rec.requester_address}


def _clock_due(rec: Record, cal: Calendar, nation: str, cache: dict[Any, Any]) -> dt.date | None:
    """The clock's due date where the calendar reaches. A register of 100,000 rows has a few
    thousand distinct days of receipt: each (day, regime, events) is worked out once."""
    assert rec.received is not None
    events = tuple(
        clock.ClockEvent(
            e["kind"],
            dt.date.fromisoformat(e["date"]) if e["date"] else None,
            e["days"],
            e["reason"],
        )
        for e in rec.events
    )
    key = (rec.received, rec.regime, events)
    if key not in cache:
        try:
            cache[key] = clock.request_deadline(
                rec.received, rec.regime, events, cal, nation=nation, explain=False
            ).due
        except FoikitError as e:
            cache[key] = e
    found: dt.date | None | FoikitError = cache[key]
    if isinstance(found, FoikitError):
        rec.flags.append(f"no due date: {found}")
        return None
    return found


def _sections(items: list[dict[str, Any]], regime: str) -> list[dict[str, Any]]:
    """Exemptions as recorded, in their canonical spelling; no public interest demanded."""
    rows = []
    for item in items:
        try:
            section, _ = exemption_registry.resolve(item["section"], regime)
        except FoikitError:
            try:
                section, _ = exemption_registry.resolve(item["section"], None)
            except FoikitError as e:
                raise BadCell(str(e)) from None
        rows.append(
            {
                "section": section,
                "reason": item.get("reason"),
                "public_interest": item.get("public_interest"),
                "ncnd": 1 if item.get("ncnd") else 0,
            }
        )
    return rows


def plan_answers(rec: Record) -> list[dict[str, Any]]:
    """The questions with the status and exemptions each answer is recorded with. Request-level
    exemptions go on the questions without a status of their own (else question 1), when no
    question has exemptions of its own; a request with none and no questions gets its subject
    as its one question, so the statistics count the exemption."""
    assert rec.outcome is not None
    questions = [dict(q) for q in rec.questions]
    if rec.exemptions and not any(q["exemptions"] for q in questions):
        if not questions:
            questions.append(
                {"number": 1, "text": rec.subject, "status": None, "answer": None, "exemptions": []}
            )
        targets = [q for q in questions if q["status"] in (None, "exempt")] or questions[:1]
        for q in targets:
            q["exemptions"] = [{"section": s} for s in rec.exemptions]
            q["status"] = "exempt"
    needs_answers = get_outcome(rec.outcome).needs_answers
    for q in questions:
        if q["status"] is None:
            if q["exemptions"]:
                q["status"] = "exempt"
            elif q["answer"]:
                q["status"] = "answered"
            elif needs_answers:
                q["status"] = STATUS_BY_OUTCOME.get(rec.outcome, "answered")
    exempt = any(q["status"] == "exempt" for q in questions)
    if rec.outcome in WITHHELD and not any(q["exemptions"] for q in questions):
        rec.warnings.append(f"{rec.outcome} with no exemption recorded")
        for q in questions:
            if q["status"] == "exempt":
                q["status"] = "answered" if q["answer"] else None
    elif rec.outcome == "granted-in-full" and exempt:
        rec.warnings.append("granted in full, but an exemption is recorded")
    return questions


def _write_children(tx: Tx, rid: int, rec: Record, cal: Calendar) -> None:
    for event in rec.events:
        tx.insert(
            "clock_events", {**event, "request_id": rid, "created_at": tx.at}, request_id=rid,
            action="import",
        )  # fmt: skip
    for q in plan_answers(rec):
        qid = tx.insert(
            "questions",
            {"request_id": rid, "number": q["number"], "text": q["text"]},
            request_id=rid,
            action="import",
        )
        if q["status"] is None:
            continue
        aid = tx.insert(
            "answers",
            {
                "question_id": qid,
                "status": q["status"],
                "text": q["answer"],
                "answered_by": tx.actor,
                "answered_at": tx.at,
            },
            request_id=rid,
            action="import",
        )
        for e in _sections(q["exemptions"], rec.regime):
            tx.insert("answer_exemptions", {**e, "answer_id": aid}, request_id=rid, action="import")
    if rec.review is not None:
        from foikit.casework.reviews import import_reviewer

        review = rec.review
        try:
            due: str | None = clock.review_due(
                review["received"], cal, regime=rec.regime
            ).isoformat()
        except FoikitError:
            due = None
        # The reviewer rules hold for imports too: never the handler; a review still open needs
        # a reviewer who can decide it; a past one keeps its reviewer's name, cleaned.
        reviewer = (
            import_reviewer(tx.register, review["reviewer"], rec.handler, review["decided"])
            if review["reviewer"]
            else "(not recorded)"
        )
        tx.insert(
            "reviews",
            {
                "request_id": rid,
                "received": review["received"].isoformat(),
                "reviewer": reviewer,
                "due": due,
                "decided": review["decided"].isoformat() if review["decided"] else None,
                "outcome": review["outcome"],
            },
            request_id=rid,
            action="import",
        )


def _clear_children(tx: Tx, rid: int) -> None:
    """Remove what belongs to a request (answers, questions, events, reviews), audited."""
    queries = {
        "answer_exemptions": "SELECT e.id FROM answer_exemptions e JOIN answers a"
        " ON a.id = e.answer_id JOIN questions q ON q.id = a.question_id WHERE q.request_id = ?",
        "answers": "SELECT a.id FROM answers a JOIN questions q ON q.id = a.question_id"
        " WHERE q.request_id = ?",
        "questions": "SELECT id FROM questions WHERE request_id = ?",
        "clock_events": "SELECT id FROM clock_events WHERE request_id = ?",
        "reviews": "SELECT id FROM reviews WHERE request_id = ?",
    }
    for table in CHILD_TABLES:
        for (row_id,) in tx.execute(queries[table], (rid,)).fetchall():
            tx.delete(table, row_id, request_id=rid, action="import-remove")
