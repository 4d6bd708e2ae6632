"""The statutory clock: pure deadline arithmetic (FOIA s.10, EIR reg 5 and 7, UK GDPR Art 12(3)).

Every function takes the dates, the regime and the `Calendar` as arguments (and `today` for
derived status); nothing reads the clock of the machine or a calendar frozen at import.

Working days (s.10(6)): the day of receipt is day zero and the first working day after it is day
one, so "N working days from D" is the N-th working day strictly after D. A request received on a
Saturday therefore has Monday as day one, exactly as if it had arrived on Friday.

A request's clock is a small state machine (`request_deadline`): one `_Clock` state, and one
handler per kind of clock event (`_HANDLERS`), applied in the order the events happened.
"""

from __future__ import annotations

import calendar as _monthdays
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from foikit.clock.workdays import Calendar
from foikit.errors import FoikitError, InvalidDate
from foikit.law.regimes import Regime, get_regime

EVENT_KINDS = (
    "clarify",
    "clarified",
    "fee",
    "fee-paid",
    "extend",
    "reopen",
    "id-requested",
    "id-received",
)
# Subject access: while identity evidence is awaited the request waits, and the month runs
# afresh from its receipt, the "relevant time" (UK GDPR Art 12(3), Art 12A).
IDENTITY = "identity evidence"
EXTENSION_REASONS = ("public-interest", "complex")
# The ICO's guidance: a public interest extension should normally be no more than 20 further
# working days (s.10(3) itself says only "such time as is reasonable"); foikit refuses more.
PUBLIC_INTEREST_DAYS = 20
# The regime a "complex" extension moves to (EIR reg 7(1); UK GDPR Art 12(3); s.45 Code).
COMPLEX_EXTENSION = {"eir": "eir-extended", "sar": "sar-extended", "review": "review-extended"}
# s.9(2): no duty to comply unless the fee is paid within three months of the notice.
FEE_MONTHS = 3
# EIR reg 8(5): an advance charge must be paid no later than 60 working days after the notice.
EIR_FEE_WORKING_DAYS = 60
# EIR regs 8 and 9(2): a charge or a request for particulars is made within 20 working days.
EIR_NOTICE_WORKING_DAYS = 20
# s.45 Code of Practice: a review should be asked for within 40 working days of the response
# (the default of the setting review.request_within_days).
REVIEW_REQUEST_WITHIN = 40


class UnknownClockEvent(FoikitError):
    pass


class ClockEventError(FoikitError):
    """Clock events that cannot have happened in that order (fee paid with no fee asked, ...)."""


class LateNotice(ClockEventError):
    """A notice given after the time the law allows for it: it has no effect on the clock, and
    is recorded only when the officer says so (`--late`)."""


@dataclass(frozen=True)
class ClockEvent:
    kind: str  # clarify | clarified | fee | fee-paid | extend | reopen | id-requested | id-received
    date: dt.date | None  # date of the event (an extension may have none)
    days: int | None = None  # extend: working days (default 20 for public-interest)
    reason: str | None = None  # extend: public-interest | complex
    late: bool = False  # recorded knowing it was late: kept on file, no effect on the clock


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None  # the date in force after every event; None while the clock is stopped
    original_due: dt.date  # the statutory date from receipt (before any event)
    notice_due: dt.date | None  # s.17(2) refusal-notice date while a PI extension is in force
    stopped: str | None  # clarification | fee | identity evidence while waiting, else None
    steps: tuple[str, ...]  # plain-English reasons, one a step
    fee_lapses: dt.date | None = None  # unpaid fee: the request lapses on this day (s.9(2))
    regime: str | None = None  # the regime in force (eir-extended after a complex extension)
    late: tuple[str, ...] = ()  # the kinds of notice recorded late, with no effect


@dataclass(frozen=True)
class Status:
    overdue: bool
    due_soon: bool
    working_days_left: int | None  # negative once overdue; None while the clock is stopped


# -- working days ----------------------------------------------------------------------------


def add_working_days(start: dt.date, n: int, cal: Calendar) -> dt.date:
    """The n-th working day after `start` (the day of `start` is day zero; n >= 0).

    n == 0 gives `start` itself, which need not be a working day. A year the calendar does not
    hold is loaded on demand when it can be (`Calendar.covering`), else refused.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    cal = cal.covering(start.year, start.year + 1 + n // 200)
    cal.check(start)
    if n == 0:
        return start
    count = cal.working_days_through(start.toordinal()) + n
    try:
        due = dt.date.fromordinal(cal.nth_working_day(count))
        if not cal.covers(due):  # beyond what was loaded: load it and count again
            cal = cal.covering(start.year, due.year)
            due = dt.date.fromordinal(cal.nth_working_day(count))
    except (ValueError, OverflowError):
        raise InvalidDate(f"{n} working days after {start.isoformat()} is past 9999") from None
    cal.check(start, due)
    return due


def working_days_between(start: dt.date, end: dt.date, cal: Calendar) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    cal = cal.covering(min(start, end).year, max(start, end).year)
    cal.check(start, end)
    return cal.working_days_through(end.toordinal()) - cal.working_days_through(start.toordinal())


def skipped_days(start: dt.date, end: dt.date, cal: Calendar) -> list[tuple[dt.date, str]]:
    """The non-working days in (start, end], each with its name (a holiday's, or the weekday)."""
    return cal.covering(start.year, end.year).non_working_days(start, end)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding date `months` later; the last day of the month when there is none."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise InvalidDate(f"{months} months from {start.isoformat()} is outside the years 1-9999")
    return dt.date(year, month, min(start.day, _monthdays.monthrange(year, month)[1]))


def months_beginning_with(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months *beginning with* `start` (FOIA s.9(2)).

    The corresponding date rule: such a period ends on the day before the corresponding date in
    the last month; where that month has no corresponding date, on its last day. So three months
    beginning with 10 June end on 9 September, and with 30 November on 28 or 29 February.
    """
    end = add_months(start, months)
    if end.day != start.day:  # no corresponding date: the month's last day
        return end
    return end - dt.timedelta(days=1)


def last_day_to_pay(regime: str, notified: dt.date, cal: Calendar) -> dt.date | None:
    """The last day a fee can be paid in time; None where no such limit applies.

    FOIA s.9(2): the three months *beginning with* the day the notice is given
    (`months_beginning_with`). EIR reg 8(5): no later than the 60th working day after the
    notice. Subject access: no time limit for a fee.
    """
    family = get_regime(regime).prefix
    if family == "SAR":
        return None
    if family == "EIR":
        return add_working_days(notified, EIR_FEE_WORKING_DAYS, cal)
    return months_beginning_with(notified, FEE_MONTHS)


def _months_due(
    start: dt.date, regime: Regime, paused: int, cal: Calendar, nation: str
) -> tuple[dt.date, dt.date]:
    """Calendar months run to the corresponding date, plus any days paused (UK GDPR Art 12A),
    and then move, when that is not a working day, to the next working day of the authority's
    own nation (ICO subject access guidance). Returns (the plain date, the due date)."""
    own = cal.only(nation)
    own.check(start)
    plain = add_months(start, regime.amount) + dt.timedelta(days=paused)
    own = own.covering(plain.year, plain.year + 1)
    due = own.next_working_day(plain)
    own.check(due)
    return plain, due


def _period_due(
    start: dt.date, regime: Regime, cal: Calendar, nation: str, extra: int = 0, paused: int = 0
) -> dt.date:
    if regime.unit == "working_days":
        return add_working_days(start, regime.amount + extra, cal)
    return _months_due(start, regime, paused, cal, nation)[1]


def due_date(received: dt.date, regime: str, cal: Calendar, *, nation: str = "ENG") -> dt.date:
    """The statutory due date for something received on `received` under `regime`.

    `nation` is the authority's own (the setting clock.sar_nation): only calendar-month regimes
    (subject access) use it, to move a due date off that nation's bank holidays.
    """
    return _period_due(received, get_regime(regime), cal, nation)


# EIR reg 11(4): the authority notifies its decision on representations (the EIR's internal
# review, "reconsideration") as soon as possible and no later than 40 working days after
# receiving them. A limit in law, not the Code's aim, so there is nothing to extend.
EIR_REVIEW_WORKING_DAYS = 40


def review_working_days(regime: str | None = None, extended: bool = False) -> int:
    """The working days an internal review has: 40 under the EIR (reg 11(4)); otherwise the
    s.45 Code's 20, or 40 when extended in exceptional cases."""
    if regime and regime.split("-")[0] == "eir":
        return EIR_REVIEW_WORKING_DAYS
    return get_regime("review-extended" if extended else "review").amount


def review_due(
    received: dt.date, cal: Calendar, extended: bool = False, *, regime: str | None = None
) -> dt.date:
    """An internal review of a request under `regime`: 20 working days from receipt of the
    request for it, 40 at most (s.45 Code); under the EIR 40 working days from receipt of the
    representations (reg 11(4))."""
    if regime and regime.split("-")[0] == "eir":
        return add_working_days(received, EIR_REVIEW_WORKING_DAYS, cal)
    return due_date(received, "review-extended" if extended else "review", cal)


def review_request_is_late(
    responded: dt.date,
    review_received: dt.date,
    cal: Calendar,
    within: int = REVIEW_REQUEST_WITHIN,
) -> bool:
    """Asked for more than `within` working days after the response (s.45 Code: 40, the setting
    review.request_within_days): warn, never block."""
    return working_days_between(responded, review_received, cal) > within


def status(due: dt.date | None, today: dt.date, cal: Calendar, soon: int = 5) -> Status:
    """Overdue, due soon and working days left, derived from the due date and today."""
    if due is None:
        return Status(False, False, None)
    cal = cal.covering(min(due, today).year, max(due, today).year)
    left = cal.working_days_through(due.toordinal()) - cal.working_days_through(today.toordinal())
    overdue = today > due
    return Status(overdue, not overdue and left <= soon, left)


# -- a request's clock: one state, a handler per event ---------------------------------------


@dataclass
class _Clock:
    """The state of one request's clock between events."""

    received: dt.date
    base: Regime  # the regime the request was logged under
    cal: Calendar
    nation: str
    explain: bool
    period: Regime  # the regime in force (changed by a complex extension)
    start: dt.date  # the day the period runs from (moved by clarification, reopen, SAR fee)
    last: dt.date  # the date of the latest dated event (events cannot go back in time)
    disregarded: int = 0  # working days disregarded for fees (s.10(2))
    paused: int = 0  # calendar days paused for clarification under subject access (Art 12A)
    pi_days: int | None = None  # public interest extension in force (s.10(3))
    stopped: str | None = None  # clarification | fee | identity evidence
    stopped_on: dt.date | None = None
    fee_lapses: dt.date | None = None
    ignored: set[str] = field(default_factory=set)  # late notices recorded without effect
    late: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def months(self) -> bool:
        return self.period.unit == "months"

    @property
    def family(self) -> str:
        return self.base.prefix  # FOI | EIR | SAR | REV

    def due_now(self) -> dt.date:
        """The time for compliance in force now, before any public interest extension."""
        return _period_due(
            self.start, self.period, self.cal, self.nation, self.disregarded, self.paused
        )

    def say(self, step: str | Callable[[], str]) -> None:
        if self.explain:
            self.steps.append(step() if callable(step) else step)


def _notice_limit(state: _Clock, kind: str) -> tuple[dt.date, str] | None:
    """The last day a notice of `kind` may be given to affect the clock, and the law."""
    if kind == "fee" and state.family == "FOI":
        return state.due_now(), "FOIA s.9(1): a fees notice is given within the time for compliance"
    if kind in ("fee", "clarify") and state.family == "EIR":
        law = "EIR reg 8" if kind == "fee" else "EIR reg 9(2)"
        limit = add_working_days(
            state.start, EIR_NOTICE_WORKING_DAYS + state.disregarded, state.cal
        )
        return limit, f"{law}: within 20 working days of receipt"
    if kind == "extend-public-interest":
        return state.due_now(), "FOIA s.17(2): the notice is given within the time for compliance"
    if kind == "extend-complex" and state.family in ("EIR", "SAR"):
        law = "EIR reg 7(2)" if state.family == "EIR" else "UK GDPR Art 12(3)"
        return state.due_now(), f"{law}: the requester is told within the first period"
    return None


def _is_late(state: _Clock, event: ClockEvent, kind: str) -> bool:
    """Whether the notice came after its time; refused unless recorded as late (`--late`)."""
    if event.date is None:
        return False
    limit = _notice_limit(state, kind)
    if limit is None or event.date <= limit[0]:
        return False
    day, (until, law) = event.date.isoformat(), limit
    what = {"fee": "fees notice", "clarify": "request for particulars"}.get(
        kind, "extension notice"
    )
    if not event.late:
        raise LateNotice(
            f"the {what} given on {day} is late: the time for it ended on {until.isoformat()} "
            f"({law}). A late notice does not stop or extend the clock; record it with --late "
            "to keep it on file without any effect on the due date"
        )
    state.late.append(event.kind)
    state.say(
        f"{what} given on {day}, after the time for it ended ({until.isoformat()}, {law}): "
        "recorded late, with no effect on the clock"
    )
    return True


def _on_clarify(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    if state.stopped == "fee":
        raise ClockEventError("the clock is already stopped for a fee")
    if state.stopped == IDENTITY:
        raise ClockEventError(f"the clock is already stopped for the {IDENTITY}")
    if _is_late(state, event, "clarify"):
        state.ignored.add("clarification")
        return
    if state.stopped != "clarification":
        state.stopped, state.stopped_on = "clarification", day
    law = "UK GDPR Art 12A" if state.months else "s.1(3)"
    state.say(f"clarification asked for on {day.isoformat()}: the clock stops ({law})")


def _on_clarified(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    if state.stopped != "clarification" or state.stopped_on is None:
        if "clarification" in state.ignored:
            state.say(f"clarification received on {day.isoformat()}: no effect (asked late)")
            return
        raise ClockEventError("clarification received, but none was asked for")
    asked = state.stopped_on
    state.stopped = state.stopped_on = None
    if state.months:
        # UK GDPR Art 12A: the days from asking to receiving, both included, do not count.
        days = (day - asked).days + 1
        state.paused += days
        state.say(
            f"clarification received on {day.isoformat()}: the {days} days from "
            f"{asked.isoformat()} to {day.isoformat()}, both included, do not count "
            "(UK GDPR Art 12A)"
        )
        return
    state.start, state.period, state.disregarded, state.pi_days = day, state.base, 0, None
    state.say(
        lambda: (
            _describe_start("clarification received", day, state.cal)
            + f": a fresh {_period_words(state.base)} (s.10(6)(b))"
        )
    )


def _on_fee(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    if state.stopped is not None:
        raise ClockEventError(f"the clock is already stopped for {state.stopped}")
    if _is_late(state, event, "fee"):
        state.ignored.add("fee")
        return
    state.stopped, state.stopped_on = "fee", day
    last_day = last_day_to_pay(state.base.key, day, state.cal)
    state.fee_lapses = None if last_day is None else last_day + dt.timedelta(days=1)
    state.steps.append(
        f"fees notice given on {day.isoformat()}: the clock stops"
        + (
            ""
            if last_day is None
            else f"; unpaid by {last_day.isoformat()}, the request lapses ({_fee_law(state.base)})"
        )
    )


def _on_fee_paid(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    if state.stopped != "fee" or state.stopped_on is None:
        if "fee" in state.ignored:
            state.say(f"fee received on {day.isoformat()}: no effect (the notice was late)")
            return
        raise ClockEventError("fee received, but no fees notice was given")
    notice = state.stopped_on
    if state.fee_lapses is not None and day >= state.fee_lapses:
        state.steps.append(
            f"fee received on {day.isoformat()}, after the time to pay ended "
            f"({(state.fee_lapses - dt.timedelta(days=1)).isoformat()}): "
            f"{_fee_law(state.base)} no longer obliges a response"
        )
    if state.months:
        # Subject access: the month runs afresh from the "relevant time", the fee's receipt.
        state.start, state.disregarded, state.paused = day, 0, 0
        state.steps.append(f"fee received on {day.isoformat()}: the time limit runs from that day")
    else:
        # s.10(2): the period *beginning with* the notice day and *ending with* the day the fee
        # arrives, both included; days before day one were never counted.
        window_from = max(notice - dt.timedelta(days=1), state.start)
        n = max(0, working_days_between(window_from, day, state.cal))
        state.disregarded += n
        state.steps.append(
            f"fee received on {day.isoformat()}: {n} working days from {notice.isoformat()} to "
            f"{day.isoformat()} inclusive are disregarded (s.10(2))"
        )
    state.stopped = state.stopped_on = state.fee_lapses = None


def _on_extend(state: _Clock, event: ClockEvent, day: dt.date | None) -> None:
    reason = event.reason or "public-interest"
    if reason not in EXTENSION_REASONS:
        raise ClockEventError(
            f"unknown extension reason {reason!r}: use {' or '.join(EXTENSION_REASONS)}"
        )
    if state.stopped is not None:
        raise ClockEventError(
            f"the clock is stopped for {state.stopped}: extend once it runs again"
        )
    if reason == "public-interest":
        _extend_public_interest(state, event)
    else:
        _extend_complex(state, event)


def _extend_public_interest(state: _Clock, event: ClockEvent) -> None:
    if state.base.key != "foi":
        raise ClockEventError(
            "a public interest extension (FOIA s.10(3)) applies to FOI requests only"
        )
    days = PUBLIC_INTEREST_DAYS if event.days is None else event.days
    if days < 1:
        raise ClockEventError("an extension needs at least one working day")
    if days > PUBLIC_INTEREST_DAYS:
        raise ClockEventError(
            f"a public interest extension of {days} working days is more than the "
            f"{PUBLIC_INTEREST_DAYS} further working days the ICO accepts as reasonable "
            "(s.10(3); 40 working days in all)"
        )
    if _is_late(state, event, "extend-public-interest"):
        return
    state.pi_days = days
    state.steps.append(f"public interest extension of {days} working days (s.10(3))")


def _extend_complex(state: _Clock, event: ClockEvent) -> None:
    if state.base.key not in COMPLEX_EXTENSION:
        raise ClockEventError(
            f"a complex extension applies to {', '.join(COMPLEX_EXTENSION)} only, "
            f"not {state.base.key}"
        )
    if event.days is not None:
        raise ClockEventError("a complex extension is fixed by law; it takes no number of days")
    if _is_late(state, event, "extend-complex"):
        return
    state.period = get_regime(COMPLEX_EXTENSION[state.base.key])
    state.steps.append(f"extended as complex: {state.period.label} ({state.period.law})")


def _on_reopen(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    state.start, state.period, state.disregarded, state.paused = day, state.base, 0, 0
    state.pi_days = state.stopped = state.stopped_on = state.fee_lapses = None
    state.say(
        lambda: (
            _describe_start("reopened", day, state.cal) + f": a fresh {_period_words(state.base)}"
        )
    )


def _subject_access_only(state: _Clock, what: str) -> None:
    if state.family != "SAR":
        raise ClockEventError(
            f"{what} applies to subject access requests only (UK GDPR Art 12(3), Art 12A): "
            f"{state.base.key.split('-')[0].upper()} requests are answered whoever makes them"
        )


def _on_id_requested(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    """UK GDPR Art 12A: identity evidence asked for; the request waits for it."""
    _subject_access_only(state, "asking for identity evidence")
    if state.stopped not in (None, IDENTITY):
        raise ClockEventError(f"the clock is already stopped for the {state.stopped}")
    if state.stopped is None:
        state.stopped, state.stopped_on = IDENTITY, day
    state.say(
        f"identity evidence asked for on {day.isoformat()}: the request waits; the month will "
        "run from the day it arrives (UK GDPR Art 12A, the relevant time)"
    )


def _on_id_received(state: _Clock, event: ClockEvent, day: dt.date) -> None:
    """The evidence arrived: the "relevant time". The month restarts from that day (unlike a
    clarification, which adds the days paused to the original month)."""
    _subject_access_only(state, "identity evidence")
    if state.stopped != IDENTITY:
        raise ClockEventError("identity evidence received, but none was asked for")
    state.stopped = state.stopped_on = None
    state.start, state.disregarded, state.paused, state.pi_days = day, 0, 0, None
    state.say(
        f"identity evidence received on {day.isoformat()}: the relevant time, so the month "
        "runs afresh from that day (UK GDPR Art 12(3), Art 12A)"
    )


_HANDLERS: dict[str, Callable[[_Clock, ClockEvent, dt.date], None]] = {
    "clarify": _on_clarify,
    "clarified": _on_clarified,
    "fee": _on_fee,
    "fee-paid": _on_fee_paid,
    "extend": _on_extend,  # the one event that may be undated
    "reopen": _on_reopen,
    "id-requested": _on_id_requested,
    "id-received": _on_id_received,
}


def _check_event(state: _Clock, event: ClockEvent) -> None:
    """The checks every event passes: a known kind, a date when it needs one, in order."""
    if event.kind not in _HANDLERS:
        raise UnknownClockEvent(
            f"unknown clock event {event.kind!r}: use one of {', '.join(EVENT_KINDS)}"
        )
    if event.date is None:
        if event.kind != "extend":
            raise ClockEventError(f"a {event.kind} event needs its date")
        return
    if event.date < state.last:
        first = state.last == state.received
        before = "the request was received" if first else "the previous event"
        raise ClockEventError(
            f"{event.kind} on {event.date.isoformat()} is before {before} "
            f"({state.last.isoformat()})"
        )
    state.cal = state.cal.covering(state.received.year, event.date.year + 1)
    state.cal.check(event.date)
    state.last = event.date


def request_deadline(
    received: dt.date,
    regime: str,
    events: Sequence[ClockEvent],
    cal: Calendar,
    *,
    nation: str = "ENG",
    explain: bool = True,
) -> Deadline:
    """The deadline in force after `events` (in the order they happened).

    - clarify: the clock stops (s.1(3)); clarified: a fresh period runs from the day the
      clarification is received, as if the request were received that day (s.10(6)(b)). Under
      subject access the month pauses instead: the days from asking to receiving, both
      included, are added to its end (UK GDPR Art 12A).
    - fee: the clock stops; fee-paid: the working days from the day the notice is given to the
      day the fee is received, both included, are disregarded (s.10(2)). Under a calendar-month
      regime (subject access) the month runs afresh from the day the fee is received. A fee
      unpaid within the three months beginning with the notice lapses (s.9(2)).
    - extend public-interest (FOIA s.10(3)): due becomes the date the notice was due plus N
      working days (default and most 20); notice_due keeps the date the s.17 notice is due.
    - extend complex: EIR reg 7(1) (40 working days from receipt), subject access (three
      months), review (40 working days).
    - reopen (an overturned review): a fresh period from that day.
    - id-requested (subject access only): the request waits for identity evidence;
      id-received: the "relevant time", so the month runs afresh from that day, to the
      corresponding date and off a non-working day (UK GDPR Art 12(3), Art 12A). Refused for
      FOI and EIR requests.

    A notice given too late to have effect (a fees notice after the time for compliance,
    s.9(1); EIR particulars or a charge after 20 working days, regs 8 and 9(2); an extension
    after the date in force) raises LateNotice, unless the event is marked `late`: then it is
    kept in the steps and `late`, and changes nothing.

    `explain=False` leaves `steps` empty: for bulk work (statistics, a whole register).
    """
    base = get_regime(regime)
    cal = cal.covering(received.year, received.year + 1)
    cal.check(received)
    original_due = _period_due(received, base, cal, nation)
    state = _Clock(received, base, cal, nation, explain, base, received, received)
    state.say(lambda: _describe_start("received", received, cal))
    for event in events:
        _check_event(state, event)
        _HANDLERS[event.kind](state, event, event.date)  # type: ignore[arg-type]
    return _result(state, original_due)


def _result(state: _Clock, original_due: dt.date) -> Deadline:
    late = tuple(state.late)
    if state.stopped is not None:
        state.steps.append(
            f"waiting for the {state.stopped}: no due date while the clock is stopped"
        )
        said = tuple(state.steps) if state.explain else ()
        return Deadline(
            None, original_due, None, state.stopped, said, state.fee_lapses, state.period.key, late
        )
    unmoved = (state.start, state.period, state.disregarded, state.paused) == (
        state.received,
        state.base,
        0,
        0,
    )
    base_due = original_due if unmoved else state.due_now()
    state.say(lambda: _describe_period(state, base_due))
    if state.pi_days is None:
        said = tuple(state.steps) if state.explain else ()
        return Deadline(base_due, original_due, None, None, said, None, state.period.key, late)
    due = add_working_days(base_due, state.pi_days, state.cal)
    state.steps.append(
        f"the refusal notice stays due on {base_due.isoformat()} (s.17(2)); "
        f"the decision is due {due.isoformat()}"
    )
    said = tuple(state.steps) if state.explain else ()
    return Deadline(due, original_due, base_due, None, said, None, state.period.key, late)


# -- plain-English steps -----------------------------------------------------------------------


def _describe_start(label: str, day: dt.date, cal: Calendar) -> str:
    day_one = add_working_days(day, 1, cal)
    name = cal.holiday_name(day)
    when = f"{day.isoformat()} ({name})" if name else day.isoformat()
    return f"{label} {when}: day one is {day_one.isoformat()}"


def _describe_period(state: _Clock, due: dt.date) -> str:
    start, regime, cal = state.start, state.period, state.cal
    if regime.unit == "months":
        plain = add_months(start, regime.amount)
        unit = "calendar month" if regime.amount == 1 else "calendar months"
        text = (
            f"{regime.amount} {unit} from {start.isoformat()} ({regime.law}): {plain.isoformat()}"
        )
        if plain.day != start.day:
            text += " (no corresponding date: the last day of the month)"
        if state.paused:
            plain += dt.timedelta(days=state.paused)
            text += f", plus {state.paused} days paused (UK GDPR Art 12A): {plain.isoformat()}"
        if due != plain:
            own = cal.only(state.nation).covering(plain.year, due.year)
            text += f", not a working day ({own.holiday_name(plain) or 'holiday'})"
            text += f": moved to {due.isoformat()}"
        return text
    text = f"{regime.amount} working days ({regime.law})"
    if state.disregarded:
        text += f" plus {state.disregarded} disregarded for the fee"
    text += f": due {due.isoformat()}"
    spanned = cal.covering(start.year, due.year)
    holidays = [h for h in spanned.holidays_between(start, due) if h.date.weekday() < 5]
    if holidays:
        text += "; skipping " + ", ".join(f"{h.date.isoformat()} ({h.name})" for h in holidays)
    return text


def _fee_law(regime: Regime) -> str:
    return "EIR reg 8(5)" if regime.prefix == "EIR" else "s.9(2)"


def _period_words(regime: Regime) -> str:
    if regime.unit == "months":
        return f"{regime.amount} calendar month" + ("s" if regime.amount > 1 else "")
    return f"{regime.amount} working days"
