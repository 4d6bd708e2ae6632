"""`foikit stats`, `foikit report`, `foikit import`, `foikit export` and `foikit retention`."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

import click

from foikit.cli import cli
from foikit.cli.common import (
    DATE,
    F,
    by_option,
    emit_json,
    guarded_output,
    json_option,
    with_register,
)
from foikit.law.exemptions import citation

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


_TODAY_HELP = "Count as if it were this date (default: today)."


@overload
def _today_option(func: F, *, help: str = _TODAY_HELP) -> F: ...


@overload
def _today_option(func: None = None, *, help: str = _TODAY_HELP) -> Callable[[F], F]: ...


def _today_option(func: F | None = None, *, help: str = _TODAY_HELP) -> F | Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option("--today", type=DATE, default=None, help=help)(f)

    return decorate(func) if func is not None else decorate


def _write_csv(rows: list[dict[str, Any]], out: Any) -> None:
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _pct(block: dict[str, Any]) -> str:
    assessed = block["timed"] + block["open_overdue"]
    if block["in_time_pct"] is None:
        return f"In time: {block['in_time']} of {assessed} (nothing to assess yet)"
    return (
        f"In time: {block['in_time']} of {assessed} "
        f"({block['in_time_pct']:.1f}%, {block['rating']})"
    )


def _print_block(block: dict[str, Any], indent: str = "") -> None:
    click.echo(
        f"{indent}Received: {block['received']}  resolved: {block['resolved']}"
        f"  still open: {block['open']} ({block['open_overdue']} overdue)"
    )
    click.echo(f"{indent}{_pct(block)}  (extended: {block['extended']})")
    outcomes = ", ".join(f"{k} {n}" for k, n in block["outcomes"].items() if n)
    click.echo(f"{indent}Outcomes: {outcomes or 'none yet'}")
    refusals = block["refusals"]
    click.echo(
        f"{indent}Refused or withheld: s.12 {refusals['s12']}, s.14 {refusals['s14']},"
        f" other exemptions {refusals['other_exemptions']}"
    )
    if block["exemptions"]:
        used = ", ".join(f"{citation(s, short=True)} {n}" for s, n in block["exemptions"].items())
        click.echo(f"{indent}Exemptions used: {used}")
    reviews = block["reviews"]
    decided = ", ".join(f"{k} {n}" for k, n in reviews["outcomes"].items() if n)
    click.echo(
        f"{indent}Internal reviews: {reviews['received']} asked for, {reviews['decided']} decided"
        f" ({reviews['in_time']} in time){': ' + decided if decided else ''}"
    )
    click.echo(
        f"{indent}ICO complaints: {block['ico']['received']} ({block['ico']['decided']} decided)"
    )


@cli.command()
@click.option("--from", "start", type=DATE, help="First day received (inclusive).")
@click.option("--to", "end", type=DATE, help="Last day received (inclusive).")
@click.option(
    "--by",
    "by",
    type=click.Choice(["month", "quarter", "year"]),
    help="Also give the figures for each month, calendar quarter or year.",
)
@click.option(
    "--regime",
    "regimes",
    multiple=True,
    metavar="R",
    help="Only requests under this regime (foi, eir, sar); repeatable. Default: all.",
)
@click.option(
    "--financial-year",
    "financial_year",
    metavar="YYYY-YY",
    help="One financial year by quarter (Q1 is April to June), with the Cabinet Office's"
    " figures that leave out requests withheld under s.21 alone.",
)
@_today_option
@json_option
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print a CSV table: a row per period and a total."
)
@with_register
def stats(
    reg: Reader,
    start: dt.date | None,
    end: dt.date | None,
    by: str | None,
    regimes: tuple[str, ...],
    financial_year: str | None,
    today: dt.date | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Timeliness and outcome statistics, as the official FOI statistics count them.

    Requests count in the period they were received. In time means responded on or before
    the due date in force (a permitted extension counts); the percentage is over requests
    whose timeliness is known, open ones already overdue included. The ICO's self-assessment:
    under 90% unsatisfactory, 90-95% adequate, 95% or more good.

    \b
    Example:
        foikit stats --from 2024-04-01 --to 2025-03-31 --by quarter
        foikit stats --by month --json
        foikit stats --financial-year 2024-25
    """
    from foikit.records.stats import financial_year_stats, register_stats, stats_table

    if financial_year is not None:
        if start or end or by:
            raise click.UsageError("--financial-year takes the place of --from, --to and --by")
        result = financial_year_stats(
            reg, year=financial_year, today=today or dt.date.today(), regimes=regimes
        )
    else:
        result = register_stats(
            reg, today=today or dt.date.today(), start=start, end=end, by=by, regimes=regimes
        )
    if as_json:
        emit_json(result)
        return
    if as_csv:
        _write_csv(stats_table(result), sys.stdout)
        return
    span = f"{result['from'] or 'the start'} to {result['to'] or 'now'}"
    click.echo(f"Requests received from {span}")
    _print_block(result, "  ")
    for period in result["periods"]:
        click.echo(f"{period['period']}")
        _print_block(period, "  ")
        if "cabinet_office" in period:
            _print_cabinet_office(period["cabinet_office"], "  ")
    if "cabinet_office" in result:
        click.echo(f"Financial year {result['financial_year']}, as the Cabinet Office counts it")
        _print_cabinet_office(result["cabinet_office"], "  ")


def _print_cabinet_office(block: dict[str, Any], indent: str) -> None:
    click.echo(
        f"{indent}Cabinet Office: resolvable {block['resolvable']}, granted in full"
        f" {block['granted_in_full']}, partially withheld {block['partially_withheld']},"
        f" withheld in full {block['withheld_in_full']}"
        f" (left out: {block['excluded_s21_only']} withheld under s.21 alone)"
    )


@cli.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="The folder to write the charts, index.html and summary.md into.",
)
@click.option("--from", "start", type=DATE, help="First day received (inclusive).")
@click.option("--to", "end", type=DATE, help="Last day received (inclusive).")
@_today_option
@json_option
@with_register
def report(
    reg: Register,
    out: str,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date | None,
    as_json: bool,
) -> None:
    """A compliance report for a board paper: charts and a summary (INTERNAL: names staff).

    Timeliness by month of receipt against the ICO's 90% line (by quarter over a span longer
    than two years, by year over five), the outcome mix, internal reviews and their outcomes,
    and the open workload by handler; index.html and summary.md give the figures and embed
    the charts.

    \b
    Example:
        foikit report --out board-2025-q1 --from 2025-01-01 --to 2025-03-31
    """
    from foikit.records.report import build_report

    result = build_report(reg, out, today=today or dt.date.today(), start=start, end=end)
    if as_json:
        emit_json({"out": str(result.out), "files": [str(p) for p in result.files]})
        return
    for path in result.files:
        click.echo(str(path))


@cli.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from the column headed COLUMN (repeatable), e.g. received='Logged on'.",
)
@click.option(
    "--value-map",
    "value_maps",
    multiple=True,
    metavar="FIELD:LABEL=CODE",
    help="Read the office's own label as a code (repeatable), e.g. "
    "'outcome:Part released=partially-withheld'. Fields: outcome, review_outcome, regime, channel.",
)
@click.option(
    "--sheet", metavar="NAME", help="The sheet of an .xlsx workbook (default: the first)."
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="The CSV's encoding when it has no byte-order mark (default: UTF-8), e.g. cp1252.",
)
@click.option("--dry-run", is_flag=True, help="Run every row, report every problem; write nothing.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good rows and report the bad ones (default: a bad row stops the import).",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Put the imported closed requests on the disclosure log (default: kept private).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the rows that cannot be imported to FILE (CSV, with a problems column).",
)
@click.option("--undo", metavar="BATCH", help="Remove the requests one earlier import created.")
@_today_option(help="Refuse dates after this one as in the future (default: today).")
@by_option
@json_option
@with_register
def import_(
    reg: Register,
    file: str | None,
    pairs: tuple[str, ...],
    value_maps: tuple[str, ...],
    sheet: str | None,
    encoding: str | None,
    dry_run: bool,
    skip_bad: bool,
    publish: bool,
    rejects: str | None,
    undo: str | None,
    today: dt.date | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Bring in a register as the office keeps it: an Excel workbook (.xlsx) or CSV.

    Headers are recognised by their usual names (Date received, Date responded, Email,
    Request title, Message, Outcome, Exemptions, Appeal outcome, Ref...); --map names any
    other. Columns nothing matches are kept in each request's notes. Outcomes are read as
    people write them (Granted in full, Refused in part, Not held...); --value-map declares
    the rest. Dates may be UK style, with times, or Excel serial numbers.

    Open requests are logged through the same rules as `request add`; closed ones are kept
    as recorded, marked imported and off the disclosure log unless --publish. A row matching
    an earlier import (its reference, else date, requester and subject) is skipped or
    updated, never duplicated. Every problem of every row is listed; when there is any,
    nothing is imported (unless --skip-bad). One transaction; --undo BATCH reverses one.

    \b
    Example:
        foikit import old-register.xlsx --dry-run --rejects to-fix.csv
        foikit import old-register.xlsx --value-map 'review_outcome:Upheld=overturned'
        foikit import --undo 20260110T101500-1a2b3c4d
    """
    from foikit.records.importer import RowsRejected, import_file, parse_mapping, undo_import
    from foikit.register import current_actor

    if undo is not None:
        if file is not None:
            raise click.UsageError("--undo BATCH takes no FILE")
        removed = undo_import(reg, current_actor(by), undo)
        if as_json:
            emit_json({"batch": undo, "removed": removed})
            return
        click.echo(f"Removed {len(removed)} requests of import {undo}")
        return
    if file is None:
        raise click.UsageError("give the FILE to import (or --undo BATCH)")
    try:
        report = import_file(
            reg,
            current_actor(by),
            file,
            mapping=parse_mapping(pairs),
            value_maps=value_maps,
            encoding=encoding,
            sheet=sheet,
            dry_run=dry_run,
            skip_bad=skip_bad,
            publish=publish,
            rejects=rejects,
            today=today or dt.date.today(),
        )
    except RowsRejected as e:
        if as_json:
            emit_json(e.report.as_dict())
        else:
            _print_import(e.report, file, rejects)
        raise
    if as_json:
        emit_json(report.as_dict())
        return
    _print_import(report, file, rejects)


def _print_import(report: Any, file: str, rejects: str | None) -> None:
    """Which column fed which field, every problem of every row, the unknown values once each,
    the warnings, then a summary (problems and warnings on stderr)."""
    click.echo("Columns:")
    for column, name in report.columns:
        click.echo(f"  {column!r} -> {name}")
    if report.notes_columns:
        click.echo(f"Kept in the notes: {', '.join(map(repr, report.notes_columns))}")
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    for line in report.unknown_lines:
        click.echo(line, err=True)
    for warning in report.warnings:
        click.echo(f"warning {warning}", err=True)
    if rejects and report.rejected_rows:
        click.echo(f"The {report.rejected_rows} rows with problems are in {rejects}", err=True)
    click.echo(f"{report.summary()} from {file}")


@cli.command()
@click.option("--csv", "as_csv", is_flag=True, help="CSV in the columns `foikit import` reads.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Write to this file (default: standard output).",
)
@with_register
def export(reg: Register, as_csv: bool, out: str | None) -> None:
    """Write the whole register out: JSON (default) or, with --csv, the spreadsheet columns
    `foikit import` reads, so that an export imports back unchanged.

    The CSV starts with a byte-order mark (Excel opens it with accents intact), and gives each
    outcome's label beside its code, the request-level exemptions and the office's own
    reference of imported requests. It holds requesters' personal data: keep it as safely as
    the register (a file written with --out is readable by you alone).

    \b
    Example:
        foikit export --csv --out register-2024.csv
        foikit export > register.json
    """
    import json

    from foikit.records.export import export_records, export_text

    if as_csv:
        text, count = export_text(reg)
    else:
        records = export_records(reg)
        text, count = json.dumps(records, indent=2, ensure_ascii=False) + "\n", len(records)
    if not out:
        click.echo(text, nl=False)
        return
    # The one output guard: never over the register or another database; private (0600);
    # whole or not at all.
    with guarded_output(reg, out) as target:
        target.write(text)
    click.echo(f"Exported {count} requests to {out}")


@cli.command()
@click.option(
    "--older-than",
    default="2y",
    show_default=True,
    metavar="PERIOD",
    help="Anonymise when the last request closed longer ago than this: 2y, 18m, 6w, 400d.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="List who would be anonymised and the files that would be deleted; change nothing.",
)
@_today_option(help="Count the retention period back from this date (default: today).")
@by_option
@json_option
@with_register
def retention(
    reg: Register,
    older_than: str,
    dry_run: bool,
    today: dt.date | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Anonymise the requesters of requests closed longer ago than the retention period.

    Blanks the name, email, address and phone of each requester whose requests are all
    closed (no review or ICO case under way) before the period, and replaces their details
    in the request's own texts with [redacted], as the disclosure log does. Statistics and
    the published log are unchanged. One transaction, with an audit row for every change.

    Their letter files are deleted too: every letter recorded for their requests except the
    anonymised --published copies, and a .pdf of the same name beside a .docx. The files are
    deleted once the register has committed; the letters stay in the register, marked deleted,
    with an audit row naming each file. A file already gone is reported; one that cannot be
    deleted is an error (exit status 1) to put right by hand, and the anonymisation stands.

    \b
    Example:
        foikit retention --older-than 2y --dry-run
        foikit retention --older-than 18m --by records.manager
    """
    from foikit.records.retention import apply_retention
    from foikit.register import current_actor

    report = apply_retention(
        reg,
        current_actor(by),
        older_than=older_than,
        today=today or dt.date.today(),
        dry_run=dry_run,
    )
    if as_json:
        emit_json(report.as_dict())
        _file_errors(report.failed)
        return
    verb = "Would anonymise" if dry_run else "Anonymised"
    requests = sum(len(c.references) for c in report.cases)
    click.echo(
        f"{verb} {len(report.cases)} requester{'s' if len(report.cases) != 1 else ''}"
        f" ({requests} request{'s' if requests != 1 else ''} closed before {report.cutoff})"
    )
    for case in report.cases:
        click.echo(f"  {' '.join(case.references)}  closed {case.closed_on}")
    files = report.files if dry_run else report.deleted
    if files:
        verb = "Would delete" if dry_run else "Deleted"
        click.echo(f"{verb} {len(files)} letter file{'s' if len(files) != 1 else ''}:")
        for path in files:
            click.echo(f"  {path}")
    for path in report.missing:
        click.echo(f"Already gone: {path}")
    if report.retried or report.temporary:
        verb = "Would finish" if dry_run else "Finished"
        click.echo(f"{verb} what an earlier run or a killed writer left on disk:")
        for path in [*report.retried, *report.temporary]:
            click.echo(f"  {path}")
    if dry_run and report.columns:
        click.echo(f"Would change {len(report.columns)} columns:")
        for column in report.columns:
            click.echo(f"  {column}")
    if report.cases and not dry_run and not report.audit_scrubbed:
        click.echo(
            "warning: the audit trail still holds the old values (the register has no"
            " Tx.anonymise yet)",
            err=True,
        )
    _file_errors(report.failed)


def _file_errors(failed: list[dict[str, str]]) -> None:
    """One `Error:` line per letter file that could not be deleted, then exit status 1."""
    for failure in failed:
        click.echo(
            f"Error: could not delete {failure['path']} ({failure['error']}): delete it by hand",
            err=True,
        )
    if failed:
        raise click.exceptions.Exit(1)
