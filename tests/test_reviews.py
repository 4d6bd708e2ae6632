"""Internal review: independence from the audit trail, its clock, outcomes, reopening."""

from __future__ import annotations

import datetime as dt

import pytest
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register, snapshot

from foikit.casework import lifecycle as R
from foikit.casework.reviews import close_review, extend_review, open_review
from foikit.errors import (
    InvalidDate,
    InvalidRequest,
    ReviewerNotIndependent,
    ReviewNotFound,
    UnknownOutcome,
)

D = dt.date


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


@pytest.fixture
def closed(reg):
    """Logged by `logger`, handled by j.officer, question 2 answered by `answerer`, a
    clarification by `clerk`, closed by `closer` on 28 June 2024."""
    ref = add(reg, actor="logger")
    R.clarify(reg, "clerk", ref, sent=D(2024, 6, 4), today=TODAY)
    R.clarified(reg, "clerk", ref, received=D(2024, 6, 5), today=TODAY)
    R.answer_question(reg, OFFICER, ref, 1, text="Seven.")
    R.answer_question(reg, "answerer", ref, 2, text="All.")
    R.close_request(reg, "closer", ref, responded=D(2024, 6, 28), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    return ref


@pytest.mark.parametrize(
    "reviewer, why",
    [
        (OFFICER, "the handler"),
        ("J.Officer", "the handler, whatever the case"),
        ("logger", "logged the request"),
        ("answerer", "answered a question"),
        ("clerk", "recorded a clock event"),
        ("closer", "sent the response"),
    ],
)
def test_a_reviewer_who_took_part_is_refused(reg, closed, reviewer, why):
    before = snapshot(reg)
    with pytest.raises(ReviewerNotIndependent, match="not involved"):
        open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer=reviewer, today=TODAY)
    assert snapshot(reg) == before, why


def test_a_former_handler_is_still_involved(reg):
    # Handled by a.first, handed to b.second by an administrator: a.first never wrote a thing
    # to the request, but the audit trail remembers the handler.
    ref = add(reg, handler="a.first", actor="logger")
    R.update_request(reg, "admin", ref, handler="b.second")
    R.answer_question(reg, "b.second", ref, 1, text="x")
    R.answer_question(reg, "b.second", ref, 2, text="y")
    R.close_request(reg, "b.second", ref, responded=D(2024, 6, 20), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    with pytest.raises(ReviewerNotIndependent, match="handled it"):
        open_review(reg, "clerk", ref, received=D(2024, 7, 1), reviewer="a.first", today=TODAY)


def test_an_administrator_adding_a_bank_holiday_has_not_taken_part(reg):
    from foikit.clock.duedates import add_holiday

    ref = add(reg)
    add_holiday(reg, D(2024, 6, 14), "A proclaimed day", "the.admin")  # moves the due date
    assert R.show_request(reg, ref, today=TODAY)["due"] == "2024-07-02"
    R.answer_question(reg, OFFICER, ref, 1, text="x")
    R.answer_question(reg, OFFICER, ref, 2, text="y")
    R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 20), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    review = open_review(
        reg, "clerk", ref, received=D(2024, 7, 1), reviewer="the.admin", today=TODAY
    )
    assert review["reviewer"] == "the.admin"


def test_an_independent_reviewer_gets_20_working_days(reg, closed):
    result = open_review(
        reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY
    )
    # 20 working days from Monday 1 July, skipping Friday 12 July (Northern Ireland).
    assert (result["due"], result["warnings"], result["late_request"]) == (
        "2024-07-30",
        [],
        False,
    )
    shown = R.show_request(reg, closed, today=TODAY)
    assert shown["review"] == {
        "received": "2024-07-01",
        "reviewer": "a.senior",
        "due": "2024-07-30",
        "decided": None,
        "outcome": None,
        "reasons": None,
        "extended": False,
        "late_request": False,
        "grounds": None,
    }


@pytest.mark.parametrize(
    "responded, asked, late, why",
    [
        # Skipping 18 March (St Patrick's, NI), Good Friday and Easter Monday.
        (D(2024, 3, 1), D(2024, 5, 1), False, "the 40th working day after: in time"),
        (D(2024, 3, 1), D(2024, 5, 2), True, "the 41st working day after: late, warned"),
        (D(2024, 6, 3), D(2024, 6, 3), False, "the same day"),
    ],
)
def test_a_late_request_for_review_is_warned_about_not_refused(reg, responded, asked, late, why):
    ref = answered_and_closed(reg, received=D(2024, 2, 20), responded=responded)
    result = open_review(reg, "clerk", ref, received=asked, reviewer="a.senior", today=TODAY)
    assert result["late_request"] is late, why
    assert bool(result["warnings"]) is late, why


def test_the_review_may_be_extended_to_40_working_days(reg, closed):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    result = extend_review(reg, "a.senior", closed, reason="Voluminous.")
    # 40 working days from 1 July 2024, skipping 12 July (NI) and 5 August (Scotland).
    assert (result["extended"], result["due"]) == (True, "2024-08-29")


REFUSED_OPENS = [
    ({"received": D(2024, 6, 27)}, InvalidDate, "before the response", "review before response"),
    ({"received": D(2024, 8, 1)}, InvalidDate, "future", "in the future"),
    ({"received": "2024-13-01"}, InvalidDate, "2024-13-01", "no month 13"),
    ({"reviewer": "  "}, InvalidRequest, "reviewer", "no reviewer"),
]  # fmt: skip


@pytest.mark.parametrize(
    "change, error, words, why", REFUSED_OPENS, ids=[c[3] for c in REFUSED_OPENS]
)
def test_bad_review_requests_are_refused(reg, closed, change, error, words, why):
    before = snapshot(reg)
    args = {"received": D(2024, 7, 1), "reviewer": "a.senior", "today": TODAY, **change}
    with pytest.raises(error) as info:
        open_review(reg, "clerk", closed, **args)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_no_review_before_a_response_nor_two_at_once(reg, closed):
    open_ref = add(reg)
    with pytest.raises(InvalidRequest, match="no response yet"):
        open_review(reg, "clerk", open_ref, received=TODAY, reviewer="a.senior", today=TODAY)
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    with pytest.raises(InvalidRequest, match="already has an internal review"):
        open_review(reg, "clerk", closed, received=D(2024, 7, 2), reviewer="b.senior", today=TODAY)


@pytest.mark.parametrize(
    "outcome, status, why",
    [
        ("upheld", "closed", "the response stands"),
        ("partly-upheld", "closed", "some of it stands"),
        ("overturned", "open", "a fresh response is due"),
    ],
)
def test_review_outcomes(reg, closed, outcome, status, why):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    promise = (
        {"release": "the totals", "release_by": D(2024, 7, 29)}
        if outcome == "partly-upheld"
        else {}
    )
    close_review(reg, "a.senior", closed, decided=D(2024, 7, 15), outcome=outcome,
                 reasons="Because.", today=TODAY, **promise)  # fmt: skip
    shown = R.show_request(reg, closed, today=TODAY)
    assert shown["status"] == status, why
    assert (shown["review"]["outcome"], shown["review"]["decided"], shown["review"]["reasons"]) == (
        outcome,
        "2024-07-15",
        "Because.",
    )


def test_overturned_reopens_the_request_with_a_fresh_clock(reg, closed):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    close_review(reg, "a.senior", closed, decided=D(2024, 7, 15), outcome="overturned",
                 today=TODAY)  # fmt: skip
    shown = R.show_request(reg, closed, today=TODAY)
    assert (shown["status"], shown["responded"], shown["outcome"]) == ("open", None, None)
    reopen = shown["events"][-1]
    assert (reopen["kind"], reopen["date"]) == ("reopen", "2024-07-15")
    assert "2024-06-28" in reopen["detail"]  # the overturned response is kept
    # 20 working days from Monday 15 July 2024, skipping 5 August (Scotland).
    assert shown["due"] == "2024-08-13"
    # The fresh response closes it again.
    R.answer_question(reg, OFFICER, closed, 1, text="Released in full now.")
    R.close_request(reg, OFFICER, closed, responded=D(2024, 7, 30), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    assert R.show_request(reg, closed, today=TODAY)["in_time"] is True


def test_the_fresh_response_cannot_predate_the_reopening(reg, closed):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    close_review(reg, "a.senior", closed, decided=D(2024, 7, 15), outcome="overturned",
                 today=TODAY)  # fmt: skip
    with pytest.raises(InvalidDate, match="reopened"):
        R.close_request(reg, OFFICER, closed, responded=D(2024, 7, 10),
                        outcome="granted-in-full", today=TODAY)  # fmt: skip


REFUSED_CLOSES = [
    ({"outcome": "dismissed"}, UnknownOutcome, "dismissed", "unknown review outcome"),
    ({"decided": D(2024, 6, 30)}, InvalidDate, "before the review was asked for",
     "decided before asked"),
    ({"decided": D(2024, 8, 1)}, InvalidDate, "future", "in the future"),
]  # fmt: skip


@pytest.mark.parametrize(
    "change, error, words, why", REFUSED_CLOSES, ids=[c[3] for c in REFUSED_CLOSES]
)
def test_bad_review_decisions_are_refused(reg, closed, change, error, words, why):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    before = snapshot(reg)
    args = {"decided": D(2024, 7, 15), "outcome": "upheld", "today": TODAY, **change}
    with pytest.raises(error) as info:
        close_review(reg, "a.senior", closed, **args)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_closing_a_review_that_does_not_exist(reg, closed):
    with pytest.raises(ReviewNotFound, match="no internal review"):
        close_review(reg, "a.senior", closed, decided=D(2024, 7, 15), outcome="upheld",
                     today=TODAY)  # fmt: skip


def test_the_first_reviewer_cannot_review_the_fresh_response(reg, closed):
    open_review(reg, "clerk", closed, received=D(2024, 7, 1), reviewer="a.senior", today=TODAY)
    close_review(reg, "a.senior", closed, decided=D(2024, 7, 15), outcome="overturned",
                 today=TODAY)  # fmt: skip
    R.close_request(reg, OFFICER, closed, responded=D(2024, 7, 22), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    with pytest.raises(ReviewerNotIndependent):
        open_review(reg, "clerk", closed, received=D(2024, 7, 23), reviewer="a.senior",
                    today=TODAY)  # fmt: skip
