"""One spreadsheet row read into a record: every cell read, every problem of the row listed.

Reading a row only reads: the law's rules for an open request are applied when the importer
creates it through the lifecycle (foikit.casework.lifecycle), and a closed historic row is kept
as recorded (foikit.records.history). What is checked here is what any row must have to mean
anything: a real date of receipt not in the future, a subject, dates in order, known labels.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from foikit.clock import rules as clock
from foikit.errors import FoikitError
from foikit.law.outcomes import ANSWER_STATUSES
from foikit.records.headers import QUESTION_FIELD, Columns, fold
from foikit.records.values import (
    BadCell,
    Labels,
    Unknowns,
    UnknownValue,
    parse_exemption_cell,
    parse_uk_date,
)

# FOIA's right of access came into force on 1 January 2005.
EARLIEST = dt.date(2005, 1, 1)
YES = ("1", "yes", "true", "y")
NO = ("0", "no", "false", "n")


@dataclass
class Record:
    """A row as read: the values foikit stores, and what the row says about itself."""

    line: int
    original_reference: str | None = None  # the office's own reference, as written
    reference: str | None = None  # the reference column (foikit's form when it has one)
    regime: str = "foi"
    received: dt.date | None = None
    subject: str = ""
    requester_name: str | None = None
    requester_email: str | None = None
    requester_email_raw: str | None = None  # as the cell had it (kept when not an address)
    requester_address: str | None = None
    channel: str | None = None
    handler: str | None = None
    due: dt.date | None = None
    responded: dt.date | None = None
    outcome: str | None = None
    exemptions: list[str] = field(default_factory=list)  # request-level sections
    events: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    publish: bool | None = None  # None: the column is blank or absent
    notes: str | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # kept as found, recorded on the request

    @property
    def closed(self) -> bool:
        return self.outcome is not None

    def match_key(self) -> str:
        """Received date, requester and subject, folded: how a row without a reference is
        recognised on a second import."""
        who = fold(self.requester_email or self.requester_name or "")
        return f"{self.received}|{who}|{fold(self.subject)}"


def clean_email(text: str) -> str:
    """Strip what spreadsheets add around an address: spaces, `mailto:`, `Name <...>`."""
    value = text.strip()
    match = re.search(r"<([^<>]*)>", value)
    if match:
        value = match[1]
    value = re.sub(r"\s+", "", value)
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.split("?", 1)[0]  # mailto:a@b.org?subject=FOI


def parse_exemptions(text: str) -> list[dict[str, Any]]:
    """An `exemptions_N` cell: `40(2): reason; 31(1)(a): reason`, or the JSON list of
    {"section", "reason", "public_interest", "ncnd"} that export writes when it must."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            raw = json.loads(text)
        except ValueError as e:
            raise BadCell(f"the exemptions are not valid JSON: {e}") from None
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            raise BadCell("the exemptions JSON must be a list of objects with a section")
        items = raw
    else:
        items = []
        for part in re.split(r"[;\n]", text):
            if part.strip():
                section, _, reason = part.partition(":")
                items.append({"section": section.strip(), "reason": reason.strip() or None})
    for item in items:
        if not item.get("section"):
            raise BadCell("an exemption has no section")
    return [
        {
            "section": str(item["section"]),
            "reason": item.get("reason") or None,
            "public_interest": item.get("public_interest") or None,
            "ncnd": bool(item.get("ncnd")),
        }
        for item in items
    ]


def parse_events(text: str) -> list[dict[str, Any]]:
    """`kind date [days] [£amount] [reason]; ...` (what export writes)."""
    events = []
    for part in text.split(";"):
        tokens = part.split()
        if not tokens:
            continue
        kind = tokens[0].lower()
        if kind not in clock.EVENT_KINDS:
            raise BadCell(
                f"unknown clock event {tokens[0]!r}: use one of {', '.join(clock.EVENT_KINDS)}"
            )
        event: dict[str, Any] = {"kind": kind, "date": None, "days": None, "amount": None}
        rest = tokens[1:]
        if rest and rest[0] != "-":
            event["date"] = parse_uk_date(rest[0]).isoformat()
        rest = rest[1:]
        if rest and rest[0].isdigit():
            event["days"] = int(rest.pop(0))
        if rest and rest[0].startswith("£"):
            try:
                event["amount"] = float(rest.pop(0)[1:].replace(",", ""))
            except ValueError:
                raise BadCell(f"{part.strip()!r}: the fee is not an amount") from None
            if not 0 < event["amount"] < 1_000_000:
                raise BadCell(f"{part.strip()!r}: the fee must be more than £0")
        event["reason"] = " ".join(rest) or None
        events.append(event)
    return events


class RowReader:
    """Reads rows of one file; the labels and the unknown values are the file's."""

    def __init__(
        self, headers: Sequence[str], columns: Columns, labels: Labels, today: dt.date
    ) -> None:
        self.headers = headers
        self.columns = columns
        self.labels = labels
        self.today = today
        self.unknowns = Unknowns()
        # The question fields of this file and their numbers, matched once, not once a row.
        self.question_numbers = {
            key: int(m[2]) for key in columns.fields if (m := QUESTION_FIELD.match(key))
        }
        self.fields = frozenset(columns.fields)

    def cells(self, cells: Sequence[str]) -> dict[str, str]:
        return {
            name: cells[i].strip() if i < len(cells) else ""
            for name, i in self.columns.fields.items()
        }

    def read(self, line: int, raw: Sequence[str]) -> Record:
        cells = self.cells(raw)
        rec = Record(line)

        def attempt(what: str, fn: Any, *args: Any) -> Any:
            try:
                return fn(*args)
            except UnknownValue as e:
                self.unknowns.add(e, line)
                rec.problems.append(str(e))
            except FoikitError as e:
                rec.problems.append(f"{what}: {e}" if what else str(e))
            return None

        rec.reference = cells.get("reference") or None
        rec.original_reference = cells.get("original_reference") or rec.reference
        rec.regime = attempt("", self.labels.code, "regime", cells.get("regime", "")) or "foi"
        rec.received = attempt("received", self._date, cells, "received", True)
        request_text = cells.get("request_text", "")
        rec.subject = cells.get("subject", "") or _first_line(request_text)
        if not rec.subject:
            rec.problems.append("subject is blank")
        rec.requester_name = cells.get("requester_name") or None
        email = clean_email(cells.get("requester_email", ""))
        rec.requester_email = email or None
        rec.requester_email_raw = cells.get("requester_email") or None
        rec.requester_address = cells.get("requester_address") or None
        rec.channel = attempt("", self.labels.code, "channel", cells.get("channel", ""))
        rec.handler = cells.get("handler") or None
        rec.due = attempt("due", self._date, cells, "due", False, True)
        rec.responded = attempt("responded", self._date, cells, "responded")
        rec.outcome = attempt("", self.labels.code, "outcome", cells.get("outcome", ""))
        if rec.responded is not None and rec.outcome is None and not cells.get("outcome"):
            rec.problems.append("a closed request needs both responded and outcome; give outcome")
        if rec.outcome is not None and rec.responded is None and not cells.get("responded"):
            rec.problems.append("a closed request needs both responded and outcome; give responded")
        if rec.received and rec.responded and rec.responded < rec.received:
            rec.problems.append(f"responded {rec.responded} is before received {rec.received}")
        rec.exemptions = (
            attempt("exemptions", parse_exemption_cell, cells.get("exemptions", ""), rec.regime)
            or []
        )
        rec.events = attempt("events", parse_events, cells.get("events", "")) or []
        for event in rec.events:
            if event["date"] and event["date"] > self.today.isoformat():
                rec.problems.append(f"the {event['kind']} event {event['date']} is in the future")
        rec.questions = attempt("", self._questions, cells, request_text) or []
        rec.review = attempt("", self._review, cells, rec)
        publish = cells.get("publish", "").lower()
        if publish in YES or publish in NO:
            rec.publish = publish in YES
        elif publish:
            rec.problems.append(f"publish {publish!r} is not yes or no")
        rec.notes = self._notes(cells, raw)
        return rec

    def _date(
        self, cells: Mapping[str, str], name: str, required: bool = False, ahead: bool = False
    ) -> dt.date | None:
        text = cells.get(name, "")
        if not text:
            if required:
                raise BadCell("blank")
            return None
        day = parse_uk_date(text)
        if not ahead and day > self.today:
            raise BadCell(f"{day.isoformat()} is in the future")
        if day < EARLIEST:
            raise BadCell(f"{day.isoformat()} is before FOIA came into force (2005)")
        return day

    def _questions(self, cells: Mapping[str, str], request_text: str) -> list[dict[str, Any]]:
        numbers = sorted(
            {n for key, n in self.question_numbers.items() if cells.get(key)}
            | {int(m[2]) for key in cells.keys() - self.fields
               if (m := QUESTION_FIELD.match(key)) and cells[key]}
        )  # fmt: skip
        questions = []
        for expected, number in enumerate(numbers, start=1):
            text = cells.get(f"question_{number}", "")
            if not text:
                raise BadCell(f"question_{number} is blank but its answer is not")
            if number != expected:
                raise BadCell(f"question_{expected} is missing before question_{number}")
            status = cells.get(f"status_{number}", "").lower() or None
            if status is not None and status not in ANSWER_STATUSES:
                raise BadCell(
                    f"status_{number} {status!r} is not one of {', '.join(ANSWER_STATUSES)}"
                )
            questions.append(
                {
                    "number": number,
                    "text": text,
                    "status": status,
                    "answer": cells.get(f"answer_{number}") or None,
                    "exemptions": parse_exemptions(cells.get(f"exemptions_{number}", "")),
                }
            )
        if not questions and request_text:
            # The request's own words, as the office recorded them, are its question.
            questions.append(
                {"number": 1, "text": request_text, "status": None, "answer": None}
                | {"exemptions": []}
            )
        return questions

    def _review(self, cells: Mapping[str, str], rec: Record) -> dict[str, Any] | None:
        outcome = self.labels.code("review_outcome", cells.get("review_outcome", ""))
        received = self._date(cells, "review_received")
        decided = self._date(cells, "review_decided")
        reviewer = cells.get("reviewer") or None
        if received is None and outcome is None and decided is None and reviewer is None:
            return None
        if received is None:
            if rec.responded is None:
                raise BadCell("a review is of a response: the request has no responded date")
            received = rec.responded
            rec.flags.append("review: the date it was asked for is not recorded")
        reopened = any(e["kind"] == "reopen" for e in rec.events)  # reviewed an earlier response
        if rec.responded is not None and received < rec.responded and not reopened:
            raise BadCell(f"review_received {received} is before the response {rec.responded}")
        if decided is None and outcome is not None:
            decided = received
            rec.flags.append("review: the date it was decided is not recorded")
        if decided is not None and decided < received:
            raise BadCell(f"review_decided {decided} is before review_received {received}")
        return {"received": received, "reviewer": reviewer, "decided": decided, "outcome": outcome}

    def _notes(self, cells: Mapping[str, str], raw: Sequence[str]) -> str | None:
        parts = [cells.get("notes", "")]
        if cells.get("requester_type"):
            parts.append(f"Requester type: {cells['requester_type']}")
        for i, header in self.columns.unmapped:
            if i < len(raw) and raw[i].strip():
                parts.append(f"{header}: {raw[i].strip()}")
        text = "\n".join(p for p in parts if p)
        return text or None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 120 else line[:117].rstrip() + "..."
