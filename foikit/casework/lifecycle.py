"""The request lifecycle: log, answer, stop and extend the clock, close.

Each function validates everything it can before it writes, then makes its change in one
`reg.transaction(actor)`, so the change and its audit rows commit together. Each change to an
existing request takes an optional `expected_version`: one made from an older copy of the
request (a stale form) is refused with StaleRecord, checked inside that same transaction.
Due dates come from the statutory clock (`foikit.clock.duedates.recompute`), never from here.
Reading a request back (`show_request`, `list_requests`, `history`) lives in
foikit.casework.casefile and is re-exported here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from foikit.casework.casefile import history, list_requests, requester_of, show_request
from foikit.casework.change import changing

# The clock events live in foikit.casework.clock_events (re-exported here).
from foikit.casework.clock_events import (
    InvalidClockEvent,
    clarified,
    clarify,
    extend,
    fee,
    fee_paid,
    identity_received,
    identity_requested,
)
from foikit.casework.common import (
    CHANNELS,
    QUESTION_STATUSES,
    RequestClosed,
    as_date,
    check_not_future,
    check_text,
    check_version,
    get_request_row,
    load_calendar,
    next_seq,
    normalise_reference,
    recompute,
    request_id,
    resolve_today,
    touch,
)
from foikit.casework.questions import strip_marker
from foikit.casework.received import keep_as_received
from foikit.casework.requesters import attach_requester, make_requester
from foikit.casework.staff_names import check_staff
from foikit.errors import (
    InvalidDate,
    InvalidRequest,
    MissingAnswer,
    QuestionNotFound,
    TemplateError,
)
from foikit.law import exemptions as exemption_registry
from foikit.law.outcomes import get_outcome
from foikit.law.regimes import get_request_regime

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


__all__ = [
    "CHANNELS",
    "QUESTION_STATUSES",
    "InvalidAnswer",
    "InvalidClockEvent",
    "MissingPublicInterest",
    "RequestClosed",
    "add_question",
    "add_request",
    "answer_all",
    "answer_question",
    "as_date",
    "check_version",
    "clarified",
    "clarify",
    "close_request",
    "extend",
    "fee",
    "fee_paid",
    "get_request_row",
    "history",
    "identity_received",
    "identity_requested",
    "list_requests",
    "normalise_reference",
    "request_id",
    "requester_of",
    "set_publish",
    "show_request",
    "touch",
    "unanswered",
    "update_request",
]

_REFERENCE = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<year>\d{4})-(?P<seq>\d{1,9})$")


class InvalidAnswer(InvalidRequest):
    """An answer the law or the register cannot accept."""


class MissingPublicInterest(InvalidAnswer):
    """A qualified exemption relied on without public interest reasons (FOIA s.17(3))."""


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    check_text(what, value)
    if value is None or not value.strip():
        if required:
            raise InvalidRequest(f"the {what} is empty")
        return None
    return value


# -- adding a request -------------------------------------------------------------------------


def _parse_reference(reference: str, prefix: str) -> tuple[str, int, int]:
    """(reference, year, seq) from a given reference, in the form `add_request` writes:
    `foi-2024-41` -> ("FOI-2024-0041", 2024, 41)."""
    ref = normalise_reference(reference)
    match = _REFERENCE.match(ref)
    if not match:
        raise InvalidRequest(f"reference {reference!r} is not like {prefix}-2024-0001")
    if match.group("prefix") != prefix:
        raise InvalidRequest(f"reference {ref} should start {prefix}- for this regime")
    year, seq = int(match.group("year")), int(match.group("seq"))
    if seq < 1:
        raise InvalidRequest(f"reference {ref}: the number after the year starts at 1")
    return f"{prefix}-{year}-{seq:04d}", year, seq


def _new_questions(questions: Sequence[str], as_received: str | None) -> list[str]:
    """The questions of a new request, checked, without a pasted "1." of their own."""
    check_text("question", *questions, as_received)
    texts = [strip_marker(t) if isinstance(t, str) else t for t in questions]
    for number, text in enumerate(texts, 1):
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequest(f"question {number} is empty")
    return texts


def _check_details(
    name: str | None,
    email: str | None,
    address: Sequence[str] | str | None,
    handler: str | None,
    notes: str | None,
) -> None:
    check_text("requester's details", name, email, handler, notes)
    if address is not None:
        check_text("requester's address", *([address] if isinstance(address, str) else address))


def add_request(
    reg: Register,
    actor: str,
    *,
    received: dt.date | str,
    subject: str,
    regime: str = "foi",
    questions: Sequence[str] = (),
    requester_name: str | None = None,
    requester_email: str | None = None,
    requester_address: Sequence[str] | str | None = None,
    handler: str | None = None,
    channel: str | None = None,
    today: dt.date | str | None = None,
    reference: str | None = None,
    publish: bool = True,
    notes: str | None = None,
    requester_required: bool = True,
    as_received: str | None = None,
    source: str = "form",
    attachments: Sequence[dict[str, Any]] = (),
) -> str:
    """Log a request; returns its reference (`FOI-2024-0001`: regime prefix, year of receipt).

    The reference is allocated inside the transaction that creates the request (the register
    opens BEGIN IMMEDIATE), so officers adding requests at the same moment get distinct ones.
    `reference` keeps an existing reference (importing older registers); `requester_required`
    may be turned off only for historical records whose requester was never kept.
    """
    today_ = resolve_today(today)
    kind = get_request_regime(regime)
    received_ = as_date(received, "received date")
    check_not_future(received_, today_, "received date")
    subject_ = _text(subject, "subject", required=True)
    texts = _new_questions(questions, as_received)
    _check_details(requester_name, requester_email, requester_address, handler, notes)
    if channel is not None and channel not in CHANNELS:
        raise InvalidRequest(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
    given = any(v for v in (requester_name, requester_email, requester_address))
    requester = (
        make_requester(requester_name, requester_email, requester_address)
        if requester_required or given
        else None
    )
    wanted = _parse_reference(reference, kind.prefix) if reference is not None else None
    with reg.transaction(actor) as tx:
        cal = load_calendar(tx)  # inside the transaction: a holiday added meanwhile counts
        cal.check(received_)
        handler = check_staff(tx.conn, handler, "handler")
        if wanted is not None:
            ref, year, seq = wanted
            if tx.execute(
                "SELECT 1 FROM requests"
                " WHERE reference = ? OR (regime = ? AND year = ? AND seq = ?)",
                (ref, kind.key, year, seq),
            ).fetchone():
                raise InvalidRequest(f"{ref} is already in the register")
        else:
            year = received_.year
            seq = next_seq(tx, kind.key, kind.prefix, year)
            ref = f"{kind.prefix}-{year}-{seq:04d}"
        # The id the request will get, so the requester's audit row can point at it.
        rid = tx.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM requests").fetchone()[0]
        requester_id = None
        if requester is not None:
            requester_id = attach_requester(tx, requester, rid)
        tx.insert(
            "requests",
            {
                "id": rid,
                "reference": ref,
                "regime": kind.key,
                "year": year,
                "seq": seq,
                "subject": subject_,
                "received": received_.isoformat(),
                "channel": channel,
                "handler": handler if handler and handler.strip() else None,
                "requester_id": requester_id,
                "status": "open",
                "publish": 1 if publish else 0,
                "notes": notes,
                "created_at": tx.at,
                "updated_at": tx.at,
                "version": 1,
            },
            action="add-request",
        )
        for number, text in enumerate(texts, 1):
            tx.insert(
                "questions",
                {"request_id": rid, "number": number, "text": text},
                request_id=rid,
                action="add-question",
            )
        keep_as_received(tx, rid, as_received, source, attachments)
        recompute(tx, rid, cal)
    return ref


def add_question(
    reg: Register, actor: str, reference: str, text: str, *, expected_version: int | None = None
) -> int:
    """Add a question to an open request (one the officer split out later); returns its number.

    `expected_version` (here and in every lifecycle function): refuse with StaleRecord, writing
    nothing, unless the request is still at that version (a form made from an older copy)."""
    check_text("question", text)
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest("the question is empty")
    text = strip_marker(text)
    with changing(
        reg, actor, reference, expected_version=expected_version, doing="add a question"
    ) as change:
        tx, row = change.tx, change.row
        number = tx.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM questions WHERE request_id = ?",
            (row["id"],),
        ).fetchone()[0]
        tx.insert(
            "questions",
            {"request_id": row["id"], "number": number, "text": text},
            request_id=row["id"],
            action="add-question",
        )
    return int(number)


_UNSET: Any = object()


def update_request(
    reg: Register,
    actor: str,
    reference: str,
    *,
    subject: str = _UNSET,
    handler: str | None = _UNSET,
    channel: str | None = _UNSET,
    publish: bool = _UNSET,
    notes: str | None = _UNSET,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Change a request's details; returns the columns that changed (empty: nothing to do)."""
    changes: dict[str, Any] = {}
    if subject is not _UNSET:
        changes["subject"] = _text(subject, "subject", required=True)
    if handler is not _UNSET:
        check_text("handler", handler)
        changes["handler"] = check_staff(reg.conn, handler, "handler")
    if channel is not _UNSET:
        if channel is not None and channel not in CHANNELS:
            raise InvalidRequest(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
        changes["channel"] = channel
    if publish is not _UNSET:
        changes["publish"] = 1 if publish else 0
    if notes is not _UNSET:
        check_text("notes", notes)
        changes["notes"] = notes
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        diff = {k: v for k, v in changes.items() if change.row[k] != v}
        change.bump = bool(diff)
        change.set(action="set", **diff)
    return diff


def set_publish(
    reg: Register,
    actor: str,
    reference: str,
    publish: bool,
    *,
    expected_version: int | None = None,
) -> None:
    """Mark a request for the disclosure log, or not for publication."""
    update_request(reg, actor, reference, publish=publish, expected_version=expected_version)


# -- answers ----------------------------------------------------------------------------------


def _question(reg: Reader, row: dict[str, Any], number: int) -> dict[str, Any]:
    q = reg.one(
        "SELECT * FROM questions WHERE request_id = ? AND number = ?", (row["id"], int(number))
    )
    if q is None:
        numbers = [
            r["number"]
            for r in reg.query(
                "SELECT number FROM questions WHERE request_id = ? ORDER BY number", (row["id"],)
            )
        ]
        have = ", ".join(map(str, numbers)) if numbers else "none"
        raise QuestionNotFound(
            f"{row['reference']} has no question {number} (its questions: {have})"
        )
    return q


def _exemption_rows(
    exemptions: Sequence[tuple[str, str | None, str | None]], regime: str, ncnd: bool
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in exemptions:
        # (section,), (section, reason) and (section, reason, public_interest) are all accepted.
        section, reason, public_interest = (*item, None, None)[:3]
        if not isinstance(section, str):
            raise InvalidAnswer(f"an exemption is a section such as 40(2), not {section!r}")
        canonical, entry = exemption_registry.resolve(section, regime)
        if canonical in seen:
            raise InvalidAnswer(f"exemption {canonical} is given twice")
        seen.add(canonical)
        problem = exemption_registry.regime_problem(entry, regime)
        if problem is not None:
            raise InvalidAnswer(problem)
        if not (reason and reason.strip()):
            raise InvalidAnswer(
                f"{entry.label} needs the reason it applies (FOIA s.17(1)(c); EIR reg 14(3); "
                "UK GDPR Art 12(4)): give it with --reason"
            )
        pi = public_interest if public_interest and public_interest.strip() else None
        if entry.needs_public_interest and pi is None:
            raise MissingPublicInterest(
                f"{entry.label} ({entry.name}) is qualified: give the public interest reasons "
                "(factors for and against disclosure, and the balance) with --public-interest"
            )
        if ncnd and entry.ncnd_subsection is None:
            raise InvalidAnswer(
                f"{entry.label} has no provision to neither confirm nor deny; NCND cannot be "
                "recorded with it"
                + (" (s.43(3) covers s.43(2) only)" if canonical.startswith("43(1)") else "")
            )
        rows.append(
            {
                "section": canonical,
                "reason": reason if reason and reason.strip() else None,
                "public_interest": pi,
                "ncnd": 1 if ncnd else 0,
            }
        )
    return rows


def _check_answer_shape(
    body: str | None, not_held: bool, exemptions: Sequence[Any], ncnd: bool
) -> None:
    check_text("answer", body)
    for item in exemptions:
        check_text("exemption", *(v for v in item if v is not None))
    if not_held and exemptions:
        raise InvalidAnswer(
            "an answer is either not held or exempt, not both (under the EIR cite reg 12(4)(a))"
        )
    if ncnd and not exemptions:
        raise InvalidAnswer("neither confirm nor deny needs the exemption relied on (--exempt)")
    if ncnd and body is not None:
        raise InvalidAnswer("neither confirm nor deny cannot release text with the answer")
    if body is None and not not_held and not exemptions:
        raise InvalidAnswer("give the answer text, not held, or an exemption")


def _answer_status(rows: list[dict[str, Any]], not_held: bool) -> str:
    if rows and all(r["section"] == "reg 12(4)(a)" for r in rows):
        return "not-held"  # the EIR's own way of saying so
    if rows:
        return "exempt"
    return "not-held" if not_held else "answered"


def _write_answer(
    tx: Tx,
    row: dict[str, Any],
    question: dict[str, Any],
    status: str,
    body: str | None,
    rows: list[dict[str, Any]],
    on: dt.date | None = None,
) -> None:
    """Insert or replace one question's answer and its exemption rows (`on`: the date the
    answer is recorded as given, for back-dated entry; else now)."""
    at = tx.at if on is None else on.isoformat()
    answer = {"status": status, "text": body, "answered_by": tx.actor, "answered_at": at}
    existing = tx.one("SELECT id FROM answers WHERE question_id = ?", (question["id"],))
    if existing is None:
        answer_id = tx.insert(
            "answers",
            {"question_id": question["id"], **answer},
            request_id=row["id"],
            action="answer",
        )
    else:
        answer_id = existing["id"]
        tx.update("answers", answer_id, answer, request_id=row["id"], action="answer")
        for old in tx.query("SELECT id FROM answer_exemptions WHERE answer_id = ?", (answer_id,)):
            tx.delete(
                "answer_exemptions", old["id"], request_id=row["id"], action="remove-exemption"
            )
    for ex in rows:
        tx.insert(
            "answer_exemptions",
            {"answer_id": answer_id, **ex},
            request_id=row["id"],
            action="exemption",
        )


def _prepared(
    row: dict[str, Any], not_held: bool, exemptions: Sequence[Any], ncnd: bool
) -> tuple[list[dict[str, Any]], str]:
    rows = _exemption_rows(exemptions, row["regime"], ncnd)
    if not_held and row["regime"] == "eir":
        rows = [{"section": "reg 12(4)(a)", "reason": None, "public_interest": None, "ncnd": 0}]
    return rows, _answer_status(rows, not_held)


def _check_answer_template(reg: Register, reference: str, body: str | None, where: str) -> None:
    """An answer that uses the register's figures is worked out now, in the answer sandbox,
    against this request's own context: a broken or hostile one is refused at entry."""
    from foikit.letters import check_answer

    try:
        check_answer(reg, reference, body, where)
    except TemplateError as e:
        raise InvalidAnswer(f"{e}; the answer was not saved") from None


def answer_question(
    reg: Register,
    actor: str,
    reference: str,
    number: int,
    *,
    text: str | None = None,
    not_held: bool = False,
    exemptions: Sequence[tuple[str, str | None, str | None]] = (),
    ncnd: bool = False,
    expected_version: int | None = None,
    today: dt.date | str | None = None,
) -> None:
    """Record (or replace) the answer to question `number`.

    `text` alone: answered. `not_held`: information not held (text may explain; under the EIR
    reg 12(4)(a) is recorded as the exception). One or more `exemptions`, each
    `(section, reason, public_interest)`: exempt, with `text` for any part released. `ncnd`
    records that the authority neither confirms nor denies holding the information.
    """
    body = text if text is not None and text.strip() else None
    _check_answer_shape(body, not_held, exemptions, ncnd)
    _check_answer_template(reg, reference, body, f"the answer to question {number}")
    with changing(
        reg, actor, reference, expected_version=expected_version, doing="answer a question"
    ) as change:
        row = change.row
        question = _question(reg, row, number)
        rows, status = _prepared(row, not_held, exemptions, ncnd)
        on = None if today is None else resolve_today(today)
        _write_answer(change.tx, row, question, status, body, rows, on)


def answer_all(
    reg: Register,
    actor: str,
    reference: str,
    *,
    text: str | None = None,
    not_held: bool = False,
    exemptions: Sequence[tuple[str, str | None, str | None]] = (),
    ncnd: bool = False,
    only_unanswered: bool = True,
    expected_version: int | None = None,
    today: dt.date | str | None = None,
) -> list[int]:
    """Give every question (by default every unanswered one) the same answer, in one
    transaction: a whole request refused under s.12 or s.14, or not held. Returns the numbers."""
    body = text if text is not None and text.strip() else None
    _check_answer_shape(body, not_held, exemptions, ncnd)
    _check_answer_template(reg, reference, body, "the answer")
    with changing(
        reg, actor, reference, expected_version=expected_version, doing="answer its questions"
    ) as change:
        tx, row = change.tx, change.row
        rows, status = _prepared(row, not_held, exemptions, ncnd)
        sql = "SELECT q.* FROM questions q"
        if only_unanswered:
            sql += " LEFT JOIN answers a ON a.question_id = q.id WHERE a.id IS NULL AND"
        else:
            sql += " WHERE"
        questions = reg.query(sql + " q.request_id = ? ORDER BY q.number", (row["id"],))
        if not questions:
            which = "unanswered questions" if only_unanswered else "questions"
            raise QuestionNotFound(f"{row['reference']} has no {which}")
        on = None if today is None else resolve_today(today)
        for question in questions:
            _write_answer(tx, row, question, status, body, rows, on)
    return [q["number"] for q in questions]


def unanswered(reg: Reader, request_id: int) -> list[int]:
    return [
        r["number"]
        for r in reg.query(
            "SELECT q.number FROM questions q LEFT JOIN answers a ON a.question_id = q.id"
            " WHERE q.request_id = ? AND a.id IS NULL ORDER BY q.number",
            (request_id,),
        )
    ]


def _check_outcome_fits(reference: str, outcome: str, statuses: list[str]) -> None:
    """The outcome must agree with the answers (the official statistics count them)."""
    exempt = statuses.count("exempt")
    if outcome == "granted-in-full" and exempt:
        raise InvalidRequest(
            f"{reference}: granted in full, but {exempt} answer(s) rely on an exemption: "
            "use partially-withheld or withheld-in-full"
        )
    if outcome in ("partially-withheld", "withheld-in-full") and statuses and not exempt:
        raise InvalidRequest(
            f"{reference}: {outcome}, but no answer relies on an exemption: record it with "
            "`foikit request answer REF N --exempt SECTION`"
        )
    if outcome == "not-held" and any(s != "not-held" for s in statuses):
        raise InvalidRequest(
            f"{reference}: outcome not-held, but some questions are answered or exempt"
        )


def close_request(
    reg: Register,
    actor: str,
    reference: str,
    *,
    responded: dt.date | str,
    outcome: str,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """Record the response. Every question needs its answer unless the request was withdrawn,
    lapsed or transferred (MissingAnswer lists the ones without)."""
    today_ = resolve_today(today)
    result = get_outcome(outcome)
    responded_ = as_date(responded, "response date")
    check_not_future(responded_, today_, "response date")
    with changing(
        reg, actor, reference, expected_version=expected_version, doing="close it again"
    ) as change:
        tx, row = change.tx, change.row
        if responded_ < dt.date.fromisoformat(row["received"]):
            raise InvalidDate(
                f"the response date {responded_.isoformat()} is before the request was "
                f"received ({row['received']})"
            )
        last_event = reg.scalar(
            "SELECT MAX(date) FROM clock_events WHERE request_id = ? AND kind = 'reopen'",
            (row["id"],),
        )
        if last_event is not None and responded_.isoformat() < last_event:
            raise InvalidDate(
                f"the response date {responded_.isoformat()} is before the request was "
                f"reopened ({last_event})"
            )
        if result.needs_answers:
            if not tx.execute(
                "SELECT 1 FROM questions WHERE request_id = ?", (row["id"],)
            ).fetchone():
                raise MissingAnswer(
                    f"{row['reference']} has no questions: add what was asked first, or close as"
                    " withdrawn, lapsed or transferred"
                )
            missing = unanswered(reg, row["id"])
            if missing:
                listed = ", ".join(map(str, missing))
                raise MissingAnswer(
                    f"{row['reference']}: question{'s' if len(missing) > 1 else ''} {listed} "
                    f"{'have' if len(missing) > 1 else 'has'} no answer; answer "
                    f"{'them' if len(missing) > 1 else 'it'} first, or close as withdrawn, "
                    "lapsed or transferred"
                )
            statuses = [
                r["status"]
                for r in reg.query(
                    "SELECT a.status FROM questions q JOIN answers a ON a.question_id = q.id"
                    " WHERE q.request_id = ?",
                    (row["id"],),
                )
            ]
            _check_outcome_fits(row["reference"], outcome, statuses)
        change.set(
            action="close", status="closed", responded=responded_.isoformat(), outcome=result.key
        )
