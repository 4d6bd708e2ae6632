"""Casework as officers do it: `request add --from-email`, `request edit`, `request similar`,
`foikit search` and `foikit requesters`.

Each command parses, calls foikit.casework (intake, received, edit, search, requesters) and
prints; the rules live there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from foikit.cli import cli
from foikit.cli.common import (
    actor,
    by_option,
    count,
    emit_json,
    json_option,
    optional_date,
    today_option,
    warn,
    with_register,
)
from foikit.cli.requests import RequestOptions, request

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


# -- request add --from-email -------------------------------------------------------------------


def read_text_file(path: str) -> str:
    """A letter's text for `--as-received`: UTF-8, one `Error:` line otherwise."""
    from pathlib import Path

    from foikit.errors import InvalidRequest

    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidRequest(f"no file {path!r}") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as e:
        raise InvalidRequest(f"{path!r} cannot be read as UTF-8 text: {e}") from None


def _print_intake(shown: dict[str, Any]) -> None:
    requester = shown["requester"]
    click.echo(f"received:  {shown['received']}")
    click.echo(f"subject:   {shown['subject']}")
    click.echo(f"requester: {requester['name'] or '(no name)'} <{requester['email'] or ''}>")
    click.echo(f"channel:   {shown['channel']}")
    for n, q in enumerate(shown["questions"], 1):
        click.echo(f"  Q{n}. {q}")
    for a in shown["attachments"]:
        click.echo(f"  attachment: {a['filename']} ({a['size']} bytes)")


def add_from_email(
    reg: Register, path: str, given: RequestOptions, *, dry_run: bool, as_json: bool
) -> None:
    """`request add --from-email FILE`: read the message, then log it (or, dry, show it)."""
    from foikit.casework.intake import parse_message
    from foikit.casework.received import log_intake

    intake = parse_message(path, today=given.today)
    warn(intake.warnings)
    shown = intake.as_dict()
    overrides = {"received": given.received, "subject": given.subject, "channel": given.channel}
    shown.update({k: v for k, v in overrides.items() if v})
    if given.requester_name or given.requester_email:
        shown["requester"] = {
            "name": given.requester_name or shown["requester"]["name"],
            "email": given.requester_email or shown["requester"]["email"],
        }
    if given.questions:
        shown["questions"] = list(given.questions)
    shown["reference"] = None
    if not dry_run:
        shown["reference"] = log_intake(
            reg,
            given.actor,
            intake,
            regime=given.regime,
            handler=given.handler,
            subject=given.subject,
            received=optional_date(given.received, "received date"),
            requester_name=given.requester_name,
            requester_email=given.requester_email,
            requester_address=list(given.requester_address) or None,
            questions=given.questions,
            channel=given.channel,
            publish=given.publish,
            today=given.today,
        )
    if as_json:
        emit_json(shown)
        return
    if dry_run:
        click.echo("Would log (dry run, nothing written):")
        _print_intake(shown)
        return
    click.echo(shown["reference"])
    _print_similar_warnings(reg, shown["reference"])


def _print_similar_warnings(reg: Reader, reference: str) -> None:
    """After intake: earlier answers to point to, and the reg 5 / s.14(2) warnings."""
    from foikit.casework.search import similar

    found = similar(reg, reference, limit=3)
    for w in found["warnings"]:
        click.echo(f"Warning: {w['law']}: {w['message']}", err=True)
    for m in found["similar"]:
        click.echo(
            f"  similar: {m['reference']} {m['subject']} ({m['outcome'] or m['status']})",
            err=True,
        )


# -- request edit -------------------------------------------------------------------------------


def _numbered(values: tuple[tuple[str, str], ...]) -> dict[int, str]:
    out: dict[int, str] = {}
    for number, text in values:
        n = count(number, "--question N", 1)
        assert n is not None
        out[n] = text
    return out


@request.command("edit")
@click.argument("reference")
@click.option("--received", metavar="YYYY-MM-DD", help="Correct the date of receipt.")
@click.option("--subject", help="Correct the subject.")
@click.option("--requester-name", metavar="NAME", help="Correct the requester's name.")
@click.option("--requester-email", metavar="EMAIL", help="Correct the email address.")
@click.option(
    "--requester-address",
    metavar="LINE",
    multiple=True,
    help="Correct the postal address: one option per line, or lines joined by `|`.",
)
@click.option("--handler", metavar="NAME", help="Give it to another officer.")
@click.option(
    "--question",
    "questions",
    type=(str, str),
    metavar="N TEXT",
    multiple=True,
    help="Reword question N (repeatable).",
)
@click.option("--add-question", "added", metavar="TEXT", multiple=True, help="Add a question.")
@click.option(
    "--remove-question",
    "removed",
    metavar="N",
    multiple=True,
    help="Remove question N (unanswered only; later questions move up).",
)
@click.option("--publish/--no-publish", default=None, help="Whether it may be published.")
@click.option("--reason", metavar="TEXT", help="Why (required for a closed request).")
@today_option
@by_option
@json_option
@with_register
def request_edit(
    reg: Register,
    reference: str,
    received: str | None,
    subject: str | None,
    requester_name: str | None,
    requester_email: str | None,
    requester_address: tuple[str, ...],
    handler: str | None,
    questions: tuple[tuple[str, str], ...],
    added: tuple[str, ...],
    removed: tuple[str, ...],
    publish: bool | None,
    reason: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Correct a logged request: each change audited with before and after, the clock
    recomputed from a corrected date of receipt. A closed request needs --reason.

    \b
    Example:
        foikit request edit FOI-2021-0001 --received 2021-06-04 --requester-name "A. Person"
        foikit request edit FOI-2021-0001 --question 2 "How many were published?"
        foikit request edit FOI-2021-0001 --no-publish --reason "Names a victim"
    """
    from foikit.casework.edit import _UNSET, edit_request

    kwargs: dict[str, Any] = {}
    if requester_name is not None:
        kwargs["requester_name"] = requester_name
    if requester_email is not None:
        kwargs["requester_email"] = requester_email
    if requester_address:
        kwargs["requester_address"] = list(requester_address)
    result = edit_request(
        reg,
        actor(by),
        reference,
        received=optional_date(received, "received date"),
        subject=subject,
        handler=_UNSET if handler is None else handler,
        questions=_numbered(questions),
        add_questions=added,
        remove_questions=[n for n in (count(r, "--remove-question", 1) for r in removed) if n],
        publish=publish,
        reason=reason,
        today=optional_date(today, "date for today"),
        **kwargs,
    )
    if as_json:
        emit_json(result)
        return
    if not result["changes"]:
        click.echo(f"{result['reference']}: nothing to change")
        return
    for key, value in result["changes"].items():
        click.echo(f"{result['reference']}: {key}: {value}")
    if result["due"] != result["due_before"]:
        click.echo(f"{result['reference']}: due {result['due_before']} -> {result['due']}")


# -- request similar, search ----------------------------------------------------------------------


@request.command("similar")
@click.argument("reference")
@click.option("--limit", metavar="N", help="At most N requests (default 10).")
@json_option
@with_register
def request_similar(reg: Reader, reference: str, limit: str | None, as_json: bool) -> None:
    """Earlier requests and published disclosures like this one, best first, with outcomes;
    warns when the same requester asked for similar information within 60 working days
    (aggregation, Fees Regulations reg 5) or asked the same before (s.14(2)).

    \b
    Example:
        foikit request similar FOI-2021-0007
    """
    from foikit.casework.search import similar

    found = similar(reg, reference, limit=count(limit, "--limit", 1) or 10)
    if as_json:
        emit_json(found)
        return
    for w in found["warnings"]:
        click.echo(f"Warning: {w['law']}: {w['message']}")
    if not found["similar"]:
        click.echo(f"{found['reference']}: no similar requests")
    for m in found["similar"]:
        where = f"  {m['public_link']}" if m["public_link"] else ""
        mark = " (same requester)" if m["same_requester"] else ""
        click.echo(f"{m['reference']}\t{m['outcome'] or m['status']}\t{m['subject']}{mark}{where}")


@cli.command("search")
@click.argument("text")
@click.option("--closed", is_flag=True, help="Closed requests only.")
@click.option("--limit", metavar="N", help="At most N results (default 50).")
@json_option
@with_register
def search_command(reg: Reader, text: str, closed: bool, limit: str | None, as_json: bool) -> None:
    """Search subjects, questions and answers: every word must appear, word endings are
    ignored (porter stemming) and the last word matches as a prefix.

    \b
    Example:
        foikit search "domestic homicide"
        foikit search "marac referr" --closed --json
    """
    from foikit.casework.search import search

    rows = search(
        reg, text, status="closed" if closed else None, limit=count(limit, "--limit", 1) or 50
    )
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r['reference']}\t{r['outcome'] or r['status']}\t{r['subject']}")
        click.echo(f"    {r['snippet']}")


# -- requesters -----------------------------------------------------------------------------------


@cli.group()
def requesters() -> None:
    """Requesters as people: one record with all their requests.

    \b
    Example:
        foikit requesters list
        foikit requesters show 12
        foikit requesters merge 12 31
    """


@requesters.command("list")
@click.option("--name", metavar="TEXT", help="Only names or emails containing TEXT.")
@click.option("--limit", metavar="N", help="At most N requesters.")
@json_option
@with_register
def requesters_list(reg: Reader, name: str | None, limit: str | None, as_json: bool) -> None:
    """Requesters, most recent first, with how many requests each made.

    \b
    Example:
        foikit requesters list --name okafor
    """
    from foikit.casework.requesters import list_requesters

    rows = list_requesters(reg, name=name, limit=count(limit, "--limit", 1))
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        contact = r["email"] or ", ".join(r["address"]) or ""
        click.echo(f"{r['id']}\t{r['name']}\t{contact}\t{r['requests']} request(s)")


@requesters.command("show")
@click.argument("requester")
@by_option
@json_option
@with_register
def requesters_show(reg: Register, requester: str, by: str | None, as_json: bool) -> None:
    """One requester (by id, or the requester of a reference) and all their requests. The
    read is written to the audit trail.

    \b
    Example:
        foikit requesters show 12
        foikit requesters show FOI-2021-0001 --json
    """
    from foikit.casework.requesters import show_requester

    shown = show_requester(reg, requester, actor=actor(by), via="cli")
    if as_json:
        emit_json(shown)
        return
    click.echo(f"{shown['id']}  {shown['name']}")
    if shown["email"]:
        click.echo(f"  email:   {shown['email']}")
    for line in shown["address"]:
        click.echo(f"  address: {line}")
    for r in shown["requests"]:
        state = r["outcome"] or r["status"]
        click.echo(f"  {r['reference']}\t{r['received']}\t{state}\t{r['subject']}")


@requesters.command("merge")
@click.argument("keep")
@click.argument("other")
@by_option
@json_option
@with_register
def requesters_merge(reg: Register, keep: str, other: str, by: str | None, as_json: bool) -> None:
    """Make two records of one person one: OTHER's requests move to KEEP, and OTHER goes.

    \b
    Example:
        foikit requesters merge 12 31
    """
    from foikit.casework.requesters import merge_requesters

    result = merge_requesters(reg, actor(by), keep, other)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"requester {result['merged']} merged into {result['kept']}"
        f" ({result['requests_moved']} request(s) moved)"
    )
