"""Letters are dated by their event, not by the day they are drawn; `--today` overrides; a
published copy carries the date of the letter sent."""

from __future__ import annotations

import datetime as dt

import pytest
from lifecycle_support import add, answered_and_closed

from foikit.letters import letter_text


def uk(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def dated(invoke, tmp_path, ref, kind, *extra):
    target = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.docx"
    result = invoke("letter", ref, kind, "--out", target, *extra)
    assert result.exit_code == 0, result.output
    [line] = [ln for ln in letter_text(target).splitlines() if ln.startswith("Date: ")]
    return line.removeprefix("Date: ")


@pytest.mark.parametrize(
    "steps, expected, why",
    [
        ([("response", ())], "20 June 2024", "a response bears its responded date, not today"),
        ([("response", ("--today", "2024-06-21"))], "21 June 2024", "--today still overrides"),
        ([("response", ("--published",))], "20 June 2024", "published, none sent: the event"),
        (
            [("response", ("--today", "2024-06-21")), ("response", ("--published",))],
            "21 June 2024",
            "the published copy carries the date of the letter sent",
        ),
        (
            [("response", ("--today", "2024-06-21")), ("response", ("--draft",))],
            "20 June 2024",
            "a redraft is dated by the event again",
        ),
    ],
    ids=["responded", "override", "published-unsent", "published-sent", "redraft"],
)
def test_response_dates(register, invoke, tmp_path, steps, expected, why):
    ref = answered_and_closed(register, responded=dt.date(2024, 6, 20))
    for kind, extra in steps:
        day = dated(invoke, tmp_path, ref, kind, *extra)
    assert day == expected, why


def test_an_acknowledgement_is_dated_the_day_it_was_sent(register, invoke, tmp_path):
    ref = add(register)
    assert dated(invoke, tmp_path, ref, "acknowledgement") == uk(dt.date.today()), "not yet sent"
    ref2 = add(register)
    assert dated(invoke, tmp_path, ref2, "acknowledgement", "--today", "2024-06-04")
    again = dated(invoke, tmp_path, ref2, "acknowledgement")
    assert again == "4 June 2024", "drawn again, it keeps the day it was sent"
    assert dated(invoke, tmp_path, ref2, "acknowledgement", "--published") == "4 June 2024"
