"""The letter filters: dates the UK way, money in pounds, small numbers in words."""

from __future__ import annotations

import datetime as dt

import pytest

from foikit.formats import FormatError, money, ordinal, ordinal_date, uk_date, words


@pytest.mark.parametrize(
    "value, expected, why",
    [
        (dt.date(2021, 6, 10), "10 June 2021", "a date object"),
        ("2021-06-10", "10 June 2021", "an ISO string, as the register holds dates"),
        ("2021-06-05T09:30:00", "5 June 2021", "a timestamp: the day, no leading zero"),
        (dt.datetime(2024, 2, 29, 23, 59), "29 February 2024", "a datetime: its date"),
        (" 2021-12-01 ", "1 December 2021", "whitespace around an ISO string"),
    ],
)
def test_uk_date(value, expected, why):
    assert uk_date(value) == expected, why


@pytest.mark.parametrize(
    "value, expected, why",
    [
        ("2021-06-10", "10th June 2021", "the seed letter's own style"),
        ("2021-06-01", "1st June 2021", "1st"),
        ("2021-06-02", "2nd June 2021", "2nd"),
        ("2021-06-03", "3rd June 2021", "3rd"),
        ("2021-06-11", "11th June 2021", "11th, not 11st"),
        ("2021-06-12", "12th June 2021", "12th, not 12nd"),
        ("2021-06-13", "13th June 2021", "13th, not 13rd"),
        ("2021-06-21", "21st June 2021", "21st"),
        ("2021-06-22", "22nd June 2021", "22nd"),
        ("2021-06-23", "23rd June 2021", "23rd"),
        ("2021-05-31", "31st May 2021", "31st"),
        (dt.date(2021, 6, 5), "5th June 2021", "a date object"),
    ],
)
def test_ordinal_date(value, expected, why):
    assert ordinal_date(value) == expected, why


@pytest.mark.parametrize(
    "n, expected", [(111, "111th"), (112, "112th"), (101, "101st"), (0, "0th")]
)
def test_ordinal_hundreds(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize(
    "value, expected, why",
    [
        (15000, "£15,000", "whole pounds, thousands separated"),
        (15000.0, "£15,000", "a float that is whole: no pence"),
        (450, "£450", "the s.12 limit"),
        (12.5, "£12.50", "pence shown as two digits"),
        ("25.5", "£25.50", "a numeric string"),
        ("£1,234.56", "£1,234.56", "already formatted text"),
        (1234567.891, "£1,234,567.89", "rounded to the penny"),
        (0, "£0", "nothing"),
        (-5, "-£5", "a negative amount keeps its sign before the pound sign"),
    ],
)
def test_money(value, expected, why):
    assert money(value) == expected, why


@pytest.mark.parametrize(
    "value, expected",
    [(6, "six"), ("6", "six"), (0, "zero"), (20, "twenty"), (40, "40"), (1500, "1,500")],
)
def test_words(value, expected):
    assert words(value) == expected


@pytest.mark.parametrize(
    "func, value, why",
    [
        (uk_date, None, "no date: an error, never a blank in a letter"),
        (uk_date, "10/06/2021", "not ISO"),
        (uk_date, "2021-02-30", "no such day"),
        (ordinal_date, 20210610, "a number is not a date"),
        (money, None, "no amount"),
        (money, "fifteen", "not a number"),
        (money, True, "a flag is not money"),
        (money, "nan", "not a finite amount"),
        (words, "six", "not a number"),
    ],
)
def test_bad_values_raise(func, value, why):
    with pytest.raises(FormatError):
        func(value)
