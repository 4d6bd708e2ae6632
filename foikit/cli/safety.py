"""`foikit backup`, `foikit restore` and `foikit check`: nothing lost, nothing left behind."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import State, emit_json, json_option, pass_state, with_register

if TYPE_CHECKING:
    from foikit.register.core import Register


@cli.command("backup")
@click.argument("file", metavar="FILE")
@json_option
@with_register
def backup_command(reg: Register, file: str, as_json: bool) -> None:
    """Copy the live register to FILE: everything, the audit trail included.

    The released documents (originals and redacted copies) and email attachments kept beside
    the register go into FILE too, each with its SHA-256; `foikit restore` writes them back.

    SQLite's online backup, so officers may go on working while it runs; the copy is checked
    (PRAGMA integrity_check) before it replaces FILE, and is private (0600). FILE must not be
    the register, nor another database that is not a foikit backup.

    \b
    Example:
        foikit backup /srv/backups/register-$(date +%F).db
    """
    from foikit.register.backup import backup

    report = backup(reg, file)
    if as_json:
        emit_json(report.as_dict())
        return
    click.echo(
        f"Backed up {report.requests} requests and {report.audit_rows} audit rows to {report.path}"
    )
    if report.files:
        click.echo(f"  with {report.files} document and attachment file(s)")


@cli.command("restore")
@click.argument("file", metavar="FILE")
@click.option("--force", is_flag=True, help="Replace an existing register (it is kept beside).")
@json_option
@pass_state
def restore_command(state: State, file: str, force: bool, as_json: bool) -> None:
    """Replace the register with the backup FILE, after checking it.

    FILE must be an intact foikit register (integrity and foreign keys checked, no newer than
    this foikit); a damaged file is refused even with --force. An existing register is replaced
    only with --force, and is first copied beside itself as REGISTER.before-restore-TIMESTAMP.

    \b
    Example:
        foikit restore /srv/backups/register-2026-01-31.db --force
        foikit check
    """
    from foikit.register import default_path
    from foikit.register.backup import restore

    report = restore(state.db or default_path(), file, force=force)
    if as_json:
        emit_json(report.as_dict())
        return
    click.echo(f"Restored {report.requests} requests from {report.restored} into {report.into}")
    if report.files:
        click.echo(f"  and {report.files} document and attachment file(s)")
    if report.kept:
        click.echo(f"The register it replaced is kept as {report.kept}")


@cli.command("check")
@json_option
@with_register
def check_command(reg: Register, as_json: bool) -> None:
    """Check the register: integrity, foreign keys, and foikit's own invariants.

    Every open request's stored due date must equal the clock's (and every undecided review's),
    every letter's file must exist or be marked deleted, an anonymised requester must hold no
    details. Exit status 1 when anything is wrong.

    \b
    Example:
        foikit check
    """
    from foikit.register.backup import check_register

    report = check_register(reg)
    if as_json:
        emit_json(report.as_dict())
    else:
        counts = ", ".join(f"{n} {what}" for what, n in report.checked.items())
        click.echo(f"{report.path}: {'ok' if report.ok else 'PROBLEMS'} ({counts})")
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    if not report.ok:
        sys.exit(1)
