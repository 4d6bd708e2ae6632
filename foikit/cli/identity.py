"""`foikit request id-requested` and `id-received`: identity verification for subject access.

While identity evidence is awaited the request waits; when it arrives (the "relevant time",
UK GDPR Art 12A) the one-month time limit runs afresh from that day (Art 12(3)). FOI and EIR
requests are refused: they are answered whoever makes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from foikit.cli.clock_events import show_clock
from foikit.cli.common import (
    actor,
    by_option,
    json_option,
    optional_date,
    parse_date,
    today_option,
    with_register,
)
from foikit.cli.requests import request

if TYPE_CHECKING:
    from foikit.register.core import Register


@request.command("id-requested")
@click.argument("reference")
@click.option(
    "--sent", required=True, metavar="YYYY-MM-DD", help="When identity evidence was asked for."
)
@click.option("--detail", metavar="TEXT", help="What evidence was asked for.")
@today_option
@by_option
@json_option
@with_register
def request_id_requested(
    reg: Register,
    reference: str,
    sent: str,
    detail: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Subject access only: identity evidence asked for; the request waits until it arrives
    (UK GDPR Art 12A). Refused for FOI and EIR requests.

    \b
    Example:
        foikit request id-requested SAR-2025-0001 --sent 2025-01-13 --detail "Photo ID"
    """
    from foikit.casework.lifecycle import identity_requested

    identity_requested(
        reg,
        actor(by),
        reference,
        sent=parse_date(sent, "date sent"),
        detail=detail,
        today=optional_date(today, "date for today"),
    )
    show_clock(reg, reference, today, as_json)


@request.command("id-received")
@click.argument("reference")
@click.option("--received", required=True, metavar="YYYY-MM-DD", help="When it arrived.")
@click.option("--detail", metavar="TEXT", help="What evidence arrived.")
@today_option
@by_option
@json_option
@with_register
def request_id_received(
    reg: Register,
    reference: str,
    received: str,
    detail: str | None,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """The identity evidence arrived: the one calendar month runs afresh from that day (the
    "relevant time", UK GDPR Art 12(3) and 12A), to the corresponding date (the month's last
    day where there is none), moved off a weekend or bank holiday.

    \b
    Example:
        foikit request id-received SAR-2025-0001 --received 2025-01-31
    """
    from foikit.casework.lifecycle import identity_received

    identity_received(
        reg,
        actor(by),
        reference,
        received=parse_date(received, "date received"),
        detail=detail,
        today=optional_date(today, "date for today"),
    )
    show_clock(reg, reference, today, as_json)
