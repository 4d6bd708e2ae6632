"""`foikit publish` and `foikit serve`: build the public disclosure log, and serve it.

Datasette and uvicorn are imported inside `serve`, so other commands do not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import by_option, emit_json, json_option, with_register

if TYPE_CHECKING:
    from foikit.register.core import Register


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("disclosure.db"),
    show_default=True,
    help="The public database file to write (replaced only when the build succeeds).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="List every redaction and every request held back; write nothing.",
)
@click.option(
    "--letter-pdfs",
    is_flag=True,
    help="Offer each request's response letter as a tagged PDF too (LibreOffice; slower).",
)
@by_option
@json_option
@with_register
def publish(
    reg: Register, out: Path, dry_run: bool, letter_pdfs: bool, by: str | None, as_json: bool
) -> None:
    """Build the public disclosure log from closed FOI and EIR requests.

    Never subject access requests, open requests or requests marked not for publication.
    Every published text is scanned for the requester's name, email and address, staff
    names, and email addresses and phone numbers that are not published contacts: each is
    replaced by [redacted], and the report lists every redaction and every request held back.
    A request with a titled name nobody has decided about is held back: redact it or approve
    it with `foikit request redact`. Who published, how many and the file's SHA-256 go in the
    audit trail.

    \b
    Example:
        foikit publish --dry-run
        foikit publish --out disclosure.db
        foikit publish --out disclosure.db --letter-pdfs
        foikit serve disclosure.db
    """
    from foikit.publishing.build import publish as build

    report = build(reg, out, dry_run=dry_run, actor=by, letter_pdfs=letter_pdfs)
    if as_json:
        emit_json(report.to_dict())
        return
    if dry_run:
        click.echo(f"Would publish {report.published} request(s) to {report.out} (dry run)")
    else:
        click.echo(f"Published {report.published} request(s) to {report.out}")
        click.echo(f"  sha256 {report.sha256}, recorded in the audit trail as {report.by}")
        if report.documents:
            click.echo(f"  with {report.documents} document(s) for download")
    for r in report.redactions:
        click.echo(f"  redacted {r.kind} in {r.reference} {r.field}: {r.found!r}")
    for h in report.held_back:
        click.echo(f"  held back {h.reference}: {h.reason}")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")


@cli.command()
@click.argument(
    "path",
    type=click.Path(path_type=Path),
    default=Path("disclosure.db"),
    required=False,
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
def serve(path: Path, host: str, port: int) -> None:
    """Serve the disclosure log (PATH, default disclosure.db) with Datasette.

    Only the public file is served, read-only and immutable, with SQL queries, the database
    download and CSV streaming turned off. Never the register: it is refused. A file
    re-published by `foikit publish` is served within seconds, without a restart (a
    takedown), and pages may be cached for a minute only.

    \b
    Example:
        foikit publish --out disclosure.db
        foikit serve disclosure.db --port 8001
    """
    from foikit.publishing.serve import LiveLog

    app = LiveLog(path)
    import uvicorn

    click.echo(f"Serving the disclosure log {path} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
