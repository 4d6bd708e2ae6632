"""`foikit request redact`: an officer's redaction rules for one request's public outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from foikit.cli.common import by_option, emit_json, json_option, with_register
from foikit.cli.requests import request

if TYPE_CHECKING:
    from foikit.register.core import Register


@request.command("redact")
@click.argument("reference", metavar="REF")
@click.argument("phrase", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the request's rules.")
@click.option("--remove", is_flag=True, help="Remove the rule for PHRASE.")
@click.option(
    "--keep",
    is_flag=True,
    help="Approve PHRASE (a titled name the scan held back) for publication instead.",
)
@by_option
@json_option
@with_register
def request_redact(
    reg: Register,
    reference: str,
    phrase: str | None,
    list_only: bool,
    remove: bool,
    keep: bool,
    by: str | None,
    as_json: bool,
) -> None:
    """Redact PHRASE from every public output of request REF.

    For a third party withheld under s.40(2) (a constable named in a question), or anything
    else the scan cannot know. The rule applies to the disclosure log (pages, JSON, CSV, the
    Atom feed, the search index), the published letter and released documents, from the
    next `foikit publish`. Every change goes in the request's history.

    \b
    Example:
        foikit request redact FOI-2021-0001 "PC Davies"
        foikit request redact FOI-2021-0001 "Chief Constable Craig Guildford" --keep
        foikit request redact FOI-2021-0001 --list
        foikit request redact FOI-2021-0001 "PC Davies" --remove
    """
    from foikit.publishing.rules import add_rule, list_rules, remove_rule
    from foikit.register import current_actor

    if list_only:
        if phrase or remove or keep:
            raise click.ClickException("--list takes no PHRASE, --remove or --keep")
        rules = list_rules(reg, reference)
        if as_json:
            emit_json(rules)
            return
        for r in rules:
            click.echo(f"{r['action']:<6}  {r['phrase']}  ({r['created_by']}, {r['created_at']})")
        if not rules:
            click.echo(f"{reference} has no redaction rules")
        return
    if not phrase:
        raise click.ClickException("give the PHRASE to redact (or --list)")
    if remove and keep:
        raise click.ClickException("--remove and --keep cannot go together")
    actor = current_actor(by)
    if remove:
        count = remove_rule(reg, actor, reference, phrase)
        result: dict[str, Any] = {"removed": count, "phrase": phrase}
        message = f"Removed the rule {phrase!r} from {reference}"
    else:
        result = add_rule(reg, actor, reference, phrase, action="keep" if keep else "redact")
        verb = "Approved" if keep else "Will redact"
        message = f"{verb} {result['phrase']!r} in every public output of {reference}"
    if as_json:
        emit_json(result)
    else:
        click.echo(message)
