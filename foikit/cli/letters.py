"""`foikit letter`, `foikit letters batch` and `foikit templates check`.

Parse, call foikit.letters, print. docxtpl, python-docx and Jinja are imported by the library
inside the functions that render, so loading this module costs nothing.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from foikit.cli import cli
from foikit.cli.common import by_option, emit_json, json_option, parse_date, with_register
from foikit.law.letter_kinds import LETTER_KINDS


def _templates_option(func: Any) -> Any:
    return click.option(
        "--templates",
        "template_dir",
        metavar="DIR",
        envvar="FOIKIT_TEMPLATES",
        help="Folder of letter templates (default ./templates, or $FOIKIT_TEMPLATES).",
    )(func)


def _today_option(func: Any) -> Any:
    return click.option(
        "--today",
        metavar="YYYY-MM-DD",
        help="The date the letter bears (default: today).",
    )(func)


def _kind_argument(func: Any) -> Any:
    return click.argument("kind", type=click.Choice(list(LETTER_KINDS)), metavar="KIND")(func)


@cli.command("letter")
@click.argument("reference", metavar="REF")
@_kind_argument
@click.option("--template", metavar="PATH", help="Use this .docx template instead.")
@_templates_option
@click.option("--out", metavar="PATH", help="Write the letter here (default ./responses/...).")
@click.option(
    "--published",
    is_flag=True,
    help="The anonymised copy for the disclosure log ('Dear Applicant').",
)
@click.option("--draft", is_flag=True, help="Mark the letter DRAFT; unanswered questions allowed.")
@click.option("--pdf", is_flag=True, help="Also convert it to PDF with LibreOffice.")
@_today_option
@by_option
@json_option
@with_register
def letter_command(
    reg: Any,
    reference: str,
    kind: str,
    template: str | None,
    template_dir: str | None,
    out: str | None,
    published: bool,
    draft: bool,
    pdf: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Render a letter for request REF; prints the path written.

    KIND is one of acknowledgement, clarification, fees, extension, response, refusal,
    review-acknowledgement, review-outcome. Letters go to ./responses (or $FOIKIT_RESPONSES)
    as REF-KIND.docx; --published adds -published, --draft adds -draft. A response is refused
    while a question has no answer, unless --draft.

    \b
    Example:
        foikit letter FOI-2021-0001 response --today 2021-06-10
        foikit letter FOI-2021-0001 response --published --pdf
    """
    from foikit.letters import convert_to_pdf, render_letter

    day = parse_date(today, "--today") if today else None
    path = render_letter(
        reg,
        reference,
        kind,
        template_dir=template_dir,
        template=template,
        out=out,
        published=published,
        draft=draft,
        today=day,
        actor=by,
    )
    pdf_path = convert_to_pdf(path) if pdf else None
    if as_json:
        emit_json(
            {
                "reference": reference,
                "kind": kind,
                "path": str(path),
                "pdf": str(pdf_path) if pdf_path else None,
                "published": published,
                "draft": draft,
            }
        )
        return
    click.echo(str(path))
    if pdf_path is not None:
        click.echo(str(pdf_path))


@cli.group("letters")
def letters_group() -> None:
    """Letters for many requests at once.

    \b
    Example:
        foikit letters batch acknowledgement
    """


@letters_group.command("batch")
@_kind_argument
@click.option("--template", metavar="PATH", help="Use this .docx template instead.")
@_templates_option
@click.option("--dry-run", is_flag=True, help="List the requests that need the letter; write none.")
@click.option("--pdf", is_flag=True, help="Also convert the letters to PDF (one LibreOffice run).")
@_today_option
@by_option
@json_option
@with_register
def batch_command(
    reg: Any,
    kind: str,
    template: str | None,
    template_dir: str | None,
    dry_run: bool,
    pdf: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Render KIND for every request that needs it, with a progress bar.

    A request needs an acknowledgement while it is open and none has been sent
    (not an imported one received before the day of its import: the old system acknowledged
    it); a clarification or fees letter while its clock waits for one; an extension letter after an
    extension; a response (or refusal, when s.12 or s.14 is relied on) once every question is
    answered; review letters once a review is opened or decided. Drafts and published copies
    do not count as sent. Failures are listed and the rest still render (exit status 1).

    \b
    Example:
        foikit letters batch acknowledgement --today 2021-06-07
        foikit letters batch response --dry-run
        foikit letters batch review-outcome --pdf
    """
    from foikit.letters import convert_letters, needing_letter, render_batch

    day = parse_date(today, "--today") if today else None
    references = needing_letter(reg, kind)
    if dry_run:
        if as_json:
            emit_json(references)
        else:
            for ref in references:
                click.echo(ref)
        return
    results = []
    with click.progressbar(
        render_batch(
            reg, kind, references, template_dir=template_dir, template=template, today=day, actor=by
        ),
        length=len(references),
        label=f"{kind} letters",
        file=sys.stderr,
    ) as bar:
        for result in bar:
            results.append(result)
    failed = [r for r in results if r.error]
    written = [r.path for r in results if r.path is not None]
    pdfs: dict[Any, Any] = {}
    if pdf and written:
        pdfs = dict(zip(written, convert_letters(written, written[0].parent), strict=True))
    if as_json:
        emit_json(
            [
                {
                    "reference": r.reference,
                    "path": str(r.path) if r.path else None,
                    "pdf": str(pdfs[r.path]) if r.path in pdfs else None,
                    "error": r.error,
                }
                for r in results
            ]
        )
    else:
        for r in results:
            if r.path is not None:
                click.echo(str(r.path))
                if r.path in pdfs:
                    click.echo(str(pdfs[r.path]))
    for r in failed:
        click.echo(f"Error: {r.reference}: {r.error}", err=True)
    if failed:
        sys.exit(1)


@cli.group("templates")
def templates_group() -> None:
    """The .docx letter templates.

    \b
    Example:
        foikit templates check templates
    """


@templates_group.command("check")
@click.argument("directory", metavar="[DIR]", required=False)
@json_option
def check_command(directory: str | None, as_json: bool) -> None:
    """Check every template in DIR (default ./templates, or $FOIKIT_TEMPLATES).

    Each name a template uses must exist in the letter context, and each template must render
    with a full sample context (so a misspelt field is caught too). Exit status 1 when any
    template has a problem or a letter kind has no template.

    \b
    Example:
        foikit templates check
        foikit templates check ~/our-templates --json
    """
    from foikit.letters.check import check_templates

    results = check_templates(directory)
    if as_json:
        emit_json(
            [
                {"template": str(r.path), "kind": r.kind, "ok": r.ok, "problems": r.problems}
                for r in results
            ]
        )
    else:
        for r in results:
            state = "ok" if r.ok else "; ".join(r.problems)
            click.echo(f"{r.path.name}: {state}")
    bad = [r for r in results if not r.ok]
    if bad:
        if not as_json:
            click.echo(
                f"Error: {len(bad)} template{'s' if len(bad) > 1 else ''} with problems", err=True
            )
        sys.exit(1)
