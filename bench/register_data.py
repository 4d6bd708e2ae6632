"""A synthetic spreadsheet register for the stats and import benchmarks.

Deterministic (seeded): requests received 2012-2024, about 85% closed, a fifth with an exemption,
some extended, some reviewed; cells written the way a real spreadsheet holds them (UK dates,
messy emails).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SECTIONS = ["40(2)", "12", "14(1)", "21", "43(2)", "31(1)(a)"]
OUTCOMES = ["granted-in-full", "not-held", "withdrawn", "lapsed", "transferred"]
HANDLERS = ["alex", "bea", "chris", "dee", "eli"]
HEADER = [
    "reference",
    "received",
    "subject",
    "requester_name",
    "requester_email",
    "handler",
    "responded",
    "outcome",
    "events",
    "review_received",
    "reviewer",
    "review_decided",
    "review_outcome",
    "question_1",
    "status_1",
    "answer_1",
    "exemptions_1",
]


def make_rows(n: int, seed: int = 7, today: dt.date = dt.date(2025, 1, 31)) -> list[dict]:
    rng = random.Random(seed)
    first = dt.date(2012, 1, 2)
    span = (dt.date(2024, 12, 31) - first).days
    rows = []
    for i in range(n):
        received = first + dt.timedelta(days=rng.randrange(span))
        row = {k: "" for k in HEADER}
        row["received"] = (
            received.strftime("%d/%m/%Y") if rng.random() < 0.5 else received.isoformat()
        )
        row["subject"] = f"Request {i}"
        row["requester_name"] = f"Person {i}"
        row["requester_email"] = (
            f" mailto:Person.{i}@Example.ORG" if rng.random() < 0.2 else f"person.{i}@example.org"
        )
        row["handler"] = rng.choice(HANDLERS)
        row["question_1"] = f"Question of request {i}?"
        roll = rng.random()
        if roll < 0.08:
            row["events"] = f"extend {received.isoformat()} 20 public-interest"
        if rng.random() < 0.85:
            responded = received + dt.timedelta(days=rng.randrange(3, 40))
            if responded > today:
                responded = today
            row["responded"] = responded.isoformat()
            if rng.random() < 0.2:
                section = rng.choice(SECTIONS)
                row["outcome"] = "withheld-in-full"
                row["status_1"] = "exempt"
                row["exemptions_1"] = (
                    f'[{{"section": "{section}", "reason": "r", "public_interest": "pi"}}]'
                    if section in ("43(2)", "31(1)(a)")
                    else f"{section}: r"
                )
            else:
                row["outcome"] = rng.choice(OUTCOMES)
                if row["outcome"] == "not-held":
                    row["status_1"] = "not-held"
                elif row["outcome"] == "granted-in-full":
                    row["answer_1"] = "The answer."
            if rng.random() < 0.05 and responded + dt.timedelta(days=10) < today:
                row["review_received"] = (responded + dt.timedelta(days=5)).isoformat()
                row["reviewer"] = "rev.iewer"
                row["review_decided"] = (responded + dt.timedelta(days=9)).isoformat()
                row["review_outcome"] = rng.choice(["upheld", "partly-upheld"])
        rows.append(row)
    rows.sort(key=lambda r: r["subject"])
    return rows


def write_rows(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path
