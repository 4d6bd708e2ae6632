"""Statistics agree with the hand-counted casebook (tests/reports_casebook.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from reports_casebook import TODAY, make_casebook_db

from foikit.errors import FoikitError
from foikit.records.stats import period_range, rating, register_stats
from foikit.register import Register


@pytest.fixture(scope="module")
def casebook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("casebook") / "register.db"
    make_casebook_db(path)
    return path


@pytest.fixture
def casebook(casebook_path):
    """The casebook register; tests only read it."""
    with Register(casebook_path) as reg:
        yield reg


# Counted by hand from the casebook, for the whole span (1 May 2024).
WHOLE_SPAN = [
    ("received", 10, "ten requests, A to J"),
    ("resolved", 8, "all but H and I are closed (J after its fresh response)"),
    (
        "resolvable",
        6,
        "D was withdrawn and one was not held: Cabinet Office definitions, "
        "neither is a resolvable request",
    ),
    ("open", 2, "H and I"),
    ("in_time", 5, "A and E early, C inside its extension, G on the due date, J after reopening"),
    ("late", 2, "B and F were answered after the due date"),
    ("open_overdue", 1, "H is still open after its due date"),
    ("in_time_pct", 62.5, "5 in time out of 8 whose timeliness is known (D not counted)"),
    ("rating", "unsatisfactory", "under the ICO's 90%"),
    ("extended", 1, "only C had a public interest extension"),
]


@pytest.mark.parametrize("key, expected, why", WHOLE_SPAN, ids=[c[0] for c in WHOLE_SPAN])
def test_whole_span_matches_the_hand_count(casebook, key, expected, why):
    assert register_stats(casebook, today=TODAY)[key] == expected, why


def test_outcomes_exemptions_refusals_reviews_and_ico(casebook):
    s = register_stats(casebook, today=TODAY)
    assert s["outcomes"] == {
        "granted-in-full": 2,
        "partially-withheld": 1,
        "withheld-in-full": 3,
        "not-held": 1,
        "withdrawn": 1,
        "lapsed": 0,
        "transferred": 0,
        "advice-and-assistance": 0,
    }
    # J's s.21 went when the overturned review had it answered again.
    assert s["exemptions"] == {"12": 1, "14(1)": 1, "31(1)(a)": 1, "40(2)": 1}
    assert s["refusals"] == {"s12": 1, "s14": 1, "other_exemptions": 2}
    assert s["reviews"] == {
        "received": 3,
        "decided": 3,
        "open": 0,
        "in_time": 2,  # J's review was decided after its due date
        "outcomes": {"upheld": 1, "partly-upheld": 1, "overturned": 1},
    }
    assert s["ico"]["received"] == 1
    assert s["ico"]["decided"] == 0


# (period, received, in_time, late, open_overdue, in_time_pct, reviews received, why)
BY_MONTH = [
    ("2024-01", 3, 2, 1, 0, 66.7, 0, "A and J in time, B late"),
    ("2024-02", 2, 1, 0, 0, 100.0, 1, "C in time by its extension; D withdrawn; J's review"),
    ("2024-03", 4, 2, 1, 1, 50.0, 0, "E and G in time, F late, H overdue"),
    (
        "2024-04",
        1,
        0,
        0,
        0,
        None,
        2,
        "I is not yet due; E's and F's reviews were asked for in April",
    ),
]


@pytest.mark.parametrize(
    "period, received, in_time, late, overdue, pct, reviews, why",
    BY_MONTH,
    ids=[c[0] for c in BY_MONTH],
)
def test_by_month(casebook, period, received, in_time, late, overdue, pct, reviews, why):
    periods = {p["period"]: p for p in register_stats(casebook, today=TODAY, by="month")["periods"]}
    p = periods[period]
    got = (p["received"], p["in_time"], p["late"], p["open_overdue"], p["in_time_pct"])
    assert got == (received, in_time, late, overdue, pct), why
    assert p["reviews"]["received"] == reviews, why


def test_by_quarter_and_a_span(casebook):
    s = register_stats(casebook, today=TODAY, by="quarter")
    assert [(p["period"], p["received"], p["in_time_pct"]) for p in s["periods"]] == [
        ("2024-Q1", 9, 62.5),
        ("2024-Q2", 1, None),
    ]
    span = register_stats(
        casebook, today=TODAY, start=dt.date(2024, 2, 1), end=dt.date(2024, 3, 31)
    )
    # C, D, E, F, G, H: C, E, G in time; F late; H overdue; D withdrawn.
    assert (span["received"], span["in_time"], span["in_time_pct"]) == (6, 3, 60.0)
    assert span["reviews"]["received"] == 1, "J's review was asked for in February"


def test_a_month_with_nothing_shows_as_zero(casebook):
    s = register_stats(
        casebook, today=TODAY, by="month", start=dt.date(2023, 11, 1), end=dt.date(2024, 1, 31)
    )
    assert [(p["period"], p["received"]) for p in s["periods"]] == [
        ("2023-11", 0),
        ("2023-12", 0),
        ("2024-01", 3),
    ]


RATINGS = [
    (None, None, "nothing to assess"),
    (0.0, "unsatisfactory", "none in time"),
    (89.9, "unsatisfactory", "just under 90%"),
    (90.0, "adequate", "90% is adequate"),
    (94.9, "adequate", "just under 95%"),
    (95.0, "good", "95% or more is good"),
    (100.0, "good", "all in time"),
]


@pytest.mark.parametrize("pct, expected, why", RATINGS, ids=[c[2] for c in RATINGS])
def test_ico_rating(pct, expected, why):
    assert rating(pct) == expected, why


PERIOD_RANGES = [
    ("2023-11", "2024-02", "month", ["2023-11", "2023-12", "2024-01", "2024-02"], "year end"),
    ("2023-Q4", "2024-Q2", "quarter", ["2023-Q4", "2024-Q1", "2024-Q2"], "quarters over a year"),
    ("2022", "2024", "year", ["2022", "2023", "2024"], "years"),
]


@pytest.mark.parametrize(
    "first, last, by, expected, why", PERIOD_RANGES, ids=[c[4] for c in PERIOD_RANGES]
)
def test_period_range(first, last, by, expected, why):
    assert period_range(first, last, by) == expected, why


BAD_QUERIES = [
    (dict(by="week"), "week", "only month, quarter, year"),
    (dict(start=dt.date(2024, 3, 1), end=dt.date(2024, 2, 1)), "after it ends", "backwards span"),
    (dict(regimes=("foo",)), "unknown regime", "an unknown regime is refused"),
]


@pytest.mark.parametrize("kwargs, message, why", BAD_QUERIES, ids=[c[2] for c in BAD_QUERIES])
def test_bad_queries_are_refused(empty_register, kwargs, message, why):
    with pytest.raises(FoikitError, match=message):
        register_stats(empty_register, today=TODAY, **kwargs)


def test_an_empty_register_has_no_percentage(empty_register):
    s = register_stats(empty_register, today=TODAY, by="month")
    assert (s["received"], s["in_time_pct"], s["rating"], s["periods"]) == (0, None, None, [])


def test_regime_filter(casebook):
    assert register_stats(casebook, today=TODAY, regimes=("eir",))["received"] == 0
    assert register_stats(casebook, today=TODAY, regimes=("foi",))["received"] == 10


def test_cli_json(casebook_path, invoke):
    result = invoke(
        "--db", casebook_path, "stats", "--by", "month", "--json", "--today", TODAY.isoformat()
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("received", "resolved", "in_time", "in_time_pct", "outcomes", "exemptions"):
        assert key in data
    assert data["reviews"]["received"] == 3
    assert [p["period"] for p in data["periods"]] == ["2024-01", "2024-02", "2024-03", "2024-04"]


def test_cli_csv_has_a_row_per_period_and_a_total(casebook_path, invoke):
    result = invoke(
        "--db", casebook_path, "stats", "--by", "quarter", "--csv", "--today", TODAY.isoformat()
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["period"] for r in rows] == ["2024-Q1", "2024-Q2", "all"]
    assert rows[-1]["received"] == "10"
    assert rows[-1]["outcome:withheld-in-full"] == "3"
    assert rows[-1]["exemption:40(2)"] == "1"


def test_cli_text(casebook_path, invoke):
    result = invoke(
        "--db",
        casebook_path,
        "stats",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        "--today",
        "2024-05-01",
    )
    assert result.exit_code == 0, result.output
    assert "Received: 3" in result.output
    assert "In time: 2 of 3 (66.7%, unsatisfactory)" in result.output


def test_cli_error_is_one_line(casebook_path, invoke):
    result = invoke("--db", casebook_path, "stats", "--from", "2024-03-01", "--to", "2024-01-01")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the span starts (2024-03-01) after it ends (2024-01-01)"
    ]


@pytest.mark.parametrize("by", ["month", "quarter", "year"])
def test_the_periods_add_up_to_the_whole_span(casebook, by):
    whole = register_stats(casebook, today=TODAY)
    grouped = register_stats(casebook, today=TODAY, by=by)
    for result in (whole, grouped):
        result.pop("periods")
        result.pop("by")
    assert grouped == whole
