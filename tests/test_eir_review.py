"""Issue 21, a law edge: the EIR internal review ("reconsideration") has 40 working days from
receipt of the representations (EIR reg 11(4)), a limit in law; a FOIA review keeps the s.45
Code's 20 working days (40 in exceptional cases). The clock, `review open`, `review extend`, the
review acknowledgement letter and the weekly list agree.

Dates are worked by hand on the UK-wide calendar: from Tuesday 15 June 2021, day 20 skips
12 July (Battle of the Boyne, Northern Ireland) and day 40 skips 2 August (Summer bank holiday,
Scotland).
"""

from __future__ import annotations

import datetime as dt

import pytest

from foikit.casework.lifecycle import add_request, answer_question, close_request, show_request
from foikit.casework.reviews import open_review
from foikit.clock.duedates import load_calendar
from foikit.clock.rules import review_due, review_working_days

RECEIVED = dt.date(2021, 6, 15)

DUE = [
    ("foi", False, "2021-07-14", 20, "s.45 Code para 5.4: 20 working days from receipt"),
    ("foi", True, "2021-08-12", 40, "s.45 Code: 40 working days at most, in exceptional cases"),
    ("eir", False, "2021-08-12", 40, "EIR reg 11(4): no later than 40 working days"),
    ("eir", True, "2021-08-12", 40, "EIR reg 11(4): 40 is the limit; nothing extends it"),
    ("eir-extended", False, "2021-08-12", 40, "a complex request (reg 7) is still EIR: 40"),
    ("sar", False, "2021-07-14", 20, "subject access has no statutory review: the office's 20"),
    (None, False, "2021-07-14", 20, "no regime given: the Code's 20, as before"),
]  # fmt: skip


@pytest.mark.parametrize(
    "regime, extended, expected, days, why", DUE, ids=[f"{r}-{e}" for r, e, *_ in DUE]
)
def test_review_due_by_regime(register, regime, extended, expected, days, why):
    cal = load_calendar(register)
    assert review_due(RECEIVED, cal, extended, regime=regime).isoformat() == expected, why
    assert review_working_days(regime, extended) == days, why


def _responded(reg, regime: str) -> str:
    ref = add_request(
        reg,
        "test.officer",
        received="2021-05-10",
        regime=regime,
        subject="Air quality monitoring near the depot",
        requester_name="A Person",
        requester_email="a.person@example.org",
        questions=["What do the monitors record?"],
        today="2021-05-10",
    )
    answer_question(reg, "test.officer", ref, 1, text="Nitrogen dioxide.")
    close_request(
        reg, "test.officer", ref, responded="2021-06-01", outcome="granted-in-full",
        today="2021-06-01",
    )  # fmt: skip
    return ref


OPENED = [
    ("eir", "2021-08-12", "40", "EIR reg 11(4): the letter promises what the law allows"),
    ("foi", "2021-07-14", "20", "FOIA: the s.45 Code's 20 working days"),
]


@pytest.mark.parametrize("regime, due, days, why", OPENED, ids=[r for r, *_ in OPENED])
def test_review_open_letter_and_weekly_list_agree(
    register, invoke, tmp_path, regime, due, days, why
):
    from foikit.letters import letter_text

    ref = _responded(register, regime)
    result = invoke(
        "review", "open", ref, "--received", "2021-06-15", "--reviewer", "A Reviewer",
        "--today", "2021-06-15",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert show_request(register, ref)["review"]["due"] == due, why
    target = tmp_path / "ack.docx"
    result = invoke(
        "letter", ref, "review-acknowledgement", "--out", target, "--today", "2021-06-16"
    )
    assert result.exit_code == 0, result.output
    words = " ".join(letter_text(target).split())
    day = dt.date.fromisoformat(due)
    assert f"We aim to send you the outcome by {day.day} {day:%B %Y}, {days} working days" in (
        words
    ), why
    if regime == "eir":
        assert "no later than 40 working days" in words, "reg 11(4) cited"
        assert "exceptional circumstances" not in words, "no Code extension under the EIR"
    else:
        assert "it will not take more than 40 working days in total" in words
    weekly = invoke("weekly", "--today", "2021-08-06", "--json")
    assert weekly.exit_code == 0, weekly.output
    import json

    reviews = json.loads(weekly.output)["reviews"]
    assert [(r["reference"], r["due"]) for r in reviews] == [(ref, due)], why


def test_an_eir_reconsideration_cannot_be_extended(register, invoke):
    ref = _responded(register, "eir")
    assert invoke(
        "review", "open", ref, "--received", "2021-06-15", "--reviewer", "A Reviewer",
        "--today", "2021-06-15",
    ).exit_code == 0  # fmt: skip
    result = invoke("review", "extend", ref, "--by", "A Reviewer")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "regulation 11(4)" in lines[0]
    assert show_request(register, ref)["review"]["due"] == "2021-08-12", "unchanged"


def test_a_register_recomputed_keeps_the_eir_limit(register):
    """Adding a holiday recomputes every undecided review: the EIR one stays on 40 days."""
    from foikit.clock.duedates import add_holiday

    ref = _responded(register, "eir")
    open_review(register, "test.officer", ref, received="2021-06-15", reviewer="A Reviewer",
                today="2021-06-15")  # fmt: skip
    add_holiday(register, dt.date(2021, 7, 1), "A proclaimed day", "test.admin")
    assert show_request(register, ref)["review"]["due"] == "2021-08-13", (
        "one more non-working day within the 40: one day later"
    )


def test_upgrading_a_register_moves_an_open_eir_review_to_40_days(register, db_path):
    """A register from before issue 21 stored an open EIR review at 20 working days: `foikit
    init` (migration m100) recomputes it once, audited, so `foikit check` finds it right."""
    import sqlite3

    from foikit.register import Register
    from foikit.register.backup import check_register
    from foikit.register.init import init_register

    ref = _responded(register, "eir")
    open_review(register, "test.officer", ref, received="2021-06-15", reviewer="A Reviewer",
                today="2021-06-15")  # fmt: skip
    register.close()
    conn = sqlite3.connect(db_path)  # the register as the release before this one left it
    conn.execute("UPDATE reviews SET due = '2021-07-14'")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm100_figure_internal_note'")
    conn.execute("ALTER TABLE figures DROP COLUMN internal_note")
    conn.commit()
    conn.close()
    report = init_register(db_path, load_facts=True, actor="test.setup")
    assert report.migrations == ["m100_figure_internal_note"]
    with Register(db_path) as reg:
        assert show_request(reg, ref)["review"]["due"] == "2021-08-12", "EIR reg 11(4)"
        assert reg.scalar("SELECT COUNT(*) FROM figures WHERE internal_note IS NOT NULL") > 0
        assert check_register(reg).ok
