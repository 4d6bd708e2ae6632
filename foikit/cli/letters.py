"""`foikit letter`, `foikit letters batch` and `foikit templates check`.

Parse, call foikit.letters, print. docxtpl, python-docx and Jinja are imported by the library
inside the functions that render, so loading this module costs nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from foikit.cli import cli
from foikit.cli.common import (
    State,
    by_option,
    emit_json,
    json_option,
    parse_date,
    pass_state,
    with_register,
)
from foikit.law.letter_kinds import LETTER_KINDS

if TYPE_CHECKING:
    from foikit.register.core import Register


if TYPE_CHECKING:
    from foikit.letters.folders import TemplateFolder


def _templates_option(func: Any) -> Any:
    return click.option(
        "--templates",
        "template_dir",
        metavar="DIR",
        envvar="FOIKIT_TEMPLATES",
        help=(
            "Folder of letter templates (or $FOIKIT_TEMPLATES; default templates/ beside the "
            "register, else the set shipped with foikit)."
        ),
    )(func)


def _template_folder(register_path: Any, template_dir: str | None) -> TemplateFolder:
    """The folder letters come from, and whether --templates or $FOIKIT_TEMPLATES named it."""
    from foikit.letters.folders import find_templates

    source = click.get_current_context().get_parameter_source("template_dir")
    named_by = "environment" if source is ParameterSource.ENVIRONMENT else "option"
    return find_templates(register_path, template_dir, explicit_source=named_by)


def _today_option(func: Any) -> Any:
    return click.option(
        "--today",
        metavar="YYYY-MM-DD",
        help="The date the letter bears (default: its event's: a response its responded date,"
        " an acknowledgement the day it was sent; a published copy the letter sent's).",
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
    reg: Register,
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
    while a question has no answer, unless --draft. The template comes from --templates, else
    templates/ beside the register (`foikit init` puts a copy there), else the set shipped
    with foikit; which one is said on stderr (and in --json).

    \b
    Example:
        foikit letter FOI-2021-0001 response --today 2021-06-10
        foikit letter FOI-2021-0001 response --published --pdf
    """
    from foikit.letters import convert_to_pdf, render_letter, template_path

    day = parse_date(today, "--today") if today else None
    folder = _template_folder(reg.path, template_dir)
    used = Path(template) if template is not None else template_path(kind, folder.path)
    path = render_letter(
        reg,
        reference,
        kind,
        template_dir=folder.path,
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
                "template": str(used),
                "template_from": "file" if template is not None else folder.source,
            }
        )
        return
    click.echo(str(path))
    if pdf_path is not None:
        click.echo(str(pdf_path))
    # Which templates, on stderr: stdout stays the paths written, for scripts.
    if template is not None:
        click.echo(f"Template: {used} (named with --template)", err=True)
    else:
        click.echo(folder.describe(), err=True)


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
    reg: Register,
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
    folder = _template_folder(reg.path, template_dir)
    references = needing_letter(reg, kind)
    if dry_run:
        if as_json:
            emit_json(references)
        else:
            for ref in references:
                click.echo(ref)
        return
    if not as_json and references:
        click.echo(
            f"Template: {template} (named with --template)" if template else folder.describe(),
            err=True,
        )
    results = []
    with click.progressbar(
        render_batch(
            reg, kind, references, template_dir=folder.path, template=template, today=day, actor=by
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
@pass_state
def check_command(cli_state: State, directory: str | None, as_json: bool) -> None:
    """Check every template in DIR.

    DIR defaults to the folder `foikit letter` would use: $FOIKIT_TEMPLATES, else templates/
    beside the register, else the set shipped with foikit. Each name a template uses must exist
    in the letter context, and each template must render with a full sample context (so a
    misspelt field is caught too). Exit status 1 when any template has a problem or a letter
    kind has no template.

    \b
    Example:
        foikit templates check
        foikit templates check ~/our-templates --json
    """
    from foikit.letters.check import check_templates
    from foikit.letters.folders import find_templates
    from foikit.register import default_path

    folder = find_templates(cli_state.db or default_path(), directory, explicit_source="argument")
    if not as_json:
        click.echo(folder.describe(), err=True)
    results = check_templates(folder.path)
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
