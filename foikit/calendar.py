"""The UK-wide working-day calendar (FOIA s.10(6)).

A bank holiday in ANY part of the United Kingdom is not a working day, so the calendar is the
union of England, Wales, Scotland and Northern Ireland, one-off proclaimed days included. The
`holidays` package supplies the days; the register stores them (so a newly proclaimed day can
be added without an upgrade) and the clock is passed a `Calendar` built from those rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

NATIONS = ("ENG", "WLS", "SCT", "NIR")
# The years `foikit init` loads: wide enough for old requests and several years ahead.
DEFAULT_YEARS = range(2010, 2036)


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    name: str
    nations: tuple[str, ...]


def uk_holidays(years: Iterable[int] = DEFAULT_YEARS) -> list[Holiday]:
    """Bank holidays of every UK nation from the `holidays` package, merged by date."""
    import holidays  # imported here: the clock commands should not pay for it at start-up

    years = list(years)
    by_date: dict[dt.date, dict[str, list[str]]] = {}
    for nation in NATIONS:
        for day, name in holidays.UK(subdiv=nation, years=years, categories=("public",)).items():
            entry = by_date.setdefault(day, {})
            for part in str(name).split("; "):
                entry.setdefault(part, []).append(nation)
    result = []
    for day in sorted(by_date):
        names = by_date[day]
        nations = tuple(n for n in NATIONS if any(n in ns for ns in names.values()))
        label = "; ".join(
            name if len(ns) == len(NATIONS) else f"{name} ({', '.join(ns)})"
            for name, ns in names.items()
        )
        result.append(Holiday(day, label, nations))
    return result
