"""The UK-wide working-day calendar: the union of the four nations' bank holidays."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from foikit.clock.workdays import (
    CACHE_FILE,
    CACHE_SPANS,
    Calendar,
    CalendarOutOfRange,
    easter_sunday,
    holidays_fingerprint,
    parse_nations,
    uk_holidays,
    uk_holidays_cached,
)
from foikit.errors import HolidayError

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.from_package(range(2020, 2028))


NOT_WORKING = [
    ("2022-11-30", "SCT", "St Andrew's Day: Scotland only, still not a working day anywhere"),
    ("2024-01-02", "SCT", "2 January (Scotland)"),
    ("2022-08-01", "SCT", "first Monday in August (Scotland)"),
    ("2022-03-17", "NIR", "St Patrick's Day (Northern Ireland)"),
    ("2022-07-12", "NIR", "Battle of the Boyne (Northern Ireland)"),
    ("2025-07-14", "NIR", "Battle of the Boyne, substitute day"),
    ("2022-06-03", "ENG", "Platinum Jubilee, by proclamation"),
    ("2022-09-19", "ENG", "State Funeral, by proclamation"),
    ("2023-05-08", "ENG", "Coronation, by proclamation"),
    ("2026-06-15", "SCT", "15 June 2026, proclaimed in Scotland"),
    ("2022-12-27", "ENG", "Christmas Day falling on a Sunday: substitute Tuesday"),
    ("2022-04-15", "ENG", "Good Friday"),
]


@pytest.mark.parametrize(("day", "nation", "why"), NOT_WORKING, ids=[c[2] for c in NOT_WORKING])
def test_a_bank_holiday_in_any_nation_is_not_a_working_day(cal, day, nation, why):
    assert not cal.is_working_day(D(day)), why
    assert not cal.only(nation).is_working_day(D(day)), why
    assert cal.holiday_name(D(day)) is not None


ONLY_ENGLAND_WORKS = [
    ("2022-11-30", "St Andrew's Day"),
    ("2022-03-17", "St Patrick's Day"),
    ("2026-06-15", "the Scottish one-off day"),
]


@pytest.mark.parametrize(("day", "why"), ONLY_ENGLAND_WORKS, ids=[c[1] for c in ONLY_ENGLAND_WORKS])
def test_one_nation_alone_keeps_its_own_days(cal, day, why):
    assert cal.only("ENG").is_working_day(D(day)), why


NAMES = [
    ("2022-11-26", "Saturday"),
    ("2022-11-27", "Sunday"),
    ("2022-11-28", None),
    ("2022-11-30", "Saint Andrew's Day (SCT)"),
    ("2022-12-25", "Christmas Day"),
]


@pytest.mark.parametrize(("day", "name"), NAMES)
def test_holiday_name(cal, day, name):
    assert cal.holiday_name(D(day)) == name


def test_from_rows_matches_the_package(cal):
    rows = [
        {"date": h.date.isoformat(), "name": h.name, "nations": ",".join(h.nations)}
        for h in uk_holidays(range(2020, 2028))
    ]
    from_rows = Calendar.from_rows(rows)
    assert from_rows.years == (2020, 2027)
    day = D("2020-01-01")
    while day.year < 2028:
        assert from_rows.is_working_day(day) == cal.is_working_day(day), day
        day += dt.timedelta(days=1)


def test_christmas_day_and_good_friday_are_never_working_days_even_if_missing():
    # s.10(6) names them: a calendar that lost their rows still keeps them.
    cal = Calendar.from_rows([{"date": "2024-01-01", "name": "New Year's Day", "nations": "ENG"}])
    assert not cal.is_working_day(D("2024-12-25"))
    assert not cal.is_working_day(D("2024-03-29"))  # Good Friday 2024
    assert cal.holiday_name(D("2024-03-29")) == "Good Friday"


EASTER = [(2009, "2009-04-12"), (2019, "2019-04-21"), (2024, "2024-03-31"), (2038, "2038-04-25")]


@pytest.mark.parametrize(("year", "expected"), EASTER)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == D(expected)


def test_outside_the_years_is_refused(cal):
    cal.check(D("2027-12-31"))
    with pytest.raises(CalendarOutOfRange, match="2020 to 2027"):
        cal.check(D("2028-01-01"))


NATION_LISTS = [
    ("ENG,WLS,SCT,NIR", ("ENG", "WLS", "SCT", "NIR"), "all four"),
    ("sct", ("SCT",), "any case"),
    ("NIR, ENG", ("ENG", "NIR"), "spaces, and put in the usual order"),
]


@pytest.mark.parametrize(("text", "parsed", "why"), NATION_LISTS, ids=[c[2] for c in NATION_LISTS])
def test_parse_nations(text, parsed, why):
    assert parse_nations(text) == parsed, why


@pytest.mark.parametrize("bad", ["", "UK", "ENG,XXX"])
def test_parse_nations_refuses_unknown(bad):
    with pytest.raises(HolidayError):
        parse_nations(bad)


# -- the cache file of the package's days (what `foikit deadline` reads without a register) ------

SPANS = [
    (range(2023, 2026), "the span `foikit deadline 2024-01-01` asks for"),
    (range(2010, 2036), "the years `foikit init` loads"),
    ([2026, 2022], "years not in a row, given out of order"),
]


@pytest.mark.parametrize(("years", "why"), SPANS, ids=[c[1] for c in SPANS])
def test_the_cache_gives_the_packages_days_written_and_read(tmp_path, years, why):
    expected = uk_holidays(sorted(years))
    assert uk_holidays_cached(years, tmp_path) == expected, f"{why}: as written"
    assert uk_holidays_cached(years, tmp_path) == expected, f"{why}: as read back"
    assert Calendar.from_package(years, tmp_path) == Calendar.from_package(years), why


def test_the_cache_is_keyed_on_the_installed_holidays_package():
    from importlib.metadata import version

    import holidays

    fingerprint = holidays_fingerprint()
    assert fingerprint is not None
    installed, where, _stamp, _code = fingerprint.split("|")
    assert installed == version("holidays")
    assert where == str(Path(holidays.__file__).parent)


def test_a_cache_file_for_this_package_is_read_not_recomputed(tmp_path):
    # What makes the cache fast is also what must be keyed right: a matching file is trusted.
    uk_holidays_cached(range(2023, 2026), tmp_path)
    path = tmp_path / CACHE_FILE
    data = json.loads(path.read_text())
    data["spans"]["2023-2025"][0][1] = "Edited in the cache"
    path.write_text(json.dumps(data))
    assert uk_holidays_cached(range(2023, 2026), tmp_path)[0].name == "Edited in the cache"
    data["holidays"] = data["holidays"].replace("|", "|x", 1)  # as after `pip install -U`
    path.write_text(json.dumps(data))
    assert uk_holidays_cached(range(2023, 2026), tmp_path)[0].name == "New Year's Day"


def test_an_unusable_cache_directory_still_gives_the_packages_days(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert uk_holidays_cached(range(2022, 2024), blocked) == uk_holidays(range(2022, 2024))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_cache_keeps_the_latest_spans_only(tmp_path):
    for first in range(1990, 1990 + CACHE_SPANS + 3):
        uk_holidays_cached([first], tmp_path)
    spans = json.loads((tmp_path / CACHE_FILE).read_text())["spans"]
    assert len(spans) == CACHE_SPANS
    assert (
        "1990-1990" not in spans and f"{1990 + CACHE_SPANS + 2}-{1990 + CACHE_SPANS + 2}" in spans
    )
