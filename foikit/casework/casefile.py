"""Reading a request back: `request show`, `request list` and `request history`.

Overdue and due soon are derived from the due date and `today` whenever a request is read,
never stored. Lists fetch each kind of child row in bulk (no query per request), and the
filters are SQL on the (status, due), (handler, status, due) and (regime, status, due) indexes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from foikit.casework.common import from_iso, get_request_row, load_calendar, resolve_today
from foikit.casework.requesters import from_row
from foikit.errors import InvalidRequest
from foikit.law import exemptions as exemption_registry
from foikit.law.regimes import REGIMES, get_request_regime

if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar


if TYPE_CHECKING:
    from foikit.register.reader import Reader


# Columns bumped on every change; the history leaves them out of its summaries.
_BOOKKEEPING = ("updated_at", "version")


# -- one request, many requests ---------------------------------------------------------


def requester_of(reg: Reader, reference: str) -> dict[str, Any] | None:
    """The requester: {"name", "email", "address": [lines]}; None when none is kept."""
    row = get_request_row(reg, reference)
    if row["requester_id"] is None:
        return None
    return from_row(reg.one("SELECT * FROM requesters WHERE id = ?", (row["requester_id"],)))


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _grouped(reg: Reader, sql: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Rows of `sql` (with `{ids}` for the id list) grouped by their request_id column."""
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for r in reg.query(sql.format(ids=marks), chunk):
            out.setdefault(r["request_id"], []).append(r)
    return out


def review_dict(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "received": r["received"],
        "reviewer": r["reviewer"],
        "due": r["due"],
        "decided": r["decided"],
        "outcome": r["outcome"],
        "reasons": r["reasons"],
        "extended": bool(r["extended"]),
        "late_request": bool(r["late_request"]),
        "grounds": r.get("grounds"),
    }


def ico_dict(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_reference": r["case_reference"],
        "complained": r["complained"],
        "notified": r["notified"],
        "decision_notice": r["decision_notice"],
        "decided": r["decided"],
        "decision": r["decision"],
        "notes": r["notes"],
        "respond_by": r.get("respond_by"),
    }


def _assemble(
    reg: Reader, rows: list[dict[str, Any]], today: dt.date, cal: Calendar, soon: int
) -> list[dict[str, Any]]:
    """The `request show --json` shape for each row, children fetched in bulk (no N+1)."""
    from foikit.clock.rules import status as clock_status

    ids = [r["id"] for r in rows]
    questions = _grouped(
        reg,
        "SELECT q.request_id, q.number, q.text, a.id AS answer_id, a.status, a.text AS answer,"
        " a.answered_by, a.answered_at FROM questions q LEFT JOIN answers a"
        " ON a.question_id = q.id WHERE q.request_id IN ({ids}) ORDER BY q.request_id, q.number",
        ids,
    )
    exemptions = _grouped(
        reg,
        "SELECT q.request_id, e.answer_id, e.section, e.reason, e.public_interest, e.ncnd"
        " FROM answer_exemptions e JOIN answers a ON a.id = e.answer_id"
        " JOIN questions q ON q.id = a.question_id WHERE q.request_id IN ({ids})"
        " ORDER BY e.id",
        ids,
    )
    events = _grouped(
        reg,
        "SELECT * FROM clock_events WHERE request_id IN ({ids}) ORDER BY id",
        ids,
    )
    reviews = _grouped(reg, "SELECT * FROM reviews WHERE request_id IN ({ids}) ORDER BY id", ids)
    icos = _grouped(reg, "SELECT * FROM ico_cases WHERE request_id IN ({ids}) ORDER BY id", ids)
    result = []
    for row in rows:
        rid = row["id"]
        qs = _questions_shown(questions.get(rid, []), exemptions.get(rid, []))
        request_reviews = [review_dict(r) for r in reviews.get(rid, [])]
        is_open = row["status"] == "open"
        due = from_iso(row["due"])
        state = clock_status(due, today, cal, soon) if is_open else None
        result.append(
            {
                "reference": row["reference"],
                "regime": row["regime"],
                "status": row["status"],
                "subject": row["subject"],
                "received": row["received"],
                "due": row["due"],
                "responded": row["responded"],
                "outcome": row["outcome"],
                "handler": row["handler"],
                "questions": qs,
                "events": [
                    {
                        "kind": e["kind"],
                        "date": e["date"],
                        "amount": e["amount"],
                        "days": e["days"],
                        "reason": e["reason"],
                        "detail": e["detail"],
                    }
                    for e in events.get(rid, [])
                ],
                "review": request_reviews[-1] if request_reviews else None,
                "reviews": request_reviews,
                "ico": [ico_dict(c) for c in icos.get(rid, [])],
                "notice_due": row["notice_due"],
                "clock_stopped": row["clock_stopped"],
                "in_time": (
                    None
                    if row["responded"] is None or row["due"] is None
                    else row["responded"] <= row["due"]
                ),
                "overdue": bool(state and state.overdue),
                "due_soon": bool(state and state.due_soon),
                "working_days_left": state.working_days_left if state else None,
                "channel": row["channel"],
                "publish": bool(row["publish"]),
                "version": row["version"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return result


def _questions_shown(
    questions: list[dict[str, Any]], exemptions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One request's questions with their answers and each answer's exemptions."""
    by_answer: dict[int, list[dict[str, Any]]] = {}
    for e in exemptions:
        by_answer.setdefault(e["answer_id"], []).append(
            {
                "section": e["section"],
                "name": exemption_registry.describe(e["section"]),
                "reason": e["reason"],
                "public_interest": e["public_interest"],
                "ncnd": bool(e["ncnd"]),
            }
        )
    return [
        {
            "number": q["number"],
            "text": q["text"],
            "status": q["status"] or "unanswered",
            "answer": q["answer"],
            "exemptions": by_answer.get(q["answer_id"], []),
            "answered_by": q["answered_by"],
            "answered_at": q["answered_at"],
        }
        for q in questions
    ]


def _due_soon_days(reg: Reader) -> int:
    from foikit.register.settings import get_setting

    return int(get_setting(reg, "clock.due_soon_days"))


def show_request(reg: Reader, reference: str, today: dt.date | str | None = None) -> dict[str, Any]:
    """One request as `foikit request show --json` prints it (docs/contract.md), with `deadline`:
    the clock's plain-English steps to the due date in force."""
    from foikit.clock.duedates import deadline_for

    row = get_request_row(reg, reference)
    cal = load_calendar(reg)
    shown = _assemble(reg, [row], resolve_today(today), cal, _due_soon_days(reg))[0]
    shown["deadline"] = list(deadline_for(reg, row["id"], cal).steps)
    return shown


def list_requests(
    reg: Reader,
    *,
    open_only: bool = False,
    overdue: bool = False,
    due_within: int | None = None,
    handler: str | None = None,
    regime: str | None = None,
    today: dt.date | str | None = None,
    limit: int | None = None,
    full: bool = True,
) -> list[dict[str, Any]]:
    """The register, filtered in SQL on the (status, due) indexes.

    `overdue`: open and due before today. `due_within`: open and due within N working days of
    today (overdue ones included). `full=False` gives the requests rows without their children.
    """
    today_ = resolve_today(today)
    clauses: list[str] = []
    params: list[Any] = []
    cal = None
    if open_only or overdue or due_within is not None:
        clauses.append("status = 'open'")
    if overdue:
        clauses.append("due < ?")
        params.append(today_.isoformat())
    if due_within is not None:
        if int(due_within) < 0:
            raise InvalidRequest("--due-within needs a number of working days, 0 or more")
        from foikit.clock.rules import add_working_days

        cal = load_calendar(reg)
        clauses.append("due <= ?")
        params.append(add_working_days(today_, int(due_within), cal).isoformat())
    if handler is not None:
        clauses.append("handler = ?")
        params.append(handler)
    if regime is not None:
        if regime not in REGIMES:
            get_request_regime(regime)  # raises UnknownRegime
        clauses.append("regime = ?")
        params.append(get_request_regime(regime).key)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    order = " ORDER BY due, id" if (overdue or due_within is not None) else " ORDER BY id"
    sql = f"SELECT * FROM requests{where}{order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = reg.query(sql, params)
    if not full:
        return rows
    return _assemble(reg, rows, today_, cal or load_calendar(reg), _due_soon_days(reg))


# -- the audit trail --------------------------------------------------------------------------

_ACTIONS = {
    "insert": "added",
    "update": "changed",
    "delete": "removed",
    "clock": "the clock moved",
    "add-request": "logged the request",
    "add-requester": "recorded the requester",
    "add-question": "added question",
    "answer": "answered question",
    "exemption": "relied on exemption",
    "remove-exemption": "removed exemption",
    "close": "closed the request",
    "set": "changed",
    "clarify": "asked for clarification",
    "clarified": "recorded the clarification received",
    "fee": "gave a fees notice",
    "fee-paid": "recorded the fee paid",
    "extend": "extended the time for compliance",
    "reopen": "reopened the request",
    "review-open": "opened an internal review",
    "review-close": "decided the internal review",
    "review-extend": "extended the internal review",
    "ico-open": "recorded an ICO complaint",
    "ico-decide": "recorded the ICO decision",
    "ico-update": "updated the ICO case",
    "letter": "rendered a letter",
    "anonymise": "anonymised personal data (retention)",
    "letter-deleted": "recorded the letter file as deleted (retention)",
    "delete-file": "deleted a letter file (retention)",
    "delete-file-failed": "could not delete a letter file (retention)",
    "import": "imported the request",
}


def _load(text: str | None) -> Any:
    import json

    return None if text is None else json.loads(text)


def _summary(action: str, table: str | None, old: Any, new: Any) -> str:
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    if action == "add-request":
        return f"logged the request ({new.get('regime')}, received {new.get('received')})"
    if action == "add-requester":
        return "recorded the requester's name and address"
    if action == "add-question":
        return f"added question {new.get('number')}"
    if action == "answer" and table == "answers":
        which = f"question {new['number']}" if new.get("number") else "a question"
        status = new.get("status")
        return f"answered {which}: {status}" if status else f"changed the answer to {which}"
    if action == "exemption":
        flag = " (neither confirm nor deny)" if new.get("ncnd") else ""
        return f"relied on {exemption_registry.describe(str(new.get('section')))} " + (
            f"[{new.get('section')}]{flag}"
        )
    if action == "letter" and table == "letters":
        copy = " (published copy)" if new.get("published") else ""
        copy += " (draft)" if new.get("draft") else ""
        return f"rendered the {new.get('kind')} letter{copy}"
    if action in ("letter-deleted", "delete-file", "delete-file-failed", "anonymise"):
        return _ACTIONS[action]
    if action == "reopen" and table == "requests":
        return "reopened the request for a fresh response"
    if action == "close":
        return f"closed the request: {new.get('outcome')}, responded {new.get('responded')}"
    if table == "clock_events":
        bits = [new.get("date")] if new.get("date") else []
        for key in ("reason", "days", "amount", "detail"):
            if new.get(key) is not None:
                bits.append(f"{key} {new[key]}")
        return f"{_ACTIONS.get(action, action)}" + (
            f" ({', '.join(map(str, bits))})" if bits else ""
        )
    if table == "reviews" and action == "review-open":
        return (
            f"opened an internal review (received {new.get('received')}, "
            f"reviewer {new.get('reviewer')}, due {new.get('due')})"
        )
    if table == "reviews" and action == "review-close":
        return f"decided the internal review: {new.get('outcome')} on {new.get('decided')}"
    if table == "ico_cases" and action == "ico-open":
        return (
            f"recorded an ICO complaint (case {new.get('case_reference')}, "
            f"complained {new.get('complained')})"
        )
    if table == "ico_cases" and action == "ico-decide":
        notice = f", decision notice {new['decision_notice']}" if new.get("decision_notice") else ""
        return f"recorded the ICO decision: {new.get('decision')} on {new.get('decided')}{notice}"
    changed = [k for k in new if k not in _BOOKKEEPING]
    if action in ("insert", "update", "set", "review-extend", "ico-update") or changed:
        parts = [f"{k} {old.get(k)!s} → {new.get(k)!s}" for k in changed]
        label = _ACTIONS.get(action, action)
        return f"{label}: {'; '.join(parts)}" if parts else label
    return _ACTIONS.get(action, action)


def history(reg: Reader, reference: str) -> list[dict[str, Any]]:
    """Who did what and when, from the audit trail, oldest first.

    Each row: at, actor, action, table, row_id, old, new (parsed JSON) and a plain summary.
    Rows that only bump the request's version are left out; the requester's personal data is
    summarised, never repeated.
    """
    row = get_request_row(reg, reference)
    numbers = {
        r["answer_id"]: r["number"]
        for r in reg.query(
            "SELECT a.id AS answer_id, q.number FROM answers a JOIN questions q"
            " ON q.id = a.question_id WHERE q.request_id = ?",
            (row["id"],),
        )
    }
    out = []
    for a in reg.query("SELECT * FROM audit WHERE request_id = ? ORDER BY id", (row["id"],)):
        old, new = _load(a["old"]), _load(a["new"])
        described = new
        if a["table_name"] == "answers" and a["row_id"] is not None and isinstance(new, dict):
            described = {**new, "number": numbers.get(int(a["row_id"]))}
        if (
            a["table_name"] == "requests"
            and isinstance(new, dict)
            and set(new) <= set(_BOOKKEEPING)
        ):
            continue
        if a["table_name"] == "requesters":
            old = new = None
        out.append(
            {
                "at": a["at"],
                "actor": a["actor"],
                "action": a["action"],
                "table": a["table_name"],
                "row_id": a["row_id"],
                "old": old,
                "new": new,
                "summary": _summary(a["action"], a["table_name"], old, described),
            }
        )
    return out
