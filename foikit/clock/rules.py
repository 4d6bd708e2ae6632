"""The statutory clock: pure deadline arithmetic (FOIA s.10, EIR reg 5 and 7, UK GDPR Art 12(3)).

Every function takes the dates, the regime and the `Calendar` as arguments (and `today` for
derived status); nothing reads the clock of the machine or a calendar frozen at import.

Working days (s.10(6)): the day of receipt is day zero and the first working day after it is day
one, so "N working days from D" is the N-th working day strictly after D. A request received on a
Saturday therefore has Monday as day one, exactly as if it had arrived on Friday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from foikit.clock.workdays import Calendar
from foikit.errors import FoikitError, InvalidDate
from foikit.law.regimes import REGIMES, Regime, get_regime

if TYPE_CHECKING:  # numpy is imported inside the bulk functions only
    import numpy as np
    from numpy.typing import NDArray

EVENT_KINDS = ("clarify", "clarified", "fee", "fee-paid", "extend", "reopen")
EXTENSION_REASONS = ("public-interest", "complex")
# The ICO's guidance: a public interest extension should normally be no more than 20 further
# working days (s.10(3) itself says only "such time as is reasonable").
PUBLIC_INTEREST_DAYS = 20
# The regime a "complex" extension moves to (EIR reg 7(1); UK GDPR Art 12(3); s.45 Code).
COMPLEX_EXTENSION = {"eir": "eir-extended", "sar": "sar-extended", "review": "review-extended"}
# s.9(2): no duty to comply unless the fee is paid within three months of the notice.
FEE_MONTHS = 3
# EIR reg 8(5): an advance charge must be paid no later than 60 working days after the notice.
EIR_FEE_WORKING_DAYS = 60
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
    try:
        due = dt.date.fromordinal(cal.nth_working_day(count))
    except (ValueError, OverflowError):
        raise InvalidDate(f"{n} working days after {start.isoformat()} is past 9999") from None
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
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise InvalidDate(f"{months} months from {start.isoformat()} is outside the years 1-9999")
    for day in (start.day, 31, 30, 29, 28):
        if day <= start.day:
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    raise AssertionError("every month has 28 days")


def last_day_to_pay(regime: str, notified: dt.date, cal: Calendar) -> dt.date | None:
    """The last day a fee can be paid in time; None where no such limit applies.

    FOIA s.9(2): three months *beginning with* the day the notice is given, so they end the day
    before the corresponding date. EIR reg 8(5): no later than the 60th working day after the
    notice. Subject access: no time limit for a fee.
    """
    family = get_regime(regime).prefix
    if family == "SAR":
        return None
    if family == "EIR":
        return add_working_days(notified, EIR_FEE_WORKING_DAYS, cal)
    return add_months(notified, FEE_MONTHS) - dt.timedelta(days=1)


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


def _fee_law(regime: Regime) -> str:
    return "EIR reg 8(5)" if regime.prefix == "EIR" else "s.9(2)"


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
            last_day = last_day_to_pay(base.key, day, cal)
            fee_lapses = None if last_day is None else last_day + dt.timedelta(days=1)
            steps.append(
                f"fees notice given on {day.isoformat()}: the clock stops"
                + (
                    ""
                    if last_day is None
                    else f"; unpaid by {last_day.isoformat()}, the request lapses "
                    f"({_fee_law(base)})"
                )
            )

        elif event.kind == "fee-paid":
            if stopped != "fee" or stopped_on is None:
                raise ClockEventError("fee received, but no fees notice was given")
            assert day is not None
            if fee_lapses is not None and day >= fee_lapses:
                steps.append(
                    f"fee received on {day.isoformat()}, after the time to pay ended "
                    f"({(fee_lapses - dt.timedelta(days=1)).isoformat()}): {_fee_law(base)} no "
                    "longer obliges a response"
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


# -- a whole register at once -------------------------------------------------------------------
#
# The bulk path does the arithmetic of `request_deadline` for every request at once, in numpy,
# on the calendar's cumulative working-day table: "the n-th working day after day zero" is
# days[through[start] + n], a lookup whatever the length. Clock events are applied event by
# event across all the requests that have them (the first event of every request, then the
# second, ...), each rule the rule of `request_deadline` with the same name below. A request the
# fast path does not take (a date beyond the table, an event `request_deadline` would refuse, an
# unknown regime or kind) is handed to `request_deadline` itself, which answers or raises; the
# tests compare the two on random calendars, dates and event sequences.

_KIND = {kind: i for i, kind in enumerate(EVENT_KINDS)}
_CLARIFY, _CLARIFIED, _FEE, _FEE_PAID, _EXTEND, _REOPEN = range(len(EVENT_KINDS))
_RUNNING, _STOPPED_CLARIFY, _STOPPED_FEE = 0, 1, 2
# extend's reason: `event.reason or "public-interest"`, so any falsy reason is public interest
_PUBLIC_INTEREST, _COMPLEX, _OTHER_REASON = 0, 1, 2
_REASON = {
    None: _PUBLIC_INTEREST,
    "": _PUBLIC_INTEREST,
    "public-interest": _PUBLIC_INTEREST,
    "complex": _COMPLEX,
}
_REGIME_KEYS = tuple(REGIMES)
_REGIME = {key: i for i, key in enumerate(_REGIME_KEYS)}
_EPOCH = dt.date(1970, 1, 1).toordinal()  # numpy's datetime64[D] counts days from here
_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)
_event_kind, _event_date = attrgetter("kind"), attrgetter("date")


class _Table:
    """A calendar's working-day table as vectorised lookups. Each returns its values and where
    they are valid: outside the table, `request_deadline` answers instead (or refuses the date)."""

    def __init__(self, cal: Calendar) -> None:
        import numpy as np

        self.np = np
        self.lo, self.through, self.first, self.days = cal.table_arrays()

    def inside(self, ordinal: NDArray[np.int64]) -> NDArray[np.bool_]:
        i = ordinal - self.lo
        return (i >= 0) & (i < len(self.through))

    def _at(
        self, table: NDArray[np.int64], i: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        valid = (i >= 0) & (i < len(table))
        if not len(table):
            return self.np.zeros_like(i), valid
        return table[self.np.where(valid, i, 0)], valid

    def count(self, ordinal: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Calendar.working_days_through."""
        return self._at(self.through, ordinal - self.lo)

    def nth(self, count: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Calendar.nth_working_day."""
        return self._at(self.days, count - self.first)

    def add(
        self, start: NDArray[np.int64], n: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """add_working_days, n >= 1: the n-th working day after day zero."""
        count, inside = self.count(start)
        due, valid = self.nth(count + n)
        return due, inside & valid

    def next_working_day(
        self, ordinal: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Calendar.next_working_day: the first working day on or after the day."""
        count, inside = self.count(ordinal - 1)
        due, valid = self.nth(count + 1)
        return due, inside & valid


def _add_months_array(ordinal: NDArray[np.int64], months: NDArray[np.int64]) -> NDArray[np.int64]:
    """add_months: the corresponding date, else the last day of the month."""
    import numpy as np

    day = (ordinal - _EPOCH).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    day_of_month = (day - month.astype("datetime64[D]")).astype(np.int64)  # from 0
    target = month + months
    first = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(day_of_month, length - 1) + _EPOCH


_MONTHS = tuple(REGIMES[k].unit == "months" for k in _REGIME_KEYS)
_AMOUNT = tuple(REGIMES[k].amount for k in _REGIME_KEYS)
_FOI = tuple(k == "foi" for k in _REGIME_KEYS)
_COMPLEX_TO = tuple(_REGIME.get(COMPLEX_EXTENSION.get(k, ""), -1) for k in _REGIME_KEYS)


class _Periods:
    """`_period_due` / `_due_from` for arrays of requests: the statutory date of every regime
    for every day of the calendar's table is worked out once (and kept with the calendar), so a
    period from any day is one lookup; disregarded fee days add to a working-day period."""

    def __init__(self, cal: Calendar, nation: str) -> None:
        import numpy as np

        self.np = np
        self.table = _Table(cal)
        self.months = np.array(_MONTHS)
        self.amount = np.array(_AMOUNT, dtype=np.int64)
        self.foi = np.array(_FOI)
        self.complex = np.array(_COMPLEX_TO, dtype=np.int64)
        self.statutory, self.statutory_ok = cal.memo(
            ("statutory dates", nation), lambda: self._statutory(cal, nation)
        )

    def _statutory(self, cal: Calendar, nation: str) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        np = self.np
        days = np.arange(self.table.lo, self.table.lo + len(self.table.through), dtype=np.int64)
        due = np.zeros((len(_REGIME_KEYS), len(days)), dtype=np.int64)
        valid = np.zeros(due.shape, dtype=bool)
        try:
            own: _Table | None = _Table(cal.only(nation))
        except FoikitError:  # an unknown nation: request_deadline says so
            own = None
        for code, months in enumerate(_MONTHS):
            amount = np.full(len(days), _AMOUNT[code], dtype=np.int64)
            if not months:
                due[code], valid[code] = self.table.add(days, amount)
            elif own is not None:
                # the corresponding date, moved to the next working day of the own nation
                due[code], valid[code] = own.next_working_day(_add_months_array(days, amount))
        return due, valid

    def due(
        self, start: NDArray[np.int64], period: NDArray[np.int64], extra: NDArray[np.int64] | None
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """The end of `period` from `start`, plus `extra` working days (fees) when in days."""
        np = self.np
        days = self.statutory.shape[1]
        i = start - self.table.lo
        inside = (i >= 0) & (i < days)
        if not days:
            return np.zeros_like(start), inside
        at = period * days + np.where(inside, i, 0)  # flat: quicker than a 2-D fancy index
        due, valid = self.statutory.ravel().take(at), inside & self.statutory_ok.ravel().take(at)
        if extra is not None:
            more = (extra != 0) & ~self.months[period]
            if more.any():
                due[more], valid[more] = self.table.add(
                    start[more], self.amount[period[more]] + extra[more]
                )
        return due, valid


@dataclass(frozen=True)
class _Events:
    """The clock events of many requests as columns, each request's together and in order."""

    kind: NDArray[np.int64]  # index in EVENT_KINDS, -1 when unknown
    date: NDArray[np.int64]  # ordinal, 0 when missing
    no_date: NDArray[np.bool_]
    days: NDArray[np.int64]  # 0 when missing
    no_days: NDArray[np.bool_]
    reason: NDArray[np.int64]  # _PUBLIC_INTEREST, _COMPLEX or _OTHER_REASON
    odd: NDArray[np.bool_]  # a value of a type the fast path does not take


def _reason_code(reason: object) -> int:
    try:
        return _REASON.get(reason, _OTHER_REASON)  # type: ignore[call-overload]
    except TypeError:  # unhashable: request_deadline says what it makes of it
        return _OTHER_REASON


def _event_columns(
    kinds: list[str],
    dates: NDArray[np.int64],
    no_date: list[bool] | None,
    extension: Callable[[list[int]], tuple[list[int | None], list[str | None]]],
) -> _Events:
    """Columns from the events' fields: `dates` as ordinals, `no_date` where there is none;
    `extension(at)` gives the days and reasons of the events at those places, read for the
    extensions only (request_deadline reads them for nothing else)."""
    import numpy as np

    total = len(kinds)
    kind = np.fromiter(map(_KIND.get, kinds, repeat(-1)), np.int64, total)
    odd = np.zeros(total, dtype=bool)
    missing = np.zeros(total, dtype=bool) if no_date is None else np.array(no_date, dtype=bool)
    date = np.where(missing, 0, dates)
    day_count = np.zeros(total, dtype=np.int64)
    no_days = np.ones(total, dtype=bool)
    reason = np.zeros(total, dtype=np.int64)
    at = np.flatnonzero(kind == _EXTEND)
    if len(at):
        days, reasons = extension(at.tolist())
        if set(map(type, days)) <= {int, type(None)}:
            float_days = np.array(days, dtype=float)  # None becomes nan
            no_days[at] = none = np.isnan(float_days)
            odd[at] = huge = np.abs(float_days) > 1e9  # beyond any calendar (and int64)
            day_count[at] = np.where(none | huge, 0, float_days).astype(np.int64)
        else:
            no_days[at] = [d is None for d in days]
            odd[at] = [d is not None and type(d) is not int for d in days]
            day_count[at] = [d if type(d) is int and abs(d) < 10**9 else 0 for d in days]
        try:
            reason[at] = list(map(_REASON.get, reasons, repeat(_OTHER_REASON)))
        except TypeError:  # an unhashable reason
            reason[at] = list(map(_reason_code, reasons))
    return _Events(kind, date, missing, day_count, no_days, reason, odd)


def _due_ordinals(
    received: NDArray[np.int64],
    code: NDArray[np.int64],
    lengths: NDArray[np.int64],
    events: Callable[[NDArray[np.intp]], _Events],
    one: Callable[[int], dt.date | None],
    cal: Calendar,
    nation: str,
) -> NDArray[np.int64]:
    """The due date in force of each request as an ordinal, 0 while its clock is stopped.

    `code` indexes _REGIME_KEYS (-1: unknown); `lengths` counts each request's events and
    `events(rows)` gives those of the requests `rows`; `one(i)` is `request_deadline(...).due`
    for request i, for the requests the fast path does not take.
    """
    import numpy as np

    periods = _Periods(cal, nation)
    ok = (code >= 0) & periods.table.inside(received)  # cal.check(received)
    code = np.where(code >= 0, code, 0)
    # The statutory date from receipt: the due date of a request without events, and
    # `original_due` (worked out, so possibly refused, for every request).
    original, valid = periods.due(received, code, None)
    ok &= valid
    out = np.where(lengths == 0, original, 0)

    with_events = np.flatnonzero(lengths)
    if len(with_events):
        due, valid = _apply_events(
            received[with_events], code[with_events], lengths[with_events],
            events(with_events), periods,
        )  # fmt: skip
        out[with_events] = due
        ok[with_events] &= valid

    for i in np.flatnonzero(~ok).tolist():
        due_one = one(i)
        out[i] = due_one.toordinal() if due_one is not None else 0
    return out


def _apply_events(
    received: NDArray[np.int64],
    base: NDArray[np.int64],
    lengths: NDArray[np.int64],
    events: _Events,
    periods: _Periods,
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """request_deadline's loop over the events, for many requests at once: the first event of
    each, then the second, ... Returns the due ordinals (0 while stopped) and where valid."""
    import numpy as np

    kind, date, no_date, odd = events.kind, events.date, events.no_date, events.odd
    day_count, no_days, reason = events.days, events.no_days, events.reason
    table = periods.table
    first_event = np.cumsum(lengths) - lengths  # where each request's events start
    m = len(received)
    period = base.copy()  # the regime in force
    start = received.copy()  # the day the period runs from
    disregarded = np.zeros(m, dtype=np.int64)  # working days disregarded for fees
    pi_days = np.zeros(m, dtype=np.int64)  # public interest extension in force (0: none)
    stopped = np.zeros(m, dtype=np.int64)
    stopped_on = np.zeros(m, dtype=np.int64)
    last = received.copy()
    ok = np.ones(m, dtype=bool)

    for step in range(int(lengths.max())):
        rows = np.flatnonzero(lengths > step)
        at = first_event[rows] + step
        k, day, dated = kind[at], date[at], ~no_date[at]
        # an unknown kind; a date missing (extend may have none), before the last, or not covered
        fine = (k >= 0) & ~odd[at] & (dated | (k == _EXTEND))
        fine &= ~dated | ((day >= last[rows]) & table.inside(day))
        ok[rows] &= fine
        last[rows] = np.where(dated, day, last[rows])

        # the requests whose event at this step is of each kind, and where those events are
        by_kind = [(rows[k == which], at[k == which]) for which in range(len(EVENT_KINDS))]

        r, e = by_kind[_CLARIFY]  # the clock stops, unless it already has for clarification
        ok[r] &= stopped[r] != _STOPPED_FEE
        running = r[stopped[r] == _RUNNING]
        stopped[running], stopped_on[running] = _STOPPED_CLARIFY, date[e][stopped[r] == _RUNNING]

        r, e = by_kind[_CLARIFIED]  # a fresh period from the day the clarification is received
        ok[r] &= stopped[r] == _STOPPED_CLARIFY
        stopped[r] = stopped_on[r] = disregarded[r] = pi_days[r] = 0
        start[r], period[r] = date[e], base[r]

        r, e = by_kind[_FEE]  # the clock stops
        ok[r] &= stopped[r] == _RUNNING
        stopped[r], stopped_on[r] = _STOPPED_FEE, date[e]

        r, e = by_kind[_FEE_PAID]
        ok[r] &= stopped[r] == _STOPPED_FEE
        in_months = periods.months[period[r]]
        # calendar months run afresh from the day the fee is received
        fresh = r[in_months]
        start[fresh], disregarded[fresh] = date[e][in_months], 0
        # working days: disregard those from the notice day to the fee day, both included
        r, e = r[~in_months], e[~in_months]
        window_from = np.maximum(stopped_on[r] - 1, start[r])
        to, valid_to = table.count(date[e])
        since, valid_since = table.count(window_from)
        disregarded[r] += np.maximum(0, to - since)
        ok[r] &= valid_to & valid_since
        stopped[fresh] = stopped_on[fresh] = 0
        stopped[r] = stopped_on[r] = 0

        r, e = by_kind[_EXTEND]
        why = reason[e]
        ok[r] &= (why != _OTHER_REASON) & (stopped[r] == _RUNNING)
        public = why == _PUBLIC_INTEREST
        pr, pe = r[public], e[public]
        extra = np.where(no_days[pe], PUBLIC_INTEREST_DAYS, day_count[pe])
        ok[pr] &= periods.foi[base[pr]] & (extra >= 1)
        pi_days[pr] = extra
        cr, ce = r[~public], e[~public]
        to = periods.complex[base[cr]]
        ok[cr] &= (to >= 0) & no_days[ce]
        period[cr] = np.where(to >= 0, to, period[cr])
        # request_deadline works out the date then in force (to say when the extension came
        # after it): beyond the calendar it refuses, so the fast path must not answer either
        r = r[~no_date[e]]
        _, valid = periods.due(start[r], period[r], disregarded[r])
        ok[r] &= valid

        r, e = by_kind[_REOPEN]  # a fresh period from that day
        stopped[r] = stopped_on[r] = disregarded[r] = pi_days[r] = 0
        start[r], period[r] = date[e], base[r]

    running = stopped == _RUNNING
    due, valid = periods.due(start, period, disregarded)
    extended = running & (pi_days > 0)
    due[extended], valid_pi = table.add(due[extended], pi_days[extended])
    ok &= ~running | valid
    ok[extended] &= valid_pi
    return np.where(running, due, 0), ok


_DAYS_BEFORE_MONTH = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _iso_ordinals(values: Sequence[str]) -> NDArray[np.int64]:
    """`[date.fromisoformat(v).toordinal() for v in values]`, in numpy for YYYY-MM-DD strings:
    anything else (another ISO form, a bad date) goes through `fromisoformat`, which parses or
    raises exactly as it would for one date."""
    import numpy as np

    n = len(values)
    try:
        # Joined with a comma after each, every row must be "DDDD-DD-DD,": as the strings hold
        # no commas then (n rows, n commas), each is exactly ten characters of that shape.
        joined = (",".join(values) + ",").encode("ascii")
    except (TypeError, UnicodeEncodeError):
        joined = b""
    if n and len(joined) == 11 * n:
        chars = np.frombuffer(joined, np.uint8).reshape(n, 11)
        digits = chars[:, [0, 1, 2, 3, 5, 6, 8, 9]] - np.uint8(48)  # wraps for non-digits
        shape = (chars[:, 4] == 45) & (chars[:, 7] == 45) & (chars[:, 10] == 44)
        if shape.all() and (digits <= 9).all():
            d = digits.astype(np.int32)  # int32: every date up to 9999 fits, and it is quicker
            year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
            month, day = d[:, 4] * 10 + d[:, 5], d[:, 6] * 10 + d[:, 7]
            leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
            m = np.clip(month, 0, 12)
            length = np.array(_DAYS_IN_MONTH, dtype=np.int32)[m] + (leap & (month == 2))
            if ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)).all():
                # date.toordinal: days before the year, before the month, and the day
                y = year - 1
                before = np.array(_DAYS_BEFORE_MONTH, dtype=np.int32)[m] + (leap & (month > 2))
                ordinals: NDArray[np.int64] = (
                    y * 365 + y // 4 - y // 100 + y // 400 + before + day
                ).astype(np.int64)
                return ordinals
    parse, ordinal = dt.date.fromisoformat, dt.date.toordinal
    return np.fromiter(map(ordinal, map(parse, values)), np.int64, n)


def _regime_codes(regimes: Sequence[str]) -> NDArray[np.int64]:
    import numpy as np

    try:
        return np.fromiter(map(_REGIME.__getitem__, regimes), np.int64, len(regimes))
    except (KeyError, TypeError):  # an unknown regime: request_deadline raises UnknownRegime
        return np.array([_REGIME.get(r, -1) if isinstance(r, str) else -1 for r in regimes])


def _ordinals(days: list[dt.date | None]) -> NDArray[np.int64]:
    """date.toordinal of each, 0 for None."""
    import numpy as np

    if None in days:
        return np.array([0 if d is None else d.toordinal() for d in days], dtype=np.int64)
    return np.fromiter(map(dt.date.toordinal, days), np.int64, len(days))  # type: ignore[arg-type]


def _as_datetime64(ordinals: NDArray[np.int64]) -> NDArray[np.datetime64]:
    import numpy as np

    result = (ordinals - _EPOCH).astype("datetime64[D]")
    result[ordinals == 0] = np.datetime64("NaT")
    return result


def due_dates_array(
    requests: Sequence[tuple[dt.date, str, Sequence[ClockEvent]]],
    cal: Calendar,
    *,
    nation: str = "ENG",
) -> NDArray[np.datetime64]:
    """`request_deadline(...).due` for each (received, regime, events), as a numpy datetime64[D]
    array, NaT while a clock is stopped: the same answers and the same errors, for many requests
    at once. numpy is imported here, so `foikit deadline` never pays for it.
    """
    import numpy as np

    rows = requests if isinstance(requests, Sequence) else list(requests)
    n = len(rows)
    received = np.fromiter(map(dt.date.toordinal, map(_first, rows)), np.int64, n)
    code = _regime_codes(list(map(_second, rows)))
    events = list(map(_third, rows))
    lengths = np.fromiter(map(len, events), np.int64, n)

    def columns(with_events: NDArray[np.intp]) -> _Events:
        flat = list(chain.from_iterable(map(events.__getitem__, with_events.tolist())))
        dates = list(map(_event_date, flat))
        missing = None in dates
        return _event_columns(
            list(map(_event_kind, flat)),
            _ordinals(dates),
            [d is None for d in dates] if missing else None,
            lambda at: ([flat[i].days for i in at], [flat[i].reason for i in at]),
        )

    def one(i: int) -> dt.date | None:
        received_on, regime, its_events = rows[i]
        return request_deadline(
            received_on, regime, its_events, cal, nation=nation, explain=False
        ).due

    return _as_datetime64(_due_ordinals(received, code, lengths, columns, one, cal, nation))


# A clock_events row for `due_dates_columns`: the position of its request, kind, ISO date (None
# for an undated extension), days, reason.
EventRow = tuple[int, str, str | None, int | None, str | None]


def due_dates_columns(
    received: Sequence[str],
    regimes: Sequence[str],
    events: Sequence[EventRow],
    cal: Calendar,
    *,
    nation: str = "ENG",
) -> NDArray[np.datetime64]:
    """The due dates of a whole register as its tables hold it: the received dates (ISO) and
    regimes of the requests, and the clock_events rows (each with the position of its request
    in `received`; a request's events in the order they happened). A numpy datetime64[D] array,
    NaT while a clock is stopped: the same answers and errors as `request_deadline`.
    """
    import numpy as np

    n = len(received)
    fromisoformat = dt.date.fromisoformat
    received_on = _iso_ordinals(received)
    code = _regime_codes(regimes)
    position = np.fromiter(map(_first, events), np.int64, len(events))
    if len(position) and (position.min() < 0 or position.max() >= n):
        raise ClockEventError("a clock event names a request position outside those given")
    if len(position) > 1 and (position[1:] < position[:-1]).any():
        events = [events[i] for i in np.argsort(position, kind="stable").tolist()]
        position = np.fromiter(map(_first, events), np.int64, len(events))
    lengths = np.bincount(position, minlength=n).astype(np.int64)
    first_event = np.cumsum(lengths) - lengths

    def iso(value: str | None) -> dt.date | None:
        return fromisoformat(value) if value else None

    def columns(with_events: NDArray[np.intp]) -> _Events:
        # every event belongs to a request with events, in their order: the rows as they are
        dates = list(map(_third, events))
        missing = not all(dates)  # an undated event (None or "")
        ordinals = _iso_ordinals([d or "0001-01-01" for d in dates] if missing else dates)
        return _event_columns(
            list(map(_second, events)),
            ordinals,
            [not d for d in dates] if missing else None,
            lambda at: ([events[i][3] for i in at], [events[i][4] for i in at]),
        )

    def one(i: int) -> dt.date | None:
        its_rows = events[first_event[i] : first_event[i] + lengths[i]]
        its_events = [ClockEvent(k, iso(d), days, why) for _, k, d, days, why in its_rows]
        return request_deadline(
            fromisoformat(received[i]), regimes[i], its_events, cal, nation=nation, explain=False
        ).due

    return _as_datetime64(_due_ordinals(received_on, code, lengths, columns, one, cal, nation))


def due_dates(
    requests: Iterable[tuple[dt.date, str, Sequence[ClockEvent]]],
    cal: Calendar,
    *,
    nation: str = "ENG",
) -> list[dt.date | None]:
    """`due_dates_array` as a list of dates, None while a clock is stopped."""
    rows = requests if isinstance(requests, Sequence) else list(requests)
    if not rows:
        return []
    dates: list[dt.date | None] = due_dates_array(rows, cal, nation=nation).tolist()
    return dates


def _due_from(start: dt.date, period: Regime, extra: int, cal: Calendar, nation: str) -> dt.date:
    if period.unit == "working_days":
        return add_working_days(start, period.amount + extra, cal)
    return _period_due(start, period, cal, nation)


def _period_words(regime: Regime) -> str:
    if regime.unit == "months":
        return f"{regime.amount} calendar month" + ("s" if regime.amount > 1 else "")
    return f"{regime.amount} working days"
