"""The statutory clock: pure deadline arithmetic (FOIA s.10, EIR reg 5 and 7, UK GDPR Art 12(3)).

Every function takes the dates, the regime and the `Calendar` as arguments (and `today` for
derived status); nothing reads the clock of the machine or a calendar frozen at import.

Working days (s.10(6)): the day of receipt is day zero and the first working day after it is day
one, so "N working days from D" is the N-th working day strictly after D. A request received on a
Saturday therefore has Monday as day one, exactly as if it had arrived on Friday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from foikit.calendar import Calendar
from foikit.errors import FoikitError
from foikit.regimes import REGIMES, Regime, get_regime

EVENT_KINDS = ("clarify", "clarified", "fee", "fee-paid", "extend", "reopen")
EXTENSION_REASONS = ("public-interest", "complex")
# The ICO's guidance: a public interest extension should normally be no more than 20 further
# working days (s.10(3) itself says only "such time as is reasonable").
PUBLIC_INTEREST_DAYS = 20
# The regime a "complex" extension moves to (EIR reg 7(1); UK GDPR Art 12(3); s.45 Code).
COMPLEX_EXTENSION = {"eir": "eir-extended", "sar": "sar-extended", "review": "review-extended"}
# s.9(2): no duty to comply unless the fee is paid within three months of the notice.
FEE_MONTHS = 3
# s.45 Code of Practice: a review should be asked for within 40 working days of the response.
REVIEW_REQUEST_WITHIN = 40


class UnknownClockEvent(FoikitError):
    pass


class ClockEventError(FoikitError):
    """Clock events that cannot have happened in that order (fee paid with no fee asked, ...)."""


@dataclass(frozen=True)
class ClockEvent:
    kind: str  # clarify | clarified | fee | fee-paid | extend | reopen
    date: dt.date | None  # date of the event (an extension may have none)
    days: int | None = None  # extend: working days (default 20 for public-interest)
    reason: str | None = None  # extend: public-interest | complex


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None  # the date in force after every event; None while the clock is stopped
    original_due: dt.date  # the statutory date from receipt (before any event)
    notice_due: dt.date | None  # s.17(2) refusal-notice date while a PI extension is in force
    stopped: str | None  # clarification | fee while waiting, else None
    steps: tuple[str, ...]  # plain-English reasons, one a step
    fee_lapses: dt.date | None = None  # unpaid fee: the request lapses on this day (s.9(2))
    regime: str | None = None  # the regime in force (eir-extended after a complex extension)


@dataclass(frozen=True)
class Status:
    overdue: bool
    due_soon: bool
    working_days_left: int | None  # negative once overdue; None while the clock is stopped


# -- working days ----------------------------------------------------------------------------


def add_working_days(start: dt.date, n: int, cal: Calendar) -> dt.date:
    """The n-th working day after `start` (the day of `start` is day zero; n >= 0).

    n == 0 gives `start` itself, which need not be a working day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    count = cal.working_days_through(start.toordinal()) + n
    due = dt.date.fromordinal(cal.nth_working_day(count))
    cal.check(start, due)
    return due


def working_days_between(start: dt.date, end: dt.date, cal: Calendar) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    cal.check(start, end)
    return cal.working_days_through(end.toordinal()) - cal.working_days_through(start.toordinal())


def skipped_days(start: dt.date, end: dt.date, cal: Calendar) -> list[tuple[dt.date, str]]:
    """The non-working days in (start, end], each with its name (a holiday's, or the weekday)."""
    return cal.non_working_days(start, end)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding date `months` later; the last day of the month when there is none."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 31, 30, 29, 28):
        if day <= start.day:
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    raise AssertionError("every month has 28 days")


def _period_due(start: dt.date, regime: Regime, cal: Calendar, nation: str) -> dt.date:
    if regime.unit == "working_days":
        return add_working_days(start, regime.amount, cal)
    # Calendar months run to the corresponding date and then move, when that is not a working
    # day, to the next working day of the authority's own nation (ICO subject access guidance).
    own = cal.only(nation)
    own.check(start)
    due = own.next_working_day(add_months(start, regime.amount))
    own.check(due)
    return due


def due_date(received: dt.date, regime: str, cal: Calendar, *, nation: str = "ENG") -> dt.date:
    """The statutory due date for something received on `received` under `regime`.

    `nation` is the authority's own (the setting clock.sar_nation): only calendar-month regimes
    (subject access) use it, to move a due date off that nation's bank holidays.
    """
    return _period_due(received, get_regime(regime), cal, nation)


def review_due(received: dt.date, cal: Calendar, extended: bool = False) -> dt.date:
    """An internal review: 20 working days from receipt of the request for it, 40 at most."""
    return due_date(received, "review-extended" if extended else "review", cal)


def review_request_is_late(responded: dt.date, review_received: dt.date, cal: Calendar) -> bool:
    """Asked for more than 40 working days after the response (s.45 Code): warn, never block."""
    return working_days_between(responded, review_received, cal) > REVIEW_REQUEST_WITHIN


def status(due: dt.date | None, today: dt.date, cal: Calendar, soon: int = 5) -> Status:
    """Overdue, due soon and working days left, derived from the due date and today."""
    if due is None:
        return Status(False, False, None)
    left = cal.working_days_through(due.toordinal()) - cal.working_days_through(today.toordinal())
    overdue = today > due
    return Status(overdue, not overdue and left <= soon, left)


# -- a request's clock, event by event ---------------------------------------------------------


def _describe_start(label: str, day: dt.date, cal: Calendar) -> str:
    day_one = add_working_days(day, 1, cal)
    name = cal.holiday_name(day)
    when = f"{day.isoformat()} ({name})" if name else day.isoformat()
    return f"{label} {when}: day one is {day_one.isoformat()}"


def _describe_period(
    start: dt.date, regime: Regime, extra: int, due: dt.date, cal: Calendar, nation: str
) -> str:
    if regime.unit == "months":
        plain = add_months(start, regime.amount)
        unit = "calendar month" if regime.amount == 1 else "calendar months"
        text = (
            f"{regime.amount} {unit} from {start.isoformat()} ({regime.law}): {plain.isoformat()}"
        )
        if plain.day != start.day:
            text += " (no corresponding date: the last day of the month)"
        if due != plain:
            text += f", not a working day ({cal.only(nation).holiday_name(plain) or 'holiday'})"
            text += f": moved to {due.isoformat()}"
        return text
    text = f"{regime.amount} working days ({regime.law})"
    if extra:
        text += f" plus {extra} disregarded for the fee"
    text += f": due {due.isoformat()}"
    holidays = [h for h in cal.holidays_between(start, due) if h.date.weekday() < 5]
    if holidays:
        text += "; skipping " + ", ".join(f"{h.date.isoformat()} ({h.name})" for h in holidays)
    return text


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
      clarification is received, as if the request were received that day (s.10(6)(b)).
    - fee: the clock stops; fee-paid: the working days from the day the notice is given to the
      day the fee is received, both included, are disregarded (s.10(2)). Under a calendar-month
      regime (subject access) the month runs afresh from the day the fee is received. A fee
      unpaid within the three months beginning with the notice lapses (s.9(2)).
    - extend public-interest (FOIA s.10(3)): due becomes the date the notice was due plus N
      working days (default 20); notice_due keeps the date the s.17 notice is due. A later
      extension replaces an earlier one.
    - extend complex: EIR reg 7(1) (40 working days from receipt), subject access (three
      months), review (40 working days).
    - reopen (an overturned review): a fresh period from that day.

    `explain=False` leaves `steps` empty: for bulk work (statistics, a whole register).
    """
    base = get_regime(regime)
    cal.check(received)
    original_due = _period_due(received, base, cal, nation)
    steps: list[str] = []
    if explain:
        steps.append(_describe_start("received", received, cal))

    period = base  # the regime in force (changed by a complex extension)
    start = received  # the day the period runs from (moved by clarification, reopen)
    disregarded = 0  # working days disregarded for fees
    pi_days: int | None = None  # public interest extension in force
    stopped: str | None = None
    stopped_on: dt.date | None = None
    fee_lapses: dt.date | None = None
    last: dt.date = received

    for event in events:
        if event.kind not in EVENT_KINDS:
            raise UnknownClockEvent(
                f"unknown clock event {event.kind!r}: use one of {', '.join(EVENT_KINDS)}"
            )
        if event.date is None and event.kind != "extend":
            raise ClockEventError(f"a {event.kind} event needs its date")
        if event.date is not None:
            if event.date < last:
                raise ClockEventError(
                    f"{event.kind} on {event.date.isoformat()} is before "
                    f"{'the request was received' if last == received else 'the previous event'}"
                    f" ({last.isoformat()})"
                )
            cal.check(event.date)
            last = event.date
        day = event.date

        if event.kind == "clarify":
            assert day is not None
            if stopped == "fee":
                raise ClockEventError("the clock is already stopped for a fee")
            if stopped != "clarification":
                stopped, stopped_on = "clarification", day
            steps.append(f"clarification asked for on {day.isoformat()}: the clock stops (s.1(3))")

        elif event.kind == "clarified":
            assert day is not None
            if stopped != "clarification":
                raise ClockEventError("clarification received, but none was asked for")
            stopped = stopped_on = None
            start, period, disregarded, pi_days = day, base, 0, None
            if explain:
                steps.append(
                    _describe_start("clarification received", day, cal)
                    + f": a fresh {_period_words(base)} (s.10(6)(b))"
                )

        elif event.kind == "fee":
            assert day is not None
            if stopped is not None:
                raise ClockEventError(f"the clock is already stopped for {stopped}")
            stopped, stopped_on = "fee", day
            fee_lapses = add_months(day, FEE_MONTHS)
            steps.append(
                f"fees notice given on {day.isoformat()}: the clock stops; unpaid, the request "
                f"lapses on {fee_lapses.isoformat()} (three months, s.9(2))"
            )

        elif event.kind == "fee-paid":
            if stopped != "fee" or stopped_on is None:
                raise ClockEventError("fee received, but no fees notice was given")
            assert day is not None and fee_lapses is not None
            if day >= fee_lapses:
                steps.append(
                    f"fee received on {day.isoformat()}, after the three months ended "
                    f"({(fee_lapses - dt.timedelta(days=1)).isoformat()}): s.9(2) no longer "
                    "obliges a response"
                )
            if period.unit == "months":
                start, disregarded = day, 0
                steps.append(
                    f"fee received on {day.isoformat()}: the time limit runs from that day"
                )
            else:
                # s.10(2): the period *beginning with* the notice day and *ending with* the day
                # the fee arrives, both included; days before day one were never counted.
                window_from = max(stopped_on - dt.timedelta(days=1), start)
                n = max(0, working_days_between(window_from, day, cal))
                disregarded += n
                steps.append(
                    f"fee received on {day.isoformat()}: {n} working days from "
                    f"{stopped_on.isoformat()} to {day.isoformat()} inclusive are disregarded "
                    "(s.10(2))"
                )
            stopped = stopped_on = None
            fee_lapses = None

        elif event.kind == "extend":
            reason = event.reason or "public-interest"
            if reason not in EXTENSION_REASONS:
                raise ClockEventError(
                    f"unknown extension reason {reason!r}: use {' or '.join(EXTENSION_REASONS)}"
                )
            if stopped is not None:
                raise ClockEventError(
                    f"the clock is stopped for {stopped}: extend once it runs again"
                )
            if reason == "public-interest":
                if base.key != "foi":
                    raise ClockEventError(
                        "a public interest extension (FOIA s.10(3)) applies to FOI requests only"
                    )
                days = PUBLIC_INTEREST_DAYS if event.days is None else event.days
                if days < 1:
                    raise ClockEventError("an extension needs at least one working day")
                pi_days = days
                note = f"public interest extension of {days} working days (s.10(3))"
                if days > PUBLIC_INTEREST_DAYS:
                    note += f"; longer than the {PUBLIC_INTEREST_DAYS} the ICO expects normally"
                steps.append(note)
            else:
                if base.key not in COMPLEX_EXTENSION:
                    raise ClockEventError(
                        f"a complex extension applies to {', '.join(COMPLEX_EXTENSION)} only, "
                        f"not {base.key}"
                    )
                if event.days is not None:
                    raise ClockEventError(
                        "a complex extension is fixed by law; it takes no number of days"
                    )
                period = get_regime(COMPLEX_EXTENSION[base.key])
                steps.append(f"extended as complex: {period.label} ({period.law})")
            if day is not None:
                current = _due_from(start, period, disregarded, cal, nation)
                if day > current:
                    steps.append(
                        f"the extension was given on {day.isoformat()}, after the date then in "
                        f"force ({current.isoformat()})"
                    )

        else:  # reopen
            assert day is not None
            start, period, disregarded, pi_days = day, base, 0, None
            stopped = stopped_on = None
            fee_lapses = None
            if explain:
                steps.append(
                    _describe_start("reopened", day, cal) + f": a fresh {_period_words(base)}"
                )

    if stopped is not None:
        steps.append(f"waiting for the {stopped}: no due date while the clock is stopped")
        said = tuple(steps) if explain else ()
        return Deadline(None, original_due, None, stopped, said, fee_lapses, period.key)

    base_due = _due_from(start, period, disregarded, cal, nation)
    if explain:
        steps.append(_describe_period(start, period, disregarded, base_due, cal, nation))
    if pi_days is None:
        said = tuple(steps) if explain else ()
        return Deadline(base_due, original_due, None, None, said, None, period.key)
    due = add_working_days(base_due, pi_days, cal)
    steps.append(
        f"the refusal notice stays due on {base_due.isoformat()} (s.17(2)); "
        f"the decision is due {due.isoformat()}"
    )
    said = tuple(steps) if explain else ()
    return Deadline(due, original_due, base_due, None, said, None, period.key)


def due_dates(
    requests: Iterable[tuple[dt.date, str, Sequence[ClockEvent]]],
    cal: Calendar,
    *,
    nation: str = "ENG",
) -> list[dt.date | None]:
    """The due date in force for each (received, regime, events), None while a clock is stopped.

    The same answers as `request_deadline(...).due`, for a whole register at once: a request
    with no clock events under a working-day regime is two list lookups in the calendar's table.
    """
    lo, through, first, days = cal.table()
    n_through, n_days = len(through), len(days)
    fromordinal = dt.date.fromordinal
    amounts = {k: r.amount for k, r in REGIMES.items() if r.unit == "working_days"}
    out: list[dt.date | None] = []
    append = out.append
    for received, regime, events in requests:
        amount = amounts.get(regime)
        if not events and amount is not None:
            i = received.toordinal() - lo
            if 0 <= i < n_through:
                k = through[i] + amount - first
                if k < n_days:
                    append(fromordinal(days[k]))
                    continue
        if not events:  # subject access, or beyond the table: the statutory date itself
            append(_period_due(received, get_regime(regime), cal, nation))
            continue
        append(request_deadline(received, regime, events, cal, nation=nation, explain=False).due)
    return out


def _due_from(start: dt.date, period: Regime, extra: int, cal: Calendar, nation: str) -> dt.date:
    if period.unit == "working_days":
        return add_working_days(start, period.amount + extra, cal)
    return _period_due(start, period, cal, nation)


def _period_words(regime: Regime) -> str:
    if regime.unit == "months":
        return f"{regime.amount} calendar month" + ("s" if regime.amount > 1 else "")
    return f"{regime.amount} working days"
