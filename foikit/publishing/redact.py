"""The personal-data scan run on every text the public may see.

A requester's words often carry their own name, email, address and phone ("I am Kieran Walsh,
3 Elm Close, DY1 1AA, tel 0044 7700 900123"), answers sometimes name a constable, and officers
write colleagues' names in full. Every text is scanned for:

- the requester's name: the whole, forename and surname, initials with the surname (`K. Walsh`),
  and each part alone (single words match when written Capitalised or in CAPITALS, so the name
  `Rose` does not take out the flower);
- every line of the requester's address, also without its house or flat number, and any full UK
  postcode, except the published addresses of the office and the ICO; address parts naming a
  public place the log is about (a CSP's area, the region) are kept;
- email addresses, also spelled out (`zeb dot quill at canary dot example`, `jo(at)x.org`),
  unless a published contact (the office's, a CSP's);
- phone numbers in every UK and international form, found by Google's libphonenumber (the
  `phonenumbers` package), unless a published contact (the office's, the ICO helpline);
- staff names: each user's login and the name it spells (`olwen.marchbank`, `Olwen
  Marchbank`), a full-name column where the users table has one, and the request's handler,
  answerers and reviewers (the configured signatory excepted: the letters name them);
- the officer's redaction rules for this request (`foikit request redact REF PHRASE`): third
  parties withheld under s.40(2), and anything else.

Every hit becomes `[redacted]`. All patterns are matched on the original text and overlapping
spans merged. A titled name that is none of the above (`PC Davies`) is reported as doubtful, and
the request is held back until an officer redacts it or approves it (`--keep`).

`Scanner` is pure; `policy_for(reg, ...)` gathers its inputs from the register, and
`redaction_phrases(reg, request_id)` gives the phrases other public outputs (released documents)
must redact.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import phonenumbers

from foikit.law.regimes import REGIMES
from foikit.publishing.lazy import LazyPattern, Source

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


REDACTED = "[redacted]"

# Honorifics and particles are not names on their own: never redact "Mr" or "van" by itself.
_NOT_A_NAME = {
    *("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord"),
    *("lady", "rev", "revd", "cllr", "councillor", "the", "and", "of", "van", "von", "de"),
    *("der", "la", "le", "du", "da", "di", "st"),
}

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.UNICODE)
# Spelled-out addresses: "zeb dot quill at canary dot example", "jo [at] x [dot] org",
# "jo(at)x.org", "jo @ x.org". Kept only when the "at" is bracketed or spaced round an @, or
# the domain spells a "dot": "look at data.gov" is English, not an address.
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s+@\s*|\s*@\s+)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_PART = r"[A-Za-z0-9_+-]+"
OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.]){_PART}(?:{_DOT}{_PART})*(?P<at>{_AT})(?P<domain>{_PART}(?:{_DOT}{_PART})+)",
    re.IGNORECASE,
)
# Only text with one of these (or an @ with a space beside it) can hold a spelled-out address.
_SPELLED_HINT_RE = re.compile(r"\bdot\b|[\[({<]\s*at\s*[\])}>]", re.IGNORECASE)
# A run of at least nine digits with the separators phone numbers are written with: only such
# text goes to libphonenumber (the matcher is slow, and most text has no phone number at all).
PHONE_CANDIDATE_RE = re.compile(r"\d(?:[\s().\-/]{0,3}\d){8,}")
# What libphonenumber's lenient matcher also takes for a number: dates and financial years.
_NOT_A_PHONE_RE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
# A request's own reference (`EIR-2017-000123`: regime prefix, year, number) holds ten digits
# that libphonenumber reads as a phone number; the digits after the prefix are never one.
_REFERENCE_TAIL_RE = re.compile(
    r"\b(?:" + "|".join(sorted({r.prefix for r in REGIMES.values()})) + r")-$",
    re.IGNORECASE,
)
# A full UK postcode (outward and inward codes).
POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
# A name after a title: redacted when known, held back for an officer when not.
TITLED_NAME_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|PC|DC|DS|DI|DCI|PCSO|Sgt|Sergeant|Insp|Inspector|Constable"
    r"|Cllr|Councillor|Supt|Superintendent)\.?\s+(?:[A-Z]\.?\s+)?[A-Z][a-z][\w'’-]*"
    r"(?:\s+[A-Z][a-z][\w'’-]*)?"
)
_TITLE_HINT_RE = re.compile(
    r"\b(?:M[rsx]|Mrs|Miss|Dr|[PD][CSI]|DCI|PCSO|Sgt|Serg|Insp|Const|Cllr|Counc|Supt|Super)"
)
_BRACKETS = frozenset("[({<")
_TWO_DIGITS_RE = re.compile(r"[0-9][^0-9]*[0-9]")
_HOUSE_NUMBER_RE = re.compile(
    r"^(?:(?:flat|apartment|apt|unit|house)\s+)?\d+[a-z]?(?:\s*[-/]\s*\d+[a-z]?)?\s*,?\s+", re.I
)
DEFAULT_REGION = "GB"


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found in a text: what kind, and the text that was there."""

    kind: str  # name | email | phone | address | postcode | staff | rule
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
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Requester:
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


def normalise_phone(text: str) -> str:
    """One form for a phone number however written: E.164 (`+441216266060`) when
    libphonenumber can read it (UK numbers by default), else its digits."""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class PublishedContacts:
    """Contacts that may appear in the log: published contacts of public bodies."""

    emails: frozenset[str] = field(default_factory=frozenset)
    phones: frozenset[str] = field(default_factory=frozenset)  # normalise_phone forms
    postcodes: frozenset[str] = field(default_factory=frozenset)  # "B4 6NQ"

    @classmethod
    def of(
        cls,
        emails: Iterable[str | None],
        phones: Iterable[str | None],
        addresses: Iterable[str | None] = (),
    ) -> PublishedContacts:
        postcodes = {
            f"{a} {b}".upper() for text in addresses if text for a, b in POSTCODE_RE.findall(text)
        }
        return cls(
            frozenset(e.strip().lower() for e in emails if e and e.strip()),
            frozenset(normalise_phone(p) for p in phones if p and normalise_phone(p)),
            frozenset(postcodes),
        )


def _flexible(word: str) -> str:
    """A word as a pattern: either apostrophe, any hyphen."""
    return re.sub(r"\\?['’]", "['’]", re.escape(word))


def _words_body(phrase: str) -> str | None:
    words = phrase.split()
    return r"[\s,]+".join(_flexible(w) for w in words) if words else None


def _words_source(phrase: str) -> Source | None:
    body = _words_body(phrase)
    if body is None:
        return None
    return Source(rf"(?<!\w){body}(?!\w)", re.IGNORECASE, tuple(phrase.split()))


def _words_pattern(phrase: str) -> re.Pattern[str] | None:
    """A whole-word, case-insensitive pattern for a phrase, any run of spaces between words."""
    source = _words_source(phrase)
    return None if source is None else source.compile()


@dataclass(frozen=True)
class StaffPatterns:
    """The staff names' patterns (longest name first), made once per run rather than once per
    request (`staff_patterns`), with two ways to know a text holds none of them, so that their
    own patterns run only on a text that may: `needles` (each name's words; None unless all
    are ASCII) for an ASCII text, else `combined`, one pattern of them all (each name's pattern
    is one of its alternatives, tried at every place)."""

    patterns: tuple[tuple[str, LazyPattern], ...]
    combined: re.Pattern[str] | None
    needles: tuple[tuple[str, ...], ...] | None

    def may_be_in(self, text: str, ascii_lower: str | None) -> bool:
        if not self.patterns:
            return False
        if ascii_lower is not None and self.needles is not None:
            return any(all(n in ascii_lower for n in words) for words in self.needles)
        return self.combined is None or self.combined.search(text) is not None


@functools.lru_cache(maxsize=16)
def staff_patterns(names: tuple[str, ...]) -> StaffPatterns:
    ordered = sorted(set(names), key=len, reverse=True)
    sources = [s for s in map(_words_source, ordered) if s is not None]
    patterns = tuple(("staff", LazyPattern(s)) for s in sources)
    bodies = [b for b in map(_words_body, ordered) if b is not None]
    combined = (
        re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?!\w)", re.IGNORECASE) if bodies else None
    )
    needles = tuple(p.needles for _, p in patterns)
    plain = None if any(n is None for n in needles) else cast(tuple[tuple[str, ...], ...], needles)
    return StaffPatterns(patterns, combined, plain)


def _single_word_source(word: str) -> Source:
    forms = {word[:1].upper() + word[1:], word.upper(), word}
    body = "|".join(_flexible(f) for f in sorted(forms, key=len, reverse=True))
    return Source(rf"(?<![\w@.])(?:{body})(?![\w@])", 0, (word,))


def _single_word_pattern(word: str) -> re.Pattern[str]:
    """One name part alone: as written Capitalised or in CAPITALS, never in lower case."""
    return _single_word_source(word).compile()


def name_parts(name: str) -> list[str]:
    cleaned = re.sub(r"[^\w\s'’\-]", " ", name)
    return [p for p in cleaned.split() if p.lower().rstrip(".") not in _NOT_A_NAME]


def name_variants(name: str) -> list[str]:
    """The multi-word forms of a name worth redacting: the whole, the name without its title,
    forename + surname. Longest first."""
    parts = name_parts(name)
    variants = [name.strip()]
    if parts:
        variants.append(" ".join(parts))
        if len(parts) > 1:
            variants.append(f"{parts[0]} {parts[-1]}")
    seen: list[str] = []
    for v in variants:
        if len(v) > 1 and v.lower() not in (s.lower() for s in seen):
            seen.append(v)
    return sorted(seen, key=len, reverse=True)


def single_name_parts(name: str) -> list[str]:
    """Each part of a name that may be written alone: forenames, surname, hyphenated pieces."""
    parts = name_parts(name)
    found: list[str] = []
    for part in parts:
        pieces = [part, *part.split("-")] if "-" in part else [part]
        found.extend(p for p in pieces if len(p) > 1 and p not in found)
    return found


def _initials_source(name: str) -> Source | None:
    parts = name_parts(name)
    if len(parts) < 2:
        return None
    first = re.escape(parts[0][0].upper())
    surname = _flexible(parts[-1])
    return Source(
        rf"(?<!\w){first}\.?(?:\s*[A-Z]\.?)*\s*{surname}(?!\w)",
        re.IGNORECASE,
        (parts[0][0], parts[-1]),
    )


def initials_pattern(name: str) -> re.Pattern[str] | None:
    """Initials with the surname: `K Walsh`, `K. Walsh`, `K.J. Walsh`, `KJ Walsh`."""
    source = _initials_source(name)
    return None if source is None else source.compile()


def staff_forms(login: str) -> list[str]:
    """A user's login and the name it spells: `olwen.marchbank` -> `Olwen Marchbank`."""
    forms = [login]
    words = [w for w in re.split(r"[._\-\s]+", login) if w]
    if len(words) > 1 and all(w.isalpha() for w in words):
        forms.append(" ".join(w.capitalize() for w in words))
    return forms


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


def street_variants(part: str) -> list[str]:
    """An address line, and the street without its house or flat number (`3 Elm Close` ->
    `Elm Close`) when what is left is more than one word."""
    variants = [part]
    bare = _HOUSE_NUMBER_RE.sub("", part).strip()
    if bare and bare != part and len(bare.split()) > 1:
        variants.append(bare)
    return variants


@dataclass(frozen=True)
class Policy:
    """Everything the scan of one request needs, gathered from the register by `policy_for`."""

    requester: Requester = field(default_factory=Requester)
    allowed: PublishedContacts = field(default_factory=PublishedContacts)
    staff: tuple[str, ...] = ()
    places: tuple[str, ...] = DEFAULT_PLACES
    rules: tuple[str, ...] = ()  # the officer's redaction phrases for this request
    keep: tuple[str, ...] = ()  # names an officer approved for publication


@dataclass(frozen=True)
class Scanner:
    """The compiled patterns for one request; `scan(text)` finds, `redact(text)` replaces,
    `doubtful(text)` lists titled names nobody has decided about."""

    patterns: tuple[tuple[str, re.Pattern[str] | LazyPattern], ...]
    allowed: PublishedContacts
    phone: str | None  # the requester's own, as given (`own_phone` is it normalised)
    keep: frozenset[str] = frozenset()
    staff: StaffPatterns | None = None  # to know a text holds no staff name (staff_patterns)

    @classmethod
    def for_requester(
        cls,
        requester: Requester,
        allowed: PublishedContacts,
        staff: Iterable[str] = (),
        places: Iterable[str] = DEFAULT_PLACES,
        rules: Iterable[str] = (),
        keep: Iterable[str] = (),
    ) -> Scanner:
        policy = Policy(requester, allowed, tuple(staff), tuple(places), tuple(rules), tuple(keep))
        return cls.for_policy(policy)

    @classmethod
    def for_policy(cls, policy: Policy) -> Scanner:
        requester = policy.requester
        patterns: list[tuple[str, re.Pattern[str] | LazyPattern]] = []

        def add(kind: str, phrase: str | None) -> None:
            source = _words_source(phrase) if phrase else None
            if source is not None:
                patterns.append((kind, LazyPattern(source)))

        for phrase in sorted(policy.rules, key=len, reverse=True):
            add("rule", phrase)
        add("email", requester.email)
        street, postcodes = address_parts(requester.address, policy.places)
        for pc in postcodes:
            outward, inward = pc.split()
            pattern = rf"(?<!\w){re.escape(outward)}\s*{re.escape(inward)}(?!\w)"
            patterns.append(("postcode", LazyPattern(Source(pattern, re.I, (outward, inward)))))
        for line in sorted(street, key=len, reverse=True):
            for variant in street_variants(line):
                add("address", variant)
        if requester.name:
            for variant in name_variants(requester.name):
                add("name", variant)
            initials = _initials_source(requester.name)
            if initials is not None:
                patterns.append(("name", LazyPattern(initials)))
            for part in single_name_parts(requester.name):
                patterns.append(("name", LazyPattern(_single_word_source(part))))
        staff = staff_patterns(tuple(sorted(set(policy.staff))))
        patterns.extend(staff.patterns)
        keep = frozenset(k.strip().lower() for k in policy.keep if k.strip())
        return cls(tuple(patterns), policy.allowed, requester.phone or None, keep, staff)

    @functools.cached_property
    def own_phone(self) -> str | None:
        """The requester's phone in `normalise_phone`'s form: worked out when a text holds a
        number (libphonenumber takes longer than the rest of making the scanner)."""
        return (normalise_phone(self.phone) or None) if self.phone else None

    def _phones(self, text: str) -> list[Hit]:
        if not PHONE_CANDIDATE_RE.search(text):
            return []
        hits = []
        for m in phonenumbers.PhoneNumberMatcher(
            text, DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE
        ):
            raw = m.raw_string
            if sum(c.isdigit() for c in raw) < 9 or _NOT_A_PHONE_RE.match(raw.strip()):
                continue
            if _REFERENCE_TAIL_RE.search(text, max(0, m.start - 8), m.start) and re.fullmatch(
                r"\d{4}-\d+", raw
            ):
                continue  # the year and number of a request reference
            number = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            if number == self.own_phone or number not in self.allowed.phones:
                hits.append(Hit("phone", raw, m.start, m.end))
        return hits

    def scan(self, text: str | None) -> list[Hit]:
        """Every piece of personal data in the text, overlapping hits merged, in order."""
        if not text:
            return []
        hits: list[Hit] = []
        low = text.lower()
        if "@" in text:
            for m in EMAIL_RE.finditer(text):
                if m.group(0).lower().rstrip(".") not in self.allowed.emails:
                    hits.append(Hit("email", m.group(0), m.start(), m.end()))
        if _may_spell_an_address(text, low):
            for m in OBFUSCATED_EMAIL_RE.finditer(text):
                spelled = not re.fullmatch(r"\s+at\s+", m.group("at"), re.I)
                if spelled or re.search(r"\s+dot\s+|[\[({<]\s*dot", m.group("domain"), re.I):
                    hits.append(Hit("email", m.group(0), m.start(), m.end()))
        # A phone number needs nine digits and a postcode two ASCII ones: the regular
        # expressions that say so run in C, where counting every character did not.
        hits.extend(self._phones(text))
        for m in POSTCODE_RE.finditer(text) if _TWO_DIGITS_RE.search(text) else ():
            if f"{m.group(1)} {m.group(2)}".upper() not in self.allowed.postcodes:
                hits.append(Hit("postcode", m.group(0), m.start(), m.end()))
        ascii_lower = low if text.isascii() else None
        staff_here = self.staff is None or self.staff.may_be_in(text, ascii_lower)
        for kind, pattern in self.patterns:
            if kind == "staff" and not staff_here:
                continue  # no staff name anywhere in the text: none of their patterns can match
            found = (
                pattern.finditer(text, ascii_lower)
                if isinstance(pattern, LazyPattern)
                else pattern.finditer(text)
            )
            for m in found:
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

    def doubtful(self, redacted_text: str | None) -> list[str]:
        """Titled names left in an already redacted text that no officer has approved."""
        if not redacted_text:
            return []
        found: list[str] = []
        if not _TITLE_HINT_RE.search(redacted_text):
            return found
        for m in TITLED_NAME_RE.finditer(redacted_text):
            name = m.group(0)
            if name.lower() not in self.keep and name not in found:
                found.append(name)
        return found


def _may_spell_an_address(text: str, low: str) -> bool:
    """Whether OBFUSCATED_EMAIL_RE can find one it keeps: that takes an @ with a space beside
    it, a bracketed "at", or a "dot" word (a plain `a@b.org` is EMAIL_RE's, and " at " alone
    is English). Checked cheaply first: the matcher is costly."""
    at = text.find("@")
    while at != -1:
        if text[at - 1 : at].isspace() or text[at + 1 : at + 2].isspace():
            return True
        at = text.find("@", at + 1)
    if "dot" in low or ("at" in low and _BRACKETS.intersection(text)):
        return _SPELLED_HINT_RE.search(text) is not None
    return False


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


# -- the inputs, from the register ---------------------------------------------------------------


def published_contacts(reg: Reader) -> PublishedContacts:
    """The contacts that may appear in public: the office's email, phone and address, the ICO's
    helpline and address, and every CSP email published in the reference data (never a
    withheld one)."""
    from foikit.register.settings import get_setting

    emails = [get_setting(reg, "office.email")]
    emails += [
        r["value"]
        for r in reg.query(
            "SELECT value FROM csp_contacts"
            " WHERE kind = 'email' AND withheld = 0 AND value IS NOT NULL"
        )
    ]
    phones = [get_setting(reg, "office.phone"), get_setting(reg, "ico.helpline")]
    addresses = [get_setting(reg, "office.address"), get_setting(reg, "ico.address")]
    return PublishedContacts.of(emails, phones, addresses)


def public_places(reg: Reader) -> list[str]:
    """Places the log talks about, left in the text when they are part of an address: each
    Community Safety Partnership's area and the region."""
    return [*DEFAULT_PLACES, *(r["name"] for r in reg.query("SELECT name FROM csps"))]


def staff_names(reg: Reader, request: Mapping[str, Any] | None = None) -> list[str]:
    """Every staff name to redact: each user's login and the name it spells, a full name where
    the users table has such a column, and the people named on the request (handler,
    answerers, reviewers). The configured signatory is left: letters are signed by them."""
    from foikit.register.settings import get_setting

    columns = {d[0] for d in reg.conn.execute("SELECT * FROM users LIMIT 0").description}
    extra = [c for c in ("full_name", "display_name") if c in columns]
    names: set[str] = set()
    for row in reg.query(f"SELECT {', '.join(['name', *extra])} FROM users"):
        names.update(staff_forms(row["name"]))
        names.update(row[c] for c in extra if row[c])
    if request is not None:
        names.update(staff_names_of(request))
    signatory = get_setting(reg, "office.signatory_name").strip().lower()
    return sorted(n for n in names if n and n.strip() and n.strip().lower() != signatory)


def rule_rows(reg: Register, request_id: int) -> list[dict[str, Any]]:
    if not reg.db["redaction_rules"].exists():
        return []
    return reg.query(
        "SELECT id, phrase, action, created_by, created_at FROM redaction_rules"
        " WHERE request_id = ? ORDER BY id",
        (request_id,),
    )


def redaction_phrases(reg: Register, request_id: int) -> list[str]:
    """The phrases every public output of this request must redact: the officer's redaction
    rules, then the requester's name, email, phone and address lines. For released documents,
    which are redacted by phrase; the disclosure log and published letters use `policy_for`,
    which adds the patterns (phone numbers in any form, spelled-out emails, staff names)."""
    rules = [r["phrase"] for r in rule_rows(reg, request_id) if r["action"] == "redact"]
    row = reg.one(
        "SELECT p.name, p.email, p.phone, p.address FROM requests r"
        " JOIN requesters p ON p.id = r.requester_id WHERE r.id = ?",
        (request_id,),
    )
    phrases = list(rules)
    if row is not None:
        who = Requester.from_mapping(row)
        if who.name:
            phrases.extend(name_variants(who.name))
        phrases.extend(p for p in (who.email, who.phone) if p)
        street, postcodes = address_parts(who.address, public_places(reg))
        phrases.extend(v for line in street for v in street_variants(line))
        phrases.extend(postcodes)
    seen: list[str] = []
    for p in phrases:
        if p.strip() and p.lower() not in (s.lower() for s in seen):
            seen.append(p.strip())
    return seen


def policy_for(
    reg: Register,
    request_id: int,
    request: Mapping[str, Any] | None = None,
    *,
    allowed: PublishedContacts | None = None,
    places: Iterable[str] | None = None,
    staff: Iterable[str] | None = None,
) -> Policy:
    """The scan policy of one request, read from the register. The shared parts (`allowed`,
    `places`, `staff`) may be passed in when many requests are scanned at once."""
    from foikit.casework.requesters import from_row

    row = reg.one(
        "SELECT p.* FROM requests r JOIN requesters p ON p.id = r.requester_id WHERE r.id = ?",
        (request_id,),
    )
    requester = from_row(row) if row is not None else None
    if requester is not None and row is not None:
        requester = {**requester, "phone": row.get("phone")}
    rules = rule_rows(reg, request_id)
    names = list(staff) if staff is not None else staff_names(reg)
    if request is not None:
        from foikit.register.settings import get_setting

        signatory = get_setting(reg, "office.signatory_name").strip().lower()
        names.extend(
            n for n in staff_names_of(request) if n not in names and n.lower() != signatory
        )
    return Policy(
        requester=Requester.from_mapping(requester),
        allowed=allowed if allowed is not None else published_contacts(reg),
        staff=tuple(names),
        places=tuple(places if places is not None else public_places(reg)),
        rules=tuple(r["phrase"] for r in rules if r["action"] == "redact"),
        keep=tuple(r["phrase"] for r in rules if r["action"] == "keep"),
    )


def staff_names_of(request: Mapping[str, Any]) -> list[str]:
    """The people named on a request (`request show` shape): handler, answerers, reviewers."""
    names = {request.get("handler") or ""}
    names.update(q.get("answered_by") or "" for q in request.get("questions") or ())
    for review in [*(request.get("reviews") or ()), request.get("review") or {}]:
        names.add(review.get("reviewer") or "")
    return sorted(n for n in names if n.strip())
