"""The exemptions registry: FOIA Part II, s.12 and s.14, the EIR exceptions, as data."""

from __future__ import annotations

import pytest

from foikit.errors import UnknownExemption
from foikit.law.exemptions import (
    EXEMPTIONS,
    cost_limit_hours,
    exceeds_cost_limit,
    get_exemption,
    normalise_section,
)


@pytest.mark.parametrize(
    "written, regime, canonical, why",
    [
        ("40(2)", None, "40(2)", "already canonical"),
        ("s40(2)", None, "40(2)", "s prefix"),
        ("s.40(2)", None, "40(2)", "s. prefix"),
        ("S. 40 (2)", None, "40(2)", "capitals and spaces"),
        ("section 40(2)", None, "40(2)", "the word section"),
        ("Section 31(1)(A)", None, "31(1)(a)", "paragraph letters are lower case"),
        ("ss.12", None, "12", "ss. prefix"),
        ("22a", None, "22A", "section 22A keeps its capital"),
        ("reg 12(4)(a)", None, "reg 12(4)(a)", "EIR regulation"),
        ("regulation 12(5)(b)", None, "reg 12(5)(b)", "the word regulation"),
        ("Reg. 13", None, "reg 13", "reg. prefix"),
        ("r12(4)(b)", None, "reg 12(4)(b)", "r prefix"),
        ("12(5)(e) EIR", None, "reg 12(5)(e)", "trailing EIR"),
        ("12(5)(b)", "eir", "reg 12(5)(b)", "a bare number on an EIR request is a regulation"),
        ("13", "eir", "reg 13", "a bare 13 on an EIR request is reg 13"),
        ("12", "foi", "12", "a bare 12 on an FOI request is the cost limit"),
    ],
)
def test_sections_normalise_to_one_canonical_form(written, regime, canonical, why):
    assert normalise_section(written, regime) == canonical, why


@pytest.mark.parametrize(
    "section, name, kind, test, ncnd, why",
    [
        ("21", "Information accessible to the applicant by other means", "absolute", "class",
         None, "s.21 has no NCND provision"),
        ("22A", "Research", "qualified", "prejudice", "22A(2)", "added in 2014"),
        ("23", "Information supplied by, or relating to, bodies dealing with security matters",
         "absolute", "class", "23(5)", "security bodies"),
        ("24(1)", "National security", "qualified", "required for safeguarding", "24(2)",
         "a subsection matches its parent"),
        ("30(1)(a)", "Investigations and proceedings conducted by public authorities",
         "qualified", "class", "30(3)", "paragraph of a class exemption"),
        ("31(1)(a)", "Law enforcement", "qualified", "prejudice", "31(3)", "the common one"),
        ("37(1)(a)", "Communications with the Sovereign", "absolute", "class", "37(2)",
         "37(1)(a) is absolute although s.37 is qualified"),
        ("37(1)(b)", "Communications with His Majesty and honours", "qualified", "class",
         "37(2)", "honours are qualified"),
        ("40(1)", "Personal data of the requester (handled as a subject access request)",
         "absolute", "class", "40(5A)", "the requester's own data"),
        ("40(2)", "Personal data of third parties", "absolute", "class", "40(5B)",
         "third parties, first condition"),
        ("41", "Information provided in confidence", "absolute", "class", "41(2)", "absolute"),
        ("43(1)", "Trade secrets", "qualified", "class", None,
         "43(1) is class-based; s.43(3) removes the duty to confirm or deny for 43(2) only"),
        ("43(2)", "Commercial interests", "qualified", "prejudice", "43(3)",
         "43(2) is prejudice-based"),
        ("44", "Prohibitions on disclosure", "absolute", "class", "44(2)", "statutory bars"),
        ("12", "Cost of compliance exceeds the appropriate limit", "absolute", "cost", "12(2)",
         "a refusal ground, no public interest test"),
        ("14(1)", "Vexatious request", "absolute", "vexatious", None, "s.14(1)"),
        ("reg 12(5)(b)", "The course of justice and inquiries", "qualified", "adverse effect",
         None, "EIR exceptions are all qualified"),
        ("reg 12(5)(a)", "International relations, defence, national security or public safety",
         "qualified", "adverse effect", "reg 12(6)", "EIR NCND is reg 12(6)"),
        ("reg 13(1)", "Personal data", "absolute", "adverse effect", "reg 13(5A)",
         "reg 13 with its first condition"),
    ],
)  # fmt: skip
def test_registry_entries(section, name, kind, test, ncnd, why):
    entry = get_exemption(section)
    assert (entry.name, entry.kind, entry.test, entry.ncnd_subsection) == (
        name,
        kind,
        test,
        ncnd,
    ), why


def test_foia_part_ii_is_complete():
    """Sections 21 to 44 (s.25 is not an exemption; 22A was added in 2014)."""
    parents = {s for s, e in EXEMPTIONS.items() if e.regime == "foi" and "(" not in s}
    expected = {str(n) for n in range(21, 45)} - {"25"} | {"22A", "12", "14"}
    assert parents == expected


def test_eir_exceptions_are_complete():
    eir = {s for s, e in EXEMPTIONS.items() if e.regime == "eir"}
    expected = {f"reg 12(4)({c})" for c in "abcde"} | {f"reg 12(5)({c})" for c in "abcdefg"}
    assert eir == expected | {"reg 13"}


@pytest.mark.parametrize(
    "section, needs, why",
    [
        ("31(1)(a)", True, "qualified: s.17(3) reasons"),
        ("42", True, "legal professional privilege is qualified"),
        ("40(2)", False, "absolute"),
        ("12", False, "the cost limit has no public interest test"),
        ("14", False, "vexatious requests have none either"),
        ("reg 12(4)(b)", True, "EIR exceptions are subject to the test"),
        ("reg 12(4)(a)", False, "not held: nothing to weigh"),
    ],
)
def test_which_need_public_interest_reasons(section, needs, why):
    assert get_exemption(section).needs_public_interest is needs, why


@pytest.mark.parametrize(
    "written, why",
    [
        ("25", "s.25 is not an exemption"),
        ("45", "beyond Part II"),
        ("11", "not a refusal ground"),
        ("reg 12(5)(h)", "no such EIR exception"),
        ("reg 12(3)", "reg 12(3) points to reg 13 and is not itself an exception"),
        ("forty", "not a number"),
        ("", "empty"),
        ("40(2", "unbalanced bracket"),
    ],
)
def test_unknown_sections_are_refused(written, why):
    with pytest.raises(UnknownExemption):
        get_exemption(written)


def test_labels_cite_section_or_regulation():
    assert get_exemption("40(2)").label == "section 40(2)"
    assert get_exemption("reg 13").label == "regulation 13"


@pytest.mark.parametrize(
    "hours, exceeds, why",
    [
        (17.5, False, "under 18 hours"),
        (18, False, "exactly the limit is within it"),
        (18.25, True, "over £450 at £25 an hour"),
    ],
)
def test_the_cost_limit_is_18_hours_at_25_pounds(hours, exceeds, why):
    assert cost_limit_hours() == 18
    assert cost_limit_hours(600, 25) == 24  # central government
    assert exceeds_cost_limit(hours) is exceeds, why


# One citation formatter (issue 12): letters cite in full, lists and the log cite short, and a
# section an officer typed with "s." reads the same as the canonical one.
CITATIONS = [
    # (section, full, short, why)
    ("40(2)", "section 40(2)", "s.40(2)", "FOIA section: letters say 'section', lists 's.'"),
    ("s.40(2)", "section 40(2)", "s.40(2)", "typed with s.: no 's.s.40(2)' (the old log label)"),
    ("reg 12(5)(b)", "regulation 12(5)(b)", "reg 12(5)(b)", "EIR: never 's.reg 12(5)(b)'"),
    ("art 12(5)", "Article 12(5) of the UK GDPR", "Art 12(5)", "subject access refusal"),
    (
        "sch 2 para 2",
        "Schedule 2, paragraph 2 to the Data Protection Act 2018",
        "Sch 2 para 2",
        "DPA 2018 exemption",
    ),
]


@pytest.mark.parametrize(
    ("section", "full", "short", "why"), CITATIONS, ids=[c[0] for c in CITATIONS]
)
def test_one_citation_formatter(section, full, short, why):
    from foikit.law.exemptions import citation

    assert citation(section) == full, why
    assert citation(section, short=True) == short, why
