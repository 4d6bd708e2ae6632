"""`foikit review` and `foikit ico`: internal reviews, their commitments, and complaints to the
Information Commissioner (split from foikit.cli.requests, whose small helpers they share)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import (
    actor,
    by_option,
    emit_json,
    json_option,
    optional_date,
    parse_date,
    today_option,
    warn,
    with_register,
)

if TYPE_CHECKING:
    from foikit.register.core import Register


# -- foikit review ----------------------------------------------------------------------------


@cli.group()
def review() -> None:
    """Internal review of a response, by someone not involved in it.

    \b
    Example:
        foikit review open FOI-2021-0001 --received 2021-06-20 --reviewer a.senior
        foikit review close FOI-2021-0001 --decided 2021-07-05 --outcome upheld
    """


@review.command("open")
@click.argument("reference")
@click.option("--received", required=True, metavar="YYYY-MM-DD", help="When it was asked for.")
@click.option("--reviewer", required=True, metavar="NAME", help="Who reviews it.")
@click.option("--grounds", metavar="TEXT", help="The requester's grounds for asking.")
@today_option
@by_option
@json_option
@with_register
def review_open(
    reg: Register,
    reference: str,
    received: str,
    reviewer: str,
    grounds: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record a request for internal review. Refused when the reviewer handled the request or
    changed it (the audit trail says who did); warns when asked for more than 40 working days
    after the response.

    \b
    Example:
        foikit review open FOI-2021-0001 --received 2021-06-20 --reviewer a.senior \
            --grounds "The s.31 harm was not explained."
    """
    from foikit.casework.reviews import open_review

    result = open_review(
        reg,
        actor(by),
        reference,
        received=parse_date(received, "date received"),
        reviewer=reviewer,
        grounds=grounds,
        today=optional_date(today, "date for today"),
    )
    if as_json:
        emit_json(result)
        return
    warn(result["warnings"])
    click.echo(f"{result['reference']} review by {result['reviewer']}: due {result['due']}")


@review.command("close")
@click.argument("reference")
@click.option("--decided", required=True, metavar="YYYY-MM-DD", help="Date of the decision.")
@click.option("--outcome", required=True, metavar="O", help="upheld, partly-upheld or overturned.")
@click.option("--reasons", metavar="TEXT", help="The reviewer's reasons.")
@click.option("--release", metavar="TEXT", help="Partly upheld: what is now to be released.")
@click.option("--release-by", metavar="YYYY-MM-DD", help="By when it will be released.")
@today_option
@by_option
@json_option
@with_register
def review_close(
    reg: Register,
    reference: str,
    decided: str,
    outcome: str,
    reasons: str | None,
    release: str | None,
    release_by: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record the review's outcome; overturned reopens the request for a fresh response.

    \b
    Example:
        foikit review close FOI-2021-0001 --decided 2021-07-05 --outcome overturned \\
            --reasons "s.31 was not engaged"
    """
    from foikit.casework.lifecycle import show_request
    from foikit.casework.reviews import close_review

    close_review(
        reg,
        actor(by),
        reference,
        decided=parse_date(decided, "decision date"),
        outcome=outcome,
        reasons=reasons,
        release=release,
        release_by=optional_date(release_by, "date to release by"),
        today=optional_date(today, "date for today"),
    )
    shown = show_request(reg, reference, today=optional_date(today, "date for today"))
    if as_json:
        emit_json(shown)
        return
    review_ = shown["review"]
    line = f"{shown['reference']} review: {review_['outcome']}"
    if shown["status"] == "open":
        line += f"; reopened, fresh response due {shown['due']}"
    click.echo(line)


@review.command("extend")
@click.argument("reference")
@click.option("--reason", metavar="TEXT", help="Why the case is exceptional.")
@by_option
@json_option
@with_register
def review_extend(
    reg: Register, reference: str, reason: str | None, by: str | None, as_json: bool
) -> None:
    """Exceptional cases: 40 working days from receipt of the review request, not 20. Refused
    for an EIR request, whose reconsideration already has the 40 working days reg 11(4) allows.

    \b
    Example:
        foikit review extend FOI-2021-0001 --reason "voluminous material to reconsider"
    """
    from foikit.casework.reviews import extend_review

    result = extend_review(reg, actor(by), reference, reason=reason)
    if as_json:
        emit_json(result)
        return
    click.echo(f"review due {result['due']}")


@review.command("met")
@click.argument("reference")
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="When it was released.")
@today_option
@by_option
@json_option
@with_register
def review_met(
    reg: Register, reference: str, on: str, today: str | None, by: str | None, as_json: bool
) -> None:
    """Record that what a review committed to release has been released.

    \b
    Example:
        foikit review met FOI-2021-0002 --on 2021-07-16
    """
    from foikit.casework.commitments import meet_commitment

    result = meet_commitment(
        reg,
        actor(by),
        reference,
        on=parse_date(on, "date it was met"),
        today=optional_date(today, "date for today"),
    )
    if as_json:
        emit_json(result)
        return
    click.echo(f"{result['reference']}: {result['what']} released on {result['met']}")


# -- foikit ico -------------------------------------------------------------------------------


@cli.group()
def ico() -> None:
    """Complaints to the Information Commissioner (s.50) and decision notices.

    \b
    Example:
        foikit ico open FOI-2021-0001 --case-reference IC-123456-A1B2 --complained 2021-08-01
        foikit ico decide FOI-2021-0001 --decided 2021-12-01 --decision not-upheld
    """


@ico.command("open")
@click.argument("reference")
@click.option("--case-reference", required=True, metavar="REF", help="The ICO's case reference.")
@click.option(
    "--complained", required=True, metavar="YYYY-MM-DD", help="When the requester complained."
)
@click.option("--notified", metavar="YYYY-MM-DD", help="When the ICO told us.")
@click.option("--respond-by", metavar="YYYY-MM-DD", help="The date the ICO asks us to reply by.")
@click.option("--notes", metavar="TEXT", help="Internal notes (never published).")
@today_option
@by_option
@json_option
@with_register
def ico_open(
    reg: Register,
    reference: str,
    case_reference: str,
    complained: str,
    notified: str | None,
    respond_by: str | None,
    notes: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record a complaint to the ICO about a request.

    \b
    Example:
        foikit ico open FOI-2021-0001 --case-reference IC-123456-A1B2 --complained 2021-08-01
    """
    from foikit.casework.ico import open_complaint

    result = open_complaint(
        reg,
        actor(by),
        reference,
        case_reference=case_reference,
        complained=parse_date(complained, "complaint date"),
        notified=optional_date(notified, "date notified"),
        notes=notes,
        respond_by=optional_date(respond_by, "date to respond by"),
        today=optional_date(today, "date for today"),
    )
    if as_json:
        emit_json(result)
        return
    warn(result["warnings"])
    click.echo(f"{result['reference']}: ICO case {result['case_reference']} recorded")


@ico.command("decide")
@click.argument("reference")
@click.option("--decided", required=True, metavar="YYYY-MM-DD", help="Date of the decision.")
@click.option(
    "--decision",
    required=True,
    metavar="D",
    help="upheld, partly-upheld, not-upheld, informal-resolution or withdrawn.",
)
@click.option("--notice", metavar="REF", help="The decision notice reference.")
@click.option("--case-reference", metavar="REF", help="Which case, when there are several.")
@click.option("--notes", metavar="TEXT", help="Internal notes (never published).")
@today_option
@by_option
@json_option
@with_register
def ico_decide(
    reg: Register,
    reference: str,
    decided: str,
    decision: str,
    notice: str | None,
    case_reference: str | None,
    notes: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record the ICO's decision (and decision notice) on a complaint.

    \b
    Example:
        foikit ico decide FOI-2021-0001 --decided 2021-12-01 --decision not-upheld \\
            --notice IC-123456-A1B2
    """
    from foikit.casework.ico import decide

    result = decide(
        reg,
        actor(by),
        reference,
        decided=parse_date(decided, "decision date"),
        decision=decision,
        notice=notice,
        case_reference=case_reference,
        notes=notes,
        today=optional_date(today, "date for today"),
    )
    if as_json:
        emit_json(result)
        return
    click.echo(f"ICO case {result['case_reference']}: {result['decision']}")
