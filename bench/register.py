"""Benchmark the register's bulk paths on 100,000 requests: import, then statistics.

1. `foikit import` of a 100,000-row spreadsheet (UK dates, messy emails, exemptions, extensions,
   reviews): one transaction with an audit row per record. Target: under 30 s. Baseline, in the
   same run: the lifecycle one request at a time (add_request, answer_question, close_request),
   timed on a sample and scaled to the whole file.
2. `foikit stats` on the imported register, whole span and by month. Target: under 1 s.
   Baseline: a Python loop over every row computing the same figures (checked to agree).

Run: .venv/bin/python bench/register.py [N] [--keep DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from foikit.records.importer import import_csv
from foikit.records.stats import register_stats
from foikit.register import Register
from foikit.register.init import init_register

TODAY = dt.date(2025, 1, 31)
SECTIONS = ["40(2)", "12", "14(1)", "21", "43(2)", "31(1)(a)"]
OUTCOMES = ["granted-in-full", "not-held", "withdrawn", "lapsed", "transferred"]
HEADER = [
    "received", "subject", "requester_name", "requester_email", "handler", "responded",
    "outcome", "events", "review_received", "reviewer", "review_decided", "review_outcome",
    "question_1", "status_1", "answer_1", "exemptions_1",
]  # fmt: skip


def make_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    """A spreadsheet register: 2012-2024, 85% closed, a fifth withheld, some extended."""
    rng = random.Random(seed)
    first = dt.date(2012, 1, 2)
    span = (dt.date(2024, 12, 31) - first).days
    rows = []
    for i in range(n):
        received = first + dt.timedelta(days=rng.randrange(span))
        row = dict.fromkeys(HEADER, "")
        uk = rng.random() < 0.5
        row["received"] = received.strftime("%d/%m/%Y") if uk else received.isoformat()
        row["subject"] = f"Request {i}"
        row["requester_name"] = f"Person {i}"
        row["requester_email"] = (
            f" mailto:Person.{i}@Example.ORG" if rng.random() < 0.2 else f"person.{i}@example.org"
        )
        row["handler"] = rng.choice(["alex", "bea", "chris", "dee", "eli"])
        row["question_1"] = f"Question of request {i}?"
        if rng.random() < 0.08:
            row["events"] = f"extend {received.isoformat()} 20 public-interest"
        if rng.random() < 0.85:
            responded = min(received + dt.timedelta(days=rng.randrange(3, 40)), TODAY)
            row["responded"] = responded.isoformat()
            if rng.random() < 0.2:
                section = rng.choice(SECTIONS)
                row["outcome"] = "withheld-in-full"
                row["status_1"] = "exempt"
                row["exemptions_1"] = (
                    json.dumps([{"section": section, "reason": "r", "public_interest": "pi"}])
                    if section in ("43(2)", "31(1)(a)")
                    else f"{section}: r"
                )
            else:
                row["outcome"] = rng.choice(OUTCOMES)
                if row["outcome"] == "not-held":
                    row["status_1"] = "not-held"
                elif row["outcome"] == "granted-in-full":
                    row["answer_1"] = "The answer."
            if rng.random() < 0.05 and responded + dt.timedelta(days=10) < TODAY:
                row["review_received"] = (responded + dt.timedelta(days=5)).isoformat()
                row["reviewer"] = "rev.iewer"
                row["review_decided"] = (responded + dt.timedelta(days=9)).isoformat()
                row["review_outcome"] = rng.choice(["upheld", "partly-upheld"])
        rows.append(row)
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def fresh_register(path: Path) -> Path:
    init_register(path, load_facts=True, actor="bench")
    return path


# -- baselines ---------------------------------------------------------------------------------


def lifecycle_per_row(folder: Path, rows: list[dict[str, str]]) -> tuple[float, float]:
    """Seconds per request through the lifecycle, one transaction per step: (wall, CPU)."""
    from foikit.casework.lifecycle import add_request, answer_question, close_request
    from foikit.records.importer import clean_email, parse_uk_date

    path = fresh_register(folder / "lifecycle.db")
    with Register(path) as reg:
        started, cpu = time.perf_counter(), time.process_time()
        for row in rows:
            ref = add_request(
                reg, "bench", received=parse_uk_date(row["received"]), subject=row["subject"],
                questions=[row["question_1"]], requester_name=row["requester_name"],
                requester_email=clean_email(row["requester_email"]),
                handler=row["handler"], today=TODAY,
            )  # fmt: skip
            if row["outcome"]:
                answer_question(reg, "bench", ref, 1, text="The answer.")
                outcome = "granted-in-full" if row["outcome"] != "withdrawn" else "withdrawn"
                close_request(
                    reg, "bench", ref, responded=row["responded"], outcome=outcome, today=TODAY
                )
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        return took / len(rows), cpu / len(rows)


def naive_stats(reg: Register, today: dt.date) -> dict[str, Any]:
    """The same figures by a Python loop over every row."""
    exempt: dict[int, set[str]] = {}
    for e in reg.query(
        "SELECT q.request_id, e.section FROM answer_exemptions e"
        " JOIN answers a ON a.id = e.answer_id JOIN questions q ON q.id = a.question_id"
    ):
        exempt.setdefault(e["request_id"], set()).add(e["section"])
    totals: Counter[str] = Counter()
    months: dict[str, Counter[str]] = {}
    sections: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for r in reg.query("SELECT * FROM requests"):
        month = months.setdefault(r["received"][:7], Counter())
        for c in (totals, month):
            c["received"] += 1
            if r["status"] == "closed":
                c["resolved"] += 1
                if r["due"] and r["outcome"] not in ("withdrawn", "lapsed"):
                    c["timed"] += 1
                    c["in_time"] += r["responded"] <= r["due"]
            elif r["due"] and r["due"] < today.isoformat():
                c["open_overdue"] += 1
        if r["status"] == "closed":
            outcomes[r["outcome"]] += 1
        sections.update(exempt.get(r["id"], ()))
    return {
        "totals": totals,
        "months": {m: (c["received"], c["in_time"]) for m, c in sorted(months.items())},
        "sections": dict(sections),
        "outcomes": dict(outcomes),
    }


def best_of(runs: int, fn: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="foikit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"(load average {load()} on {len(os.sched_getaffinity(0))} CPUs at the start)")
    try:
        rows = make_rows(n)
        csv_path = write_rows(folder / "register.csv", rows)

        sample = 1_000
        per_row, per_row_cpu = lifecycle_per_row(folder, rows[:sample])
        print(f"import of {n:,} spreadsheet rows")
        print(
            f"  lifecycle, one request at a time ({sample:,} timed): {per_row * 1000:.2f} ms a row"
            f" (CPU {per_row_cpu * 1000:.2f} ms),"
        )
        print(f"    {per_row * n:.1f} s for {n:,} (scaled; CPU {per_row_cpu * n:.1f} s)")

        db = fresh_register(folder / "import.db")
        with Register(db) as reg:
            started, cpu = time.perf_counter(), time.process_time()
            report = import_csv(reg, "bench", csv_path, today=TODAY)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            audit = reg.scalar("SELECT COUNT(*) FROM audit WHERE action = 'import'")
        print(f"  foikit import:  {took:.1f} s (CPU {cpu:.1f} s, {cpu / n * 1000:.2f} ms a row)"
              f"  target < 30 s, {per_row * n / took:.1f}x the lifecycle"
              f" ({per_row_cpu * n / cpu:.1f}x in CPU time)")  # fmt: skip
        print(f"    (load average {load()} at the end of the import)")
        print(f"    {len(report.imported):,} requests, {audit:,} audit rows")

        with Register(db) as reg:
            whole_s, whole = best_of(3, lambda: register_stats(reg, today=TODAY))
            month_s, by_month = best_of(3, lambda: register_stats(reg, today=TODAY, by="month"))
            naive_s, naive = best_of(3, lambda: naive_stats(reg, TODAY))
        agree = (
            whole["received"] == naive["totals"]["received"]
            and whole["in_time"] == naive["totals"]["in_time"]
            and whole["open_overdue"] == naive["totals"]["open_overdue"]
            and {k: v for k, v in whole["outcomes"].items() if v} == naive["outcomes"]
            and whole["exemptions"] == naive["sections"]
            and {p["period"]: (p["received"], p["in_time"]) for p in by_month["periods"]}
            == {
                m: naive["months"].get(m, (0, 0))
                for m in (p["period"] for p in by_month["periods"])
            }
        )
        print(f"statistics on {n:,} requests (best of 3)")
        print(f"  foikit stats, whole span:     {whole_s:.3f} s  target < 1 s")
        print(
            f"  foikit stats --by month:      {month_s:.3f} s  ({len(by_month['periods'])} months)"
        )
        print(f"  Python loop over every row:   {naive_s:.3f} s")
        print(f"  ratio (loop / stats --by month): {naive_s / month_s:.1f}x;"
              f" figures agree: {'yes' if agree else 'NO'}")  # fmt: skip
        print(
            f"  in time {whole['in_time_pct']}% ({whole['rating']}),"
            f" {whole['received']:,} received, {whole['resolved']:,} resolved"
        )
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
