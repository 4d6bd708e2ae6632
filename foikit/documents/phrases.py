"""What is redacted in a request's documents.

The officer's own phrases (`--redact`), the requester's name (and its sensible parts), email,
address parts and postcode, and phone number (as written and as bare digits), and the request's
own redaction phrases when the register keeps them (`foikit.publishing.redact.redaction_phrases`,
looked up by name so this works before that function exists).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError

if TYPE_CHECKING:
    from foikit.register.reader import Reader


REDACTED = "[redacted]"
MIN_PHRASE = 3


class DocumentError(FoikitError):
    """A document that cannot be attached, redacted or published, with the reason."""


def check_phrases(phrases: Iterable[str]) -> list[str]:
    """The officer's phrases, trimmed; one too short to redact safely is refused (a phrase
    of one or two characters would black out half the document)."""
    out = []
    for phrase in phrases:
        text = " ".join(phrase.split())
        if len(text) < MIN_PHRASE:
            raise DocumentError(
                f"the phrase {phrase!r} is too short to redact: give at least {MIN_PHRASE} "
                "characters"
            )
        out.append(text)
    return out


def requester_phrases(requester: dict[str, Any] | None) -> list[str]:
    """The requester's details as they might appear in a document."""
    from foikit.publishing.redact import (
        address_parts,
        name_parts,
        name_variants,
        normalise_phone,
    )

    if not requester:
        return []
    found: list[str] = []
    if requester.get("name"):
        found += name_variants(str(requester["name"]))
        # The surname alone (and the pieces of a hyphenated one): "Notes Quartermaine".
        parts = name_parts(str(requester["name"]))
        if len(parts) > 1:
            surname = parts[-1]
            pieces = [surname, *surname.split("-")] if "-" in surname else [surname]
            found += [p for p in pieces if len(p) >= MIN_PHRASE]
    if requester.get("email"):
        found.append(str(requester["email"]))
    if requester.get("address"):
        street, postcodes = address_parts(str(requester["address"]).split("\n"))
        found += street + postcodes
    if requester.get("phone"):
        phone = str(requester["phone"]).strip()
        digits = normalise_phone(phone)
        found.append(phone)
        if len(digits) >= 10:
            found.append(digits)
            # The usual written forms: 0121 496 0000 and 07700 900123.
            found.append(f"{digits[:4]} {digits[4:7]} {digits[7:]}")
            found.append(f"{digits[:5]} {digits[5:]}")
    return [p for p in found if len(p.strip()) >= 2]


def phrases_for(reg: Reader, request_id: int, extra: Iterable[str] = ()) -> list[str]:
    """Every phrase to redact in a document of this request, longest first, no repeats."""
    from foikit.publishing import redact

    requester = reg.one(
        "SELECT p.* FROM requesters p JOIN requests r ON r.requester_id = p.id WHERE r.id = ?",
        (request_id,),
    )
    found = list(extra) + requester_phrases(requester)
    own = getattr(redact, "redaction_phrases", None)
    if callable(own):
        found += [str(p) for p in own(reg, request_id) or () if p]
    return unique_longest_first(found)


def unique_longest_first(phrases: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for phrase in phrases:
        text = " ".join(str(phrase).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return sorted(seen.values(), key=len, reverse=True)


def pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, any run of white space between words."""
    return re.compile(r"\s+".join(re.escape(w) for w in phrase.split()), re.IGNORECASE)


def normalised(text: str) -> str:
    """Text for the verification: case folded, white space runs as one space."""
    return " ".join(text.split()).casefold()


def still_there(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that can still be read in `text` (the verification after redacting)."""
    flat = normalised(text)
    squeezed = flat.replace(" ", "")
    left = []
    for phrase in phrases:
        p = normalised(phrase)
        if p in flat or (len(p) >= 6 and p.replace(" ", "") in squeezed):
            left.append(phrase)
    return left


def redact_text(text: str, phrases: Iterable[str]) -> tuple[str, int]:
    """`text` with every phrase replaced by [redacted], and how many were."""
    count = 0
    for phrase in phrases:
        text, n = pattern(phrase).subn(REDACTED, text)
        count += n
    return text, count
