"""The personal-data scan: what is redacted, what is left, and why."""

from __future__ import annotations

import pytest

from foikit.publishing.redact import (
    REDACTED,
    PublishedContacts,
    Requester,
    Scanner,
    address_parts,
    name_variants,
    normalise_phone,
    only_redactions,
)

JANE = Requester(
    name="Mrs Jane Smith-Jones",
    email="jane.smith@example.org",
    address=("Flat 3", "12 Acacia Avenue", "Erdington", "Birmingham", "B24 9XX"),
    phone="07700 900123",
)
OFFICE = PublishedContacts.of(
    ["wmpcc@west-midlands.pnn.police.uk", "cspenquiries@birmingham.gov.uk"],
    ["0121 626 6060", "0303 123 1113"],
)


PLACES = ["Birmingham", "Walsall", "Solihull", "Dudley", "Coventry", "West Midlands"]


@pytest.fixture
def scanner():
    return Scanner.for_requester(JANE, OFFICE, staff=["Pat Officer"], places=PLACES)


@pytest.mark.parametrize(
    "text, expected, reason",
    [
        ("Jane Smith-Jones asks", f"{REDACTED} asks", "the full name, as given"),
        ("from JANE SMITH-JONES", f"from {REDACTED}", "case does not matter"),
        ("Dear Mrs Smith-Jones,", f"Dear Mrs {REDACTED},", "the surname alone; the title kept"),
        ("as Ms Jones said", f"as Ms {REDACTED} said", "each part of a hyphenated surname"),
        ("Jane   Smith-Jones", REDACTED, "any run of spaces between the words"),
        ("Jonestown is a place", "Jonestown is a place", "whole words only"),
        ("write to jane.smith@example.org", f"write to {REDACTED}", "her email address"),
        ("JANE.SMITH@EXAMPLE.ORG", REDACTED, "an email in capitals"),
        ("or bob@elsewhere.com", f"or {REDACTED}", "any other email address"),
        (
            "contact wmpcc@west-midlands.pnn.police.uk",
            "contact wmpcc@west-midlands.pnn.police.uk",
            "the office's published email stays",
        ),
        (
            "cspenquiries@birmingham.gov.uk.",
            "cspenquiries@birmingham.gov.uk.",
            "a CSP's published email stays, full stop and all",
        ),
        ("ring 07700 900123", f"ring {REDACTED}", "her phone number"),
        ("ring +44 (0)7700 900999", f"ring {REDACTED}", "another phone number, +44 form"),
        ("ring (0121) 496-0000", f"ring {REDACTED}", "a landline with brackets and a hyphen"),
        ("call 0121 626 6060", "call 0121 626 6060", "the office's number stays"),
        ("ICO helpline 0303 123 1113", "ICO helpline 0303 123 1113", "the ICO helpline stays"),
        ("I live at 12 Acacia Avenue", f"I live at {REDACTED}", "a street line of her address"),
        ("Flat 3 please", f"{REDACTED} please", "the first line of her address"),
        ("postcode B24 9XX", f"postcode {REDACTED}", "her postcode"),
        ("postcode b249xx", f"postcode {REDACTED}", "her postcode without the space"),
        ("crime in Birmingham", "crime in Birmingham", "her city is a CSP area: kept"),
        ("crime in Erdington", f"crime in {REDACTED}", "an unknown district: redacted"),
        ("signed Pat Officer", f"signed {REDACTED}", "a staff name"),
        ("an officer patrolled", "an officer patrolled", "a staff name matches whole names only"),
        ("£15,000 in 2019-20", "£15,000 in 2019-20", "money and years are not phone numbers"),
        ("reference 2021060512345", "reference 2021060512345", "a long number not starting 0"),
    ],
)
def test_redact(scanner, text, expected, reason):
    assert scanner.redact(text)[0] == expected, reason


def test_an_email_containing_the_surname_is_redacted_whole(scanner):
    text, hits = scanner.redact("reply to smith-jones@example.net")
    assert text == f"reply to {REDACTED}"
    assert [h.kind for h in hits] == ["email"]


def test_hits_name_the_kind_and_the_text_found(scanner):
    _, hits = scanner.redact("Jane Smith-Jones, 12 Acacia Avenue, B24 9XX")
    assert [(h.kind, h.found) for h in hits] == [
        ("name", "Jane Smith-Jones"),
        ("address", "12 Acacia Avenue"),
        ("postcode", "B24 9XX"),
    ]


@pytest.mark.parametrize(
    "name, expected, reason",
    [
        ("Jane Doe", ["Jane Doe"], "the whole (its parts alone: single_name_parts)"),
        ("Dr Jane Doe", ["Dr Jane Doe", "Jane Doe"], "the title is not a name"),
        ("Madonna", ["Madonna"], "a single name"),
        ("Mr A Person", ["Mr A Person", "A Person"], "an initial is not matched alone"),
        ("Ann Mary Lee-Hart", ["Ann Mary Lee-Hart", "Ann Lee-Hart"], "forename and surname"),
    ],
)
def test_name_variants(name, expected, reason):
    assert name_variants(name) == expected, reason


@pytest.mark.parametrize(
    "lines, street, postcodes, reason",
    [
        (["12 High St", "Walsall", "WS1 1AA"], ["12 High St"], ["WS1 1AA"], "CSP area kept"),
        (
            ["Rose Cottage", "Lane End", "Solihull", "B91 3QQ"],
            ["Rose Cottage", "Lane End"],
            ["B91 3QQ"],
            "every part but the known place",
        ),
        (["Rose Cottage"], ["Rose Cottage"], [], "a lone line"),
        (["1 A Road, Dudley DY1 1AA"], ["1 A Road"], ["DY1 1AA"], "a one-line address"),
        (
            ["Flat 4, Riverside Court", "Coventry", "cv1 2ab"],
            ["Flat 4", "Riverside Court"],
            ["CV1 2AB"],
            "commas split a line; the house name is not a place",
        ),
        (["5 Elm Road|Walsall|WS1 1AA"], ["5 Elm Road"], ["WS1 1AA"], "bars split a line"),
        (["Hill Farm", "Kent"], ["Hill Farm", "Kent"], [], "an unknown county is redacted"),
    ],
)
def test_address_parts(lines, street, postcodes, reason):
    assert address_parts(lines, PLACES) == (street, postcodes), reason


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+44 (0)121 626 6060", "+441216266060"),
        ("0121-626-6060", "+441216266060"),
        ("0044 121 626 6060", "+441216266060"),
    ],
)
def test_normalise_phone(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [(REDACTED, True), (f"{REDACTED}, {REDACTED}.", True), (f"{REDACTED} funding", False)],
)
def test_only_redactions(text, expected):
    assert only_redactions(text) is expected


def test_a_requester_without_details_still_gets_the_generic_scan():
    scanner = Scanner.for_requester(Requester.from_mapping(None), OFFICE)
    assert scanner.redact("Bob at bob@x.org")[0] == f"Bob at {REDACTED}"


# -- the stronger scan (issue 13) -----------------------------------------------------------------

KIERAN = Requester(
    name="Kieran James Walsh",
    email="kieran.walsh@example.org",
    address=("3 Elm Close", "Quarry Bank", "Dudley", "DY1 1AA"),
    phone="07700 900123",
)


@pytest.fixture
def kieran():
    office = PublishedContacts.of(
        OFFICE.emails, ["0121 626 6060"], ["Lloyd House\nColmore Circus\nBirmingham\nB4 6NQ"]
    )
    return Scanner.for_requester(
        KIERAN,
        office,
        staff=["olwen.marchbank", "Olwen Marchbank"],
        places=PLACES,
        rules=["Thaddeus Grimsby"],
    )


@pytest.mark.parametrize(
    "text, expected, why",
    [
        ("Kieran asks", f"{REDACTED} asks", "the forename alone"),
        ("Walsh asks", f"{REDACTED} asks", "the surname alone"),
        ("JAMES", REDACTED, "a middle name, in capitals"),
        ("K. Walsh", REDACTED, "initial and surname"),
        ("K.J. Walsh", REDACTED, "initials and surname"),
        ("KJ Walsh wrote", f"{REDACTED} wrote", "initials run together"),
        ("walsh is a lower-case word", "walsh is a lower-case word",
         "a lone part in lower case is a word, not a name"),
        ("I live on Elm Close", f"I live on {REDACTED}", "the street without its number"),
        ("near Quarry Bank", f"near {REDACTED}", "a district line"),
        ("in Dudley", "in Dudley", "a CSP's area is kept"),
        ("DY1 1AA", REDACTED, "her postcode alone"),
        ("B99 9ZZ", REDACTED, "any other full postcode"),
        ("at B4 6NQ", "at B4 6NQ", "the office's published postcode stays"),
        ("kieran dot walsh at example dot org", REDACTED, "an email spelled out"),
        ("zeb dot quill at canary dot example", REDACTED, "someone else's, spelled out"),
        ("jo(at)example.org", REDACTED, "a bracketed at"),
        ("jo [at] example [dot] org", REDACTED, "bracketed at and dot"),
        ("jo @ example.org", REDACTED, "an @ with spaces round it"),
        ("look at data.gov for it", "look at data.gov for it", "English, not an address"),
        ("0044 7700 900462", REDACTED, "the 00 international prefix"),
        ("+44 (0)7700 900462", REDACTED, "+44 with the (0)"),
        ("+44 7700 900462", REDACTED, "+44 without it"),
        ("07700-900-462", REDACTED, "hyphens"),
        ("07700900462", REDACTED, "no spaces"),
        ("+1 202 555 0143", REDACTED, "a North American number"),
        ("+33 1 23 45 67 89", REDACTED, "a French number"),
        ("00 353 1 234 5678", REDACTED, "an Irish number, 00 form"),
        ("0044 121 626 6060", "0044 121 626 6060", "the office's number in another form"),
        ("on 2024-05-20", "on 2024-05-20", "a date is not a phone number"),
        ("in 2019-20 and 2020-21", "in 2019-20 and 2020-21", "financial years neither"),
        ("£1,250,000", "£1,250,000", "money neither"),
        ("FOI-2024-0001", "FOI-2024-0001", "nor a reference"),
        ("Olwen Marchbank checked", f"{REDACTED} checked", "a staff member in full"),
        ("ask olwen.marchbank", f"ask {REDACTED}", "a staff login"),
        ("PC Thaddeus Grimsby", f"PC {REDACTED}", "the officer's rule (s.40(2))"),
        ("thaddeus  grimsby", REDACTED, "a rule in any case and spacing"),
    ],
)  # fmt: skip
def test_the_stronger_scan(kieran, text, expected, why):
    assert kieran.redact(text)[0] == expected, why


@pytest.mark.parametrize(
    "text, doubtful, why",
    [
        ("asked by PC Davies", ["PC Davies"], "a titled name nobody decided about"),
        ("Sergeant John Evans said", ["Sergeant John Evans"], "title, forename, surname"),
        ("Mr [redacted] asked", [], "already redacted"),
        ("the sergeant said", [], "a rank in lower case is not a name"),
        ("Chief Constable Craig Guildford", [], "approved by the officer (--keep)"),
    ],
)
def test_doubtful_names(text, doubtful, why):
    scanner = Scanner.for_requester(
        Requester(), OFFICE, keep=["Constable Craig Guildford"], places=PLACES
    )
    assert scanner.doubtful(scanner.redact(text)[0]) == doubtful, why


@pytest.mark.parametrize(
    "login, forms",
    [
        ("olwen.marchbank", ["olwen.marchbank", "Olwen Marchbank"]),
        ("jo_bloggs", ["jo_bloggs", "Jo Bloggs"]),
        ("admin", ["admin"]),
        ("pc1234", ["pc1234"]),
    ],
)
def test_staff_forms(login, forms):
    from foikit.publishing.redact import staff_forms

    assert staff_forms(login) == forms


def test_redaction_phrases_for_released_documents(register):
    from foikit.casework.common import request_id
    from foikit.casework.lifecycle import add_request
    from foikit.publishing.redact import redaction_phrases
    from foikit.publishing.rules import add_rule

    ref = add_request(
        register,
        "t",
        received="2024-05-01",
        subject="S",
        questions=["Q?"],
        requester_name="Mr Kieran Walsh",
        requester_email="kieran.walsh@example.org",
        requester_address=["3 Elm Close", "Dudley", "DY1 1AA"],
    )
    add_rule(register, "t", ref, "Thaddeus Grimsby")
    add_rule(register, "t", ref, "Chief Constable", action="keep")
    phrases = redaction_phrases(register, request_id(register, ref))
    assert phrases[0] == "Thaddeus Grimsby", "the officer's rules first; keep rules never"
    for p in ["Kieran Walsh", "kieran.walsh@example.org", "3 Elm Close", "Elm Close", "DY1 1AA"]:
        assert p in phrases, p
    assert "Dudley" not in phrases and "Chief Constable" not in phrases


# A request's own reference holds ten digits libphonenumber reads as a phone number; a phone
# number written next to it must still go.
REFERENCES = [
    # (text, expected, why)
    (
        "Our reference EIR-2017-000123 applies.",
        "Our reference EIR-2017-000123 applies.",
        "the year and number of a reference are not a phone (they were redacted in letters)",
    ),
    (
        "FOI-2021-0001234 and SAR-2024-0012345",
        "FOI-2021-0001234 and SAR-2024-0012345",
        "each regime's prefix",
    ),
    (
        "Ring 07700 900456 about EIR-2017-000123.",
        f"Ring {REDACTED} about EIR-2017-000123.",
        "a real phone beside the reference is still redacted",
    ),
    (
        "Call 2017-000123 now",
        f"Call {REDACTED} now",
        "the same digits without a reference prefix are a phone",
    ),
]


@pytest.mark.parametrize(("text", "expected", "why"), REFERENCES, ids=[r[2] for r in REFERENCES])
def test_a_request_reference_is_not_a_phone_number(text, expected, why):
    scanner = Scanner.for_requester(Requester.from_mapping(None), OFFICE)
    assert scanner.redact(text)[0] == expected, why
