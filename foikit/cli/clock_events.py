"""`foikit request clarify`, `clarified`, `fee`, `fee-paid` and `extend`: the clock events of a
request (split from foikit.cli.requests; the library side is foikit.casework.clock_events)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from foikit.cli.common import (
    actor,
    by_option,
    count,
    emit_json,
    json_option,
    optional_date,
    parse_date,
    today_option,
    with_register,
)
from foikit.cli.requests import request

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


def show_clock(reg: Reader, reference: str, today: str | None, as_json: bool) -> None:
    from foikit.casework.lifecycle import show_request

    shown = show_request(reg, reference, today=optional_date(today, "date for today"))
    if as_json:
        emit_json(shown)
        return
    if shown["clock_stopped"]:
        click.echo(
            f"{shown['reference']}: clock stopped (waiting for the {shown['clock_stopped']})"
        )
    else:
        notice = f" (refusal notice due {shown['notice_due']})" if shown["notice_due"] else ""
        click.echo(f"{shown['reference']}: due {shown['due']}{notice}")


@request.command("clarify")
@click.argument("reference")
@click.option("--sent", required=True, metavar="YYYY-MM-DD", help="When clarification was asked.")
@click.option("--detail", metavar="TEXT", help="What needs clarifying.")
@click.option(
    "--late",
    is_flag=True,
    help="Record a notice given after its time; it has no effect on the clock.",
)
@today_option
@by_option
@json_option
@with_register
def request_clarify(
    reg: Register,
    reference: str,
    sent: str,
    detail: str | None,
    late: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """s.1(3): clarification asked for; the clock stops until it arrives. Subject access: the
    month pauses (UK GDPR Art 12A). EIR: asked after 20 working days (reg 9(2)), it is refused
    unless --late, which records it without any effect on the clock.

    \b
    Example:
        foikit request clarify FOI-2021-0001 --sent 2021-06-08 --detail "Which years?"
    """
    from foikit.casework.lifecycle import clarify

    clarify(
        reg,
        actor(by),
        reference,
        sent=parse_date(sent, "date sent"),
        detail=detail,
        today=optional_date(today, "date for today"),
        late=late,
    )
    show_clock(reg, reference, today, as_json)


@request.command("clarified")
@click.argument("reference")
@click.option("--received", required=True, metavar="YYYY-MM-DD", help="When it arrived.")
@click.option("--detail", metavar="TEXT", help="What the requester said.")
@today_option
@by_option
@json_option
@with_register
def request_clarified(
    reg: Register,
    reference: str,
    received: str,
    detail: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """The clarification arrived: 20 working days run afresh from its receipt.

    \b
    Example:
        foikit request clarified FOI-2021-0001 --received 2021-06-14
    """
    from foikit.casework.lifecycle import clarified

    clarified(
        reg,
        actor(by),
        reference,
        received=parse_date(received, "date received"),
        detail=detail,
        today=optional_date(today, "date for today"),
    )
    show_clock(reg, reference, today, as_json)


@request.command("fee")
@click.argument("reference")
@click.option("--sent", required=True, metavar="YYYY-MM-DD", help="When the notice was given.")
@click.option("--amount", metavar="GBP", help="The fee in pounds, e.g. 12.50 (required).")
@click.option("--detail", metavar="TEXT", help="How to pay; what the fee covers.")
@click.option(
    "--late",
    is_flag=True,
    help="Record a notice given after its time; it has no effect on the clock.",
)
@today_option
@by_option
@json_option
@with_register
def request_fee(
    reg: Register,
    reference: str,
    sent: str,
    amount: str | None,
    detail: str | None,
    late: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """s.9 fees notice: the working days until the fee arrives are disregarded (s.10(2)).

    The notice states the fee and is given within the time for compliance (s.9(1); EIR reg 8
    within 20 working days): a late one is refused unless --late, which records it without
    any effect on the clock.

    \b
    Example:
        foikit request fee FOI-2021-0001 --sent 2021-06-09 --amount 12.50
    """
    from foikit.casework.lifecycle import fee

    fee(
        reg,
        actor(by),
        reference,
        sent=parse_date(sent, "date sent"),
        amount=amount,
        detail=detail,
        today=optional_date(today, "date for today"),
        late=late,
    )
    show_clock(reg, reference, today, as_json)


@request.command("fee-paid")
@click.argument("reference")
@click.option("--paid", required=True, metavar="YYYY-MM-DD", help="When the fee arrived.")
@today_option
@by_option
@json_option
@with_register
def request_fee_paid(
    reg: Register, reference: str, paid: str, today: str | None, by: str | None, as_json: bool
) -> None:
    """The fee arrived; the clock runs again.

    \b
    Example:
        foikit request fee-paid FOI-2021-0001 --paid 2021-06-16
    """
    from foikit.casework.lifecycle import fee_paid

    fee_paid(
        reg,
        actor(by),
        reference,
        paid=parse_date(paid, "date paid"),
        today=optional_date(today, "date for today"),
    )
    show_clock(reg, reference, today, as_json)


@request.command("extend")
@click.argument("reference")
@click.option(
    "--reason",
    required=True,
    metavar="R",
    help="public-interest (FOIA s.10(3)) or complex (EIR reg 7, subject access).",
)
@click.option(
    "--days",
    metavar="N",
    help="Working days past the original due date (public-interest; default 20).",
)
@click.option("--on", "on", metavar="YYYY-MM-DD", help="When the requester was told.")
@click.option("--detail", metavar="TEXT", help="The exemption being considered, and why.")
@click.option(
    "--late",
    is_flag=True,
    help="Record a notice given after its time; it has no effect on the clock.",
)
@today_option
@by_option
@json_option
@with_register
def request_extend(
    reg: Register,
    reference: str,
    reason: str,
    days: str | None,
    on: str | None,
    detail: str | None,
    late: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Extend the time for compliance. A public interest extension keeps the s.17(2) notice
    due on the original date, and is at most 20 working days. Told after the date in force,
    it is refused unless --late, which records it without any effect on the clock.

    \b
    Example:
        foikit request extend FOI-2021-0001 --reason public-interest --detail "s.31(1)(a)"
        foikit request extend EIR-2021-0003 --reason complex
    """
    from foikit.casework.lifecycle import extend

    extend(
        reg,
        actor(by),
        reference,
        reason=reason,
        days=count(days, "--days", 1),
        detail=detail,
        on=optional_date(on, "date of the extension"),
        today=optional_date(today, "date for today"),
        late=late,
    )
    show_clock(reg, reference, today, as_json)
