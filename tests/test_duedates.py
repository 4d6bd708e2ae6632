"""The register side of the clock: due dates written back, holidays that move open deadlines.

Requests are inserted straight into the requests table here (the request lifecycle has its own
tests); every change still goes through a transaction with its audit rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from foikit.clock.duedates import (
    add_holiday,
    deadline_for,
    load_calendar,
    load_uk_holidays,
    recompute,
    recompute_open,
    remove_holiday,
)
from foikit.clock.rules import ClockEventError
from foikit.clock.workdays import Calendar
from foikit.errors import HolidayError, RequestNotFound

D = dt.date.fromisoformat
ACTOR = "test.clock"


def add_request(reg, reference, received, regime="foi", status="open", events=()):
    """A request row (and its clock events), its due date computed as the lifecycle would."""
    prefix, year, seq = reference.split("-")
    with reg.transaction(ACTOR) as tx:
        request_id = tx.insert(
            "requests",
            {
                "reference": reference,
                "regime": regime,
                "year": int(year),
                "seq": int(seq),
                "subject": f"Test {reference}",
                "received": received,
                "status": status,
                "created_at": tx.at,
                "updated_at": tx.at,
            },
        )
        for kind, date, *rest in events:
            tx.insert(
                "clock_events",
                {
                    "request_id": request_id,
                    "kind": kind,
                    "date": date,
                    "days": rest[0] if rest else None,
                    "reason": rest[1] if len(rest) > 1 else None,
                    "created_at": tx.at,
                },
                request_id=request_id,
            )
        recompute(tx, request_id, load_calendar(tx))
    return request_id


def add_review(reg, request_id, received, decided=None):
    from foikit.clock.rules import review_due

    with reg.transaction(ACTOR) as tx:
        return tx.insert(
            "reviews",
            {
                "request_id": request_id,
                "received": received,
                "reviewer": "A Reviewer",
                "due": review_due(D(received), load_calendar(tx)).isoformat(),
                "decided": decided,
            },
            request_id=request_id,
        )


def dues(reg):
    return {r["reference"]: r["due"] for r in reg.query("SELECT reference, due FROM requests")}


def test_the_calendar_comes_from_the_holidays_table(register):
    cal = load_calendar(register)
    assert cal.years == (2005, dt.date.today().year + 2)  # FOIA's first year to two ahead
    assert not cal.is_working_day(D("2022-11-30"))
    assert cal.holiday_name(D("2026-06-15")).startswith("Scotland's participation")


def test_recompute_writes_the_due_date_with_an_audit_row(register):
    request_id = add_request(register, "FOI-2021-0001", "2021-06-05")
    row = register.one("SELECT due, notice_due, clock_stopped, version FROM requests")
    assert row == {"due": "2021-07-02", "notice_due": None, "clock_stopped": None, "version": 2}
    audit = register.one("SELECT actor, action, old, new FROM audit WHERE action = 'clock'")
    assert audit["actor"] == ACTOR and '"due": "2021-07-02"' in audit["new"]
    with register.transaction(ACTOR) as tx:
        assert recompute(tx, request_id, load_calendar(tx)) == {}  # nothing moved: no audit row
    assert register.scalar("SELECT count(*) FROM audit WHERE action = 'clock'") == 1


EVENT_CASES = [
    ([], "2021-07-05", None, None, "no events"),
    ([("clarify", "2021-06-09")], None, None, "clarification", "waiting for clarification"),
    (
        [("clarify", "2021-06-09"), ("clarified", "2021-06-21")],
        "2021-07-20",
        None,
        None,
        "clarified: a fresh 20 working days",
    ),
    (
        [("fee", "2021-06-10"), ("fee-paid", "2021-06-14")],
        "2021-07-08",
        None,
        None,
        "three fee days disregarded",
    ),
    (
        [("extend", None, None, "public-interest")],
        "2021-08-04",
        "2021-07-05",
        None,
        "public interest: both dates kept",
    ),
    (
        [("extend", None, None, "public-interest"), ("clarify", "2021-06-09")],
        None,
        None,
        "clarification",
        "an undated extension recorded first stays first",
    ),
]


@pytest.mark.parametrize(
    ("events", "due", "notice_due", "stopped", "why"), EVENT_CASES, ids=[c[4] for c in EVENT_CASES]
)
def test_clock_events_move_the_stored_due_date(register, events, due, notice_due, stopped, why):
    add_request(register, "FOI-2021-0001", "2021-06-07", events=events)
    row = register.one("SELECT due, notice_due, clock_stopped FROM requests")
    assert row == {"due": due, "notice_due": notice_due, "clock_stopped": stopped}, why


def test_an_undated_extension_keeps_its_place_and_a_refused_event_writes_nothing(register):
    # Recorded after the clarification was asked for, the extension sorts after it, and
    # extending a stopped clock is refused: the whole transaction rolls back.
    events = [("clarify", "2021-06-09"), ("extend", None, None, "public-interest")]
    with pytest.raises(ClockEventError, match="stopped for clarification"):
        add_request(register, "FOI-2021-0001", "2021-06-07", events=events)
    assert register.scalar("SELECT count(*) FROM requests") == 0


def test_deadline_for_an_unknown_request_is_refused(register):
    with pytest.raises(RequestNotFound):
        deadline_for(register, 999, load_calendar(register))


def test_a_subject_access_request_uses_the_authoritys_own_nation(register):
    request_id = add_request(register, "SAR-2022-0001", "2022-10-30", regime="sar")
    assert dues(register)["SAR-2022-0001"] == "2022-11-30"  # St Andrew's Day: English SAR
    with register.transaction(ACTOR) as tx:
        tx.update("settings", "clock.sar_nation", {"value": "SCT"}, pk="key")
        assert recompute(tx, request_id, load_calendar(tx)) == {"due": "2022-12-01"}


@pytest.fixture
def spanning(register):
    """Open and closed requests and reviews around St Andrew's Day, 30 November 2022."""
    add_request(register, "FOI-2022-0001", "2022-11-20")  # due 19 Dec: spans 30 Nov
    add_request(register, "FOI-2022-0002", "2022-12-20")  # starts after it
    add_request(register, "FOI-2022-0003", "2022-10-31")  # due 28 Nov: ends before it
    add_request(register, "FOI-2022-0004", "2022-11-21", status="closed")  # spans, but closed
    add_request(register, "SAR-2022-0005", "2022-10-30", regime="sar")  # ENG: no Scottish days
    add_request(register, "FOI-2022-0006", "2022-11-01", events=[("clarify", "2022-11-02")])
    reviewed = add_request(register, "FOI-2022-0007", "2022-09-01", status="closed")
    add_review(register, reviewed, "2022-11-15")  # open review: spans
    decided = add_request(register, "FOI-2022-0008", "2022-09-02", status="closed")
    add_review(register, decided, "2022-11-15", decided="2022-12-01")  # decided: left alone
    return register


def test_removing_and_re_adding_a_holiday_moves_exactly_the_open_deadlines_that_span_it(spanning):
    reg = spanning
    before = dues(reg)
    reviews_before = reg.query("SELECT id, due FROM reviews ORDER BY id")

    moved = remove_holiday(reg, D("2022-11-30"), ACTOR)
    assert moved == ["FOI-2022-0001", "FOI-2022-0007"]
    after = dues(reg)
    assert after["FOI-2022-0001"] == "2022-12-16"  # a day earlier
    assert {k: v for k, v in after.items() if k != "FOI-2022-0001"} == {
        k: v for k, v in before.items() if k != "FOI-2022-0001"
    }
    reviews_after = reg.query("SELECT id, due FROM reviews ORDER BY id")
    assert reviews_after[0]["due"] < reviews_before[0]["due"]
    assert reviews_after[1] == reviews_before[1]

    moved = add_holiday(reg, D("2022-11-30"), "Saint Andrew's Day", ACTOR, nations="SCT")
    assert moved == ["FOI-2022-0001", "FOI-2022-0007"]
    assert dues(reg) == before
    assert reg.query("SELECT id, due FROM reviews ORDER BY id") == reviews_before


def test_a_holiday_change_and_its_moves_are_one_audited_transaction(spanning):
    reg = spanning
    last = reg.scalar("SELECT max(id) FROM audit")
    remove_holiday(reg, D("2022-11-30"), "J Smith")
    rows = reg.query(
        "SELECT at, actor, action, table_name, row_id FROM audit WHERE id > ?", (last,)
    )
    assert [(r["action"], r["table_name"], r["row_id"]) for r in rows][0] == (
        "delete",
        "holidays",
        "2022-11-30",
    )
    assert sorted(r["table_name"] for r in rows[1:]) == ["requests", "reviews"]
    assert {r["actor"] for r in rows} == {"J Smith"} and len({r["at"] for r in rows}) == 1


BAD_ADDS = [
    ("2022-11-30", "Again", "ENG", "already a holiday", "the day is already there"),
    ("2022-11-26", "Saturday", "ENG", "Saturday", "a weekend is never a working day anyway"),
    ("2022-11-29", "  ", "ENG", "needs a name", "a name is needed"),
    ("2022-11-29", "A day", "UK", "nations", "an unknown nation"),
]


@pytest.mark.parametrize(
    ("day", "name", "nations", "match", "why"), BAD_ADDS, ids=[c[4] for c in BAD_ADDS]
)
def test_bad_holiday_additions_are_refused_before_anything_is_written(
    spanning, day, name, nations, match, why
):
    before = spanning.scalar("SELECT count(*) FROM audit")
    with pytest.raises(HolidayError, match=match):
        add_holiday(spanning, D(day), name, ACTOR, nations=nations)
    assert spanning.scalar("SELECT count(*) FROM audit") == before, why


BAD_REMOVALS = [
    ("2022-11-29", "not in the holidays table", "not a holiday"),
    ("2022-12-25", "Christmas Day or Good Friday", "s.10(6) names Christmas Day"),
    ("2022-04-15", "Christmas Day or Good Friday", "and Good Friday"),
]


@pytest.mark.parametrize(("day", "match", "why"), BAD_REMOVALS, ids=[c[2] for c in BAD_REMOVALS])
def test_bad_holiday_removals_are_refused(register, day, match, why):
    with pytest.raises(HolidayError, match=match):
        remove_holiday(register, D(day), ACTOR)


def test_recompute_open_with_nothing_changed_moves_nothing(spanning):
    with spanning.transaction(ACTOR) as tx:
        assert recompute_open(tx, load_calendar(tx)) == []


def test_loading_the_package_holidays_is_repeatable_and_keeps_manual_days(register):
    add_holiday(register, D("2030-06-12"), "A proclaimed day", ACTOR, nations="ENG")
    with register.transaction(ACTOR) as tx:
        assert load_uk_holidays(tx) == 0
    row = register.one("SELECT source FROM holidays WHERE date = '2030-06-12'")
    assert row == {"source": "manual"}


def test_a_day_added_by_hand_beyond_the_loaded_years_does_not_extend_them(register):
    add_holiday(register, D("2040-06-12"), "A far-off proclaimed day", ACTOR)
    cal = load_calendar(register)
    assert cal.years == (2005, dt.date.today().year + 2)
    assert not cal.covers(D("2038-01-04"))  # the years between are not stored in the register
    # ... but are read from the holidays package on demand, with the day added by hand kept.
    wider = cal.covering(2038, 2040)
    assert wider.covers(D("2038-01-04")) and not wider.is_working_day(D("2040-06-12"))
    assert not wider.is_working_day(D("2039-11-30"))  # St Andrew's Day, from the package


def test_loading_the_package_holidays_into_an_empty_register(empty_register):
    assert empty_register.scalar("SELECT count(*) FROM holidays") == 0
    with empty_register.transaction(ACTOR) as tx:
        added = load_uk_holidays(tx, range(2022, 2023))
    assert added == empty_register.scalar("SELECT count(*) FROM holidays") > 10
    cal = load_calendar(empty_register)
    assert cal == Calendar.from_package(range(2022, 2023))
