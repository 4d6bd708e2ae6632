"""FOIA exemptions, refusal grounds and EIR exceptions, defined once as data.

Sections are stored in one canonical form: `40(2)`, `31(1)(a)`, `22A`, `12`, `reg 12(5)(b)`,
`reg 13`. A subsection such as `31(1)(a)` is looked up by its most specific entry (`37(1)(a)`
is absolute although `37` is qualified), falling back to its parent section, while the
canonical text the officer wrote is kept on the answer.

Sources: FOIA 2000 Part II and ss.12, 14, 17; EIR 2004 regs 12 and 13; FOI-RULES.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from foikit.errors import UnknownExemption

Kind = Literal["absolute", "qualified"]
Ground = Literal["exemption", "refusal", "exception"]
Law = Literal["foi", "eir"]


@dataclass(frozen=True)
class Exemption:
    section: str  # canonical: "31", "37(1)(a)", "reg 12(4)(a)"
    name: str
    kind: Kind  # absolute: no public interest test
    test: str  # class | prejudice | required | cost | vexatious | ...
    ncnd_subsection: str | None  # the provision removing the duty to confirm or deny, if any
    regime: Law  # foi (FOIA) | eir (EIR 2004)
    ground: Ground = "exemption"  # exemption (Part II) | refusal (s.12, s.14) | exception (EIR)
    note: str = ""

    @property
    def needs_public_interest(self) -> bool:
        """Whether an officer must record public interest reasons (FOIA s.17(3), EIR reg 12(1)).

        EIR reg 12(4)(a) (not held) is formally subject to the test but there is nothing to
        weigh, so it is treated like an absolute exemption.
        """
        return self.kind == "qualified" and self.section != "reg 12(4)(a)"

    @property
    def label(self) -> str:
        """How a letter cites it: `section 40(2)` or `regulation 12(5)(b)`."""
        if self.regime == "eir":
            return "regulation " + self.section.removeprefix("reg ")
        return f"section {self.section}"


def _foi(
    section: str,
    name: str,
    kind: Kind,
    test: str,
    ncnd: str | None,
    ground: Ground = "exemption",
    note: str = "",
) -> Exemption:
    return Exemption(section, name, kind, test, ncnd, "foi", ground, note)


def _eir(section: str, name: str, ncnd: str | None = None, kind: Kind = "qualified") -> Exemption:
    return Exemption(f"reg {section}", name, kind, "adverse effect", ncnd, "eir", "exception")


_ALL: tuple[Exemption, ...] = (
    # Refusal grounds with a s.17(5) notice; no public interest test.
    _foi(
        "12",
        "Cost of compliance exceeds the appropriate limit",
        "absolute",
        "cost",
        "12(2)",
        "refusal",
        "£450 for this authority: 18 hours at £25 an hour (settings office.cost_limit, "
        "office.hourly_rate); give advice and assistance under s.16",
    ),
    _foi(
        "14",
        "Vexatious or repeated requests",
        "absolute",
        "vexatious",
        None,
        "refusal",
        "s.14(1) vexatious; s.14(2) repeated",
    ),
    _foi(
        "14(1)", "Vexatious request", "absolute", "vexatious", None, "refusal", "no duty to comply"
    ),
    _foi("14(2)", "Repeated request", "absolute", "repeated", None, "refusal", "no duty to comply"),
    # FOIA Part II.
    _foi("21", "Information accessible to the applicant by other means", "absolute", "class", None),
    _foi("22", "Information intended for future publication", "qualified", "class", "22(2)"),
    _foi("22A", "Research", "qualified", "prejudice", "22A(2)"),
    _foi(
        "23",
        "Information supplied by, or relating to, bodies dealing with security matters",
        "absolute",
        "class",
        "23(5)",
    ),
    _foi("24", "National security", "qualified", "required for safeguarding", "24(2)"),
    _foi("26", "Defence", "qualified", "prejudice", "26(3)"),
    _foi("27", "International relations", "qualified", "prejudice", "27(4)"),
    _foi("28", "Relations within the United Kingdom", "qualified", "prejudice", "28(3)"),
    _foi("29", "The economy", "qualified", "prejudice", "29(2)"),
    _foi(
        "30",
        "Investigations and proceedings conducted by public authorities",
        "qualified",
        "class",
        "30(3)",
    ),
    _foi("31", "Law enforcement", "qualified", "prejudice", "31(3)"),
    _foi("32", "Court records", "absolute", "class", "32(3)"),
    _foi("33", "Audit functions", "qualified", "prejudice", "33(3)"),
    _foi("34", "Parliamentary privilege", "absolute", "class", "34(2)"),
    _foi("35", "Formulation of government policy", "qualified", "class", "35(3)"),
    _foi(
        "36",
        "Prejudice to effective conduct of public affairs",
        "qualified",
        "prejudice (qualified person's opinion)",
        "36(3)",
        note="absolute only for the Houses of Parliament",
    ),
    _foi("37", "Communications with His Majesty and honours", "qualified", "class", "37(2)"),
    _foi("37(1)(a)", "Communications with the Sovereign", "absolute", "class", "37(2)"),
    _foi("37(1)(aa)", "Communications with the heir to the Throne", "absolute", "class", "37(2)"),
    _foi(
        "37(1)(ab)",
        "Communications with a person who has subsequently become the Sovereign or heir",
        "absolute",
        "class",
        "37(2)",
    ),
    _foi("38", "Health and safety", "qualified", "prejudice", "38(2)"),
    _foi(
        "39",
        "Environmental information (dealt with under the EIR)",
        "qualified",
        "class",
        "39(2)",
    ),
    _foi(
        "40",
        "Personal information",
        "absolute",
        "class",
        "40(5B)",
        note="cite 40(1) or 40(2)",
    ),
    _foi(
        "40(1)",
        "Personal data of the requester (handled as a subject access request)",
        "absolute",
        "class",
        "40(5A)",
    ),
    _foi(
        "40(2)",
        "Personal data of third parties",
        "absolute",
        "class",
        "40(5B)",
        note="absolute where the first condition (s.40(3A)) applies",
    ),
    _foi("41", "Information provided in confidence", "absolute", "class", "41(2)"),
    _foi("42", "Legal professional privilege", "qualified", "class", "42(2)"),
    _foi("43", "Commercial interests", "qualified", "prejudice", "43(3)"),
    _foi("43(1)", "Trade secrets", "qualified", "class", "43(3)"),
    _foi("43(2)", "Commercial interests", "qualified", "prejudice", "43(3)"),
    _foi("44", "Prohibitions on disclosure", "absolute", "class", "44(2)"),
    # EIR 2004: every exception is subject to the public interest test, with a presumption in
    # favour of disclosure (reg 12(1)-(2)); NCND only for 12(5)(a) (reg 12(6)) and reg 13.
    _eir("12(4)(a)", "Information not held when the request is received"),
    _eir("12(4)(b)", "Request manifestly unreasonable"),
    _eir("12(4)(c)", "Request formulated in too general a manner"),
    _eir(
        "12(4)(d)", "Material in the course of completion, unfinished documents or incomplete data"
    ),
    _eir("12(4)(e)", "Internal communications"),
    _eir(
        "12(5)(a)",
        "International relations, defence, national security or public safety",
        "reg 12(6)",
    ),
    _eir("12(5)(b)", "The course of justice and inquiries"),
    _eir("12(5)(c)", "Intellectual property rights"),
    _eir("12(5)(d)", "Confidentiality of proceedings"),
    _eir("12(5)(e)", "Confidentiality of commercial or industrial information"),
    _eir("12(5)(f)", "Interests of the person who provided the information"),
    _eir("12(5)(g)", "Protection of the environment"),
    _eir("13", "Personal data", "reg 13(5A)", "absolute"),
)

EXEMPTIONS: dict[str, Exemption] = {e.section: e for e in _ALL}

# s.12: the appropriate limit for an authority outside central government, and the rate for
# staff time (the Fees Regulations 2004, regs 3 and 4); the register's settings
# office.cost_limit and office.hourly_rate hold the figures in force.
APPROPRIATE_LIMIT_GBP = 450
HOURLY_RATE_GBP = 25


def cost_limit_hours(
    limit_gbp: float = APPROPRIATE_LIMIT_GBP, hourly_rate_gbp: float = HOURLY_RATE_GBP
) -> float:
    """Hours of staff time the s.12 limit allows: £450 at £25 an hour is 18 hours."""
    if hourly_rate_gbp <= 0:
        raise ValueError("the hourly rate must be more than zero")
    return limit_gbp / hourly_rate_gbp


def exceeds_cost_limit(
    hours: float,
    limit_gbp: float = APPROPRIATE_LIMIT_GBP,
    hourly_rate_gbp: float = HOURLY_RATE_GBP,
) -> bool:
    """Whether an estimate (of locating, retrieving and extracting only) exceeds the limit."""
    return hours * hourly_rate_gbp > limit_gbp


_PREFIX = re.compile(
    r"^(?:(?P<eir>regulation|regs?\.?|r\.?)|(?:section|sect?\.?|ss?\.?|§))\s*(?=\d)",
    re.IGNORECASE,
)
_SHAPE = re.compile(r"^(?P<num>\d+[A-Za-z]?)(?P<subs>(?:\([0-9A-Za-z]+\))*)$")


def normalise_section(text: str, regime: str | None = None) -> str:
    """The canonical form of a section as an officer writes it.

    `s40(2)`, `s.40(2)`, `section 40 (2)` -> `40(2)`; `reg 12(4)(a)`, `regulation 12(4)(a)`
    -> `reg 12(4)(a)`. A bare `12(5)(b)` or `13` is read as an EIR regulation when `regime`
    is `eir`. Raises UnknownExemption when the text is not shaped like a section.
    """
    raw = text.strip()
    body = raw
    eir = foia = False
    match = _PREFIX.match(body)
    if match:
        eir = match.group("eir") is not None
        foia = not eir
        body = body[match.end() :]
    body = re.sub(r"\s+", "", body)
    # A trailing "EIR" / "FOIA" says which law is meant.
    for suffix, is_eir in (("eir", True), ("foia", False), ("foi", False)):
        if body.lower().endswith(suffix) and body[: -len(suffix)]:
            body, eir, foia = body[: -len(suffix)], eir or is_eir, foia or not is_eir
            break
    shape = _SHAPE.match(body)
    if not shape:
        raise UnknownExemption(
            f"{raw!r} is not a section: write it like 40(2), 31(1)(a), 12 or reg 12(5)(b)"
        )
    canonical = shape.group("num").upper() + shape.group("subs").lower()
    # A bare number follows the request's law; "s.12" is FOIA even on an EIR request.
    if eir or (not foia and regime is not None and regime.startswith("eir")):
        return f"reg {canonical}"
    return canonical


def _parents(section: str) -> list[str]:
    """`reg 12(5)(b)` -> [`reg 12(5)(b)`, `reg 12(5)`, `reg 12`]: most specific first."""
    chain = [section]
    while section.endswith(")"):
        section = section[: section.rindex("(")]
        chain.append(section)
    return chain


def get_exemption(section: str, regime: str | None = None) -> Exemption:
    """The registry entry for a section as written (any accepted spelling)."""
    canonical = normalise_section(section, regime)
    for candidate in _parents(canonical):
        if candidate in EXEMPTIONS:
            return EXEMPTIONS[candidate]
    known = ", ".join(e.section for e in _ALL if e.regime == "foi" and "(" not in e.section)
    raise UnknownExemption(
        f"unknown exemption {section.strip()!r}: FOIA sections {known}; "
        "EIR reg 12(4)(a)-(e), reg 12(5)(a)-(g), reg 13"
    )


def resolve(section: str, regime: str | None = None) -> tuple[str, Exemption]:
    """The canonical section text (as the officer gave it) and the entry that governs it."""
    canonical = normalise_section(section, regime)
    return canonical, get_exemption(canonical)


def describe(section: str) -> str:
    """The name to print beside a stored section; the parent's name for a subsection."""
    try:
        return get_exemption(section).name
    except UnknownExemption:
        return section
