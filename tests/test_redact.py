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
