"""What makes the scan fast never makes it find less (issue 12: bench/ figures no worse).

The scan skips work it can prove is wasted: a requester's pattern is compiled and run only on
a text that holds its words (checked only for plain ASCII, where IGNORECASE is exactly
`str.lower`), the staff names' patterns are made once per run and run only on a text that
may hold one, and the costly detectors (spelled-out emails, phone numbers, postcodes) only
on a text with what they need. Each attack below is scanned twice, by `Scanner.scan` and by
every detector run on the whole text with every pattern compiled (the scan as it was), and
the two must agree hit for hit.
"""

from __future__ import annotations

import pytest

from foikit.publishing.redact import (
    EMAIL_RE,
    OBFUSCATED_EMAIL_RE,
    POSTCODE_RE,
    REDACTED,
    Hit,
    LazyPattern,
    PublishedContacts,
    Requester,
    Scanner,
    _merge,
    staff_forms,
)

KIERAN = Requester(
    name="Kieran O'Connor-Walsh",
    email="k.walsh@example.org",
    address=("3 Elm Close", "Dudley", "DY1 1AA"),
    phone="07700 900123",
)
OFFICE = PublishedContacts.of(["foi@westmidlands-pcc.gov.uk"], ["0121 626 6060"], ["B4 6NQ"])
STAFF = [n for login in ("olwen.marchbank", "pat.o'neill", "zoë.ng") for n in staff_forms(login)]


def every_detector(scanner: Scanner, text: str) -> list[Hit]:
    """The scan with no shortcut: each detector on the whole text, each pattern compiled."""
    import re

    hits = [
        Hit("email", m.group(0), m.start(), m.end())
        for m in EMAIL_RE.finditer(text)
        if m.group(0).lower().rstrip(".") not in scanner.allowed.emails
    ]
    for m in OBFUSCATED_EMAIL_RE.finditer(text):
        spelled = not re.fullmatch(r"\s+at\s+", m.group("at"), re.I)
        if spelled or re.search(r"\s+dot\s+|[\[({<]\s*dot", m.group("domain"), re.I):
            hits.append(Hit("email", m.group(0), m.start(), m.end()))
    hits.extend(scanner._phones(text))
    hits.extend(
        Hit("postcode", m.group(0), m.start(), m.end())
        for m in POSTCODE_RE.finditer(text)
        if f"{m.group(1)} {m.group(2)}".upper() not in scanner.allowed.postcodes
    )
    for kind, pattern in scanner.patterns:
        compiled = pattern.source.compile() if isinstance(pattern, LazyPattern) else pattern
        hits.extend(Hit(kind, m.group(0), m.start(), m.end()) for m in compiled.finditer(text))
    return _merge(text, hits)


ATTACKS = [
    ("Kieran O'Connor-Walsh asks", "the name as given"),
    ("from KIERAN O’CONNOR-WALSH", "capitals and a curly apostrophe"),
    ("Dear Mr Walsh,", "the surname alone"),
    ("K. O'Connor-Walsh and KJ O'Connor-Walsh", "initials"),
    ("Kıeran Walsh", "a dotless ı, which IGNORECASE takes for i: not plain ASCII, so scanned"),
    ("WALſH", "a long s, which IGNORECASE takes for s"),
    ("kieran walsh in lower case", "lower case: the single-word patterns keep their case"),
    ("3 Elm Close, Dudley DY1 1AA", "the address and postcode"),
    ("DY1\u00a01AA and dy11aa", "a postcode with a no-break space, and run together"),
    ("k.walsh@example.org, K.WALSH@EXAMPLE.ORG", "the email"),
    ("zeb dot quill at canary dot example", "an address spelled out"),
    ("jo(at)x.org and jo [at] x [dot] org", "bracketed at and dot"),
    ("jo @ x.org, jo@ x.org and jo @x.org", "an @ with a space beside it"),
    ("look at data.gov", "English, not an address: left"),
    ("foi@westmidlands-pcc.gov.uk", "the office's published email: left"),
    ("ring 07700 900123 or +44 7700 900123", "her phone, two ways"),
    ("call 0121 626 6060", "the office's number: left"),
    ("digits ²³⁴⁵⁶⁷⁸⁹¹ and ٠٧٧٠٠٩٠٠١٢٣", "superscript and Arabic-Indic digits"),
    ("Olwen Marchbank wrote to olwen.marchbank", "a member of staff, both forms"),
    ("OLWEN  MARCHBANK, café", "staff in a text that is not ASCII"),
    ("Pat O’Neill and pat.o'neill", "a staff name with an apostrophe, either kind"),
    ("Zoë Ng and zoë.ng", "a staff name that is not ASCII"),
    ("nothing personal at all, 2019-20 figures", "a plain text"),
]


@pytest.fixture(scope="module")
def scanner():
    return Scanner.for_requester(KIERAN, OFFICE, staff=STAFF, places=["Birmingham"])


@pytest.mark.parametrize("text, why", ATTACKS, ids=[a[1] for a in ATTACKS])
def test_the_fast_scan_finds_exactly_what_every_detector_finds(scanner, text, why):
    fresh = Scanner.for_requester(KIERAN, OFFICE, staff=STAFF, places=["Birmingham"])
    expected = every_detector(fresh, text)
    assert fresh.scan(text) == expected, why
    assert scanner.scan(text) == expected, f"{why} (patterns already compiled)"


def test_what_the_attacks_expect_is_redacted(scanner):
    """The reference itself is not toothless: the attacks that must go, go."""
    for text, gone in [
        ("Kıeran Walsh", "Walsh"),
        ("OLWEN  MARCHBANK, café", "MARCHBANK"),
        ("jo @ x.org", "x.org"),
        ("Zoë Ng", "Zoë"),
    ]:
        redacted, _ = scanner.redact(text)
        assert gone not in redacted and REDACTED in redacted, text


def test_a_requester_pattern_is_compiled_only_for_a_text_that_holds_its_words():
    scanner = Scanner.for_requester(KIERAN, OFFICE)
    lazy = [p for _, p in scanner.patterns if isinstance(p, LazyPattern)]
    scanner.scan("How many MARAC referrals were there in 2019?")
    assert not any(p._compiled for p in lazy), "nothing of Kieran's in the text: none compiled"
    scanner.scan("Yours, Kieran")
    assert any(p._compiled for p in lazy)
