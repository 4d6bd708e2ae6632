"""Which column feeds which field: the headers offices actually write, as synonyms.

A header is compared with its case, spaces and punctuation forgiven (`Date Received`,
`date_received` and `DATE-RECEIVED.` are one). `--map FIELD=COLUMN` names any other column.
A column matched by nothing is kept: its cells go into the request's notes as `Header: value`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from foikit.errors import ImportFailed

# The fields of a row, in the order `export` writes them (`exemptions` is the request-level
# column; question_N, status_N, answer_N and exemptions_N follow for each question).
FIELDS = (
    "reference",
    "original_reference",
    "regime",
    "received",
    "subject",
    "request_text",
    "requester_name",
    "requester_email",
    "requester_address",
    "requester_type",
    "channel",
    "handler",
    "due",
    "responded",
    "outcome",
    "exemptions",
    "events",
    "review_received",
    "reviewer",
    "review_decided",
    "review_outcome",
    "publish",
    "notes",
    "outcome_label",
    "review_outcome_label",
)
# Written by export for people and other systems; read back from the codes beside them.
IGNORED = ("outcome_label", "review_outcome_label")
QUESTION_FIELD = re.compile(r"^(question|status|answer|exemptions)_([1-9]\d*)$")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        "ref", "ref no", "reference number", "number", "no", "case number", "case ref",
        "case reference", "foi reference", "foi ref", "foi number", "foi no", "request number",
        "request reference", "request ref", "our reference", "log number", "id",
    ),
    "original_reference": ("office reference", "old reference", "previous reference"),
    "regime": ("case type", "request type", "legislation", "act", "type of request"),
    "received": (
        "date received", "received date", "date of request", "request date",
        "date request received", "date logged", "logged", "date opened", "opened",
        "received on", "date in",
    ),
    "subject": ("title", "request title", "summary", "topic", "request subject", "subject line"),
    "request_text": (
        "message", "request", "request text", "request details", "details", "full request",
        "description", "information requested", "request wording",
    ),
    "requester_name": (
        "name", "requester", "requestor", "requestor name", "applicant", "applicant name",
        "requested by", "from", "full name",
    ),
    "requester_email": (
        "email", "e mail", "email address", "e mail address", "requester email",
        "requestor email", "applicant email", "contact email",
    ),
    "requester_address": ("address", "postal address", "requestor address", "applicant address"),
    "requester_type": (
        "requester type", "requestor type", "type of requester", "applicant type",
        "requester category", "category of requester",
    ),
    "channel": ("received via", "how received", "method received", "source"),
    "handler": (
        "officer", "case officer", "handled by", "owner", "assigned to", "lead officer",
        "responsible officer",
    ),
    "due": ("due date", "date due", "deadline", "target date", "response due"),
    "responded": (
        "date responded", "response date", "date of response", "date closed", "closed",
        "closed date", "date response sent", "response sent", "date completed", "completed",
        "date answered",
    ),
    "outcome": (
        "result", "decision", "outcome of request", "response type", "disclosure outcome",
        "final outcome", "request outcome",
    ),
    "exemptions": (
        "exemption", "exemptions applied", "exemptions used", "exemptions cited", "sections",
        "sections applied", "exemption s", "exemptions exceptions", "exceptions",
    ),
    "review_received": (
        "review received", "appeal received", "internal review received", "date of appeal",
        "appeal date", "review requested", "date review requested",
    ),
    "reviewer": ("review officer", "reviewed by"),
    "review_decided": (
        "review decided", "appeal decided", "review completed", "date of review decision",
        "review date", "appeal completed",
    ),
    "review_outcome": (
        "appeal outcome", "review outcome", "internal review outcome", "ir outcome",
        "appeal result", "review result", "appeal",
    ),
    "publish": ("published", "disclosure log", "on disclosure log", "publish on log"),
    "notes": ("comments", "remarks", "note"),
}  # fmt: skip
_QUESTION_SPELLINGS = re.compile(
    r"^(question|q|status|answer|response|exemptions?)\s*([1-9]\d*)(?:\s+(answer|status|exemptions?))?$"
)


def fold(header: str) -> str:
    """A header with case, spaces and punctuation forgiven: `Date-Received.` -> `date received`."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.lower()).split())


_BY_FOLDED: dict[str, str] = {}
for _name in FIELDS:
    _BY_FOLDED[fold(_name)] = _name
    for _synonym in SYNONYMS.get(_name, ()):
        _BY_FOLDED.setdefault(fold(_synonym), _name)


def field_for(header: str) -> str | None:
    """The field a header names, or None."""
    folded = fold(header)
    if folded in _BY_FOLDED:
        return _BY_FOLDED[folded]
    match = _QUESTION_SPELLINGS.match(folded)
    if match:
        kind, number, second = match[1], match[2], match[3]
        if kind in ("question", "q") and second:
            kind = second  # `Q1 answer`
        kind = {"q": "question", "response": "answer", "exemption": "exemptions"}.get(kind, kind)
        return f"{kind}_{number}"
    return None


@dataclass
class Columns:
    """Which column (index) feeds each field, and what was matched and how."""

    fields: dict[str, int]
    fed: list[tuple[str, str]]  # (column header, field), in column order
    unmapped: list[tuple[int, str]] = field(default_factory=list)  # kept as notes


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`FIELD=COLUMN` pairs from the command line."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name = name.strip().lower()
        if not sep or not name or not column.strip():
            raise ImportFailed(f"--map takes FIELD=COLUMN, not {pair!r}")
        if name not in FIELDS and not QUESTION_FIELD.match(name):
            raise ImportFailed(
                f"unknown field {name!r} in --map: use one of {', '.join(FIELDS)}, "
                "or question_N, status_N, answer_N, exemptions_N"
            )
        mapping[name] = column.strip()
    return mapping


def match_columns(headers: Sequence[str], mapping: Mapping[str, str]) -> Columns:
    """Fields from `--map` first, then from the headers themselves; the first column that
    names a field feeds it, and every other column is kept as notes."""
    by_folded: dict[str, int] = {}
    for i, header in enumerate(headers):
        by_folded.setdefault(fold(header), i)
    fields: dict[str, int] = {}
    for name, column in mapping.items():
        index = by_folded.get(fold(column))
        if index is None:
            raise ImportFailed(
                f"--map {name}={column}: the file has no column {column!r} "
                f"(its columns: {', '.join(headers)})"
            )
        fields[name] = index
    taken = set(fields.values())
    for i, header in enumerate(headers):
        found = field_for(header)
        if i in taken or found is None or found in fields:
            continue
        fields[found] = i
        taken.add(i)
    if "received" not in fields or not ({"subject", "request_text"} & set(fields)):
        missing = [
            f for f, alts in (("received", ("received",)), ("subject", ("subject", "request_text")))
            if not set(alts) & set(fields)
        ]  # fmt: skip
        raise ImportFailed(
            f"the file has no {' or '.join(missing)} column "
            f"(its columns: {', '.join(headers)}); name it with --map FIELD=COLUMN"
        )
    fed = sorted(((headers[i], name) for name, i in fields.items()), key=lambda p: fields[p[1]])
    unmapped = [(i, h) for i, h in enumerate(headers) if i not in taken and h.strip()]
    return Columns(fields, fed, unmapped)
