"""The requester: a name and an address for correspondence (FOIA s.8(1)(b)).

Kept apart from the request so that retention can anonymise it and the disclosure log never
touches it. Text is stored exactly as given; only the email address is normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from foikit.errors import InvalidRequest


class InvalidRequester(InvalidRequest):
    """The requester's name or address for correspondence cannot be accepted."""


@dataclass(frozen=True)
class Requester:
    name: str
    email: str | None = None
    address: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "address": list(self.address)}

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "email": self.email,
            "address": "\n".join(self.address) if self.address else None,
        }


def normalise_email(text: str) -> str:
    """A syntactically valid email address, normalised (domain lower-cased, IDNA), no DNS."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise InvalidRequester(f"the email address {text!r} is not valid: {e}") from None


def address_lines(address: Sequence[str] | str | None) -> list[str]:
    """Postal address lines. A single string is split on newlines; blank lines are dropped."""
    if address is None:
        return []
    lines = address.splitlines() if isinstance(address, str) else list(address)
    for line in lines:
        if not isinstance(line, str):
            raise InvalidRequester(f"address lines must be text, not {line!r}")
    return [line for line in lines if line.strip()]


def make_requester(
    name: str | None,
    email: str | None = None,
    address: Sequence[str] | str | None = None,
) -> Requester:
    """Validate a requester: FOIA s.8 needs a name and an email or postal address."""
    if name is None or not name.strip():
        raise InvalidRequester(
            "a request needs the requester's name (FOIA s.8(1)(b)): give --requester-name"
        )
    lines = address_lines(address)
    normalised = normalise_email(email) if email is not None and email.strip() else None
    if normalised is None and not lines:
        raise InvalidRequester(
            "a request needs an address for correspondence (FOIA s.8(1)(b)): "
            "give --requester-email or --requester-address"
        )
    return Requester(name, normalised, lines)


def from_row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The requester as letters use it: {"name", "email", "address": [lines]}."""
    if row is None:
        return None
    return {
        "name": row["name"],
        "email": row["email"],
        "address": (row["address"] or "").split("\n") if row["address"] else [],
    }
