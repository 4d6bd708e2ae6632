"""The board report: its charts show the hand-counted casebook, and its files are written."""

from __future__ import annotations

import datetime as dt

import pytest
from reports_casebook import TODAY, make_casebook_db

from foikit.records.report import (
    build_report,
    chart_outcomes,
    chart_reviews,
    chart_timeliness,
    chart_workload,
    open_workload,
    report_grouping,
)
from foikit.records.stats import register_stats
from foikit.register import Register


@pytest.fixture(scope="module")
def casebook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("casebook") / "register.db"
    make_casebook_db(path)
    return path


@pytest.fixture
def casebook(casebook_path):
    with Register(casebook_path) as reg:
        yield reg


def hbars(fig) -> dict[str, int]:
    """{label: length} of each bar of a horizontal bar chart, matched by position."""
    (ax,) = fig.axes
    names = {
        round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }
    return {names[round(p.get_y() + p.get_height() / 2)]: int(p.get_width()) for p in ax.patches}


def test_timeliness_bars_are_the_hand_counted_percentages(casebook):
    fig = chart_timeliness(register_stats(casebook, today=TODAY, by="month"))
    (ax,) = fig.axes
    heights = [round(p.get_height(), 1) for p in ax.patches]
    assert heights == [66.7, 100.0, 50.0, 0.0], "Jan 2 of 3, Feb 1 of 1, Mar 2 of 4, Apr n/a"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"]
    lines = sorted(line.get_ydata()[0] for line in ax.lines)
    assert lines == [90.0, 95.0], "the ICO's 90% line and the 95% good line"
    notes = [t.get_text() for t in ax.texts]
    assert "67%\n2 of 3" in notes and "n/a" in notes
    # Red under 90%, green at 95% or more.
    colours = [p.get_facecolor()[:3] for p in ax.patches]
    assert colours[0] == colours[2] != colours[1]


def test_outcome_mix(casebook):
    fig = chart_outcomes(register_stats(casebook, today=TODAY))
    (ax,) = fig.axes
    assert hbars(fig) == {
        "Granted in full": 2,
        "Partially withheld": 1,
        "Withheld in full": 3,
        "Information not held": 1,
        "Withdrawn": 1,
        "Lapsed (clarification or fee not received)": 0,
        "Transferred to another authority": 0,
        "Advice and assistance given": 0,
        "Not yet answered": 2,
    }
    assert "s.12 (cost) 1, s.14 (vexatious or repeated) 1" in ax.get_xlabel()


def test_reviews_and_their_outcomes(casebook):
    fig = chart_reviews(register_stats(casebook, today=TODAY))
    (ax,) = fig.axes
    assert hbars(fig) == {
        "Original decision upheld": 1,
        "Original decision partly upheld": 1,
        "Original decision overturned": 1,
        "Still under review": 0,
    }
    assert fig.get_suptitle() == "Internal reviews: 3 asked for, 3 decided (2 in time)"
    assert "Complaints to the ICO: 1" in ax.get_xlabel()


def test_open_workload_by_handler(casebook):
    workload = open_workload(casebook, TODAY)
    assert [(w["handler"], w["overdue"], w["due_soon"], w["in_hand"]) for w in workload] == [
        ("bea", 1, 0, 0),  # H: due 24 April 2024
        ("alex", 0, 0, 1),  # I: due 21 May 2024
    ]
    fig = chart_workload(workload, TODAY)
    assert fig.get_suptitle() == "Open requests by handler on 1 May 2024 (INTERNAL)"


def test_due_soon_counts_working_days(casebook):
    # On 15 May 2024 I (due Tuesday 21 May) has 4 working days left: due soon (5 or fewer).
    workload = {w["handler"]: w for w in open_workload(casebook, dt.date(2024, 5, 15))}
    assert (workload["alex"]["due_soon"], workload["alex"]["in_hand"]) == (1, 0)


def test_the_report_files(casebook, tmp_path):
    report = build_report(casebook, tmp_path / "board", today=TODAY)
    names = sorted(p.name for p in report.files)
    assert names == [
        "index.html",
        "outcomes.png",
        "reviews.png",
        "summary.md",
        "timeliness.png",
        "workload.png",
    ]
    for path in report.files:
        if path.suffix == ".png":
            data = path.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, path.name
    summary = (tmp_path / "board" / "summary.md").read_text()
    assert "| Answered in time | 5 of 8: 62.5% (unsatisfactory) |" in summary
    assert "| Mar 2024 | 4 | 2 of 4 | 50.0% | unsatisfactory | 1 | 0 |" in summary
    page = (tmp_path / "board" / "index.html").read_text()
    assert '<img src="timeliness.png"' in page and "INTERNAL" in page


GROUPINGS = [
    (None, None, "month", "January to May 2024: five months"),
    (dt.date(2022, 6, 1), None, "month", "24 months to May 2024"),
    (dt.date(2022, 5, 1), None, "quarter", "25 months: by quarter"),
    (dt.date(2021, 1, 1), dt.date(2022, 12, 31), "month", "exactly two years"),
    (dt.date(2019, 6, 1), None, "quarter", "five years: by quarter"),
    (dt.date(2019, 5, 1), None, "year", "61 months: by year"),
]


@pytest.mark.parametrize("start, end, by, why", GROUPINGS, ids=[c[3] for c in GROUPINGS])
def test_a_long_span_goes_by_quarter(casebook, start, end, by, why):
    assert report_grouping(casebook, start, end, TODAY) == by, why


def test_an_empty_register_still_gives_a_report(empty_register, tmp_path):
    report = build_report(empty_register, tmp_path / "r", today=TODAY)
    assert all(p.exists() for p in report.files)


def test_cli(casebook_path, invoke, tmp_path):
    result = invoke(
        "--db",
        casebook_path,
        "report",
        "--out",
        tmp_path / "q1",
        "--from",
        "2024-01-01",
        "--to",
        "2024-03-31",
        "--today",
        "2024-05-01",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == str(tmp_path / "q1" / "timeliness.png")
    (tmp_path / "file").write_text("x")
    result = invoke("--db", casebook_path, "report", "--out", tmp_path / "file")
    assert result.exit_code != 0
