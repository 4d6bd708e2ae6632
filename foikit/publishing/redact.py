"""The personal-data scan run on every text the disclosure log publishes.

A requester's words often carry their own name, email and address ("please reply to Jane Doe,
12 Acacia Avenue"), and answers sometimes quote a private phone number. Before anything is
published each text field is scanned for:

- the requester's full name and its sensible parts (the surname, the forename with the surname's
  initial dropped, hyphenated parts), case-insensitive and as whole words;
- the requester's email address and phone number, and every part of their address and its
  postcode, except parts naming a public place the log is about (a CSP's area such as
  "Birmingham", the region): redacting "Birmingham" everywhere would wreck the log;
- any other email address or UK phone number, unless it is a published contact: the office's, the
  ICO's helpline, or a Community Safety Partnership's published email.

Every hit becomes `[redacted]`. All patterns are matched on the original text and overlapping
spans merged, so an email address is redacted whole even when it contains the surname.
Pure functions: no database, no settings lookups; `disclosure.publish` gathers the inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

REDACTED = "[redacted]"

# Honorifics and particles are not names on their own: never redact "Mr" or "van" by itself.
_NOT_A_NAME = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "cllr",
    "councillor",
    "the",
    "and",
    "of",
    "van",
    "von",
    "de",
    "der",
    "la",
    "le",
    "du",
    "da",
    "di",
    "st",
}

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.UNICODE)
# A UK number: 0 or +44 (optionally "(0)"), then 9 or 10 more digits, spaces, dots or hyphens
# between groups, and brackets around an area code: 0121 626 6060, (0121) 626-6060,
# +44 (0)7700 900123, 07700900123.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s.\-()]{0,2}\d){8,9}(?!\d)",
)
# A UK postcode (outward and inward codes); used to spot the postcode line of an address.
POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found in a text: what kind, and the text that was there."""

    kind: str  # name | email | phone | address | postcode | staff
    found: str
    start: int
    end: int


@dataclass(frozen=True)
class Requester:
    """What the scan looks for: the requester's own details (any may be missing)."""

    name: str | None = None
    email: str | None = None
    address: tuple[str, ...] = ()
    phone: str | None = None

    @classmethod
    def from_mapping(cls, data: dict | None) -> Requester:
        if not data:
            return cls()
        address = data.get("address") or ()
        if isinstance(address, str):
            address = tuple(line for line in address.splitlines() if line.strip())
        return cls(
            name=data.get("name") or None,
            email=data.get("email") or None,
            address=tuple(address),
            phone=data.get("phone") or None,
        )


@dataclass(frozen=True)
class PublishedContacts:
    """Emails and phone numbers that may appear in the log: published contacts of public bodies."""

    emails: frozenset[str] = field(default_factory=frozenset)
    phones: frozenset[str] = field(default_factory=frozenset)  # digits only, national form

    @classmethod
    def of(cls, emails: Iterable[str | None], phones: Iterable[str | None]) -> PublishedContacts:
        return cls(
            frozenset(e.strip().lower() for e in emails if e and e.strip()),
            frozenset(normalise_phone(p) for p in phones if p and normalise_phone(p)),
        )


def normalise_phone(text: str) -> str:
    """Digits only, +44 written as a leading 0: `+44 (0)121 626 6060` -> `01216266060`."""
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+44"):
        digits = digits[2:]
        if not digits.startswith("0"):
            digits = "0" + digits
    return digits


def _words_pattern(phrase: str) -> re.Pattern[str] | None:
    """A whole-word, case-insensitive pattern for a phrase, any run of spaces between words."""
    words = phrase.split()
    if not words:
        return None
    body = r"[\s,]+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def name_variants(name: str) -> list[str]:
    """The forms of a name worth redacting: the whole, forename + surname, the surname, parts
    of a hyphenated surname. Honorifics, initials and one-letter parts are left alone."""
    cleaned = re.sub(r"[^\w\s'\-]", " ", name)
    parts = [p for p in cleaned.split() if p.lower().rstrip(".") not in _NOT_A_NAME]
    variants = [name.strip()]
    if parts:
        variants.append(" ".join(parts))
        if len(parts) > 1:
            variants.append(f"{parts[0]} {parts[-1]}")
            # The surname alone (the usual way a requester is referred to: "Mr Smith").
            variants.append(parts[-1])
            variants.extend(p for p in parts[-1].split("-") if len(p) > 1)
        elif len(parts[0]) > 1:
            variants.append(parts[0])
    seen: list[str] = []
    for v in variants:
        if len(v) > 1 and v.lower() not in (s.lower() for s in seen):
            seen.append(v)
    # Longest first, so "Jane Doe" is reported as one name rather than a surname.
    return sorted(seen, key=len, reverse=True)


# Places the log talks about: an address part naming one of these is left in the text.
DEFAULT_PLACES = ("West Midlands", "England", "Wales", "Scotland", "United Kingdom", "UK")


def address_parts(
    lines: Iterable[str], places: Iterable[str] = DEFAULT_PLACES
) -> tuple[list[str], list[str]]:
    """Split an address into (parts to redact, postcodes). Lines are also split at commas, so a
    one-line address works. A part that is a known public place (a CSP's area, the region) is
    kept: it identifies a place the log is about, not a person. Any other part, a district
    or village included, is redacted: better a lost place name than a found street."""
    known = {p.strip().lower() for p in places if p and p.strip()}
    parts = [
        part.strip()
        for line in lines
        if line
        for part in re.split(r"[,|;\n]", line)
        if part.strip()
    ]
    postcodes: list[str] = []
    street: list[str] = []
    for part in parts:
        found = POSTCODE_RE.findall(part)
        postcodes.extend(f"{a} {b}".upper() for a, b in found)
        rest = POSTCODE_RE.sub("", part).strip(" ,.")
        if rest and rest.lower() not in known:
            street.append(rest)
    return street, postcodes


@dataclass(frozen=True)
class Scanner:
    """The compiled patterns for one requester; `scan(text)` finds, `redact(text)` replaces."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    allowed: PublishedContacts
    own_phone: str | None

    @classmethod
    def for_requester(
        cls,
        requester: Requester,
        allowed: PublishedContacts,
        staff: Iterable[str] = (),
        places: Iterable[str] = DEFAULT_PLACES,
    ) -> Scanner:
        """Patterns for the requester's details, and for staff names (whole names only: a
        disclosure log names no officer below senior level)."""
        patterns: list[tuple[str, re.Pattern[str]]] = []
        if requester.email:
            pattern = _words_pattern(requester.email)
            if pattern:
                patterns.append(("email", pattern))
        street, postcodes = address_parts(requester.address, places)
        for pc in postcodes:
            outward, inward = pc.split()
            patterns.append(
                (
                    "postcode",
                    re.compile(rf"(?<!\w){re.escape(outward)}\s*{re.escape(inward)}(?!\w)", re.I),
                )
            )
        for line in sorted(street, key=len, reverse=True):
            pattern = _words_pattern(line)
            if pattern:
                patterns.append(("address", pattern))
        if requester.name:
            for variant in name_variants(requester.name):
                pattern = _words_pattern(variant)
                if pattern:
                    patterns.append(("name", pattern))
        for name in sorted(staff, key=len, reverse=True):
            pattern = _words_pattern(name)
            if pattern:
                patterns.append(("staff", pattern))
        own_phone = normalise_phone(requester.phone) if requester.phone else None
        return cls(tuple(patterns), allowed, own_phone or None)

    def scan(self, text: str | None) -> list[Hit]:
        """Every piece of personal data in the text, overlapping hits merged, in order."""
        if not text:
            return []
        hits: list[Hit] = []
        for m in EMAIL_RE.finditer(text):
            if m.group(0).lower().rstrip(".") not in self.allowed.emails:
                hits.append(Hit("email", m.group(0), m.start(), m.end()))
        for m in PHONE_RE.finditer(text):
            number = normalise_phone(m.group(0))
            if number == self.own_phone or number not in self.allowed.phones:
                hits.append(Hit("phone", m.group(0), m.start(), m.end()))
        for kind, pattern in self.patterns:
            for m in pattern.finditer(text):
                hits.append(Hit(kind, m.group(0), m.start(), m.end()))
        return _merge(text, hits)

    def redact(self, text: str | None) -> tuple[str | None, list[Hit]]:
        """The text with each hit replaced by `[redacted]`, and the hits."""
        hits = self.scan(text)
        if not hits or text is None:
            return text, hits
        out: list[str] = []
        pos = 0
        for hit in hits:
            out.append(text[pos : hit.start])
            out.append(REDACTED)
            pos = hit.end
        out.append(text[pos:])
        return "".join(out), hits


def _merge(text: str, hits: list[Hit]) -> list[Hit]:
    """Overlapping spans become one hit, named by the widest match."""
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if merged and hit.start < merged[-1].end:
            last = merged[-1]
            if hit.end > last.end:
                merged[-1] = Hit(last.kind, text[last.start : hit.end], last.start, hit.end)
            continue
        merged.append(hit)
    return merged


def only_redactions(text: str) -> bool:
    """True when nothing but `[redacted]` and punctuation is left: the field says nothing."""
    return not re.search(r"\w", text.replace(REDACTED, ""))
