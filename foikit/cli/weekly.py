"""`foikit weekly`: the Friday list of what is overdue and what is due next week."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import emit_json, json_option, parse_date, with_register

if TYPE_CHECKING:
    from foikit.register.reader import Reader


def _days(left: int | None) -> str:
    if left is None:
        return ""
    if left < 0:
        return f"{-left} working day{'s' if left != -1 else ''} overdue"
    return f"{left} working day{'s' if left != 1 else ''} left"


@cli.command()
@click.option("--today", metavar="YYYY-MM-DD", help="The day to count from (default today).")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="A CSV table: one row a line, bucket first.")
@with_register
def weekly(reg: Reader, today: str | None, as_json: bool, as_csv: bool) -> None:
    """The weekly list: overdue; due next week (Monday to Friday after today) with working days
    left; internal reviews and ICO cases due; requests waiting for a clarification or a fee,
    with the date a fee lapses; and what reviews committed the office to release.

    \b
    Example:
        foikit weekly --today 2026-11-27
        foikit weekly --json
    """
    from foikit.casework.weekly import TITLES, next_week, weekly_json, weekly_rows
    from foikit.casework.weekly import weekly as weekly_list

    day = parse_date(today, "date for today") if today else dt.date.today()
    lists = weekly_list(reg, day)
    if as_json:
        emit_json(weekly_json(lists, day))
        return
    if as_csv:
        rows = weekly_rows(lists)
        fields = ["bucket", "reference", "subject", "handler", "due", "working_days_left", "detail"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    monday, friday = next_week(day)
    click.echo(f"Weekly list on {day.isoformat()} (next week: {monday} to {friday})")
    for name, items in lists.items():
        click.echo(f"\n{TITLES[name]} ({len(items)})")
        for i in items:
            who = f" [{i.handler}]" if i.handler else ""
            due = f" due {i.due}" if i.due else ""
            days = _days(i.working_days_left)
            click.echo(
                f"  {i.reference}{who}{due}{' (' + days + ')' if days else ''}: "
                f"{i.subject} - {i.detail}"
            )
