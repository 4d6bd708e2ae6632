"""Cell values as people write them: dates, outcomes, review outcomes, regimes, exemptions.

Every table here forgives case, spacing and punctuation (`Granted in full`, `GRANTED-IN-FULL`,
`granted  in full.` are one). `--value-map FIELD:LABEL=CODE` adds the office's own labels, and
a value that nothing knows is reported once, with its count and rows, never per row with the
whole list of codes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from foikit.errors import FoikitError, ImportFailed
from foikit.law import exemptions as exemption_registry
from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES
from foikit.records.headers import fold


class BadCell(FoikitError):
    """One cell cannot be read; becomes a problem of its row naming the column."""


class UnknownValue(BadCell):
    """A label no table knows; counted once per distinct value (see `Unknowns`)."""

    def __init__(self, what: str, value: str, hint: str):
        super().__init__(f"unknown {what} {value!r}")
        self.what, self.value, self.hint = what, value, hint


# -- dates ----------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# A time after the date is dropped: `12/02/2021 09:59`, `2021-02-12T09:59:00`.
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$", re.I)
_NUMERIC = re.compile(rf"^(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{2}}|\d{{4}}){_TIME}$", re.I)
_WORDS = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{{2}}|\d{{4}}){_TIME}$", re.I
)
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug


def parse_uk_date(text: str) -> dt.date:
    """A date as UK spreadsheets write it; day first (05/06/2021 is 5 June 2021). A time after
    it is dropped; a five-digit number is an Excel serial day (44239 is 12 February 2021)."""
    value = " ".join(text.strip().split())
    try:
        match = _ISO.match(value)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _NUMERIC.match(value)
        if match:
            return dt.date(_year(match[3]), int(match[2]), int(match[1]))
        match = _WORDS.match(value)
        if match and match[2].lower() in _MONTHS:
            return dt.date(_year(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        match = _SERIAL.match(value)
        if match and 20000 <= int(match[1]) <= 80000:  # 1954 to 2119
            return EXCEL_EPOCH + dt.timedelta(days=int(match[1]))
    except ValueError:
        raise BadCell(f"{text!r} is not a real date") from None
    raise BadCell(f"{text!r} is not a date (write 2021-06-05, 05/06/2021 or 5 June 2021)")


def _year(text: str) -> int:
    # Two-digit years are this century: FOIA requests start in 2005.
    return 2000 + int(text) if len(text) == 2 else int(text)


# -- labels -----------------------------------------------------------------------------------

OUTCOME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "granted-in-full": (
        "granted", "granted in full", "full", "fully granted", "disclosed", "disclosed in full",
        "released", "released in full", "provided", "provided in full", "information provided",
        "information supplied", "info provided", "all information provided", "answered",
        "full disclosure", "full release", "granted full",
    ),
    "partially-withheld": (
        "partially withheld", "partly withheld", "withheld in part", "refused in part",
        "partially refused", "part refused", "partial", "partially provided", "part provided",
        "partially granted", "part granted", "granted in part", "partial disclosure",
        "partially disclosed", "part disclosed", "partial release",
    ),
    "withheld-in-full": (
        "withheld", "withheld in full", "fully withheld", "refused", "refused in full",
        "refused fully", "full refusal", "refused exempt", "exempt", "exemption applied",
        "exempt in full", "nothing disclosed", "refused cost", "cost limit", "exceeds cost",
        "exceeded cost", "refused vexatious", "vexatious", "repeated",
    ),
    "not-held": (
        "not held", "information not held", "info not held", "no information held",
        "nil return", "nil", "nothing held", "held no information", "not held in full",
    ),
    "withdrawn": ("withdrawn", "request withdrawn", "cancelled", "closed withdrawn"),
    "lapsed": (
        "lapsed", "clarification not received", "no clarification received",
        "clarification needed", "clarify", "fee not paid", "abandoned",
        "no response from requester",
    ),
    "transferred": (
        "transferred", "transferred to another authority", "referred to another authority",
        "redirected", "passed to another authority",
    ),
    "advice-and-assistance": (
        "advice and assistance", "advice and assistance given", "advice given", "signposted",
        "advice assistance",
    ),
}  # fmt: skip
# A review's outcome, from the point of view of the original decision. "Appeal upheld" and
# "complaint upheld" (government statistics, the ICO) are in the requester's favour; foikit's
# `upheld` is the decision upheld. A bare "Upheld" could be either, so it must be declared.
REVIEW_SYNONYMS: dict[str, tuple[str, ...]] = {
    "upheld": (
        "decision upheld", "original decision upheld", "response upheld", "appeal not upheld",
        "appeal rejected", "appeal dismissed", "complaint not upheld", "not upheld",
        "decision maintained", "original response maintained", "maintained",
    ),
    "partly-upheld": (
        "partly upheld", "partially upheld", "upheld in part", "part upheld",
        "decision partly upheld", "original decision partly upheld", "appeal partly upheld",
        "appeal upheld in part", "partially overturned", "decision varied", "varied",
        "partly overturned",
    ),
    "overturned": (
        "overturned", "decision overturned", "original decision overturned", "appeal upheld",
        "complaint upheld", "reversed", "decision reversed", "appeal allowed", "appeal successful",
    ),
}  # fmt: skip
AMBIGUOUS_REVIEW = {"upheld": "upheld (original decision upheld) or overturned (appeal upheld)"}
REGIME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "foi": ("foi", "foia", "freedom of information", "freedom of information act", "foi request"),
    "eir": ("eir", "eirs", "environmental information", "environmental information regulations"),
    "sar": ("sar", "subject access", "subject access request", "dpa", "data protection"),
}
CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e mail", "mail"),
    "post": ("post", "letter", "postal"),
    "web": ("web", "website", "web form", "online", "online form", "whatdotheyknow"),
    "phone": ("phone", "telephone"),
    "in-person": ("in person", "visit"),
}
FIELDS_WITH_LABELS = ("outcome", "review_outcome", "regime", "channel")


def _table(synonyms: dict[str, tuple[str, ...]], labels: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in synonyms.items():
        table[fold(code)] = code
        table[fold(labels.get(code, code))] = code
        for word in words:
            table[fold(word)] = code
    return table


@dataclass
class Labels:
    """The label tables, with the office's own `--value-map` entries on top."""

    tables: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "outcome": _table(OUTCOME_SYNONYMS, {k: o.label for k, o in OUTCOMES.items()}),
            "review_outcome": _table(REVIEW_SYNONYMS, REVIEW_OUTCOMES),
            "regime": _table(REGIME_SYNONYMS, {}),
            "channel": _table(CHANNEL_SYNONYMS, {}),
        }
    )
    declared: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_maps(self, pairs: Iterable[str]) -> None:
        """`FIELD:LABEL=CODE`, e.g. `outcome:Part released=partially-withheld`."""
        codes = {
            "outcome": tuple(OUTCOMES),
            "review_outcome": tuple(REVIEW_OUTCOMES),
            "regime": tuple(REGIME_SYNONYMS),
            "channel": tuple(CHANNEL_SYNONYMS),
        }
        for pair in pairs:
            name, colon, rest = pair.partition(":")
            label, equals, code = rest.rpartition("=")
            name, code = name.strip().lower(), code.strip().lower()
            if not colon or not equals or not label.strip() or not code:
                raise ImportFailed(f"--value-map takes FIELD:LABEL=CODE, not {pair!r}")
            if name not in codes:
                raise ImportFailed(
                    f"--value-map {pair!r}: the field is one of {', '.join(codes)}, not {name!r}"
                )
            if code not in codes[name]:
                raise ImportFailed(
                    f"--value-map {pair!r}: {name} codes are {', '.join(codes[name])}"
                )
            self.declared.setdefault(name, {})[fold(label)] = code

    def code(self, name: str, text: str) -> str | None:
        """The code for a label, None for a blank cell; UnknownValue otherwise."""
        if not text.strip():
            return None
        folded = fold(text)
        declared = self.declared.get(name, {})
        if folded in declared:
            return declared[folded]
        if name == "review_outcome" and folded in AMBIGUOUS_REVIEW:
            raise UnknownValue(
                "review outcome",
                text.strip(),
                f"--value-map 'review_outcome:{text.strip()}=CODE', CODE"
                f" {AMBIGUOUS_REVIEW[folded]}: the word means opposite things in different"
                " registers",
            )
        found = self.tables[name].get(folded)
        if found is None:
            raise UnknownValue(
                name.replace("_", " "),
                text.strip(),
                f"--value-map '{name}:{text.strip()}=CODE'",
            )
        return found


@dataclass
class Unknowns:
    """Each unknown value once: how many rows, which rows, and how to declare it."""

    seen: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    hints: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, error: UnknownValue, row: int) -> None:
        key = (error.what, error.value)
        self.seen.setdefault(key, []).append(row)
        self.hints[key] = error.hint

    def lines(self) -> list[str]:
        out = []
        for (what, value), rows in sorted(self.seen.items(), key=lambda kv: -len(kv[1])):
            shown = ", ".join(map(str, rows[:10])) + (", ..." if len(rows) > 10 else "")
            out.append(
                f"unknown {what} {value!r}: {len(rows)} row{'s' if len(rows) != 1 else ''}"
                f" ({shown}); declare it with {self.hints[(what, value)]}"
            )
        return out

    def as_list(self) -> list[dict[str, object]]:
        return [
            {"field": w, "value": v, "count": len(r), "rows": r, "hint": self.hints[(w, v)]}
            for (w, v), r in self.seen.items()
        ]


# -- request-level exemptions -------------------------------------------------------------------

_CITATION = re.compile(
    r"(?:\b(?:reg(?:ulation)?\.?\s*)(?P<reg>1[23](?:\s*\(\s*\w{1,3}\s*\))*)"
    r"|(?:\b(?:s|sec|section|sections|ss)\.?\s*|(?<![\w(])(?=\d))(?P<s>\d{1,2}[A-Z]?(?:\s*\(\s*\w{1,3}\s*\))*))",
    re.I,
)


NO_EXEMPTION = {"", "none", "n a", "na", "nil", "no", "not applicable", "no exemptions"}


def parse_exemption_cell(text: str, regime: str) -> list[str]:
    """The sections a request-level cell cites, canonical and in order: `S40(2), S31(1)(a)`,
    `s40,s31`, `(s12) - Exceeded cost`, `Section 40 (2)`, `Reg 12(4)(b)`. Words around them
    are ignored; a cell that cites nothing a section could be is an UnknownValue."""
    if fold(text) in NO_EXEMPTION:
        return []
    sections: list[str] = []
    for match in _CITATION.finditer(text):
        raw = match["reg"] and f"reg {match['reg']}" or match["s"]
        raw = re.sub(r"\s+", "", raw).replace("reg", "reg ")
        try:
            canonical, _ = exemption_registry.resolve(raw, regime if raw[:3] != "reg" else "eir")
        except FoikitError:
            try:
                canonical, _ = exemption_registry.resolve(raw, None)
            except FoikitError:
                raise UnknownValue(
                    "exemption", raw, "the section as the Act numbers it, e.g. 40(2) or reg 13"
                ) from None
        if canonical not in sections:
            sections.append(canonical)
    if not sections:
        raise UnknownValue("exemption", text.strip(), "a section such as 40(2), s.12 or reg 13")
    return sections
