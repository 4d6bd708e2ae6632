"""ICO complaints and decision notices, and the whole story in `request history`."""

from __future__ import annotations

import datetime as dt

import pytest
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register, snapshot

from foikit.casework import lifecycle as R
from foikit.casework.ico import IcoCaseNotFound, decide, open_complaint
from foikit.casework.reviews import close_review, open_review
from foikit.errors import InvalidDate, InvalidRequest

D = dt.date


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


@pytest.fixture
def reviewed(reg):
    """Responded 20 June 2024, review upheld on 10 July."""
    ref = answered_and_closed(reg, responded=D(2024, 6, 20))
    open_review(reg, "clerk", ref, received=D(2024, 6, 24), reviewer="a.senior", today=TODAY)
    close_review(reg, "a.senior", ref, decided=D(2024, 7, 10), outcome="upheld", today=TODAY)
    return ref


def test_a_complaint_and_its_decision_are_part_of_the_request(reg, reviewed):
    case = open_complaint(
        reg,
        "clerk",
        reviewed,
        case_reference="IC-300001-A1B2",
        complained=D(2024, 7, 20),
        notified=D(2024, 7, 25),
        today=TODAY,
    )
    assert case["warnings"] == []
    decide(reg, "clerk", reviewed, decided=D(2024, 7, 30), decision="not-upheld",
           notice="IC-300001-A1B2", today=TODAY)  # fmt: skip
    assert R.show_request(reg, reviewed, today=TODAY)["ico"] == [
        {
            "case_reference": "IC-300001-A1B2",
            "complained": "2024-07-20",
            "notified": "2024-07-25",
            "decision_notice": "IC-300001-A1B2",
            "decided": "2024-07-30",
            "decision": "not-upheld",
            "notes": None,
            "respond_by": None,
        }
    ]


@pytest.mark.parametrize(
    "complained, review, warning, why",
    [
        (D(2024, 7, 20), True, None, "after the review, within six weeks"),
        (D(2024, 8, 21), True, None, "six weeks after the review decision exactly"),
        (D(2024, 8, 22), True, "more than 6 weeks", "more than six weeks after the final response"),
        (D(2024, 6, 25), False, "no internal review", "the ICO expects a review first"),
    ],
)
def test_complaints_are_warned_about_never_refused(reg, complained, review, warning, why):
    ref = answered_and_closed(reg, responded=D(2024, 6, 20))
    if review:
        open_review(reg, "clerk", ref, received=D(2024, 6, 24), reviewer="a.senior", today=TODAY)
        close_review(reg, "a.senior", ref, decided=D(2024, 7, 10), outcome="upheld", today=TODAY)
    result = open_complaint(reg, "clerk", ref, case_reference="IC-1", complained=complained,
                            today=D(2024, 9, 30))  # fmt: skip
    if warning is None:
        assert result["warnings"] == [], why
    else:
        assert any(warning in w for w in result["warnings"]), why


REFUSED = [
    ({"case_reference": " "}, InvalidRequest, "case reference", "no case reference"),
    ({"complained": D(2024, 8, 1)}, InvalidDate, "future", "complaint in the future"),
    ({"complained": D(2024, 5, 1)}, InvalidDate, "before the request was received",
     "complaint before the request"),
    ({"notified": D(2024, 7, 19)}, InvalidDate, "before the complaint", "told before complaint"),
]  # fmt: skip


@pytest.mark.parametrize("change, error, words, why", REFUSED, ids=[c[3] for c in REFUSED])
def test_bad_complaints_are_refused(reg, reviewed, change, error, words, why):
    before = snapshot(reg)
    args = {"case_reference": "IC-1", "complained": D(2024, 7, 20), "today": TODAY, **change}
    with pytest.raises(error) as info:
        open_complaint(reg, "clerk", reviewed, **args)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_bad_decisions_are_refused(reg, reviewed):
    with pytest.raises(IcoCaseNotFound):
        decide(reg, "clerk", reviewed, decided=D(2024, 7, 30), decision="upheld", today=TODAY)
    open_complaint(reg, "clerk", reviewed, case_reference="IC-1", complained=D(2024, 7, 20),
                   today=TODAY)  # fmt: skip
    before = snapshot(reg)
    with pytest.raises(InvalidRequest, match="unknown ICO decision"):
        decide(reg, "clerk", reviewed, decided=D(2024, 7, 30), decision="won", today=TODAY)
    with pytest.raises(InvalidDate, match="before the complaint"):
        decide(reg, "clerk", reviewed, decided=D(2024, 7, 19), decision="upheld", today=TODAY)
    with pytest.raises(InvalidRequest, match="already has an ICO case"):
        open_complaint(reg, "clerk", reviewed, case_reference="IC-2", complained=D(2024, 7, 21),
                       today=TODAY)  # fmt: skip
    assert snapshot(reg) == before


def test_history_tells_the_whole_story(reg):
    """Logged, answered, closed, reviewed, overturned, answered afresh, complained, decided."""
    ref = add(reg, actor="logger")
    R.answer_question(reg, OFFICER, ref, 1, text="Seven.")
    R.answer_question(reg, OFFICER, ref, 2, exemptions=[("40(2)", "Names.", None)])
    R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 20), outcome="partially-withheld",
                    today=TODAY)  # fmt: skip
    open_review(reg, "clerk", ref, received=D(2024, 6, 24), reviewer="a.senior", today=TODAY)
    close_review(reg, "a.senior", ref, decided=D(2024, 7, 5), outcome="overturned", today=TODAY)
    R.answer_question(reg, OFFICER, ref, 2, text="Released.")
    R.close_request(reg, OFFICER, ref, responded=D(2024, 7, 12), outcome="granted-in-full",
                    today=TODAY)  # fmt: skip
    open_complaint(reg, "clerk", ref, case_reference="IC-9", complained=D(2024, 7, 15),
                   today=TODAY)  # fmt: skip
    decide(reg, "clerk", ref, decided=D(2024, 7, 30), decision="informal-resolution",
           notice="FS50123456", today=TODAY)  # fmt: skip
    story = [(h["actor"], h["summary"]) for h in R.history(reg, ref)]
    expected_in_order = [
        ("logger", "logged the request (foi, received 2024-06-03)"),
        (OFFICER, "answered question 2: exempt"),
        (OFFICER, "closed the request: partially-withheld, responded 2024-06-20"),
        ("clerk", "opened an internal review (received 2024-06-24, reviewer a.senior, "
                  "due 2024-07-23)"),
        ("a.senior", "decided the internal review: overturned on 2024-07-05"),
        ("a.senior", "reopened the request for a fresh response"),
        (OFFICER, "answered question 2: answered"),
        (OFFICER, "closed the request: granted-in-full, responded 2024-07-12"),
        ("clerk", "recorded an ICO complaint (case IC-9, complained 2024-07-15)"),
        ("clerk", "recorded the ICO decision: informal-resolution on 2024-07-30, "
                  "decision notice FS50123456"),
    ]  # fmt: skip
    positions = [story.index(item) for item in expected_in_order]
    assert positions == sorted(positions)
