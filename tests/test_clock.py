"""The statutory clock, as tables of cases: start, regime, expected, and why.

The calendar is the UK-wide one from the `holidays` package (England and Wales, Scotland and
Northern Ireland together), as s.10(6) requires.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foikit.clock.rules import (
    ClockEvent,
    ClockEventError,
    UnknownClockEvent,
    add_months,
    add_working_days,
    due_date,
    request_deadline,
    review_due,
    review_request_is_late,
    skipped_days,
    status,
    working_days_between,
)
from foikit.clock.workdays import Calendar, CalendarOutOfRange, Holiday
from foikit.errors import UnknownRegime

D = dt.date.fromisoformat
YEARS = range(2005, 2036)


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.from_package(YEARS)


def naive_add(start: dt.date, n: int, cal: Calendar) -> dt.date:
    """The day-by-day walk the fast arithmetic must agree with."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day


# -- public vectors ---------------------------------------------------------------------------

# mySociety Alaveteli, spec/models/holiday_spec.rb ("in working days"): 20 working days. Their
# holiday list was UK-wide (WhatDoTheyKnow's), and so is ours: every vector holds unchanged.
ALAVETELI = [
    ("2008-10-01", "2008-10-29", "handles no holidays"),
    ("2007-02-01", "2007-03-01", "handles non leap years"),
    ("2008-02-01", "2008-02-29", "handles leap years"),
    ("2009-03-12", "2009-04-14", "Thursday start: St Patrick's Day (NI) and Good Friday skipped"),
    ("2009-03-13", "2009-04-15", "Friday start: also Easter Monday"),
    ("2009-03-14", "2009-04-15", "Saturday start: same as Friday, Monday is day one"),
    ("2009-03-15", "2009-04-15", "Sunday start: same as Friday"),
    ("2009-03-16", "2009-04-16", "Monday start"),
]


@pytest.mark.parametrize(("received", "expected", "why"), ALAVETELI, ids=[c[2] for c in ALAVETELI])
def test_alaveteli_holiday_spec(cal, received, expected, why):
    assert due_date(D(received), "foi", cal) == D(expected), why


# Ministry of Justice correspondence tool, spec/services/deadline_calculator/
# business_days_spec.rb, recomputed on the UK-wide calendar. Their expectation is given where
# it differs: before 2023 the tool counted English bank holidays only.
MOJ = [
    ("2017-05-18", 3, "2017-05-23", None, "escalation: 3 working days"),
    ("2017-05-18", 10, "2017-06-02", None, "internal: Spring bank holiday 29 May skipped"),
    ("2017-05-18", 20, "2017-06-16", None, "external: 20 working days"),
    ("2017-05-18", 30, "2017-06-30", None, "extension of 10"),
    ("2017-05-18", 40, "2017-07-17", "2017-07-14", "max: 12 July (NI) is not a working day"),
    ("2021-07-03", 3, "2021-07-07", None, "Saturday start"),
    ("2021-07-03", 10, "2021-07-19", "2021-07-16", "Saturday start: 12 July 2021 (NI)"),
    ("2021-07-03", 20, "2021-08-03", "2021-07-30", "12 July (NI) and 2 August (Scotland)"),
    ("2021-05-01", 3, "2021-05-06", None, "Saturday start, early May bank holiday 3 May"),
    ("2021-05-01", 10, "2021-05-17", None, "Saturday start, 3 May skipped"),
    ("2021-05-01", 20, "2021-06-01", None, "3 May and 31 May skipped"),
    ("2023-11-27", 3, "2023-12-01", None, "St Andrew's Day (Scotland) 30 November"),
    ("2023-11-27", 10, "2023-12-12", None, "St Andrew's Day"),
    ("2023-11-27", 20, "2023-12-28", None, "St Andrew's Day and Christmas"),
    ("2023-11-17", 10, "2023-12-04", None, "days_after: St Andrew's Day"),
]


@pytest.mark.parametrize(
    ("start", "n", "expected", "moj", "why"), MOJ, ids=[f"{c[0]}+{c[1]}" for c in MOJ]
)
def test_moj_business_days_spec(cal, start, n, expected, moj, why):
    assert add_working_days(D(start), n, cal) == D(expected), why
    if moj is not None:  # England alone gives the tool's old answer
        assert add_working_days(D(start), n, cal.only("ENG")) == D(moj)


def test_moj_days_late_count(cal):
    # days_late(Thu 18 May 2017, Tue 23 May 2017) == 3: working days after the first date
    assert working_days_between(D("2017-05-18"), D("2017-05-23"), cal) == 3
    assert working_days_between(D("2017-05-23"), D("2017-05-18"), cal) == -3


# -- the regimes, and the days only Scotland or Northern Ireland keep ----------------------------

REGIMES = [
    ("2021-06-05", "foi", "2021-07-02", "Saturday receipt: Monday 7 June is day one"),
    ("2021-06-07", "foi", "2021-07-05", "Monday receipt: Tuesday is day one"),
    ("2021-06-07", "eir", "2021-07-05", "EIR: the same 20 working days"),
    ("2021-06-07", "eir-extended", "2021-08-04", "EIR reg 7: 40; 12 July (NI), 2 Aug (Scotland)"),
    ("2021-06-07", "review", "2021-07-05", "internal review: 20 working days"),
    ("2021-06-07", "review-extended", "2021-08-04", "review, exceptional: 40"),
    ("2022-11-20", "foi", "2022-12-19", "St Andrew's Day 30 Nov 2022 (Scotland) moves it a day"),
    ("2022-12-20", "foi", "2023-01-23", "Christmas, and 3 Jan 2023 (Scotland's 2 Jan observed)"),
    ("2022-03-10", "foi", "2022-04-08", "St Patrick's Day 17 Mar 2022 (NI)"),
    ("2022-07-01", "foi", "2022-08-02", "Battle of the Boyne (NI) and 1 Aug 2022 (Scotland)"),
    ("2022-05-20", "foi", "2022-06-21", "Platinum Jubilee 2 and 3 June 2022"),
    ("2022-09-01", "foi", "2022-09-30", "State Funeral 19 September 2022"),
    ("2023-04-30", "foi", "2023-05-31", "Coronation 8 May 2023, and 1 and 29 May"),
    ("2026-06-01", "foi", "2026-06-30", "15 June 2026, proclaimed in Scotland"),
    ("2023-12-29", "foi", "2024-01-30", "2 January 2024 (Scotland)"),
]


@pytest.mark.parametrize(
    ("received", "regime", "expected", "why"), REGIMES, ids=[c[3] for c in REGIMES]
)
def test_due_dates(cal, received, regime, expected, why):
    assert due_date(D(received), regime, cal) == D(expected), why


SCOTTISH_AND_NI = [
    ("2022-11-20", "2022-11-30", "St Andrew's Day"),
    ("2022-03-10", "2022-03-17", "St Patrick's Day"),
    ("2022-07-01", "2022-07-12", "Battle of the Boyne"),
    ("2022-07-01", "2022-08-01", "first Monday in August (Scotland)"),
    ("2023-12-29", "2024-01-02", "2 January (Scotland)"),
    ("2026-06-01", "2026-06-15", "Scotland, by proclamation"),
]


@pytest.mark.parametrize(
    ("received", "day", "why"), SCOTTISH_AND_NI, ids=[c[2] for c in SCOTTISH_AND_NI]
)
def test_a_day_kept_only_outside_england_moves_the_due_date(cal, received, day, why):
    uk = due_date(D(received), "foi", cal)
    england = due_date(D(received), "foi", cal.only("ENG"))
    assert not cal.is_working_day(D(day)) and cal.only("ENG").is_working_day(D(day)), why
    assert uk > england, why
    assert (D(day), cal.holiday_name(D(day))) in skipped_days(D(received), uk, cal)


SAR = [
    ("2021-03-15", "sar", "ENG", "2021-04-15", "the corresponding date"),
    ("2021-06-30", "sar", "ENG", "2021-07-30", "30 June to 30 July"),
    ("2021-01-31", "sar", "ENG", "2021-03-01", "no 31 Feb: 28 Feb 2021, a Sunday, moves to Monday"),
    ("2020-01-31", "sar", "ENG", "2020-03-02", "29 Feb 2020 is a Saturday"),
    ("2021-02-28", "sar", "ENG", "2021-03-29", "28 Feb to 28 Mar, a Sunday"),
    ("2019-09-27", "sar", "ENG", "2019-10-28", "MoJ: 27 Oct 2019 is a Sunday"),
    ("2019-04-06", "sar", "ENG", "2019-05-07", "MoJ: 6 May 2019 is a bank holiday"),
    ("2019-09-26", "sar-extended", "ENG", "2019-12-27", "MoJ: three months, Boxing Day"),
    ("2019-10-01", "sar-extended", "ENG", "2020-01-02", "MoJ: 1 Jan 2020; 2 Jan is Scottish"),
    ("2019-10-01", "sar-extended", "SCT", "2020-01-03", "a Scottish authority skips 2 Jan"),
    ("2024-02-29", "sar", "ENG", "2024-04-02", "Good Friday, then Easter Monday (England)"),
    ("2024-02-29", "sar", "SCT", "2024-04-01", "Easter Monday is no Scottish holiday"),
    ("2022-10-30", "sar", "ENG", "2022-11-30", "St Andrew's Day does not move an English SAR"),
    ("2022-10-30", "sar", "SCT", "2022-12-01", "but does move a Scottish one"),
]


@pytest.mark.parametrize(
    ("received", "regime", "nation", "expected", "why"), SAR, ids=[c[4] for c in SAR]
)
def test_subject_access_runs_in_calendar_months(cal, received, regime, nation, expected, why):
    assert due_date(D(received), regime, cal, nation=nation) == D(expected), why


ADD_MONTHS = [
    ("2021-01-31", 1, "2021-02-28", "no 31 February"),
    ("2024-01-31", 1, "2024-02-29", "leap year"),
    ("2021-11-30", 3, "2022-02-28", "over the year end"),
    ("2021-12-15", 1, "2022-01-15", "December to January"),
    ("2021-08-31", 1, "2021-09-30", "no 31 September"),
]


@pytest.mark.parametrize(
    ("start", "months", "expected", "why"), ADD_MONTHS, ids=[c[3] for c in ADD_MONTHS]
)
def test_add_months(start, months, expected, why):
    assert add_months(D(start), months) == D(expected), why


def test_unknown_regime_is_refused(cal):
    with pytest.raises(UnknownRegime):
        due_date(D("2021-06-07"), "fio", cal)


def test_a_date_outside_the_loaded_years_is_refused(cal):
    with pytest.raises(CalendarOutOfRange, match="no bank holidays"):
        due_date(D("2021-06-07"), "foi", Calendar.from_rows([]))
    # A calendar with no source for other years refuses them, never answers without holidays.
    fixed = Calendar(cal.holidays, (2005, 2035))
    with pytest.raises(CalendarOutOfRange, match="2035"):
        due_date(D("2035-12-20"), "foi", fixed)  # the due date would be in 2036


# -- clock events -----------------------------------------------------------------------------


def ev(kind, date=None, days=None, reason=None):
    return ClockEvent(kind, D(date) if date else None, days, reason)


EVENTS = [
    # received Monday 7 June 2021: 20 working days to 5 July 2021
    ("foi", [], "2021-07-05", None, None, "no events: the statutory date"),
    (
        "foi",
        [ev("clarify", "2021-06-09")],
        None,
        None,
        "clarification",
        "clarification asked: the clock stops, no due date",
    ),
    (
        "foi",
        [ev("clarify", "2021-06-09"), ev("clarified", "2021-06-21")],
        "2021-07-20",
        None,
        None,
        "clarified 21 June: a fresh 20 working days from that day (s.1(3))",
    ),
    (
        "foi",
        [ev("clarify", "2021-06-09"), ev("clarified", "2021-06-26")],
        "2021-07-26",
        None,
        None,
        "clarified on a Saturday: Monday 28 June is day one",
    ),
    ("foi", [ev("fee", "2021-06-10")], None, None, "fee", "fees notice: the clock stops"),
    (
        "foi",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-14")],
        "2021-07-08",
        None,
        None,
        "notice Thu 10 to paid Mon 14: Thu, Fri, Mon disregarded (both ends count)",
    ),
    (
        "foi",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-10")],
        "2021-07-06",
        None,
        None,
        "paid the day the notice was given: that one day is disregarded",
    ),
    (
        "foi",
        [ev("fee", "2021-06-07"), ev("fee-paid", "2021-06-08")],
        "2021-07-06",
        None,
        None,
        "notice on the day of receipt (day zero, never counted): only 8 June is disregarded",
    ),
    (
        "foi",
        [ev("fee", "2021-06-12"), ev("fee-paid", "2021-06-13")],
        "2021-07-05",
        None,
        None,
        "notice and payment at a weekend: no working day disregarded",
    ),
    (
        "foi",
        [ev("extend", "2021-06-30", reason="public-interest")],
        "2021-08-04",
        "2021-07-05",
        None,
        "public interest: 20 more working days (12 July NI, 2 Aug Scotland); notice still 5 July",
    ),
    (
        "foi",
        [ev("extend", None, days=10, reason="public-interest")],
        "2021-07-20",
        "2021-07-05",
        None,
        "a shorter public interest extension, undated",
    ),
    (
        "foi",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-14"), ev("extend", "2021-07-01")],
        "2021-08-09",
        "2021-07-08",
        None,
        "fee days, then an extension: the notice date carries the fee days too",
    ),
    (
        "eir",
        [ev("extend", "2021-06-20", reason="complex")],
        "2021-08-04",
        None,
        None,
        "EIR reg 7: 40 working days from receipt",
    ),
    (
        "sar",
        [ev("extend", "2021-06-20", reason="complex")],
        "2021-09-07",
        None,
        None,
        "subject access: three months, 7 Sept 2021",
    ),
    (
        "sar",
        [ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-15")],
        "2021-07-15",
        None,
        None,
        "subject access fee: the month runs from the day it is paid",
    ),
    (
        "foi",
        [ev("reopen", "2021-09-01")],
        "2021-09-29",
        None,
        None,
        "reopened after an overturned review: a fresh 20 working days",
    ),
    (
        "foi",
        [ev("extend", "2021-06-30"), ev("reopen", "2021-09-01")],
        "2021-09-29",
        None,
        None,
        "reopening drops the extension",
    ),
]


@pytest.mark.parametrize(
    ("regime", "events", "due", "notice_due", "stopped", "why"), EVENTS, ids=[c[5] for c in EVENTS]
)
def test_clock_events(cal, regime, events, due, notice_due, stopped, why):
    deadline = request_deadline(D("2021-06-07"), regime, events, cal)
    assert deadline.due == (D(due) if due else None), why
    assert deadline.notice_due == (D(notice_due) if notice_due else None), why
    assert deadline.stopped == stopped, why
    assert deadline.original_due == due_date(D("2021-06-07"), regime, cal)
    assert deadline.steps[0] == "received 2021-06-07: day one is 2021-06-08"


def test_steps_explain_a_weekend_receipt(cal):
    deadline = request_deadline(D("2021-06-05"), "foi", [], cal)
    assert deadline.steps[0] == "received 2021-06-05 (Saturday): day one is 2021-06-07"
    assert deadline.steps[-1].endswith("due 2021-07-02")


def test_an_unpaid_fee_lapses_three_months_after_the_notice(cal):
    deadline = request_deadline(D("2021-06-07"), "foi", [ev("fee", "2021-06-10")], cal)
    assert deadline.fee_lapses == D("2021-09-10")
    assert any("unpaid by 2021-09-09, the request lapses" in step for step in deadline.steps)
    late = request_deadline(
        D("2021-06-07"), "foi", [ev("fee", "2021-06-10"), ev("fee-paid", "2021-09-10")], cal
    )
    assert late.fee_lapses is None
    assert any("after the time to pay ended (2021-09-09)" in step for step in late.steps)


@pytest.mark.parametrize(
    "regime, notice, last_day, why",
    [
        ("foi", "2021-06-10", "2021-09-09", "s.9(2): three months beginning with the notice"),
        ("foi", "2021-11-30", "2022-02-28", "s.9(2): no 30 February, so the month's last day"),
        (
            "eir",
            "2021-06-10",
            "2021-09-07",
            "EIR reg 8(5): the 60th working day, skipping 12 July (NI), 2 August (SCT), 30 August",
        ),
        ("eir-extended", "2021-06-10", "2021-09-07", "an extended EIR request pays the same way"),
        ("sar", "2021-06-10", None, "subject access: no time limit for a fee"),
    ],
)
def test_the_last_day_to_pay_a_fee(cal, regime, notice, last_day, why):
    from foikit.clock.rules import last_day_to_pay

    expected = None if last_day is None else D(last_day)
    assert last_day_to_pay(regime, D(notice), cal) == expected, why


def test_an_eir_fee_paid_after_60_working_days_is_late_but_on_the_60th_is_not(cal):
    on_time = request_deadline(
        D("2021-06-07"), "eir", [ev("fee", "2021-06-10"), ev("fee-paid", "2021-09-07")], cal
    )
    late = request_deadline(
        D("2021-06-07"), "eir", [ev("fee", "2021-06-10"), ev("fee-paid", "2021-09-08")], cal
    )
    assert not any("EIR reg 8(5) no longer obliges" in step for step in on_time.steps)
    assert any("EIR reg 8(5) no longer obliges" in step for step in late.steps)


BAD_EVENTS = [
    ([ev("clarified", "2021-06-10")], ClockEventError, "clarified with none asked for"),
    ([ev("fee-paid", "2021-06-10")], ClockEventError, "fee paid with no notice"),
    ([ev("fee", "2021-06-10"), ev("clarify", "2021-06-11")], ClockEventError, "two stops"),
    ([ev("clarify", "2021-06-01")], ClockEventError, "an event before receipt"),
    ([ev("fee", "2021-06-10"), ev("fee-paid", "2021-06-09")], ClockEventError, "out of order"),
    ([ev("clarify", "2021-06-09"), ev("extend", "2021-06-10")], ClockEventError, "extend stopped"),
    ([ev("extend", None, reason="complex")], ClockEventError, "no complex extension under FOIA"),
    ([ev("extend", None, reason="because")], ClockEventError, "unknown extension reason"),
    ([ev("extend", None, days=0)], ClockEventError, "extension of no days"),
    ([ev("clarify")], ClockEventError, "a clarification needs its date"),
    ([ev("pause", "2021-06-09")], UnknownClockEvent, "unknown event kind"),
]


@pytest.mark.parametrize(("events", "error", "why"), BAD_EVENTS, ids=[c[2] for c in BAD_EVENTS])
def test_impossible_events_are_refused(cal, events, error, why):
    with pytest.raises(error):
        request_deadline(D("2021-06-07"), "foi", events, cal)


def test_public_interest_extension_is_for_foi_only(cal):
    with pytest.raises(ClockEventError, match="FOI requests only"):
        request_deadline(D("2021-06-07"), "eir", [ev("extend", None)], cal)


# -- reviews and status -----------------------------------------------------------------------


def test_review_due(cal):
    assert review_due(D("2021-06-07"), cal) == D("2021-07-05")
    assert review_due(D("2021-06-07"), cal, extended=True) == D("2021-08-04")


REVIEW_LATE = [
    ("2021-06-07", "2021-08-04", False, "exactly 40 working days: in time"),
    ("2021-06-07", "2021-08-05", True, "41 working days: late (warn, do not block)"),
    ("2021-06-07", "2021-06-07", False, "the same day"),
]


@pytest.mark.parametrize(
    ("responded", "asked", "late", "why"), REVIEW_LATE, ids=[c[3] for c in REVIEW_LATE]
)
def test_review_request_is_late(cal, responded, asked, late, why):
    assert review_request_is_late(D(responded), D(asked), cal) is late, why


STATUS = [
    ("2021-07-05", "2021-06-28", False, False, 5, "five working days left: not yet due soon"),
    ("2021-07-05", "2021-06-29", False, True, 4, "four left: due soon"),
    ("2021-07-05", "2021-07-05", False, True, 0, "due today"),
    ("2021-07-05", "2021-07-06", True, False, -1, "a working day late"),
    ("2021-07-05", "2021-07-03", False, True, 1, "Saturday before a Monday due date"),
    ("2021-06-01", "2021-05-28", False, True, 1, "over the 31 May bank holiday: one day left"),
    (None, "2021-07-05", False, False, None, "clock stopped: nothing to say"),
]


@pytest.mark.parametrize(
    ("due", "today", "overdue", "soon", "left", "why"), STATUS, ids=[c[5] for c in STATUS]
)
def test_status_is_derived_from_today(cal, due, today, overdue, soon, left, why):
    result = status(D(due) if due else None, D(today), cal, soon=4)
    assert (result.overdue, result.due_soon, result.working_days_left) == (overdue, soon, left), why


# -- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2006, 1, 1), max_value=dt.date(2034, 6, 30))
work_regimes = st.sampled_from(["foi", "eir", "eir-extended", "review", "review-extended"])


@settings(max_examples=300, deadline=None)
@given(received=dates, regime=work_regimes)
def test_property_due_is_a_working_day_with_exactly_n_after_day_zero(cal, received, regime):
    from foikit.law.regimes import get_regime

    n = get_regime(regime).amount
    due = due_date(received, regime, cal)
    assert cal.is_working_day(due)
    assert working_days_between(received, due, cal) == n
    assert working_days_between(received, due - dt.timedelta(days=1), cal) == n - 1
    assert due == naive_add(received, n, cal)


@settings(max_examples=300, deadline=None)
@given(
    received=dates,
    later=st.integers(min_value=1, max_value=60),
    regime=st.sampled_from(["foi", "eir-extended", "review", "sar", "sar-extended"]),
)
def test_property_later_receipt_never_gives_an_earlier_due_date(cal, received, later, regime):
    after = received + dt.timedelta(days=later)
    assert due_date(after, regime, cal) >= due_date(received, regime, cal)


@settings(max_examples=200, deadline=None)
@given(received=dates, regime=st.sampled_from(["sar", "sar-extended"]))
def test_property_subject_access_is_never_early_nor_on_a_closed_day(cal, received, regime):
    due = due_date(received, regime, cal)
    plain = add_months(received, 3 if regime == "sar-extended" else 1)
    assert due >= plain and cal.only("ENG").is_working_day(due)
    assert all(not cal.only("ENG").is_working_day(d) for d, _ in skipped_days(plain, due, cal)[:-1])


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    n=st.integers(min_value=0, max_value=80),
    holidays=st.sets(st.integers(min_value=0, max_value=200), max_size=40),
)
def test_property_arithmetic_matches_a_day_by_day_walk(start, n, holidays):
    # Any calendar at all, holidays clustered near the start to stress the bisect logic.
    days = tuple(Holiday(start + dt.timedelta(days=k), f"h{k}", ("ENG",)) for k in sorted(holidays))
    made_up = Calendar(days, None)
    assert add_working_days(start, n, made_up) == naive_add(start, n, made_up)


def test_steps_explain_a_subject_access_date(cal):
    deadline = request_deadline(D("2021-01-31"), "sar", [], cal)
    assert deadline.steps[-1] == (
        "1 calendar month from 2021-01-31 (UK GDPR Art 12(3)): 2021-02-28 (no corresponding "
        "date: the last day of the month), not a working day (Sunday): moved to 2021-03-01"
    )


def test_steps_name_the_bank_holidays_skipped_and_both_extension_dates(cal):
    deadline = request_deadline(D("2022-11-20"), "foi", [ev("extend", "2022-12-01")], cal)
    assert "skipping 2022-11-30 (Saint Andrew's Day (SCT))" in deadline.steps[-2]
    assert deadline.steps[-1] == (
        "the refusal notice stays due on 2022-12-19 (s.17(2)); the decision is due 2023-01-20"
    )
