"""The request lifecycle: log, answer, stop and extend the clock, close, and read back.

Each function validates everything it can before it writes, then makes its change in one
`reg.transaction(actor)`, so the change and its audit rows commit together. Due dates come from
the statutory clock (`foikit.duedates.recompute`), never from here; overdue and due soon are
derived from the due date and `today` whenever a request is read.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from foikit import exemptions as exemption_registry
from foikit.errors import (
    InvalidDate,
    InvalidRequest,
    MissingAnswer,
    QuestionNotFound,
    RequestNotFound,
    StaleRecord,
)
from foikit.outcomes import get_outcome
from foikit.regimes import REGIMES, get_request_regime
from foikit.requesters import from_row, make_requester

CHANNELS = ("email", "post", "web", "phone", "in-person", "social-media")
QUESTION_STATUSES = ("answered", "not-held", "exempt")
_REFERENCE = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<year>\d{4})-(?P<seq>\d{1,9})$")
# Columns bumped on every change; the history leaves them out of its summaries.
_BOOKKEEPING = ("updated_at", "version")


class RequestClosed(InvalidRequest):
    """The change needs an open request."""


class InvalidAnswer(InvalidRequest):
    """An answer the law or the register cannot accept."""


class MissingPublicInterest(InvalidAnswer):
    """A qualified exemption relied on without public interest reasons (FOIA s.17(3))."""


class InvalidClockEvent(InvalidRequest):
    """A clarification, fee or extension that cannot be recorded."""


# -- small helpers ----------------------------------------------------------------------------


def as_date(value: dt.date | str | None, what: str) -> dt.date:
    """A date from a `date` or an ISO string; InvalidDate otherwise (2021-02-30 included)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDate(f"the {what} {value!r} is not a date in the form YYYY-MM-DD")


def _today(today: dt.date | str | None) -> dt.date:
    return dt.date.today() if today is None else as_date(today, "date for today")


def check_not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise InvalidDate(
            f"the {what} {day.isoformat()} is in the future (today is {today.isoformat()})"
        )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _from_iso(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def normalise_reference(reference: str) -> str:
    return reference.strip().upper()


def get_request_row(reg: Any, reference: str) -> dict:
    """The `requests` row for a reference (case-insensitive); RequestNotFound otherwise."""
    ref = normalise_reference(reference)
    row = reg.one("SELECT * FROM requests WHERE reference = ?", (ref,))
    if row is None:
        raise RequestNotFound(f"no request {reference.strip()!r} in the register")
    return row


def request_id(reg: Any, reference: str) -> int:
    return int(get_request_row(reg, reference)["id"])


def _require_open(row: dict, doing: str) -> None:
    if row["status"] != "open":
        raise RequestClosed(
            f"{row['reference']} is closed (responded {row['responded']}): cannot {doing}"
        )


def touch(tx: Any, request_id: int, changes: dict[str, Any] | None = None, **kw: Any) -> None:
    """Change a request's columns and bump its version, in one audited update.

    Called for every change to a request or anything that belongs to it, so a form showing an
    older version can be refused (`expected_version`).
    """
    current = tx.execute("SELECT version FROM requests WHERE id = ?", (request_id,)).fetchone()
    row = {**(changes or {}), "updated_at": tx.at, "version": int(current[0]) + 1}
    tx.update("requests", request_id, row, **kw)


def check_version(row: dict, expected_version: int | None) -> None:
    if expected_version is not None and int(row["version"]) != int(expected_version):
        raise StaleRecord(
            f"{row['reference']} was changed by someone else since you opened it "
            f"(version {row['version']}, yours {expected_version}): reload and try again"
        )


_HOLIDAYS_TEXT = (
    "SELECT group_concat(date || char(31) || nations || char(31) || name, char(30))"
    " FROM (SELECT date, nations, name FROM holidays ORDER BY date)"
)


@functools.lru_cache(maxsize=4)
def _calendar_from(text: str) -> Any:
    from foikit.calendar import Calendar

    fields = ("date", "nations", "name")
    return Calendar.from_rows(
        dict(zip(fields, part.split("\x1f"), strict=True)) for part in text.split("\x1e")
    )


def _calendar(reg: Any) -> Any:
    """The register's working-day calendar. Building one takes ~10 ms, so it is memoised on
    the holidays table's content (read afresh each time: an added holiday is never missed)."""
    text = reg.scalar(_HOLIDAYS_TEXT)
    if not text:
        from foikit.duedates import load_calendar

        return load_calendar(reg)
    return _calendar_from(text)


def _recompute(tx: Any, rid: int, cal: Any) -> dict:
    from foikit.duedates import recompute

    return recompute(tx, rid, cal)


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InvalidRequest(f"the {what} is empty")
        return None
    return value


# -- adding a request -------------------------------------------------------------------------


def _parse_reference(reference: str, prefix: str) -> tuple[str, int, int]:
    ref = normalise_reference(reference)
    match = _REFERENCE.match(ref)
    if not match:
        raise InvalidRequest(f"reference {reference!r} is not like {prefix}-2024-0001")
    if match.group("prefix") != prefix:
        raise InvalidRequest(f"reference {ref} should start {prefix}- for this regime")
    return ref, int(match.group("year")), int(match.group("seq"))


def add_request(
    reg: Any,
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
) -> str:
    """Log a request; returns its reference (`FOI-2024-0001`: regime prefix, year of receipt).

    The reference is allocated inside the transaction that creates the request (the register
    opens BEGIN IMMEDIATE), so officers adding requests at the same moment get distinct ones.
    `reference` keeps an existing reference (importing older registers); `requester_required`
    may be turned off only for historical records whose requester was never kept.
    """
    today_ = _today(today)
    kind = get_request_regime(regime)
    received_ = as_date(received, "received date")
    check_not_future(received_, today_, "received date")
    subject_ = _text(subject, "subject", required=True)
    texts = list(questions)
    for number, text in enumerate(texts, 1):
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequest(f"question {number} is empty")
    if channel is not None and channel not in CHANNELS:
        raise InvalidRequest(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
    given = any(v for v in (requester_name, requester_email, requester_address))
    requester = (
        make_requester(requester_name, requester_email, requester_address)
        if requester_required or given
        else None
    )
    wanted = _parse_reference(reference, kind.prefix) if reference is not None else None
    cal = _calendar(reg)
    cal.check(received_)

    with reg.transaction(actor) as tx:
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
            seq = tx.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM requests WHERE regime = ? AND year = ?",
                (kind.key, year),
            ).fetchone()[0]
            ref = f"{kind.prefix}-{year}-{seq:04d}"
        # The id the request will get, so the requester's audit row can point at it.
        rid = tx.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM requests").fetchone()[0]
        requester_id = None
        if requester is not None:
            requester_id = tx.insert(
                "requesters", requester.row(), request_id=rid, action="add-requester"
            )
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
        _recompute(tx, rid, cal)
    return ref


def add_question(reg: Any, actor: str, reference: str, text: str) -> int:
    """Add a question to an open request (one the officer split out later); returns its number."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest("the question is empty")
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        _require_open(row, "add a question")
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
        touch(tx, row["id"])
    return int(number)


_UNSET: Any = object()


def update_request(
    reg: Any,
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
        changes["handler"] = handler if handler and handler.strip() else None
    if channel is not _UNSET:
        if channel is not None and channel not in CHANNELS:
            raise InvalidRequest(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
        changes["channel"] = channel
    if publish is not _UNSET:
        changes["publish"] = 1 if publish else 0
    if notes is not _UNSET:
        changes["notes"] = notes
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        check_version(row, expected_version)
        diff = {k: v for k, v in changes.items() if row[k] != v}
        if diff:
            touch(tx, row["id"], diff, action="set")
    return diff


def set_publish(reg: Any, actor: str, reference: str, publish: bool) -> None:
    """Mark a request for the disclosure log, or not for publication."""
    update_request(reg, actor, reference, publish=publish)


# -- answers ----------------------------------------------------------------------------------


def _question(reg: Any, row: dict, number: int) -> dict:
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
        if regime.startswith("eir") and entry.regime != "eir":
            raise InvalidAnswer(
                f"{canonical} is a FOIA section, but this request is under the EIR: "
                "use an EIR exception such as reg 12(4)(b), 12(5)(b) or reg 13"
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
    tx: Any, reg: Any, row: dict, question: dict, status: str, body: str | None, rows: list[dict]
) -> None:
    """Insert or replace one question's answer and its exemption rows."""
    answer = {"status": status, "text": body, "answered_by": tx.actor, "answered_at": tx.at}
    existing = reg.one("SELECT id FROM answers WHERE question_id = ?", (question["id"],))
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
        for old in reg.query("SELECT id FROM answer_exemptions WHERE answer_id = ?", (answer_id,)):
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
    row: dict, not_held: bool, exemptions: Sequence[Any], ncnd: bool
) -> tuple[list[dict[str, Any]], str]:
    rows = _exemption_rows(exemptions, row["regime"], ncnd)
    if not_held and row["regime"] == "eir":
        rows = [{"section": "reg 12(4)(a)", "reason": None, "public_interest": None, "ncnd": 0}]
    return rows, _answer_status(rows, not_held)


def answer_question(
    reg: Any,
    actor: str,
    reference: str,
    number: int,
    *,
    text: str | None = None,
    not_held: bool = False,
    exemptions: Sequence[tuple[str, str | None, str | None]] = (),
    ncnd: bool = False,
) -> None:
    """Record (or replace) the answer to question `number`.

    `text` alone: answered. `not_held`: information not held (text may explain; under the EIR
    reg 12(4)(a) is recorded as the exception). One or more `exemptions`, each
    `(section, reason, public_interest)`: exempt, with `text` for any part released. `ncnd`
    records that the authority neither confirms nor denies holding the information.
    """
    body = text if text is not None and text.strip() else None
    _check_answer_shape(body, not_held, exemptions, ncnd)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        _require_open(row, "answer a question")
        question = _question(reg, row, number)
        rows, status = _prepared(row, not_held, exemptions, ncnd)
        _write_answer(tx, reg, row, question, status, body, rows)
        touch(tx, row["id"])


def answer_all(
    reg: Any,
    actor: str,
    reference: str,
    *,
    text: str | None = None,
    not_held: bool = False,
    exemptions: Sequence[tuple[str, str | None, str | None]] = (),
    ncnd: bool = False,
    only_unanswered: bool = True,
) -> list[int]:
    """Give every question (by default every unanswered one) the same answer, in one
    transaction: a whole request refused under s.12 or s.14, or not held. Returns the numbers."""
    body = text if text is not None and text.strip() else None
    _check_answer_shape(body, not_held, exemptions, ncnd)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        _require_open(row, "answer its questions")
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
        for question in questions:
            _write_answer(tx, reg, row, question, status, body, rows)
        touch(tx, row["id"])
    return [q["number"] for q in questions]


def unanswered(reg: Any, request_id: int) -> list[int]:
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
    reg: Any,
    actor: str,
    reference: str,
    *,
    responded: dt.date | str,
    outcome: str,
    today: dt.date | str | None = None,
) -> None:
    """Record the response. Every question needs its answer unless the request was withdrawn,
    lapsed or transferred (MissingAnswer lists the ones without)."""
    today_ = _today(today)
    result = get_outcome(outcome)
    responded_ = as_date(responded, "response date")
    check_not_future(responded_, today_, "response date")
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        _require_open(row, "close it again")
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
        touch(
            tx,
            row["id"],
            {"status": "closed", "responded": responded_.isoformat(), "outcome": result.key},
            action="close",
        )


# -- the clock --------------------------------------------------------------------------------


def _clock_event(
    reg: Any,
    actor: str,
    reference: str,
    kind: str,
    day: dt.date | None,
    *,
    today: dt.date,
    amount: float | None = None,
    days: int | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> None:
    if day is not None:
        check_not_future(day, today, f"{kind} date")
    cal = _calendar(reg)
    with reg.transaction(actor) as tx:
        row = get_request_row(reg, reference)
        _require_open(row, f"record a {kind}")
        if day is not None:
            if day < dt.date.fromisoformat(row["received"]):
                raise InvalidDate(
                    f"the {kind} date {day.isoformat()} is before the request was received "
                    f"({row['received']})"
                )
            cal.check(day)
        tx.insert(
            "clock_events",
            {
                "request_id": row["id"],
                "kind": kind,
                "date": _iso(day),
                "amount": amount,
                "days": days,
                "reason": reason,
                "detail": detail if detail and detail.strip() else None,
                "created_at": tx.at,
            },
            request_id=row["id"],
            action=kind,
        )
        touch(tx, row["id"])
        _recompute(tx, row["id"], cal)


def clarify(
    reg: Any,
    actor: str,
    reference: str,
    *,
    sent: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
) -> None:
    """s.1(3): clarification asked for; the clock stops until it arrives."""
    day = as_date(sent, "date the clarification was asked for")
    _clock_event(reg, actor, reference, "clarify", day, today=_today(today), detail=detail)


def clarified(
    reg: Any,
    actor: str,
    reference: str,
    *,
    received: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
) -> None:
    """The clarification arrived: a fresh 20 working days from its receipt (s.10(6)(b))."""
    day = as_date(received, "date the clarification was received")
    _clock_event(reg, actor, reference, "clarified", day, today=_today(today), detail=detail)


def fee(
    reg: Any,
    actor: str,
    reference: str,
    *,
    sent: dt.date | str,
    amount: Decimal | float | str | None = None,
    detail: str | None = None,
    today: dt.date | str | None = None,
) -> None:
    """s.9: a fees notice given; the days until the fee arrives are disregarded (s.10(2))."""
    day = as_date(sent, "date the fees notice was given")
    pounds: float | None = None
    if amount is not None:
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            raise InvalidClockEvent(f"the fee {amount!r} is not an amount in pounds") from None
        if not value.is_finite() or value <= 0:
            raise InvalidClockEvent(f"the fee must be more than £0, not {amount!r}")
        if value != value.quantize(Decimal("0.01")):
            raise InvalidClockEvent(f"the fee {amount!r} has fractions of a penny")
        pounds = float(value)
    _clock_event(
        reg, actor, reference, "fee", day, today=_today(today), amount=pounds, detail=detail
    )


def fee_paid(
    reg: Any,
    actor: str,
    reference: str,
    *,
    paid: dt.date | str,
    today: dt.date | str | None = None,
) -> None:
    """The fee arrived; the clock runs again."""
    day = as_date(paid, "date the fee was received")
    _clock_event(reg, actor, reference, "fee-paid", day, today=_today(today))


def extend(
    reg: Any,
    actor: str,
    reference: str,
    *,
    reason: str,
    days: int | None = None,
    detail: str | None = None,
    on: dt.date | str | None = None,
    today: dt.date | str | None = None,
) -> None:
    """Extend the time for compliance: `public-interest` (FOIA s.10(3), default 20 working days
    past the original due date) or `complex` (EIR reg 7, subject access, review)."""
    from foikit.clock import EXTENSION_REASONS

    if reason not in EXTENSION_REASONS:
        raise InvalidClockEvent(
            f"unknown extension reason {reason!r}: use {' or '.join(EXTENSION_REASONS)}"
        )
    if days is not None and int(days) < 1:
        raise InvalidClockEvent("an extension needs at least one working day")
    today_ = _today(today)
    day = as_date(on, "date of the extension") if on is not None else None
    _clock_event(
        reg,
        actor,
        reference,
        "extend",
        day,
        today=today_,
        days=None if days is None else int(days),
        reason=reason,
        detail=detail,
    )


# -- reading ----------------------------------------------------------------------------------


def requester_of(reg: Any, reference: str) -> dict | None:
    """The requester: {"name", "email", "address": [lines]}; None when none is kept."""
    row = get_request_row(reg, reference)
    if row["requester_id"] is None:
        return None
    return from_row(reg.one("SELECT * FROM requesters WHERE id = ?", (row["requester_id"],)))


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _grouped(reg: Any, sql: str, ids: list[int]) -> dict[int, list[dict]]:
    """Rows of `sql` (with `{ids}` for the id list) grouped by their request_id column."""
    out: dict[int, list[dict]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for r in reg.query(sql.format(ids=marks), chunk):
            out.setdefault(r["request_id"], []).append(r)
    return out


def _review_dict(r: dict) -> dict[str, Any]:
    return {
        "received": r["received"],
        "reviewer": r["reviewer"],
        "due": r["due"],
        "decided": r["decided"],
        "outcome": r["outcome"],
        "reasons": r["reasons"],
        "extended": bool(r["extended"]),
        "late_request": bool(r["late_request"]),
    }


def _ico_dict(r: dict) -> dict[str, Any]:
    return {
        "case_reference": r["case_reference"],
        "complained": r["complained"],
        "notified": r["notified"],
        "decision_notice": r["decision_notice"],
        "decided": r["decided"],
        "decision": r["decision"],
        "notes": r["notes"],
    }


def _assemble(
    reg: Any, rows: list[dict], today: dt.date, cal: Any, soon: int
) -> list[dict[str, Any]]:
    """The `request show --json` shape for each row, children fetched in bulk (no N+1)."""
    from foikit.clock import status as clock_status

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
        by_answer: dict[int, list[dict]] = {}
        for e in exemptions.get(rid, []):
            by_answer.setdefault(e["answer_id"], []).append(
                {
                    "section": e["section"],
                    "name": exemption_registry.describe(e["section"]),
                    "reason": e["reason"],
                    "public_interest": e["public_interest"],
                    "ncnd": bool(e["ncnd"]),
                }
            )
        qs = [
            {
                "number": q["number"],
                "text": q["text"],
                "status": q["status"] or "unanswered",
                "answer": q["answer"],
                "exemptions": by_answer.get(q["answer_id"], []),
                "answered_by": q["answered_by"],
                "answered_at": q["answered_at"],
            }
            for q in questions.get(rid, [])
        ]
        request_reviews = [_review_dict(r) for r in reviews.get(rid, [])]
        is_open = row["status"] == "open"
        due = _from_iso(row["due"])
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
                "ico": [_ico_dict(c) for c in icos.get(rid, [])],
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


def _due_soon_days(reg: Any) -> int:
    from foikit.settings import get_setting

    return int(get_setting(reg, "clock.due_soon_days"))


def show_request(reg: Any, reference: str, today: dt.date | str | None = None) -> dict:
    """One request as `foikit request show --json` prints it (CONTRACT.md)."""
    row = get_request_row(reg, reference)
    return _assemble(reg, [row], _today(today), _calendar(reg), _due_soon_days(reg))[0]


def list_requests(
    reg: Any,
    *,
    open_only: bool = False,
    overdue: bool = False,
    due_within: int | None = None,
    handler: str | None = None,
    regime: str | None = None,
    today: dt.date | str | None = None,
    limit: int | None = None,
    full: bool = True,
) -> list[dict]:
    """The register, filtered in SQL on the (status, due) indexes.

    `overdue`: open and due before today. `due_within`: open and due within N working days of
    today (overdue ones included). `full=False` gives the requests rows without their children.
    """
    today_ = _today(today)
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
        from foikit.clock import add_working_days

        cal = _calendar(reg)
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
    return _assemble(reg, rows, today_, cal or _calendar(reg), _due_soon_days(reg))


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


def history(reg: Any, reference: str) -> list[dict]:
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
