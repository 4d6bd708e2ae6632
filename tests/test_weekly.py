"""The weekly list (issue 21): a fixed day, every bucket populated, each line checked against
what the law or the record says it should show."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register

from foikit.casework import lifecycle, reviews
from foikit.casework.commitments import meet_commitment
from foikit.casework.ico import open_complaint
from foikit.casework.weekly import BUCKETS, next_week, weekly

REVIEWER = "a.reviewer"


@pytest.fixture
def week(db_path):
    """On Wednesday 31 July 2024: one request in every bucket, and some in none."""
    reg = fresh_register(db_path)
    refs = {
        # received 3 June: 20 working days end on 1 July, a month before TODAY
        "overdue": add(reg, received=dt.date(2024, 6, 3), subject="Overdue"),
        # received 8 July: 12 July (Northern Ireland) and 5 August (Scotland) are bank holidays
        # on the UK-wide calendar, so the 20th working day is Wednesday 7 August
        "next_week": add(reg, received=dt.date(2024, 7, 8), subject="Due next week"),
        # received 29 July: due in late August, not next week
        "later": add(reg, received=dt.date(2024, 7, 29), subject="Due later"),
        "clarify": add(reg, received=dt.date(2024, 7, 1), subject="Waiting for clarification"),
        "fee": add(reg, received=dt.date(2024, 7, 1), subject="Waiting for a fee"),
        "closed": answered_and_closed(reg, subject="Closed and done"),
        "review": answered_and_closed(reg, subject="Under review"),
        "ico": answered_and_closed(reg, subject="With the ICO"),
        "partly": answered_and_closed(reg, subject="Partly upheld"),
    }
    lifecycle.clarify(reg, OFFICER, refs["clarify"], sent="2024-07-03", today=TODAY)
    lifecycle.fee(reg, OFFICER, refs["fee"], sent="2024-07-10", amount=40, today=TODAY)
    reviews.open_review(
        reg,
        OFFICER,
        refs["review"],
        received="2024-07-22",
        reviewer=REVIEWER,
        grounds="The s.31 harm was not explained.",
        today=TODAY,
    )
    open_complaint(
        reg,
        OFFICER,
        refs["ico"],
        case_reference="IC-123456-A1B2",
        complained="2024-07-01",
        notified="2024-07-15",
        respond_by="2024-08-12",
        today=TODAY,
    )
    reviews.open_review(
        reg, OFFICER, refs["partly"], received="2024-06-24", reviewer=REVIEWER, today=TODAY
    )
    reviews.close_review(
        reg,
        REVIEWER,
        refs["partly"],
        decided="2024-07-19",
        outcome="partly-upheld",
        reasons="The totals can be released.",
        release="the 2023 totals",
        release_by="2024-08-02",
        today=TODAY,
    )
    yield reg, refs
    reg.close()


def by_reference(lists):
    return {name: {i.reference: i for i in items} for name, items in lists.items()}


EXPECTED = [
    # bucket, request, due, working days left, words in the detail, why
    (
        "overdue",
        "overdue",
        "2024-07-01",
        -21,
        "overdue",
        "due 1 July: 21 working days before 31 July (12 July, NI, skipped)",
    ),
    (
        "due_next_week",
        "next_week",
        "2024-08-07",
        4,
        "response due",
        "Thu 1, Fri 2, Tue 6, Wed 7 August: Monday 5 August is a Scottish bank holiday",
    ),
    (
        "reviews",
        "review",
        "2024-08-20",
        13,
        "internal review due",
        "20 working days from 22 July (s.45 Code, part 5), 5 August skipped",
    ),
    ("ico", "ico", "2024-08-12", 7, "IC-123456-A1B2", "the date the ICO asked for"),
    (
        "waiting",
        "fee",
        "2024-10-09",
        None,
        "fees notice of 2024-07-10",
        "s.9(2): three months beginning with 10 July end on 9 October",
    ),
    ("waiting", "clarify", None, None, "no statutory lapse", "s.1(3): the clock waits, no lapse"),
    ("commitments", "partly", "2024-08-02", 2, "the 2023 totals", "what the review committed to"),
]


@pytest.mark.parametrize(
    "bucket, key, due, left, words, why", EXPECTED, ids=[e[-1] for e in EXPECTED]
)
def test_every_bucket_of_the_weekly_list(week, bucket, key, due, left, words, why):
    reg, refs = week
    lists = by_reference(weekly(reg, TODAY))
    item = lists[bucket][refs[key]]
    assert item.due == due, why
    if left is not None:
        assert item.working_days_left == left, why
    assert words in item.detail, why


def test_what_is_on_no_list(week):
    reg, refs = week
    lists = by_reference(weekly(reg, TODAY))
    listed = {ref for items in lists.values() for ref in items}
    assert refs["later"] not in listed, "due after next week"
    assert refs["closed"] not in listed, "closed, no review, no ICO case"
    assert refs["next_week"] not in lists["overdue"]
    assert all(lists[b] for b in BUCKETS), "every bucket populated"


def test_a_commitment_leaves_the_list_once_met(week):
    reg, refs = week
    meet_commitment(reg, OFFICER, refs["partly"], on="2024-07-30", today=TODAY)
    assert refs["partly"] not in by_reference(weekly(reg, TODAY))["commitments"]
    history = reg.query("SELECT action FROM audit WHERE action = 'commitment-met'")
    assert len(history) == 1, "meeting it is audited"


@pytest.mark.parametrize(
    "today, monday, friday, why",
    [
        ("2024-07-31", "2024-08-05", "2024-08-09", "a Wednesday: the week after"),
        ("2024-08-02", "2024-08-05", "2024-08-09", "a Friday, when the list is asked for"),
        ("2024-08-03", "2024-08-05", "2024-08-09", "a Saturday: the coming week"),
        ("2024-08-05", "2024-08-12", "2024-08-16", "a Monday: the week after, not this one"),
    ],
)
def test_next_week_is_monday_to_friday_after_today(today, monday, friday, why):
    got = next_week(dt.date.fromisoformat(today))
    assert (got[0].isoformat(), got[1].isoformat()) == (monday, friday), why


@pytest.mark.parametrize(
    "outcome, release, release_by, error, why",
    [
        ("partly-upheld", None, None, "must say what is now to be released", "issue 21"),
        ("partly-upheld", "the totals", None, "give both", "half a commitment"),
        ("upheld", "the totals", "2024-08-02", "leaves nothing to release", "upheld: nothing owed"),
        ("partly-upheld", "the totals", "2024-07-01", "before the review decision", "in the past"),
    ],
)
def test_a_review_commitment_must_be_whole(db_path, outcome, release, release_by, error, why):
    from foikit.errors import FoikitError

    with fresh_register(db_path) as reg:
        ref = answered_and_closed(reg)
        reviews.open_review(
            reg, OFFICER, ref, received="2024-06-24", reviewer=REVIEWER, today=TODAY
        )
        with pytest.raises(FoikitError, match=error):
            reviews.close_review(
                reg,
                REVIEWER,
                ref,
                decided="2024-07-19",
                outcome=outcome,
                reasons="Reasons.",
                release=release,
                release_by=release_by,
                today=TODAY,
            )
        assert reg.scalar("SELECT decided FROM reviews") is None, "nothing written"


def test_the_review_keeps_the_requesters_grounds(week):
    reg, refs = week
    shown = lifecycle.show_request(reg, refs["review"], today=TODAY)
    assert shown["review"]["grounds"] == "The s.31 harm was not explained."


def test_weekly_from_the_command_line(week, invoke):
    reg, refs = week
    data = json.loads(invoke("weekly", "--today", "2024-07-31", "--json").output)
    assert list(data)[2:] == list(BUCKETS), "--json keys name the buckets"
    assert data["next_week"] == {"from": "2024-08-05", "to": "2024-08-09"}
    assert [i["reference"] for i in data["overdue"]] == [refs["overdue"]]
    rows = list(
        csv.DictReader(io.StringIO(invoke("weekly", "--today", "2024-07-31", "--csv").output))
    )
    assert {r["bucket"] for r in rows} == set(BUCKETS)
    text = invoke("weekly", "--today", "2024-07-31").output
    assert f"{refs['next_week']} [{OFFICER}] due 2024-08-07 (4 working days left)" in text
    bad = invoke("weekly", "--today", "31/07/2024")
    assert bad.exit_code == 1 and bad.output.startswith("Error: ")
