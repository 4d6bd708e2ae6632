"""The requester: a name and an address for correspondence (FOIA s.8(1)(b)).

Kept apart from the request so that retention can anonymise it and the disclosure log never
touches it. Text is stored exactly as given; only the email address is normalised.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foikit.casework.common import touch
from foikit.errors import InvalidRequest

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


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


def validated_email(text: str) -> str:
    """The email validator's own answer: the address normalised, or InvalidRequester."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise InvalidRequester(f"the email address {text!r} is not valid: {e}") from None


# A dot-atom local part of plain ASCII, which the email validator returns unchanged (RFC 5322).
_PLAIN_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)


@functools.lru_cache(maxsize=4096)
def _normalised_domain(domain: str) -> str:
    return validated_email(f"a@{domain}").rpartition("@")[2]


def normalise_email(text: str) -> str:
    """A syntactically valid email address, normalised (domain lower-cased, IDNA), no DNS.

    The validator's answer (`validated_email`), with the domain checked once per domain (most
    of the validator's time; an import of 100,000 rows has a few hundred domains): anything
    but a plain ASCII local part, and any failure, goes to the validator itself, so the result
    and the error are always its own (tests/test_import.py compares them)."""
    value = text.strip()
    local, at, domain = value.rpartition("@")
    if at and len(local.encode()) <= 64 and _PLAIN_LOCAL.match(local):
        try:
            address = f"{local}@{_normalised_domain(domain)}"
        except InvalidRequester:
            return validated_email(text)
        if len(address) <= 254:
            return address
    return validated_email(text)


def address_lines(address: Sequence[str] | str | None) -> list[str]:
    """Postal address lines: each value is split on newlines and on `|`; blank lines dropped."""
    if address is None:
        return []
    given = [address] if isinstance(address, str) else list(address)
    lines: list[str] = []
    for value in given:
        if not isinstance(value, str):
            raise InvalidRequester(f"address lines must be text, not {value!r}")
        # An address typed on one line with `|` between its lines, or pasted with newlines.
        lines.extend(part.strip() for chunk in value.splitlines() for part in chunk.split("|"))
    return [line for line in lines if line]


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


# -- requesters as people ---------------------------------------------------------------------
# One record a person: a new request is matched to an existing requester by the email address
# (case-folded), else by name and postal address together (case, spacing and punctuation
# ignored), never by name alone: two people may share a name.


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def match_keys(
    name: str | None, email: str | None, address: Sequence[str] | str | None
) -> tuple[str | None, str | None]:
    """(email_key, post_key) of a requester: what finds the same person again."""
    email_key = email.strip().casefold() if email and email.strip() else None
    lines = address_lines(address)
    post_key = None
    if name and _squash(name) and lines:
        post_key = _squash(name) + "|" + "|".join(_squash(line) for line in lines)
    return email_key, post_key


def find_requester(conn: sqlite3.Connection, requester: Requester) -> dict[str, Any] | None:
    """The existing, not anonymised, requester this one is: by email, else by name and address."""
    email_key, post_key = match_keys(requester.name, requester.email, requester.address)
    for column, key in (("email_key", email_key), ("post_key", post_key)):
        if key is None:
            continue
        row = conn.execute(
            f"SELECT * FROM requesters WHERE {column} = ? AND anonymised_at IS NULL"
            " ORDER BY id LIMIT 1",
            (key,),
        ).fetchone()
        if row is not None:
            return dict(row)
    return None


def requester_row(requester: Requester) -> dict[str, Any]:
    """The `requesters` row for a new person, with the keys that find them again."""
    email_key, post_key = match_keys(requester.name, requester.email, requester.address)
    return {**requester.row(), "email_key": email_key, "post_key": post_key}


def attach_requester(tx: Tx, requester: Requester, request_id: int) -> int:
    """The id of this person's record: the existing one (taking the name as now given, and
    filling in an email or address it lacked), else a new one. Inside the transaction that
    logs the request; every change to the record is audited."""
    found = find_requester(tx.conn, requester)
    if found is None:
        return int(
            tx.insert(
                "requesters",
                requester_row(requester),
                request_id=request_id,
                action="add-requester",
            )
        )
    fill: dict[str, Any] = {}
    if requester.name != found["name"]:
        fill["name"] = requester.name  # the name as they now give it (same address: same person)
    if not found["email"] and requester.email:
        fill["email"] = requester.email
    if not found["address"] and requester.address:
        fill["address"] = "\n".join(requester.address)
    if fill:
        merged = Requester(
            requester.name,
            fill.get("email", found["email"]),
            address_lines(fill.get("address", found["address"])),
        )
        email_key, post_key = match_keys(merged.name, merged.email, merged.address)
        fill.update(email_key=email_key, post_key=post_key)
        tx.update("requesters", found["id"], fill, request_id=request_id, action="update-requester")
    return int(found["id"])


class RequesterNotFound(InvalidRequest):
    """No such requester."""


def record_read(reg: Register, actor: str, table: str, row_id: Any, *, via: str) -> None:
    """Write an audit-of-read row: who looked at a person's record, when, and from where.

    Reads of personal data are audited (UK GDPR Art 5(1)(f), accountability); the rows have the
    action `read` so an audit page can list them apart from changes."""
    with reg.transaction(actor) as tx:
        tx.audit("read", table=table, row_id=row_id, new={"via": via})


def _requester_id(reg: Reader, key: str | int) -> int:
    """A requester by id, or the requester of a request given by its reference."""
    text = str(key).strip()
    if text.isdigit():
        row = reg.one("SELECT id FROM requesters WHERE id = ?", (int(text),))
    else:
        row = reg.one(
            "SELECT requester_id AS id FROM requests WHERE reference = ?", (text.upper(),)
        )
    if row is None or row["id"] is None:
        raise RequesterNotFound(
            f"no requester {text!r} in the register (give an id or a reference)"
        )
    return int(row["id"])


def list_requesters(
    reg: Reader, *, name: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Requesters with how many requests each made and the latest date received."""
    sql = (
        "SELECT p.id, p.name, p.email, p.address, p.anonymised_at, COUNT(r.id) AS requests,"
        " MAX(r.received) AS last_received FROM requesters p"
        " LEFT JOIN requests r ON r.requester_id = p.id"
    )
    params: list[Any] = []
    if name:
        sql += " WHERE p.name LIKE ? OR p.email LIKE ?"
        params += [f"%{name}%", f"%{name}%"]
    sql += " GROUP BY p.id ORDER BY last_received DESC, p.id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        {
            **(from_row(r) or {}),
            "id": r["id"],
            "requests": r["requests"],
            "last_received": r["last_received"],
            "anonymised": r["anonymised_at"] is not None,
        }
        for r in reg.query(sql, params)
    ]


def show_requester(reg: Register, key: str | int, *, actor: str, via: str) -> dict[str, Any]:
    """One person and all their requests; the read is audited."""
    rid = _requester_id(reg, key)
    row = reg.one("SELECT * FROM requesters WHERE id = ?", (rid,))
    requests = reg.query(
        "SELECT reference, subject, received, status, outcome, responded, due FROM requests"
        " WHERE requester_id = ? ORDER BY received, reference",
        (rid,),
    )
    record_read(reg, actor, "requesters", rid, via=via)
    return {
        "id": rid,
        **(from_row(row) or {}),
        "anonymised": row is not None and row["anonymised_at"] is not None,
        "requests": requests,
    }


def merge_requesters(
    reg: Register, actor: str, keep: str | int, other: str | int
) -> dict[str, Any]:
    """Make two records of one person one: `other`'s requests move to `keep`, details `keep`
    lacks are taken from `other`, and `other` is deleted; all in one audited transaction."""
    keep_id, other_id = _requester_id(reg, keep), _requester_id(reg, other)
    if keep_id == other_id:
        raise InvalidRequester(f"requester {keep_id} and {other} are the same record")
    with reg.transaction(actor) as tx:
        rows = {
            r["id"]: r
            for r in reg.query("SELECT * FROM requesters WHERE id IN (?, ?)", (keep_id, other_id))
        }
        if any(r["anonymised_at"] for r in rows.values()):
            raise InvalidRequester("an anonymised requester cannot be merged")
        kept, gone = rows[keep_id], rows[other_id]
        moved = [
            r["id"]
            for r in reg.query("SELECT id FROM requests WHERE requester_id = ?", (other_id,))
        ]
        for request_id in moved:
            touch(tx, request_id, {"requester_id": keep_id}, action="merge-requester")
        fill = {k: gone[k] for k in ("email", "address", "phone") if not kept[k] and gone[k]}
        if fill:
            merged = {**kept, **fill}
            email_key, post_key = match_keys(merged["name"], merged["email"], merged["address"])
            fill.update(email_key=email_key, post_key=post_key)
            tx.update("requesters", keep_id, fill, action="merge-requester")
        tx.delete("requesters", other_id, action="merge-requester")
    return {"kept": keep_id, "merged": other_id, "requests_moved": len(moved)}
