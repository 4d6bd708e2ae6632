"""The law at its edges, as tables: exemptions belong to a regime and a provision.

Each row: what the officer records, what happens, and why (the section of the law).
"""

from __future__ import annotations

import datetime as dt

import pytest
from lifecycle_support import OFFICER, add, fresh_register

from foikit.casework import lifecycle as R
from foikit.casework.lifecycle import MissingPublicInterest
from foikit.errors import InvalidRequest
from foikit.law.exemptions import get_exemption, regime_problem
from foikit.law.outcomes import OUTCOMES

D = dt.date


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


# (regime, exemption as written, reason, public interest, ncnd, error or None, words, why)
ANSWERS = [
    ("sar", "12", "Too costly.", None, False, InvalidRequest, "no cost limit",
     "Art 12(5), DPA 2018: no cost limit (s.12) for subject access"),
    ("sar", "31(1)(a)", "Crime.", "PI.", False, InvalidRequest, "not a subject access",
     "DPA 2018 Sch 2: FOIA s.31 does not apply to subject access"),
    ("sar", "40(2)", "Others.", None, False, InvalidRequest, "not a subject access",
     "DPA 2018 Sch 2 para 16: others' data in a SAR, not FOIA s.40(2)"),
    ("sar", "sch 2 para 2", "Would prejudice an investigation.", None, False, None, "",
     "DPA 2018 Sch 2 para 2: crime and taxation"),
    ("sar", "Schedule 2, paragraph 16", "A witness's data.", None, False, None, "",
     "DPA 2018 Sch 2 para 16: the rights of others"),
    ("sar", "Art 12(5)", "The fourth identical request this month.", None, False, None, "",
     "Art 12(5): manifestly unfounded or excessive"),
    ("foi", "sch 2 para 2", "Crime.", None, False, InvalidRequest, "subject access only",
     "DPA 2018 Schedules apply to subject access, not FOI"),
    ("foi", "reg 12(5)(b)", "Justice.", "PI.", False, InvalidRequest, "(s.39)",
     "s.39: environmental information is handled under the EIR"),
    ("eir", "s.31(1)(a)", "Crime.", "PI.", False, InvalidRequest, "not an EIR exception",
     "s.39 / EIR reg 12: FOIA sections do not apply to EIR requests"),
    ("foi", "39", "Air quality data.", "PI.", False, None, "",
     "s.39: the FOIA route that steers environmental information to the EIR"),
    ("foi", "43(1)", "Recipe.", "PI.", True, InvalidRequest, "s.43(3) covers s.43(2) only",
     "s.43(3): NCND for s.43(2) only, not trade secrets"),
    ("foi", "43(2)", "Tender.", "PI.", True, None, "", "s.43(3): NCND for s.43(2)"),
    ("foi", "27(2)", "Confidential from a State.", "PI.", False, None, "",
     "s.27(2): a class exemption, qualified"),
    ("foi", "27(2)", "Confidential from a State.", None, False, MissingPublicInterest,
     "public interest", "s.27(2) is qualified (s.2(3) does not list it)"),
    ("foi", "40(2)", "Names of junior staff.", None, False, None, "",
     "s.2(3)(fa): s.40(2) under the first condition is absolute"),
    ("foi", "40(3B)", "The subject objected.", None, False, MissingPublicInterest,
     "public interest", "s.40(3B): the second condition needs the public interest test"),
    ("foi", "40(4A)", "Exempt from subject access.", None, False, MissingPublicInterest,
     "public interest", "s.40(4A): the third condition needs the public interest test"),
    ("foi", "40(3B)", "The subject objected.", "PI.", False, None, "",
     "s.40(3B) with its public interest reasons"),
    ("foi", "31(1)(a)", None, "PI.", False, InvalidRequest, "s.17(1)(c)",
     "s.17(1)(c): the notice states why the exemption applies"),
]  # fmt: skip


@pytest.mark.parametrize(
    "regime, section, reason, pi, ncnd, error, words, why", ANSWERS, ids=[c[7] for c in ANSWERS]
)
def test_exemptions_belong_to_a_regime_and_a_provision(
    reg, regime, section, reason, pi, ncnd, error, words, why
):
    ref = add(reg, regime=regime)
    kw = {"exemptions": [(section, reason, pi)], "ncnd": ncnd}
    if error is None:
        R.answer_question(reg, OFFICER, ref, 1, **kw)
        stored = reg.one("SELECT section, ncnd FROM answer_exemptions")
        assert stored["ncnd"] == int(ncnd), why
    else:
        with pytest.raises(error) as info:
            R.answer_question(reg, OFFICER, ref, 1, **kw)
        assert words in str(info.value), why
        assert reg.scalar("SELECT count(*) FROM answer_exemptions") == 0, why


REGISTRY = [
    ("40(2)", "absolute", "class", "40(5B)", "section 40(2)", "s.2(3)(fa): first condition"),
    ("40(3b)", "qualified", "class", "40(5B)", "section 40(2) (the second condition, "
     "section 40(3B))", "s.40(3B): second condition, public interest test"),
    ("40(4a)", "qualified", "class", "40(5B)", "section 40(2) (the third condition, "
     "section 40(4A))", "s.40(4A): third condition, public interest test"),
    ("27(2)", "qualified", "class", "27(4)", "section 27(2)", "s.27(2): class-based"),
    ("27(1)", "qualified", "prejudice", "27(4)", "section 27(1)", "s.27(1): prejudice-based"),
    ("43(1)", "qualified", "class", None, "section 43(1)", "s.43(3) is for s.43(2) only"),
    ("43(2)", "qualified", "prejudice", "43(3)", "section 43(2)", "s.43(3)"),
    ("art 12(5)", "absolute", "manifestly unfounded or excessive", None,
     "Article 12(5) of the UK GDPR", "Art 12(5): no public interest test"),
    ("sch 2 para 2", "absolute", "prejudice", None,
     "Schedule 2, paragraph 2 to the Data Protection Act 2018", "DPA 2018 Sch 2 para 2"),
]  # fmt: skip


@pytest.mark.parametrize(
    "section, kind, test, ncnd, label, why", REGISTRY, ids=[c[5] for c in REGISTRY]
)
def test_the_registry_says_kind_test_ncnd_and_citation(section, kind, test, ncnd, label, why):
    entry = get_exemption(section)
    assert (entry.kind, entry.test, entry.ncnd_subsection, entry.label) == (
        kind,
        test,
        ncnd,
        label,
    ), why


@pytest.mark.parametrize(
    "section, regime, allowed, why",
    [
        ("12", "sar", False, "no cost limit for subject access"),
        ("12", "foi", True, "s.12 on an FOI request"),
        ("reg 12(4)(b)", "eir-extended", True, "an extended EIR request is still EIR"),
        ("art 12(5)", "sar-extended", True, "an extended SAR is still subject access"),
        ("reg 13", "foi", False, "s.39: EIR exceptions on EIR requests only"),
    ],
)
def test_regime_of_each_entry(section, regime, allowed, why):
    assert (regime_problem(get_exemption(section), regime) is None) is allowed, why


PI_EXTENSIONS = [
    ("s.40(2): names of staff", InvalidRequest, "absolute", "s.2(3): s.40(2) is absolute"),
    ("s.41 confidence", InvalidRequest, "absolute", "s.2(3)(g): s.41 is absolute"),
    ("s.31(1)(a): tactics", None, "", "s.10(3): s.31 is qualified"),
    ("s.40(3B): the subject objected", None, "", "s.40(3B): qualified"),
]


@pytest.mark.parametrize(
    "detail, error, words, why", PI_EXTENSIONS, ids=[c[3] for c in PI_EXTENSIONS]
)
def test_a_public_interest_extension_needs_a_qualified_exemption(reg, detail, error, words, why):
    ref = add(reg)
    kw = {"reason": "public-interest", "detail": detail, "on": D(2024, 6, 5)}
    if error is None:
        R.extend(reg, OFFICER, ref, **kw)
        assert reg.scalar("SELECT count(*) FROM clock_events") == 1, why
    else:
        with pytest.raises(error, match=words):
            R.extend(reg, OFFICER, ref, **kw)
        assert reg.scalar("SELECT count(*) FROM clock_events") == 0, why


@pytest.mark.parametrize(
    "outcome, resolvable, why",
    [
        ("granted-in-full", True, "Cabinet Office definitions: information supplied"),
        ("partially-withheld", True, "Cabinet Office definitions: withheld in part"),
        ("withheld-in-full", True, "Cabinet Office definitions: withheld in full"),
        ("not-held", False, "Cabinet Office definitions: not held is counted separately"),
        ("advice-and-assistance", False, "Cabinet Office definitions: counted separately"),
        ("withdrawn", False, "Cabinet Office definitions: not resolvable"),
    ],
)
def test_resolvable_outcomes(outcome, resolvable, why):
    assert OUTCOMES[outcome].resolvable is resolvable, why
