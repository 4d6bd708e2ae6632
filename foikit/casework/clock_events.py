"""The clock events of a request: clarification (s.1(3)), fees (s.9), extensions (s.10(3),
s.17(2)); split from foikit.casework.lifecycle, which re-exports them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from foikit.casework.change import changing
from foikit.casework.common import (
    as_date,
    check_not_future,
    check_text,
    iso,
    resolve_today,
)
from foikit.errors import (
    InvalidDate,
    InvalidRequest,
)
from foikit.law import exemptions as exemption_registry

if TYPE_CHECKING:
    from foikit.register.core import Register


class InvalidClockEvent(InvalidRequest):
    """A clarification, fee or extension that cannot be recorded."""


# -- the clock --------------------------------------------------------------------------------


def _clock_event(
    reg: Register,
    actor: str,
    reference: str,
    kind: str,
    day: dt.date | None,
    *,
    today: dt.date,
    amount: float | None = None,
    days: int | None = None,
    reason: str | None = None,
    detail: str | None = None,
    expected_version: int | None = None,
    late: bool = False,
) -> None:
    check_text(f"{kind} details", detail, reason)
    if day is not None:
        check_not_future(day, today, f"{kind} date")
    with changing(
        reg,
        actor,
        reference,
        expected_version=expected_version,
        doing=f"record a {kind}",
        recompute_due=True,
    ) as change:
        tx, row = change.tx, change.row
        if day is not None:
            if day < dt.date.fromisoformat(row["received"]):
                raise InvalidDate(
                    f"the {kind} date {day.isoformat()} is before the request was received "
                    f"({row['received']})"
                )
            change.calendar.check(day)
        tx.insert(
            "clock_events",
            {
                "request_id": row["id"],
                "kind": kind,
                "date": iso(day),
                "amount": amount,
                "days": days,
                "reason": reason,
                "detail": detail if detail and detail.strip() else None,
                "created_at": tx.at,
                "late": 1 if late else 0,
            },
            request_id=row["id"],
            action=kind,
        )


def clarify(
    reg: Register,
    actor: str,
    reference: str,
    *,
    sent: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
    late: bool = False,
) -> None:
    """s.1(3): clarification asked for; the clock stops until it arrives (subject access: the
    month pauses, UK GDPR Art 12A). Under the EIR a request for particulars after 20 working
    days (reg 9(2)) is refused, or with `late` recorded without effect on the clock."""
    day = as_date(sent, "date the clarification was asked for")
    _clock_event(
        reg,
        actor,
        reference,
        "clarify",
        day,
        today=resolve_today(today),
        detail=detail,
        expected_version=expected_version,
        late=late,
    )


def clarified(
    reg: Register,
    actor: str,
    reference: str,
    *,
    received: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """The clarification arrived: a fresh 20 working days from its receipt (s.10(6)(b))."""
    day = as_date(received, "date the clarification was received")
    _clock_event(
        reg,
        actor,
        reference,
        "clarified",
        day,
        today=resolve_today(today),
        detail=detail,
        expected_version=expected_version,
    )


MAX_FEE = 1_000_000  # pounds: far past any fee the regulations allow, short of overflow


def fee(
    reg: Register,
    actor: str,
    reference: str,
    *,
    sent: dt.date | str,
    amount: Decimal | float | str | None = None,
    detail: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
    late: bool = False,
) -> None:
    """s.9: a fees notice given; the days until the fee arrives are disregarded (s.10(2)).

    The notice states the fee and is given within the time for compliance (s.9(1); EIR reg 8):
    a notice without an amount is refused, and a late one too unless `late`, which records it
    without any effect on the clock."""
    day = as_date(sent, "date the fees notice was given")
    pounds: float | None = None
    if amount is None or not str(amount).strip():
        raise InvalidClockEvent(
            "a fees notice states the fee (FOIA s.9(1)): give the amount in pounds (--amount)"
        )
    if amount is not None:
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            raise InvalidClockEvent(f"the fee {amount!r} is not an amount in pounds") from None
        if not value.is_finite() or value <= 0:
            raise InvalidClockEvent(f"the fee must be more than £0, not {amount!r}")
        if value > MAX_FEE:
            raise InvalidClockEvent(f"the fee {amount!r} is more than £{MAX_FEE:,}: check it")
        if value != value.quantize(Decimal("0.01")):
            raise InvalidClockEvent(f"the fee {amount!r} has fractions of a penny")
        pounds = float(value)
    _clock_event(
        reg,
        actor,
        reference,
        "fee",
        day,
        today=resolve_today(today),
        amount=pounds,
        detail=detail,
        expected_version=expected_version,
        late=late,
    )


def fee_paid(
    reg: Register,
    actor: str,
    reference: str,
    *,
    paid: dt.date | str,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """The fee arrived; the clock runs again."""
    day = as_date(paid, "date the fee was received")
    _clock_event(
        reg,
        actor,
        reference,
        "fee-paid",
        day,
        today=resolve_today(today),
        expected_version=expected_version,
    )


def extend(
    reg: Register,
    actor: str,
    reference: str,
    *,
    reason: str,
    days: int | None = None,
    detail: str | None = None,
    on: dt.date | str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
    late: bool = False,
) -> None:
    """Extend the time for compliance: `public-interest` (FOIA s.10(3), default 20 working days
    past the original due date) or `complex` (EIR reg 7, subject access, review)."""
    from foikit.clock.rules import EXTENSION_REASONS

    if reason not in EXTENSION_REASONS:
        raise InvalidClockEvent(
            f"unknown extension reason {reason!r}: use {' or '.join(EXTENSION_REASONS)}"
        )
    if days is not None and int(days) < 1:
        raise InvalidClockEvent("an extension needs at least one working day")
    if reason == "public-interest":
        for entry in exemption_registry.sections_named(detail):
            if not entry.needs_public_interest:
                raise InvalidClockEvent(
                    f"{entry.label} is absolute (FOIA s.2(3)): there is no public interest to "
                    "consider, so no extension under s.10(3)"
                )
    today_ = resolve_today(today)
    day = as_date(on, "date of the extension") if on is not None else None
    _clock_event(
        reg,
        actor,
        reference,
        "extend",
        day,
        today=today_,
        days=None if days is None else int(days),
        reason=reason,
        detail=detail,
        expected_version=expected_version,
        late=late,
    )


# -- subject access: identity verification (UK GDPR Art 12(3), Art 12A) ---------------------------


def identity_requested(
    reg: Register,
    actor: str,
    reference: str,
    *,
    sent: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """Subject access: identity evidence asked for; the request waits for it (Art 12A). Refused
    for FOI and EIR requests, which are answered whoever makes them."""
    day = as_date(sent, "date identity evidence was asked for")
    _clock_event(
        reg,
        actor,
        reference,
        "id-requested",
        day,
        today=resolve_today(today),
        detail=detail,
        expected_version=expected_version,
    )


def identity_received(
    reg: Register,
    actor: str,
    reference: str,
    *,
    received: dt.date | str,
    detail: str | None = None,
    today: dt.date | str | None = None,
    expected_version: int | None = None,
) -> None:
    """The identity evidence arrived: the "relevant time" (Art 12A). The month runs afresh
    from that day, unlike a clarification, which adds the days paused."""
    day = as_date(received, "date the identity evidence was received")
    _clock_event(
        reg,
        actor,
        reference,
        "id-received",
        day,
        today=resolve_today(today),
        detail=detail,
        expected_version=expected_version,
    )
