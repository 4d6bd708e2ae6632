"""FOIA exemptions, refusal grounds, EIR exceptions and subject access exemptions, as data.

Each entry says its regime (FOIA on FOI requests, the EIR on EIR requests, UK GDPR and DPA 2018
Schedules 2-4 on subject access), whether it is absolute or qualified (and, where that depends
on a condition, which: s.40(2) is absolute under the first condition only, s.2(3)(fa)), whether
it is prejudice- or class-based, and the provision that removes the duty to confirm or deny.

Sections are stored in one canonical form: `40(2)`, `31(1)(a)`, `22A`, `12`, `reg 12(5)(b)`,
`reg 13`, `sch 2 para 2` (DPA 2018), `art 12(5)` (UK GDPR).
A subsection such as `31(1)(a)` is looked up by its most specific entry (`37(1)(a)`
is absolute although `37` is qualified), falling back to its parent section, while the
canonical text the officer wrote is kept on the answer.

Sources: FOIA 2000 Part II and ss.2, 12, 14, 17, 39; EIR 2004 regs 12 and 13; UK GDPR Art 12(5)
and 15; DPA 2018 Schedules 2-4; docs/law.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from foikit.errors import UnknownExemption

Kind = Literal["absolute", "qualified"]
Ground = Literal["exemption", "refusal", "exception"]
Law = Literal["foi", "eir", "sar"]


@dataclass(frozen=True)
class Exemption:
    section: str  # canonical: "31", "37(1)(a)", "reg 12(4)(a)"
    name: str
    kind: Kind  # absolute: no public interest test
    test: str  # class | prejudice | required | cost | vexatious | ...
    ncnd_subsection: str | None  # the provision removing the duty to confirm or deny, if any
    regime: Law  # foi (FOIA) | eir (EIR 2004) | sar (UK GDPR and DPA 2018)
    ground: Ground = "exemption"  # exemption (Part II) | refusal (s.12, s.14) | exception (EIR)
    note: str = ""
    cite: str = ""  # how a letter names it, when not `section N` / `regulation N`

    @property
    def needs_public_interest(self) -> bool:
        """Whether an officer must record public interest reasons (FOIA s.17(3), EIR reg 12(1)).

        EIR reg 12(4)(a) (not held) is formally subject to the test but there is nothing to
        weigh, so it is treated like an absolute exemption.
        """
        return self.kind == "qualified" and self.section != "reg 12(4)(a)"

    @property
    def label(self) -> str:
        """How a letter cites it: `section 40(2)`, `regulation 12(5)(b)`, `Article 12(5) of the
        UK GDPR`, `Schedule 2, paragraph 2 of the Data Protection Act 2018`."""
        return self.cite or citation(self.section)

    @property
    def regimes(self) -> tuple[str, ...]:
        """The request regimes it may be relied on under."""
        return {
            "foi": ("foi",),
            "eir": ("eir", "eir-extended"),
            "sar": ("sar", "sar-extended"),
        }[self.regime]


def _foi(
    section: str,
    name: str,
    kind: Kind,
    test: str,
    ncnd: str | None,
    ground: Ground = "exemption",
    note: str = "",
    cite: str = "",
) -> Exemption:
    return Exemption(section, name, kind, test, ncnd, "foi", ground, note, cite)


def _eir(section: str, name: str, ncnd: str | None = None, kind: Kind = "qualified") -> Exemption:
    return Exemption(f"reg {section}", name, kind, "adverse effect", ncnd, "eir", "exception")


def _dpa(section: str, name: str, test: str, ground: Ground = "exemption") -> Exemption:
    # No public interest test: the DPA 2018 restrictions apply to the extent that complying
    # would prejudice the interest named (or by class); the reasons must still be given.
    return Exemption(section, name, "absolute", test, None, "sar", ground)


_ALL: tuple[Exemption, ...] = (
    # Refusal grounds with a s.17(5) notice; no public interest test.
    _foi(
        "12",
        "Cost of compliance exceeds the appropriate limit",
        "absolute",
        "cost",
        "12(2)",
        "refusal",
        "the appropriate limit and hourly rate are the settings office.cost_limit and "
        "office.hourly_rate; give advice and assistance under s.16",
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
    _foi("27(1)", "International relations: prejudice", "qualified", "prejudice", "27(4)"),
    _foi(
        "27(2)",
        "Confidential information obtained from another State or an international organisation",
        "qualified",
        "class",
        "27(4)",
    ),
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
        note="the information is handled under the EIR: log the request as eir (s.39)",
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
        note="absolute under the first condition (s.40(3A), s.2(3)(fa)); cite 40(3B) or 40(4A) "
        "for the second or third condition, which need the public interest test",
    ),
    _foi(
        "40(3a)",
        "Personal data of third parties: disclosure would contravene the data protection "
        "principles (the first condition)",
        "absolute",
        "class",
        "40(5B)",
        cite="section 40(2) (the first condition, section 40(3A))",
    ),
    _foi(
        "40(3b)",
        "Personal data of third parties: the data subject has objected (the second condition)",
        "qualified",
        "class",
        "40(5B)",
        cite="section 40(2) (the second condition, section 40(3B))",
    ),
    _foi(
        "40(4a)",
        "Personal data of third parties: exempt from the subject's right of access (the third "
        "condition)",
        "qualified",
        "class",
        "40(5B)",
        cite="section 40(2) (the third condition, section 40(4A))",
    ),
    _foi("41", "Information provided in confidence", "absolute", "class", "41(2)"),
    _foi("42", "Legal professional privilege", "qualified", "class", "42(2)"),
    _foi("43", "Commercial interests", "qualified", "prejudice", "43(3)"),
    # s.43(3): the duty to confirm or deny does not arise for s.43(2) only, not trade secrets.
    _foi("43(1)", "Trade secrets", "qualified", "class", None),
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
    # Subject access (UK GDPR Art 15): Art 12(5) and the DPA 2018 Schedule 2-4 restrictions.
    # There is no cost limit (s.12) and no FOIA exemption for subject access.
    _dpa(
        "art 12(5)",
        "Manifestly unfounded or excessive request",
        "manifestly unfounded or excessive",
        "refusal",
    ),
    _dpa("sch 2 para 2", "Crime and taxation: general", "prejudice"),
    _dpa("sch 2 para 3", "Crime and taxation: risk assessment systems", "prejudice"),
    _dpa(
        "sch 2 para 5",
        "Information required to be disclosed by law or in connection with legal proceedings",
        "class",
    ),
    _dpa("sch 2 para 7", "Functions designed to protect the public", "prejudice"),
    _dpa("sch 2 para 8", "Audit functions", "prejudice"),
    _dpa("sch 2 para 13", "Parliamentary privilege", "class"),
    _dpa("sch 2 para 14", "Judicial appointments, independence and proceedings", "class"),
    _dpa("sch 2 para 15", "Crown honours, dignities and appointments", "class"),
    _dpa(
        "sch 2 para 16",
        "Protection of the rights of others (information identifying another individual)",
        "balance (consent, or reasonable to disclose without it)",
    ),
    _dpa("sch 2 para 19", "Legal professional privilege", "class"),
    _dpa("sch 2 para 20", "Self-incrimination", "class"),
    _dpa("sch 2 para 21", "Corporate finance", "prejudice"),
    _dpa("sch 2 para 22", "Management forecasts", "prejudice"),
    _dpa("sch 2 para 23", "Negotiations", "prejudice"),
    _dpa("sch 2 para 24", "Confidential references", "class"),
    _dpa("sch 2 para 25", "Exam scripts and exam marks", "class"),
    _dpa("sch 2 para 26", "Journalistic, academic, artistic and literary purposes", "class"),
    _dpa("sch 2 para 27", "Research and statistics", "prejudice"),
    _dpa("sch 2 para 28", "Archiving in the public interest", "prejudice"),
    _dpa("sch 3 pt 2", "Health data: serious harm, or processed by a court", "serious harm"),
    _dpa("sch 3 pt 3", "Social work data: serious harm, or processed by a court", "serious harm"),
    _dpa("sch 3 pt 4", "Education data: serious harm, or processed by a court", "serious harm"),
    _dpa("sch 3 pt 5", "Child abuse data", "best interests of the data subject"),
    _dpa("sch 4", "Disclosure prohibited or restricted by an enactment", "class"),
)

EXEMPTIONS: dict[str, Exemption] = {e.section: e for e in _ALL}

# s.12: the appropriate limit for an authority outside central government, and the rate for
# staff time (the Fees Regulations 2004, regs 3 and 4). The only place these figures are
# written: they are the defaults of the register's settings office.cost_limit and
# office.hourly_rate, which hold the figures in force and which letters print.
APPROPRIATE_LIMIT_GBP = 450
HOURLY_RATE_GBP = 25


def cost_limit_hours(
    limit_gbp: float = APPROPRIATE_LIMIT_GBP, hourly_rate_gbp: float = HOURLY_RATE_GBP
) -> float:
    """Hours of staff time the s.12 limit allows (the limit over the hourly rate)."""
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
_SCHEDULE = re.compile(
    r"^(?:dpa\s*(?:2018)?\s*,?\s*)?sch(?:edule|\.)?\s*(?P<sch>\d+)\s*,?\s*"
    r"(?:(?:part|pt)\.?\s*(?P<part>\d+)\s*,?\s*)?"
    r"(?:(?:paragraph|para|p)\.?\s*(?P<para>\d+)(?P<subs>(?:\([0-9a-z]+\))*))?"
    r"(?:\s*(?:dpa|of the dpa)\s*(?:2018)?)?$",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"^(?:uk\s*gdpr\s*,?\s*)?art(?:icle|\.)?\s*(?P<num>\d+)(?P<subs>(?:\s*\([0-9a-z]+\))*)"
    r"(?:\s*(?:of\s+the\s+)?(?:uk\s*)?gdpr)?$",
    re.IGNORECASE,
)


def _data_protection_section(raw: str) -> str | None:
    """`Sch 2 para 2`, `DPA 2018 Schedule 2, paragraph 16`, `Art 12(5)`, `UK GDPR Art 12(5)`
    in their canonical forms (`sch 2 para 2`, `art 12(5)`); None for anything else."""
    schedule = _SCHEDULE.match(raw)
    if schedule:
        n, part, para = schedule.group("sch"), schedule.group("part"), schedule.group("para")
        if para:  # DPA 2018 schedules number their paragraphs right through, parts aside
            return f"sch {n} para {para}{(schedule.group('subs') or '').lower()}"
        return f"sch {n} pt {part}" if part else f"sch {n}"
    article = _ARTICLE.match(raw)
    if article:
        subs = re.sub(r"\s+", "", article.group("subs")).lower()
        return f"art {article.group('num')}{subs}"
    return None


def citation(section: str, *, short: bool = False) -> str:
    """How a canonical section is cited: the one citation formatter.

    Letters write it in full (`section 40(2)`, `regulation 12(5)(b)`); `short` is for lists
    and the log (`s.40(2)`, `reg 12(5)(b)`, `Art 15(4)`, `Sch 2 para 2`). A section already
    written with `s.` is read as its canonical form."""
    section = section.strip().removeprefix("s.").strip()
    if short:
        return _short_citation(section)
    if section.startswith("reg "):
        return "regulation " + section.removeprefix("reg ")
    if section.startswith("art "):
        return f"Article {section.removeprefix('art ')} of the UK GDPR"
    if section.startswith("sch "):
        parts = section.split()
        text = f"Schedule {parts[1]}"
        if len(parts) == 4:
            text += f", {'Part' if parts[2] == 'pt' else 'paragraph'} {parts[3]}"
        return text + " to the Data Protection Act 2018"
    return f"section {section}"


def _short_citation(section: str) -> str:
    if section.startswith("reg "):
        return section
    if section.startswith("art "):
        return "Art " + section.removeprefix("art ")
    if section.startswith("sch "):
        parts = section.split()
        text = f"Sch {parts[1]}"
        if len(parts) == 4:
            text += f" {'Part' if parts[2] == 'pt' else 'para'} {parts[3]}"
        return text
    return f"s.{section}"


def normalise_section(text: str, regime: str | None = None) -> str:
    """The canonical form of a section as an officer writes it.

    `s40(2)`, `s.40(2)`, `section 40 (2)` -> `40(2)`; `reg 12(4)(a)`, `regulation 12(4)(a)`
    -> `reg 12(4)(a)`. A bare `12(5)(b)` or `13` is read as an EIR regulation when `regime`
    is `eir`. Raises UnknownExemption when the text is not shaped like a section.
    """
    raw = text.strip()
    data_protection = _data_protection_section(raw)
    if data_protection is not None:
        return data_protection
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
        "EIR reg 12(4)(a)-(e), reg 12(5)(a)-(g), reg 13; subject access: Art 12(5), "
        "DPA 2018 Sch 2 para 2-28, Sch 3 pt 2-5, Sch 4"
    )


_NAMED = re.compile(r"(?:\bs\.?\s*|\bsection\s+)(\d+[A-Za-z]?(?:\([0-9A-Za-z]+\))*)", re.IGNORECASE)


def sections_named(text: str | None) -> list[Exemption]:
    """The FOIA exemptions a note names (`s.31(1)(a)`, `section 40(2)`), for checking that a
    public interest extension is taken for a qualified one."""
    found = []
    for match in _NAMED.finditer(text or ""):
        try:
            found.append(get_exemption(match.group(1), "foi"))
        except UnknownExemption:
            continue
    return found


def regime_problem(entry: Exemption, regime: str) -> str | None:
    """Why `entry` cannot be relied on for a request under `regime`, or None when it can.

    FOIA Part II and ss.12, 14 on FOI requests; environmental information is dealt with under
    the EIR (s.39), so EIR exceptions only on EIR requests; subject access has its own
    restrictions (UK GDPR Art 12(5), DPA 2018 Schedules 2-4) and no cost limit.
    """
    family = regime.split("-")[0]
    if family == entry.regime:
        return None
    if family == "sar":
        return (
            f"{entry.label} is not a subject access exemption: a subject access request is "
            "answered under the UK GDPR and the DPA 2018 (Art 12(5) manifestly unfounded or "
            "excessive; DPA 2018 Schedules 2 to 4, e.g. sch 2 para 2 crime, sch 2 para 16 "
            "others' data); there is no cost limit for subject access"
        )
    if family == "eir":
        return (
            f"{entry.label} is not an EIR exception, but this request is under the EIR: use an "
            "EIR exception such as reg 12(4)(b), 12(5)(b) or reg 13"
        )
    if entry.regime == "eir":
        return (
            f"{entry.label} is an EIR exception: environmental information is dealt with under "
            "the EIR, not FOIA (s.39); log the request under the EIR (regime eir) to rely on it"
        )
    return (
        f"{entry.label} applies to subject access only: on an FOI request cite a FOIA section "
        "(personal data: s.40(1) or s.40(2))"
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
