"""The clock at the edges of the law: each rule a table with its authority in the `why` column.

Subject access clarification pauses (UK GDPR Art 12A), "three months beginning with" (FOIA
s.9(2)), late notices (s.9(1); EIR regs 8 and 9(2); s.17(2)), and the calendar loaded on demand
for any year the `holidays` package covers from 2005 (when FOIA came into force).
"""

from __future__ import annotations

import datetime as dt

import pytest

from foikit.clock.rules import (
    ClockEvent,
    ClockEventError,
    LateNotice,
    add_working_days,
    due_date,
    last_day_to_pay,
    months_beginning_with,
    request_deadline,
)
from foikit.clock.workdays import Calendar, CalendarOutOfRange

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.from_package(range(2020, 2028))


def ev(kind, date=None, days=None, reason=None, late=False):
    return ClockEvent(kind, D(date) if date else None, days, reason, late)


# -- UK GDPR Art 12A: a subject access clarification pauses the month -------------------------

ART_12A = [
    (
        "2026-03-02",
        [ev("clarify", "2026-03-25"), ev("clarified", "2026-03-27")],
        "2026-04-07",
        "Art 12A: 25-27 March paused (3 days, both included): 2 April + 3 = Sun 5 April, "
        "Easter Monday 6 April, so Tuesday 7 April",
    ),
    (
        "2026-03-02",
        [ev("clarify", "2026-03-25")],
        None,
        "Art 12A: while waiting for the information the clock is stopped",
    ),
    (
        "2026-03-02",
        [ev("clarify", "2026-03-02"), ev("clarified", "2026-03-02")],
        "2026-04-07",
        "Art 12A: asked and answered on the day of receipt: one day paused; 3 April 2026 is "
        "Good Friday and 6 April Easter Monday, so Tuesday 7 April",
    ),
    (
        "2021-06-07",
        [ev("clarify", "2021-06-10"), ev("clarified", "2021-06-19")],
        "2021-07-19",
        "Art 12A: 10 days paused (10-19 June): 7 July + 10 = Sat 17 July, moved to Monday 19",
    ),
    (
        "2021-06-07",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-15")],
        "2021-07-15",
        "Art 12(3) 'relevant time': a fee restarts the month from its receipt",
    ),
    (
        "2021-06-07",
        [
            ev("clarify", "2021-06-10"),
            ev("clarified", "2021-06-19"),
            ev("extend", "2021-06-25", reason="complex"),
        ],
        "2021-09-17",
        "Art 12(3) and 12A: three months (7 September) plus the 10 paused days",
    ),
]


@pytest.mark.parametrize(("received", "events", "due", "why"), ART_12A, ids=[c[3] for c in ART_12A])
def test_subject_access_clarification_pauses_the_month(cal, received, events, due, why):
    deadline = request_deadline(D(received), "sar", events, cal)
    assert deadline.due == (D(due) if due else None), why


def test_the_pause_is_explained_and_an_foi_clarification_still_restarts(cal):
    events = [ev("clarify", "2026-03-25"), ev("clarified", "2026-03-27")]
    sar = request_deadline(D("2026-03-02"), "sar", events, cal)
    assert any("3 days from 2026-03-25 to 2026-03-27" in s and "Art 12A" in s for s in sar.steps)
    foi = request_deadline(D("2026-03-02"), "foi", events, cal)
    assert foi.due == add_working_days(D("2026-03-27"), 20, cal)  # s.1(3), s.10(6)(b): fresh


# -- FOIA s.9(2): "three months beginning with" the day the notice is given -------------------

S9_2 = [
    ("2021-06-10", "2021-09-09", "s.9(2): the day before the corresponding date"),
    ("2023-11-30", "2024-02-29", "s.9(2): no 30 February, so the last day of February (leap)"),
    ("2021-11-30", "2022-02-28", "s.9(2): no 30 February, so the last day of February"),
    ("2021-08-31", "2021-11-30", "s.9(2): no 31 November, so 30 November"),
    ("2021-11-29", "2022-02-28", "s.9(2): 29 February missing in 2022: the month's end"),
    ("2023-11-29", "2024-02-28", "s.9(2): 29 February 2024 exists: the day before it"),
    ("2021-12-31", "2022-03-30", "s.9(2): 31 March exists: the day before it"),
]


@pytest.mark.parametrize(("notice", "last", "why"), S9_2, ids=[c[2] + c[0] for c in S9_2])
def test_three_months_beginning_with(cal, notice, last, why):
    assert months_beginning_with(D(notice), 3) == D(last), why
    assert last_day_to_pay("foi", D(notice), cal) == D(last), why


def test_a_fee_paid_on_29_february_after_a_30_november_notice_is_in_time(cal):
    # s.9(2): the notice on 30 November 2023 gives until 29 February 2024 to pay.
    events = [ev("fee", "2023-11-30"), ev("fee-paid", "2024-02-29")]
    deadline = request_deadline(D("2023-11-20"), "foi", events, cal)
    assert not any("no longer obliges" in s for s in deadline.steps)
    late = request_deadline(
        D("2023-11-20"), "foi", [ev("fee", "2023-11-30"), ev("fee-paid", "2024-03-01")], cal
    )
    assert any("no longer obliges" in s for s in late.steps)


# -- late notices: refused, or recorded with no effect (`late`) -------------------------------
# received Monday 7 June 2021: 20 working days to 5 July 2021 (FOI, EIR).

LATE = [
    ("foi", [ev("fee", "2021-07-05")], None, "s.9(1): a fees notice on the last day is in time"),
    ("foi", [ev("fee", "2021-07-06")], LateNotice, "s.9(1): a fees notice after the due date"),
    (
        "foi",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-14"), ev("fee", "2021-07-08")],
        None,
        "s.9(1): the time for compliance already moved by the first fee (due 8 July)",
    ),
    ("eir", [ev("fee", "2021-07-06")], LateNotice, "EIR reg 8: a charge after 20 working days"),
    (
        "eir",
        [ev("clarify", "2021-07-06")],
        LateNotice,
        "EIR reg 9(2): particulars asked for after 20 working days",
    ),
    ("eir", [ev("clarify", "2021-07-05")], None, "EIR reg 9(2): on the 20th working day"),
    (
        "foi",
        [ev("extend", "2021-07-06", reason="public-interest")],
        LateNotice,
        "s.17(2): the extension notice after the original due date",
    ),
    (
        "foi",
        [ev("extend", "2021-07-05", days=60)],
        ClockEventError,
        "s.10(3): 60 extra days is more than the reasonable 20 (ICO guidance)",
    ),
    (
        "eir",
        [ev("extend", "2021-07-06", reason="complex")],
        LateNotice,
        "EIR reg 7(2): the requester is told of a complex extension within 20 working days",
    ),
    ("sar", [ev("fee", "2021-08-20")], None, "subject access: no time limit on a fee request"),
]


@pytest.mark.parametrize(("regime", "events", "error", "why"), LATE, ids=[c[3] for c in LATE])
def test_late_notices_are_refused(cal, regime, events, error, why):
    if error is None:
        request_deadline(D("2021-06-07"), regime, events, cal)
    else:
        with pytest.raises(error):
            request_deadline(D("2021-06-07"), regime, events, cal)


LATE_RECORDED = [
    ("foi", [ev("fee", "2021-07-06", late=True)], "2021-07-05", "s.9(1): no stop, no lapse"),
    (
        "foi",
        [ev("fee", "2021-07-06", late=True), ev("fee-paid", "2021-07-08")],
        "2021-07-05",
        "s.9(1): the late notice's fee changes nothing either",
    ),
    (
        "eir",
        [ev("clarify", "2021-07-07", late=True), ev("clarified", "2021-07-09")],
        "2021-07-05",
        "EIR reg 9(2): late particulars do not restart the clock",
    ),
    ("eir", [ev("fee", "2021-07-06", late=True)], "2021-07-05", "EIR reg 8: a late charge"),
    (
        "foi",
        [ev("extend", "2021-07-06", late=True)],
        "2021-07-05",
        "s.17(2): a late extension notice does not extend",
    ),
    (
        "foi",
        [ev("fee", "2021-06-10", late=True)],
        None,
        "a notice in time marked late still counts",
    ),
]


@pytest.mark.parametrize(
    ("regime", "events", "due", "why"), LATE_RECORDED, ids=[c[3] for c in LATE_RECORDED]
)
def test_late_notices_recorded_have_no_effect_on_the_clock(cal, regime, events, due, why):
    deadline = request_deadline(D("2021-06-07"), regime, events, cal)
    assert deadline.due == (D(due) if due else None), why
    if due is not None:
        assert deadline.stopped is None and deadline.fee_lapses is None, why
        assert deadline.late and any("recorded late" in s for s in deadline.steps), why


# -- the calendar: any year the holidays package covers, from 2005, on demand ------------------

ON_DEMAND = [
    ("2005-01-04", "foi", "2005-02-01", "FOIA in force 1 January 2005: the first year"),
    ("2007-12-20", "foi", "2008-01-23", "an old register: Christmas, Boxing Day, 1-2 Jan (SCT)"),
    ("2036-03-02", "foi", "2036-03-31", "no fixed end year: 2036 loaded on demand"),
    ("2087-06-02", "foi", "2087-06-30", "decades ahead, while the package covers it"),
]


@pytest.mark.parametrize(
    ("received", "regime", "due", "why"), ON_DEMAND, ids=[c[3] for c in ON_DEMAND]
)
def test_years_are_loaded_on_demand(cal, received, regime, due, why):
    assert due_date(D(received), regime, cal) == D(due), why


def test_on_demand_days_are_the_packages(cal):
    wide = Calendar.from_package(range(2005, 2040))
    for day in ("2006-11-30", "2008-07-14", "2039-08-01", "2039-03-17"):
        assert cal.covering(2005, 2040).is_working_day(D(day)) is wide.is_working_day(D(day))
        assert not wide.is_working_day(D(day))  # St Andrew's, the Twelfth, August, St Patrick


@pytest.mark.parametrize(
    ("received", "match", "why"),
    [
        ("2004-12-31", "before 1 January 2005", "FOIA in force from 1 January 2005"),
        ("9999-12-31", "outside the years", "beyond every year the holidays package covers"),
    ],
)
def test_years_nobody_covers_are_refused(cal, received, match, why):
    with pytest.raises(CalendarOutOfRange, match=match):
        due_date(D(received), "foi", cal)
