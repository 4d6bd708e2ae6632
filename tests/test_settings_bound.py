"""Each setting controls what it names: change it, and the behaviour changes with it."""

from __future__ import annotations

import datetime as dt

import pytest
from letters_support import OFFICER, lifecycle

from foikit.casework import lifecycle as requests
from foikit.casework import reviews
from foikit.letters import render_letter
from foikit.letters.docx import letter_text
from foikit.register.settings import set_setting
from foikit.staff.board import board


@pytest.mark.parametrize(
    "within, warned, why",
    [
        ("40", False, "s.45 Code default 40: 15 working days after the response is in time"),
        ("10", True, "the setting says 10 working days: 15 after the response is late"),
    ],
)
def test_review_request_within_days_is_the_rule(register, within, warned, why):
    set_setting(register, "review.request_within_days", within, "admin")
    ref = requests.add_request(
        register, OFFICER, received="2021-06-01", subject="S", questions=["Q"],
        requester_name="A", requester_email="a@example.org", today="2021-06-01",
    )  # fmt: skip
    requests.answer_question(register, OFFICER, ref, 1, text="A.")
    requests.close_request(
        register, OFFICER, ref, responded="2021-06-10", outcome="granted-in-full",
        today="2021-06-10",
    )  # fmt: skip
    # 15 working days after 10 June 2021 is 1 July 2021
    review = reviews.open_review(
        register, "rev", ref, received="2021-07-01", reviewer="rev", today="2021-07-01"
    )
    assert bool(review["warnings"]) is warned, why
    if warned:
        assert f"more than {within} working days" in review["warnings"][0], why


@pytest.mark.parametrize(
    "soon, tagged, why",
    [("5", False, "7 working days left is not due soon at 5"), ("10", True, "but is at 10")],
)
def test_due_soon_days_drives_the_staff_board(register, soon, tagged, why):
    set_setting(register, "clock.due_soon_days", soon, "admin")
    ref = requests.add_request(
        register, OFFICER, received="2021-06-07", subject="S", questions=["Q"],
        requester_name="A", requester_email="a@example.org", today="2021-06-07",
    )  # fmt: skip
    # due 5 July 2021; on 24 June there are 7 working days left
    (row,) = [r for r in board(register, dt.date(2021, 6, 24)) if r.reference == ref]
    assert row.days_left == 7
    assert any(t.key == "due-soon" for t in row.tags) is tagged, why


@pytest.mark.parametrize(
    "limit, rate, phrases, why",
    [
        ("450", "25", ["£450", "18 hours", "£25 an hour"], "the default (Fees Regulations 2004)"),
        ("600", "25", ["£600", "24 hours"], "central government's limit, set once"),
        ("450", "30", ["£450", "15 hours", "£30 an hour"], "another hourly rate"),
    ],
)
def test_the_cost_limit_comes_from_the_setting(register, tmp_path, limit, rate, phrases, why):
    set_setting(register, "office.cost_limit", limit, "admin")
    set_setting(register, "office.hourly_rate", rate, "admin")
    refs = lifecycle(register)
    path = render_letter(register, refs["refusal"], "refusal", out=tmp_path / "r.docx")
    text = letter_text(path)
    for phrase in phrases:
        assert phrase in text, why
    if limit != "450":
        assert "£450" not in text, why
