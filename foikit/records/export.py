"""`foikit export`: the register as records (JSON) or as the spreadsheet `foikit import` reads.

For people and other systems as well as for a round trip: each outcome's label beside its code
(`Granted in full` beside `granted-in-full`), the request-level `exemptions` (every section any
answer relies on, `40(2), 31(1)(a)`), the office's own `original_reference` of an imported
request, and a UTF-8 byte-order mark so that Excel opens the file with its accents intact.
Import reads all of it back (labels are written for readers; the codes are what is read).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES

if TYPE_CHECKING:
    from foikit.register.reader import Reader


COLUMNS = (
    "reference",
    "original_reference",
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
    "outcome_label",
    "exemptions",
    "events",
    "review_received",
    "reviewer",
    "review_decided",
    "review_outcome",
    "review_outcome_label",
    "publish",
    "notes",
)
QUESTION_FIELDS = ("question", "status", "answer", "exemptions")
BOM = "\ufeff"


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


def export_records(reg: Reader) -> list[dict[str, Any]]:
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
                "original_reference": r["original_reference"]
                if r["original_reference"] != r["reference"]
                else None,
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
                "outcome_label": OUTCOMES[r["outcome"]].label if r["outcome"] in OUTCOMES else None,
                "exemptions": _request_sections(questions.get(r["id"], [])),
                "events": events.get(r["id"], []),
                "review_received": review["received"] if review else None,
                "reviewer": review["reviewer"] if review else None,
                "review_decided": review["decided"] if review else None,
                "review_outcome": review["outcome"] if review else None,
                "review_outcome_label": REVIEW_OUTCOMES.get(review["outcome"] or "")
                if review
                else None,
                "publish": bool(r["publish"]),
                "notes": r["notes"],
                "questions": questions.get(r["id"], []),
            }
        )
    return records


def export_rows(reg: Reader) -> tuple[list[str], list[dict[str, Any]]]:
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
        row["exemptions"] = ", ".join(record["exemptions"])
        row["publish"] = "yes" if record["publish"] else "no"
        for q in record["questions"]:
            n = q["number"]
            row[f"question_{n}"] = q["question"]
            row[f"status_{n}"] = q["status"]
            row[f"answer_{n}"] = q["answer"]
            row[f"exemptions_{n}"] = format_exemptions(q["exemptions"])
        rows.append({k: ("" if row.get(k) is None else row[k]) for k in header})
    return header, rows


def _request_sections(questions: list[dict[str, Any]]) -> list[str]:
    sections: list[str] = []
    for q in questions:
        for e in q["exemptions"]:
            if e["section"] not in sections:
                sections.append(e["section"])
    return sections


def export_text(reg: Reader) -> tuple[str, int]:
    """The CSV export as text, byte-order mark first; and the number of requests."""
    out = io.StringIO()
    count = export_csv(reg, out)
    return BOM + out.getvalue(), count


def export_csv(reg: Reader, out: Any) -> int:
    """Write the register as CSV to a text stream (no byte-order mark: `export_text` adds it);
    returns the number of requests."""
    header, rows = export_rows(reg)
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)
