"""`foikit documents add | list | remove`: documents released with a response.

The work lives in foikit.documents; PyMuPDF, python-docx and openpyxl are imported only when a
document is redacted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import by_option, emit_json, json_option, with_register

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


@cli.group()
def documents() -> None:
    """Documents released with a response: attach, redact, publish.

    \b
    Example:
        foikit documents add FOI-2021-0001 figures.pdf --redact "Jane Doe" --title "Figures"
        foikit documents list FOI-2021-0001
    """


@documents.command("add")
@click.argument("reference", metavar="REF")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option(
    "--redact",
    "phrases",
    multiple=True,
    metavar="PHRASE",
    help="A phrase to redact (repeatable); the requester's details are always redacted.",
)
@click.option("--title", metavar="TEXT", help="The title on the public page (default: the name).")
@click.option(
    "--no-publish",
    is_flag=True,
    help="Keep the document on file only; also keeps one that cannot be redacted safely.",
)
@by_option
@json_option
@with_register
def add_command(
    reg: Register,
    reference: str,
    file: Path,
    phrases: tuple[str, ...],
    title: str | None,
    no_publish: bool,
    by: str | None,
    as_json: bool,
) -> None:
    """Attach FILE (PDF, DOCX, XLSX or CSV) to request REF and make its redacted copy.

    The original is kept privately in documents/ beside the register (0600, its SHA-256
    recorded). Every phrase, the requester's name, email, address and phone, and the
    request's own redaction phrases are removed from the copy (a PDF's words are removed,
    not covered), its metadata, comments and attachments are stripped, and the copy is read
    back: if any phrase can still be found it is not kept. A scanned PDF with no text layer
    is refused for publishing. `foikit publish` puts the copies on the request's public page.

    \b
    Example:
        foikit documents add FOI-2021-0001 figures.pdf --redact "Jane Doe" --title "Figures"
        foikit documents add FOI-2021-0001 scan.pdf --no-publish
    """
    from foikit.documents.store import add_document
    from foikit.register.core import current_actor

    added = add_document(
        reg,
        current_actor(by),
        reference,
        file,
        redact=phrases,
        title=title,
        publish=not no_publish,
    )
    if as_json:
        emit_json(added.__dict__)
        return
    click.echo(
        f"Added document {added.id} to {added.reference}: {added.title} ({added.kind}), "
        f"{added.redactions} redaction(s) for {added.phrases} phrase(s)"
        + ("" if added.publish else "; not for publication")
    )
    if added.refused:
        click.echo(f"  kept on file only: {added.refused}")
    if added.pdf_refused:
        click.echo(f"  no PDF beside it: {added.pdf_refused}")


@documents.command("list")
@click.argument("reference", metavar="REF")
@json_option
@with_register
def list_command(reg: Reader, reference: str, as_json: bool) -> None:
    """List the documents of request REF.

    \b
    Example:
        foikit documents list FOI-2021-0001 --json
    """
    from foikit.documents.store import list_documents

    rows = list_documents(reg, reference)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No documents.")
    for r in rows:
        state = "published" if r["publish"] and not r["refused"] else "on file only"
        click.echo(
            f"{r['id']}  {r['title']} ({r['kind']}, {r['original_size']} bytes)"
            f"  {r['redactions']} redaction(s)  {state}"
        )
        if r["refused"]:
            click.echo(f"    {r['refused']}")
        if r.get("pdf_size"):
            click.echo(f"    with a PDF made by LibreOffice ({r['pdf_size']} bytes)")
        elif r.get("pdf_refused"):
            click.echo(f"    no PDF beside it: {r['pdf_refused']}")


@documents.command("remove")
@click.argument("reference", metavar="REF")
@click.argument("doc_id", metavar="ID", type=int)
@by_option
@with_register
def remove_command(reg: Register, reference: str, doc_id: int, by: str | None) -> None:
    """Remove document ID from request REF: its files are deleted.

    \b
    Example:
        foikit documents remove FOI-2021-0001 2
    """
    from foikit.documents.store import remove_document
    from foikit.register.core import current_actor

    doc = remove_document(reg, current_actor(by), reference, doc_id)
    click.echo(f"Removed document {doc_id}: {doc['title']}")
