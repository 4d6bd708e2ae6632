"""`foikit deadline` and `foikit holidays`: the statutory clock on the command line.

`foikit deadline` must start fast (it is used in bulk from scripts), so this module imports only
the clock and the calendar: no sqlite-utils, no `holidays` package unless there is no register
to read the bank holidays from, and then only until its days are in the cache file.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from foikit.cli import cli
from foikit.cli.common import (
    DATE,
    State,
    by_option,
    emit_json,
    json_option,
    parse_date,
    pass_state,
    with_register,
)

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


DEFAULT_REGISTER = "register.db"  # as foikit.register.DEFAULT_PATH, without importing it


def _read_dates(values: tuple[str, ...]) -> list[dt.date]:
    dates: list[dt.date] = []
    for value in values:
        if value == "-":
            lines = (line.strip() for line in sys.stdin)
            dates.extend(parse_date(line, "date on stdin") for line in lines if line)
        else:
            dates.append(parse_date(value))
    return dates


@cli.command()
@click.argument("dates", nargs=-1, required=True, metavar="DATE...")
@click.option(
    "--regime",
    "-r",
    default="foi",
    show_default=True,
    metavar="R",
    help="foi, eir, eir-extended, sar, sar-extended, review or review-extended.",
)
@json_option
@pass_state
def deadline(state: State, dates: tuple[str, ...], regime: str, as_json: bool) -> None:
    """The due date for something received on DATE (ISO), one line per DATE in order.

    Working days exclude weekends and a bank holiday in any part of the UK; the day of receipt
    is day zero. Subject access runs in calendar months. Reads the bank holidays from the
    register when there is one (--db / FOIKIT_DB), else from the `holidays` package (kept in a
    cache file under $FOIKIT_CACHE_DIR, else $XDG_CACHE_HOME/foikit or ~/.cache/foikit).
    `-` reads dates from standard input, one a line.

    \b
    Example:
        foikit deadline 2021-06-05
        foikit deadline 2022-11-20 --regime eir --json
        cut -d, -f1 received.csv | foikit deadline -
    """
    from foikit.clock import rules as clock
    from foikit.clock.duedates import calendar_at
    from foikit.clock.workdays import Calendar, default_cache_dir
    from foikit.law.regimes import get_regime

    get_regime(regime)  # an unknown regime is refused before anything is read
    received = _read_dates(dates)
    if not received:
        return
    found = calendar_at(state.db or os.environ.get("FOIKIT_DB") or DEFAULT_REGISTER)
    if found is not None:
        cal, nation = found
    else:
        # The package's days through a cache file: importing `holidays` is most of the time.
        years = range(min(received).year - 1, max(received).year + 2)
        cal, nation = Calendar.from_package(years, default_cache_dir()), "ENG"
    # Every date is worked out before anything is printed: an error prints nothing half-done.
    dues = [clock.due_date(day, regime, cal, nation=nation) for day in received]
    if not as_json:
        click.echo("\n".join(due.isoformat() for due in dues))
        return
    own = cal.only(nation) if get_regime(regime).unit == "months" else cal
    results = [
        {
            "received": day.isoformat(),
            "regime": regime,
            "due": due.isoformat(),
            "skipped": [
                {"date": d.isoformat(), "name": name}
                for d, name in clock.skipped_days(day, due, own)
            ],
        }
        for day, due in zip(received, dues, strict=True)
    ]
    emit_json(results[0] if len(results) == 1 else results)


@cli.group()
def holidays() -> None:
    """The working-day calendar: bank holidays of every UK nation.

    Adding or removing a day recomputes every open deadline in the same transaction.

    \b
    Example:
        foikit holidays list --year 2026
        foikit holidays add 2027-09-20 "Proclaimed bank holiday" --nations SCT
    """


def _holiday_line(row: dict[str, Any]) -> str:
    if row["source"] != "manual":
        return f"{row['date']}  {row['name']}"  # the package's names already say the nations
    nations = "UK-wide" if row["nations"] == "ENG,WLS,SCT,NIR" else row["nations"]
    return f"{row['date']}  {row['name']} ({nations}; added by hand)"


@holidays.command("list")
@click.option("--year", type=int, metavar="Y", help="Only this year.")
@json_option
@with_register
def holidays_list(reg: Reader, year: int | None, as_json: bool) -> None:
    """The bank holidays in the register, by date.

    \b
    Example:
        foikit holidays list --year 2022
    """
    from foikit.clock.duedates import list_holidays

    rows = list_holidays(reg, year)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(_holiday_line(row))


def _report_moved(day: dt.date, verb: str, moved: list[str], as_json: bool, **extra: Any) -> None:
    if as_json:
        emit_json({"date": day.isoformat(), **extra, "moved": moved})
        return
    click.echo(f"{verb} {day.isoformat()}.")
    if moved:
        click.echo(f"Deadlines moved ({len(moved)}):")
        for reference in moved:
            click.echo(f"  {reference}")
    else:
        click.echo("No open deadline moved.")


@holidays.command("add")
@click.argument("day", metavar="DATE", type=DATE)
@click.argument("name")
@click.option(
    "--nations",
    default="ENG,WLS,SCT,NIR",
    show_default=True,
    metavar="LIST",
    help="The nations where it is a bank holiday (any one makes it a non-working day).",
)
@by_option
@json_option
@with_register
def holidays_add(
    reg: Register, day: dt.date, name: str, nations: str, by: str | None, as_json: bool
) -> None:
    """Add a bank holiday (a day proclaimed after the register was set up).

    Every open request and review whose deadline spans the day moves; their references are
    printed.

    \b
    Example:
        foikit holidays add 2027-09-20 "Proclaimed bank holiday" --nations SCT --by "J Smith"
    """
    from foikit.clock.duedates import add_holiday
    from foikit.clock.workdays import parse_nations
    from foikit.register import current_actor

    moved = add_holiday(reg, day, name, current_actor(by), nations)
    _report_moved(day, "Added", moved, as_json, name=name, nations=",".join(parse_nations(nations)))


@holidays.command("remove")
@click.argument("day", metavar="DATE", type=DATE)
@by_option
@json_option
@with_register
def holidays_remove(reg: Register, day: dt.date, by: str | None, as_json: bool) -> None:
    """Remove a day from the calendar: it becomes a working day again.

    Every open request and review whose deadline spans the day moves; their references are
    printed. Christmas Day and Good Friday cannot be removed (s.10(6) names them).

    \b
    Example:
        foikit holidays remove 2027-09-20 --by "J Smith"
    """
    from foikit.clock.duedates import remove_holiday
    from foikit.register import current_actor

    moved = remove_holiday(reg, day, current_actor(by))
    _report_moved(day, "Removed", moved, as_json)
