"""Bring in a register kept in a spreadsheet (CSV), and write the register back out the same way.

One row per request. The default columns are `COLUMNS` (what `export` writes), then four per
question: `question_N`, `status_N`, `answer_N`, `exemptions_N`. Headers are matched ignoring
case, spaces, hyphens and underscores (`Requester Name` is `requester_name`); `--map
FIELD=COLUMN` names a column of another name. Cells may be blank.

- Dates: ISO (2021-06-05) or UK style, day first: 05/06/2021, 5/6/21, 05-06-2021, 5 June 2021,
  5th Jun 2021.
- Emails: spaces, `mailto:` and `Name <...>` are stripped, then validated and normalised as
  `request add` does (domain lower-cased).
- `exemptions_N`: `40(2): reason; 31(1)(a): reason` (any spelling `request answer` accepts), or a
  JSON list of {"section", "reason", "public_interest", "ncnd"}, which export writes when it
  needs to.
- `events`: the clock events, `kind date [days] [£amount] [reason]` separated by `;`
  (`extend 2024-02-10 20 public-interest; clarify 2024-01-05; clarified 2024-01-12`).
- `due`: an open request's due date is the clock's, from receipt and events (a different date in
  the file is reported as a warning); a closed request keeps the date in force the file gives,
  since the spreadsheet may hold extensions it never wrote down as events.
- A blank requester is accepted only for a closed request (an old, anonymised case).

All or nothing: every row is checked first; when any row cannot be taken, the whole file is
refused with the reason for every bad row, unless `skip_bad` is given, which imports the good
rows and reports the bad. The rows are written in one transaction, each row with its audit row
(action `import`), and one summarising `import` audit row names the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foikit.casework.lifecycle import CHANNELS, _check_outcome_fits
from foikit.clock import rules as clock
from foikit.clock.workdays import CalendarOutOfRange
from foikit.errors import FoikitError, ImportFailed
from foikit.law.outcomes import check_review_outcome, get_outcome
from foikit.law.regimes import get_regime, get_request_regime

COLUMNS = (
    "reference",
    "regime",
    "received",
    "subject",
    "requester_name",
    "requester_email",
    "requester_address",
    "channel",
    "handler",
    "due",
    "responded",
    "outcome",
    "events",
    "review_received",
    "reviewer",
    "review_decided",
    "review_outcome",
    "publish",
    "notes",
)
QUESTION_FIELDS = ("question", "status", "answer", "exemptions")
ANSWER_STATUSES = ("answered", "not-held", "exempt")
# FOIA's right of access came into force on 1 January 2005.
EARLIEST = dt.date(2005, 1, 1)
MALFORMED = "(malformed)"  # a key no column can have: the row's cells do not fit the header
_QUESTION_FIELD = re.compile(r"^(question|status|answer|exemptions)_([1-9]\d*)$")


class RowsRejected(ImportFailed):
    """Some rows cannot be taken; `report` says which and why."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message)
        self.report = report


class InvalidMapping(ImportFailed):
    pass


class BadCell(FoikitError):
    """One cell cannot be read; becomes a row problem naming the column."""


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet row (the header is row 1)
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    imported: list[str] = field(default_factory=list)  # references, in file order
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "imported": len(self.imported) if not self.dry_run else 0,
            "would_import": len(self.imported) if self.dry_run else None,
            "references": self.imported,
            "problems": [{"row": p.row, "message": p.message} for p in self.problems],
            "warnings": [{"row": p.row, "message": p.message} for p in self.warnings],
            "unused_columns": self.unused_columns,
            "dry_run": self.dry_run,
        }


# -- reading cells ------------------------------------------------------------------------------

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
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{2}|\d{4})$")


def parse_uk_date(text: str) -> dt.date:
    """A date as UK spreadsheets write it; day first (05/06/2021 is 5 June 2021)."""
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
    except ValueError:
        raise BadCell(f"{text!r} is not a real date") from None
    raise BadCell(f"{text!r} is not a date (write 2021-06-05, 05/06/2021 or 5 June 2021)")


def _year(text: str) -> int:
    # Two-digit years are this century: FOIA requests start in 2005.
    return 2000 + int(text) if len(text) == 2 else int(text)


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


# A dot-atom local part of plain ASCII, which the email validator returns unchanged (RFC 5322).
_PLAIN_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)


@functools.lru_cache(maxsize=4096)
def _normalised_domain(domain: str) -> str:
    from foikit.casework.requesters import normalise_email

    return normalise_email(f"a@{domain}").rpartition("@")[2]


def normalise_email_fast(text: str) -> str:
    """What `request add` stores for an address (foikit.casework.requesters.normalise_email), with
    the domain checked once per domain: a register of 100,000 rows has a few hundred domains, and
    the domain is most of the validator's time. Anything but a plain ASCII local part, and any
    failure, goes to the validator itself, so the result and the error are always its own."""
    from foikit.casework.requesters import normalise_email

    value = text.strip()
    local, at, domain = value.rpartition("@")
    if at and len(local.encode()) <= 64 and _PLAIN_LOCAL.match(local):
        try:
            address = f"{local}@{_normalised_domain(domain)}"
        except FoikitError:
            return normalise_email(value)
        if len(address) <= 254:
            return address
    return normalise_email(value)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().lower()).strip("_")


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`FIELD=COLUMN` pairs from the command line."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name = name.strip().lower()
        if not sep or not name or not column.strip():
            raise InvalidMapping(f"--map takes FIELD=COLUMN, not {pair!r}")
        if name not in COLUMNS and not _QUESTION_FIELD.match(name):
            raise InvalidMapping(
                f"unknown field {name!r} in --map: use one of {', '.join(COLUMNS)}, "
                "or question_N, status_N, answer_N, exemptions_N"
            )
        mapping[name] = column.strip()
    return mapping


def _field_columns(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, int]:
    """Which column index holds each field."""
    by_key: dict[str, int] = {}
    for i, header in enumerate(headers):
        by_key.setdefault(_header_key(header), i)
    fields: dict[str, int] = {}
    for name, column in mapping.items():
        index = by_key.get(_header_key(column))
        if index is None:
            raise InvalidMapping(f"--map {name}={column}: the file has no column {column!r}")
        fields[name] = index
    taken = set(fields.values())
    for key, index in by_key.items():
        if index in taken:
            continue
        if (key in COLUMNS or _QUESTION_FIELD.match(key)) and key not in fields:
            fields[key] = index
    return fields


def format_exemptions(items: Sequence[Mapping[str, Any]]) -> str:
    """The `exemptions_N` cell: plain `section: reason; ...` unless that would lose something."""
    plain = all(
        not e.get("public_interest")
        and not e.get("ncnd")
        and not re.search(r"[;\n]", e.get("reason") or "")
        for e in items
    )
    if plain:
        return "; ".join(
            f"{e['section']}: {e['reason']}" if e.get("reason") else e["section"] for e in items
        )
    return json.dumps(
        [
            {
                "section": e["section"],
                "reason": e.get("reason"),
                "public_interest": e.get("public_interest"),
                "ncnd": bool(e.get("ncnd")),
            }
            for e in items
        ],
        ensure_ascii=False,
    )


def parse_exemptions(text: str) -> list[dict[str, Any]]:
    """The exemptions cell as written; `_Checker.exemptions` checks them against the law."""
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
                items.append({"section": section, "reason": reason.strip() or None})
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


def format_events(events: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for e in events:
        bits = [e["kind"], e["date"] or "-"]
        if e.get("days") is not None:
            bits.append(str(e["days"]))
        if e.get("amount") is not None:
            bits.append(f"£{e['amount']:g}")
        if e.get("reason"):
            bits.append(str(e["reason"]))
        parts.append(" ".join(bits))
    return "; ".join(parts)


def parse_events(text: str) -> list[dict[str, Any]]:
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
        event["reason"] = " ".join(rest) or None
        events.append(event)
    return events


# -- checking rows ------------------------------------------------------------------------------


@dataclass
class _Row:
    """One checked row, ready to write."""

    line: int
    request: dict[str, Any]
    requester: dict[str, Any] | None
    questions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    review: dict[str, Any] | None


class _Checker:
    """Checks rows against the law and the register, reading what it needs once."""

    def __init__(self, reg: Any, today: dt.date):
        from foikit.clock.duedates import load_calendar, sar_nation

        self.today = today
        self.cal = load_calendar(reg)
        self.nation = sar_nation(reg)
        self.references = {r["reference"] for r in reg.query("SELECT reference FROM requests")}
        self.taken = {
            (r["regime"], r["year"], r["seq"])
            for r in reg.query("SELECT regime, year, seq FROM requests")
        }
        self.next_seq: dict[tuple[str, int], int] = {}
        self.conn = reg.conn  # handlers are checked against the accounts (casework.staff_names)
        self.deadlines: dict[tuple[Any, ...], clock.Deadline] = {}
        for r in reg.query("SELECT regime, year, MAX(seq) AS seq FROM requests GROUP BY 1, 2"):
            self.next_seq[(r["regime"], r["year"])] = r["seq"] + 1

    def handler(self, text: str) -> str | None:
        """An active account once the register has accounts; a name as given without any."""
        from foikit.casework.staff_names import UnknownStaff, check_staff

        try:
            return check_staff(self.conn, text, "handler")
        except UnknownStaff as e:
            raise BadCell(str(e)) from None

    def date(self, cells: Mapping[str, str], name: str, *, required: bool = False) -> Any:
        text = cells.get(name, "").strip()
        if not text:
            if required:
                raise BadCell(f"{name} is blank")
            return None
        try:
            day = parse_uk_date(text)
        except BadCell as e:
            raise BadCell(f"{name}: {e}") from None
        if day > self.today:
            raise BadCell(f"{name} {day.isoformat()} is in the future")
        if day < EARLIEST:
            raise BadCell(f"{name} {day.isoformat()} is before FOIA came into force (2005)")
        return day

    def reference(self, text: str, regime: str, received: dt.date) -> tuple[str, int, int]:
        """The reference as `request add --reference` takes it (FOI-2024-0001); a spreadsheet's
        `FOI/2024/1` becomes FOI-2024-0001. Blank: the next of its year."""
        from foikit.casework.lifecycle import _parse_reference

        prefix = get_regime(regime).prefix
        if text:
            shaped = re.sub(r"[\s/_.]+", "-", text.strip().upper())
            _, year, seq = _parse_reference(shaped, prefix)
            reference = f"{prefix}-{year}-{seq:04d}"  # as `request add` writes it
            if reference in self.references or (regime, year, seq) in self.taken:
                raise BadCell(f"{reference} is already in the register (or earlier in the file)")
            return reference, year, seq
        year = received.year
        seq = self.next_seq.get((regime, year), 1)
        return f"{prefix}-{year}-{seq:04d}", year, seq

    def reserve(self, rows: Sequence[tuple[int, Mapping[str, str]]]) -> None:
        """Allocate blank references after every number the file itself uses, so a blank row
        early in the file never takes the reference of a later row."""
        from foikit.casework.lifecycle import _parse_reference

        for _, cells in rows:
            text = cells.get("reference", "").strip()
            if not text:
                continue
            try:
                regime = get_request_regime(cells.get("regime", "").strip().lower() or "foi")
                shaped = re.sub(r"[\s/_.]+", "-", text.upper())
                _, year, seq = _parse_reference(shaped, regime.prefix)
            except FoikitError:
                continue  # reported when the row is checked
            key = (regime.key, year)
            self.next_seq[key] = max(self.next_seq.get(key, 1), seq + 1)

    def claim(self, reference: str, regime: str, year: int, seq: int) -> None:
        self.references.add(reference)
        self.taken.add((regime, year, seq))
        self.next_seq[(regime, year)] = max(self.next_seq.get((regime, year), 1), seq + 1)

    def check(self, line: int, cells: Mapping[str, str], warn: list[Problem]) -> _Row:
        from foikit.casework.requesters import Requester, address_lines, make_requester

        if MALFORMED in cells:
            raise BadCell(cells[MALFORMED])
        regime = get_request_regime(cells.get("regime", "").strip().lower() or "foi").key
        received = self.date(cells, "received", required=True)
        subject = cells.get("subject", "").strip()
        if not subject:
            raise BadCell("subject is blank")
        responded = self.date(cells, "responded")
        outcome_text = cells.get("outcome", "").strip().lower()
        outcome = get_outcome(outcome_text).key if outcome_text else None
        if (responded is None) != (outcome is None):
            raise BadCell("a closed request needs both responded and outcome; an open one neither")
        if responded is not None and responded < received:
            raise BadCell(f"responded {responded} is before received {received}")
        closed = outcome is not None

        name = cells.get("requester_name", "").strip()
        email = clean_email(cells.get("requester_email", ""))
        address = cells.get("requester_address", "").strip()
        requester = None
        if name or email or address:
            # The checks of make_requester (FOIA s.8), with the faster, identical email check.
            lines = address_lines(address)
            normalised = normalise_email_fast(email) if email else None
            if not name or (normalised is None and not lines):
                make_requester(name or None, None, address or None)  # raises its own error
            requester = Requester(name, normalised, lines).row()
        elif not closed:
            raise BadCell("an open request needs its requester (FOIA s.8(1)(b))")

        channel = cells.get("channel", "").strip().lower() or None
        if channel is not None and channel not in CHANNELS:
            raise BadCell(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")

        events = parse_events(cells.get("events", ""))
        clock_events = tuple(
            clock.ClockEvent(
                e["kind"],
                dt.date.fromisoformat(e["date"]) if e["date"] else None,
                e["days"],
                e["reason"],
            )
            for e in events
        )
        for event in clock_events:
            if event.date is not None and event.date > self.today:
                raise BadCell(f"the {event.kind} event {event.date} is in the future")
        given_due = self.date_any(cells, "due")
        try:
            deadline: clock.Deadline | None = self.deadline(received, regime, clock_events)
        except CalendarOutOfRange as e:
            # An old closed case from before the bank holidays loaded keeps its own due date.
            if not (closed and given_due):
                raise BadCell(f"the due date cannot be worked out: {e}") from None
            deadline = None
        except FoikitError as e:
            raise BadCell(f"the clock events cannot be right: {e}") from None
        due: dt.date | None
        notice_due: dt.date | None
        stopped: str | None
        if closed and given_due is not None:
            due, notice_due, stopped = given_due, None, None
            if deadline is not None:
                notice_due = deadline.notice_due
        else:
            assert deadline is not None
            due, notice_due, stopped = deadline.due, deadline.notice_due, deadline.stopped
            if closed:
                stopped = None
            if given_due is not None and given_due != due:
                warn.append(
                    Problem(
                        line,
                        f"due {given_due} in the file; the statutory date {due} is used",
                    )
                )

        needs_answers = outcome is not None and get_outcome(outcome).needs_answers
        questions = self.questions(cells, regime, needs_answers)
        if needs_answers:
            assert outcome is not None
            _check_outcome_fits("the row", outcome, [q["status"] for q in questions])
        reopened = any(e["kind"] == "reopen" for e in events)
        review = self.review(cells, responded, reopened)
        publish_text = cells.get("publish", "").strip().lower()
        if publish_text not in ("", "1", "0", "yes", "no", "true", "false", "y", "n"):
            raise BadCell(f"publish {publish_text!r} is not yes or no")

        reference, year, seq = self.reference(cells.get("reference", "").strip(), regime, received)
        self.claim(reference, regime, year, seq)
        request = {
            "reference": reference,
            "regime": regime,
            "year": year,
            "seq": seq,
            "subject": subject,
            "received": received.isoformat(),
            "channel": channel,
            "handler": self.handler(cells.get("handler", "")),
            "status": "closed" if closed else "open",
            "due": due.isoformat() if due else None,
            "notice_due": notice_due.isoformat() if notice_due else None,
            "clock_stopped": stopped,
            "responded": responded.isoformat() if responded else None,
            "outcome": outcome,
            "publish": 0 if publish_text in ("0", "no", "false", "n") else 1,
            "notes": cells.get("notes", "").strip() or None,
        }
        return _Row(line, request, requester, questions, events, review)

    def deadline(
        self, received: dt.date, regime: str, events: tuple[clock.ClockEvent, ...]
    ) -> clock.Deadline:
        """The clock's deadline; a register of 100,000 rows has a few thousand distinct days
        of receipt, so each (day, regime, events) is worked out once."""
        key = (received, regime, events)
        found = self.deadlines.get(key)
        if found is None:
            found = clock.request_deadline(
                received, regime, events, self.cal, nation=self.nation, explain=False
            )
            self.deadlines[key] = found
        return found

    def date_any(self, cells: Mapping[str, str], name: str) -> dt.date | None:
        """A due date may lie ahead of today."""
        text = cells.get(name, "").strip()
        if not text:
            return None
        try:
            return parse_uk_date(text)
        except BadCell as e:
            raise BadCell(f"{name}: {e}") from None

    def questions(
        self, cells: Mapping[str, str], regime: str, needs_answers: bool
    ) -> list[dict[str, Any]]:
        numbers = sorted(
            {int(m[2]) for key in cells if (m := _QUESTION_FIELD.match(key)) and cells[key].strip()}
        )
        questions = []
        for expected, number in enumerate(numbers, start=1):
            text = cells.get(f"question_{number}", "")
            if not text.strip():
                raise BadCell(f"question_{number} is blank but its answer is not")
            if number != expected:
                raise BadCell(f"question_{expected} is missing before question_{number}")
            answer = cells.get(f"answer_{number}", "").strip() or None
            status = cells.get(f"status_{number}", "").strip().lower() or None
            if status is not None and status not in ANSWER_STATUSES:
                raise BadCell(
                    f"status_{number} {status!r} is not one of {', '.join(ANSWER_STATUSES)}"
                )
            exemptions = self.exemptions(number, cells, regime, status, answer)
            if status is None:
                if exemptions:
                    status = "exempt"
                elif answer:
                    status = "answered"
            if status == "exempt" and not exemptions:
                raise BadCell(f"question {number} is exempt but exemptions_{number} is blank")
            if status is None and needs_answers:
                raise BadCell(f"question {number} has no answer, but the request is closed")
            questions.append(
                {
                    "number": number,
                    # The requester's words, exactly as given (only surrounding blanks trimmed).
                    "text": text.strip(),
                    "status": status,
                    "answer": answer,
                    "exemptions": exemptions,
                }
            )
        return questions

    def exemptions(
        self,
        number: int,
        cells: Mapping[str, str],
        regime: str,
        status: str | None,
        answer: str | None,
    ) -> list[dict[str, Any]]:
        """The exemptions of one answer, checked as `request answer` checks them (public
        interest for a qualified one, NCND only where the Act allows it, EIR exceptions)."""
        from foikit.casework.lifecycle import _exemption_rows

        items = parse_exemptions(cells.get(f"exemptions_{number}", ""))
        if status == "not-held" and regime.startswith("eir") and not items:
            items = [{"section": "reg 12(4)(a)", "reason": None, "public_interest": None}]
        if not items:
            return []
        ncnd = any(e.get("ncnd") for e in items)
        if ncnd and answer:
            raise BadCell(f"question {number}: neither confirm nor deny cannot release text")
        rows = _exemption_rows(
            [(e["section"], e.get("reason"), e.get("public_interest")) for e in items],
            regime,
            ncnd,
        )
        not_held = all(r["section"] == "reg 12(4)(a)" for r in rows)
        if status is not None and status != ("not-held" if not_held else "exempt"):
            raise BadCell(f"question {number} has exemptions, so it cannot be {status}")
        return rows

    def review(
        self, cells: Mapping[str, str], responded: dt.date | None, reopened: bool
    ) -> dict[str, Any] | None:
        """The latest internal review. After an overturned review reopened the request, the
        review is of the earlier response, which the row no longer holds."""
        received = self.date(cells, "review_received")
        reviewer = cells.get("reviewer", "").strip()
        decided = self.date(cells, "review_decided")
        outcome_text = cells.get("review_outcome", "").strip().lower()
        if received is None:
            if reviewer or decided or outcome_text:
                raise BadCell("a review needs review_received")
            return None
        if not reopened:
            if responded is None:
                raise BadCell("a review is of a response: the request has no responded date")
            if received < responded:
                raise BadCell(f"review_received {received} is before the response {responded}")
        if not reviewer:
            raise BadCell("a review needs its reviewer")
        if (decided is None) != (not outcome_text):
            raise BadCell("a decided review needs both review_decided and review_outcome")
        if decided is not None and decided < received:
            raise BadCell(f"review_decided {decided} is before review_received {received}")
        try:
            due = clock.review_due(received, self.cal).isoformat()
            late = int(
                responded is not None
                and not reopened
                and clock.review_request_is_late(responded, received, self.cal)
            )
        except FoikitError as e:
            raise BadCell(f"the review's due date cannot be worked out: {e}") from None
        return {
            "received": received.isoformat(),
            "reviewer": reviewer,
            "due": due,
            "decided": decided.isoformat() if decided else None,
            "outcome": check_review_outcome(outcome_text) if outcome_text else None,
            "late_request": late,
        }


# -- import -------------------------------------------------------------------------------------


def _read_text(source: str | Path) -> str:
    data = Path(source).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace")


def read_rows(text: str, mapping: Mapping[str, str]) -> tuple[list[tuple[int, dict]], list[str]]:
    """(spreadsheet row number, {field: cell}) for every non-blank row; and unused headers."""
    reader = csv.reader(io.StringIO(text))
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFailed("the file is empty") from None
    fields = _field_columns(headers, mapping)
    if "received" not in fields or "subject" not in fields:
        missing = [f for f in ("received", "subject") if f not in fields]
        raise ImportFailed(
            f"the file has no {' or '.join(missing)} column "
            f"(its columns: {', '.join(headers)}); name it with --map FIELD=COLUMN"
        )
    used = set(fields.values())
    unused = [h for i, h in enumerate(headers) if i not in used and h.strip()]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: cells[i] if i < len(cells) else "" for name, i in fields.items()}
        if any(c.strip() for c in cells[len(headers) :]):
            # Usually an unquoted comma: every cell after it is in the wrong column.
            row[MALFORMED] = (
                f"the row has {len(cells)} cells but the header {len(headers)}: "
                "is a comma in a cell not quoted?"
            )
        rows.append((number, row))
    return rows, unused


def import_csv(
    reg: Any,
    actor: str,
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    today: dt.date,
) -> ImportReport:
    """Import a spreadsheet register; see the module's docstring for the rules.

    Raises RowsRejected (with the report) when any row is bad and `skip_bad` is not given;
    nothing is written then, nor ever with `dry_run`.
    """
    text = _read_text(source)
    rows, unused = read_rows(text, mapping or {})
    report = ImportReport(str(source), rows=len(rows), unused_columns=unused, dry_run=dry_run)
    checker = _Checker(reg, today)
    checker.reserve(rows)
    good: list[_Row] = []
    for line, cells in rows:
        warnings: list[Problem] = []
        try:
            good.append(checker.check(line, cells, warnings))
        except FoikitError as e:
            report.problems.append(Problem(line, str(e)))
            continue
        report.warnings.extend(warnings)
    report.imported = [r.request["reference"] for r in good]
    if report.problems and not skip_bad:
        report.imported = []
        bad = len(report.problems)
        raise RowsRejected(
            f"{bad} of {len(rows)} row{'s' if len(rows) != 1 else ''} cannot be imported, "
            "so nothing was imported (fix them, or use --skip-bad to import the rest)",
            report,
        )
    if dry_run or not good:
        return report
    digest = hashlib.sha256(text.encode()).hexdigest()
    try:
        with reg.transaction(actor) as tx:
            _write(tx, good)
            tx.audit(
                "import",
                new={
                    "file": Path(source).name,
                    "sha256": digest,
                    "rows": len(rows),
                    "imported": len(good),
                    "skipped": len(report.problems),
                },
            )
    except sqlite3.IntegrityError as e:
        # Someone added a request with one of these references between the check and the write.
        raise ImportFailed(
            f"the register changed during the import ({e}); nothing was imported: run it again"
        ) from None
    return report


TABLES = (
    "requesters",
    "requests",
    "clock_events",
    "questions",
    "answers",
    "answer_exemptions",
    "reviews",
)


def _write(tx: Any, rows: Sequence[_Row]) -> None:
    """Write the checked rows table by table. Ids are allocated here, inside the transaction
    (BEGIN IMMEDIATE holds the register), so children can name their parents before insert."""
    at = tx.at
    next_id = {
        t: int(tx.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM [{t}]").fetchone()[0])
        for t in TABLES
    }
    out: dict[str, tuple[list[dict[str, Any]], list[Any]]] = {t: ([], []) for t in TABLES}

    def add(table: str, row: dict[str, Any], request_id: int | None) -> int:
        row_id = next_id[table]
        next_id[table] += 1
        out[table][0].append({"id": row_id, **row})
        out[table][1].append(request_id)
        return row_id

    for row in rows:
        request_id = next_id["requests"]
        requester_id = None
        if row.requester is not None:
            requester_id = add("requesters", row.requester, request_id)
        add(
            "requests",
            {**row.request, "requester_id": requester_id, "created_at": at, "updated_at": at},
            request_id,
        )
        for event in row.events:
            add("clock_events", {**event, "request_id": request_id, "created_at": at}, request_id)
        for q in row.questions:
            question_id = add(
                "questions",
                {"request_id": request_id, "number": q["number"], "text": q["text"]},
                request_id,
            )
            if q["status"] is None:
                continue
            answer = {
                "question_id": question_id,
                "status": q["status"],
                "text": q["answer"],
                "answered_by": tx.actor,
                "answered_at": at,
            }
            answer_id = add("answers", answer, request_id)
            for e in q["exemptions"]:
                add("answer_exemptions", {**e, "answer_id": answer_id}, request_id)
        if row.review is not None:
            add("reviews", {**row.review, "request_id": request_id}, request_id)
    # Parents before children, for the foreign keys. Row by row through Tx.insert: measured on
    # 100,000 rows, executemany saves nothing, as the time goes on the indexes and audit rows.
    for table in TABLES:
        records, request_ids = out[table]
        for record, request_id in zip(records, request_ids, strict=True):
            tx.insert(table, record, request_id=request_id, action="import")


# -- export -------------------------------------------------------------------------------------


def export_records(reg: Any) -> list[dict[str, Any]]:
    """Every request as a record of the default columns, questions as a list (reference order)."""
    requests = reg.query(
        """
        SELECT r.*, p.name AS requester_name, p.email AS requester_email,
            p.address AS requester_address
        FROM requests r LEFT JOIN requesters p ON p.id = r.requester_id
        ORDER BY r.received, r.id
        """
    )
    events: dict[int, list[dict[str, Any]]] = {}
    for e in reg.query(
        "SELECT request_id, kind, date, days, amount, reason FROM clock_events ORDER BY id"
    ):
        events.setdefault(e.pop("request_id"), []).append(e)
    reviews: dict[int, dict[str, Any]] = {}
    for v in reg.query("SELECT * FROM reviews ORDER BY id"):
        reviews[v["request_id"]] = v  # the latest review of each request
    exemptions: dict[int, list[dict[str, Any]]] = {}
    for e in reg.query("SELECT * FROM answer_exemptions ORDER BY id"):
        exemptions.setdefault(e["answer_id"], []).append(e)
    questions: dict[int, list[dict[str, Any]]] = {}
    for q in reg.query(
        """
        SELECT q.request_id, q.number, q.text, a.id AS answer_id, a.status, a.text AS answer
        FROM questions q LEFT JOIN answers a ON a.question_id = q.id
        ORDER BY q.request_id, q.number
        """
    ):
        questions.setdefault(q["request_id"], []).append(
            {
                "number": q["number"],
                "question": q["text"],
                "status": q["status"],
                "answer": q["answer"],
                "exemptions": [
                    {k: e[k] for k in ("section", "reason", "public_interest", "ncnd")}
                    for e in exemptions.get(q["answer_id"], [])
                ],
            }
        )
    records = []
    for r in requests:
        review = reviews.get(r["id"])
        records.append(
            {
                "reference": r["reference"],
                "regime": r["regime"],
                "received": r["received"],
                "subject": r["subject"],
                "requester_name": r["requester_name"],
                "requester_email": r["requester_email"],
                "requester_address": r["requester_address"],
                "channel": r["channel"],
                "handler": r["handler"],
                "due": r["due"],
                "responded": r["responded"],
                "outcome": r["outcome"],
                "events": events.get(r["id"], []),
                "review_received": review["received"] if review else None,
                "reviewer": review["reviewer"] if review else None,
                "review_decided": review["decided"] if review else None,
                "review_outcome": review["outcome"] if review else None,
                "publish": bool(r["publish"]),
                "notes": r["notes"],
                "questions": questions.get(r["id"], []),
            }
        )
    return records


def export_rows(reg: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and rows `import` reads back: the default columns, four per question."""
    records = export_records(reg)
    most = max((len(r["questions"]) for r in records), default=0)
    header = list(COLUMNS) + [
        f"{f}_{n}" for n in range(1, max(most, 1) + 1) for f in QUESTION_FIELDS
    ]
    rows = []
    for record in records:
        row = {k: record[k] for k in COLUMNS}
        row["events"] = format_events(record["events"])
        row["publish"] = "yes" if record["publish"] else "no"
        for q in record["questions"]:
            n = q["number"]
            row[f"question_{n}"] = q["question"]
            row[f"status_{n}"] = q["status"]
            row[f"answer_{n}"] = q["answer"]
            row[f"exemptions_{n}"] = format_exemptions(q["exemptions"])
        rows.append({k: ("" if row.get(k) is None else row[k]) for k in header})
    return header, rows


def export_csv(reg: Any, out: Any) -> int:
    """Write the register as CSV to a text stream; returns the number of requests."""
    header, rows = export_rows(reg)
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)
