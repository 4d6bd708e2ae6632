"""How letters write dates and money: `10 June 2021`, `10th June 2021`, `£15,000`.

Pure functions, used as Jinja filters in every letter. Dates may arrive as `datetime.date`
objects or ISO strings (the register and `request show --json` hold ISO strings), so both
are accepted. A missing value is an error rather than a blank in a letter.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class FormatError(ValueError):
    """A value a filter cannot format; the letter renderer reports it as a TemplateError."""


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: Any) -> dt.date:
    """The one reader of a date typed or stored as text: exactly YYYY-MM-DD (ValueError
    otherwise, 2021-02-30 included). Python's `fromisoformat` would also read 20210605 and
    2021-W23-6, which an officer who typed them did not mean as a date. The command line
    (`foikit.cli.common`), the casework library (`foikit.casework.common.as_date`) and the
    letters (`as_date` below) all read dates through it; spreadsheet dates in an import
    (`foikit.records.values.parse_uk_date`) and email headers (`foikit.casework.intake`) are
    other formats and have their own readers."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime or an ISO string (`2021-06-10` or `2021-06-10T09:00`)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return iso_date(text[:10])
        except ValueError:
            pass
    raise FormatError(f"{value!r} is not a date (expected YYYY-MM-DD)")


def uk_date(value: Any) -> str:
    """`10 June 2021`."""
    day = as_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `22nd`, `23rd`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal_date(value: Any) -> str:
    """`10th June 2021`, as the OPCC's own letters write it."""
    day = as_date(value)
    return f"{ordinal(day.day)} {MONTHS[day.month - 1]} {day.year}"


def money(value: Any) -> str:
    """`£15,000`; pence only when there are any (`£12.50`); `-£5` for a negative amount."""
    if isinstance(value, bool) or value is None:
        raise FormatError(f"{value!r} is not an amount of money")
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        raise FormatError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise FormatError(f"{value!r} is not an amount of money")
    sign = "-" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal("0.01"))
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def words(value: Any) -> str:
    """Small whole numbers in words, as letters write them (`six weeks`); others as digits."""
    if isinstance(value, bool):
        raise FormatError(f"{value!r} is not a number")
    try:
        number = int(str(value))
    except ValueError:
        raise FormatError(f"{value!r} is not a whole number") from None
    return _WORDS[number] if 0 <= number < len(_WORDS) else f"{number:,}"


FILTERS = {"uk_date": uk_date, "ordinal_date": ordinal_date, "money": money, "words": words}
