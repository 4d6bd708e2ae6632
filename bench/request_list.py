"""Benchmark `foikit request list` filters on a register of 100,000 requests.

Each filter runs as index-backed SQL on requests (status, due), (handler, status, due) and
(regime, status, due). The baseline, measured in the same run on the same register, is what the
filters replace: read every row and filter in Python. Both must return the same references.
Also timed: `request show`, adding one request to the full register, and `--json` (the full
objects, children fetched in bulk).

Run: .venv/bin/python bench/request_list.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from foikit.casework.common import load_calendar
from foikit.casework.lifecycle import add_request, list_requests, show_request
from foikit.register import Register
from foikit.register.init import init_register

TODAY = dt.date(2024, 11, 29)
HANDLERS = ["alex", "bea", "chris", "dee", "eli"]


def build(path: Path, n: int) -> None:
    """n requests received 2012-2024; about 3% still open, a few of those overdue."""
    from foikit.clock.rules import add_working_days

    init_register(path, load_facts=True, actor="bench")
    rng = random.Random(4)
    with Register(path) as reg:
        cal = load_calendar(reg)
        first = dt.date(2012, 1, 3).toordinal()
        days = sorted(rng.randrange(first, TODAY.toordinal()) for _ in range(n))
        seqs: dict[tuple[str, int], int] = {}
        with reg.transaction("bench") as tx:
            for i, ordinal in enumerate(days, 1):
                received = dt.date.fromordinal(ordinal)
                regime = "eir" if rng.random() < 0.05 else "foi"
                key = (regime, received.year)
                seqs[key] = seqs.get(key, 0) + 1
                due = add_working_days(received, 20, cal)
                recent = (TODAY - received).days < 60
                is_open = recent and rng.random() < 0.6 or rng.random() < 0.002
                tx.insert(
                    "requests",
                    {
                        "id": i,
                        "reference": f"{regime.upper()}-{received.year}-{seqs[key]:04d}",
                        "regime": regime,
                        "year": received.year,
                        "seq": seqs[key],
                        "subject": f"Request {i}",
                        "received": received.isoformat(),
                        "handler": rng.choice(HANDLERS),
                        "status": "open" if is_open else "closed",
                        "due": due.isoformat(),
                        "responded": None if is_open else due.isoformat(),
                        "outcome": None if is_open else "granted-in-full",
                        "created_at": tx.at,
                        "updated_at": tx.at,
                    },
                    action="add-request",
                )
                tx.insert(
                    "questions",
                    {"request_id": i, "number": 1, "text": f"Question {i}?"},
                    request_id=i,
                )


def timed(func: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def python_filter(reg: Register, keep: Callable[[dict], bool]) -> list[str]:
    """The baseline: every row into Python, filtered there."""
    return [r["reference"] for r in reg.query("SELECT * FROM requests ORDER BY id") if keep(r)]


def main(n: int) -> None:
    from foikit.clock.rules import add_working_days

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.db"
        start = time.perf_counter()
        build(path, n)
        print(f"built a register of {n:,} requests in {time.perf_counter() - start:.1f} s")
        with Register(path) as reg:
            cal = load_calendar(reg)
            today = TODAY.isoformat()
            within = add_working_days(TODAY, 5, cal).isoformat()
            cases: list[tuple[str, dict, Callable[[dict], bool]]] = [
                ("--open", {"open_only": True}, lambda r: r["status"] == "open"),
                (
                    "--overdue",
                    {"overdue": True},
                    lambda r: r["status"] == "open" and r["due"] < today,
                ),
                (
                    "--due-within 5",
                    {"due_within": 5},
                    lambda r: r["status"] == "open" and r["due"] <= within,
                ),
                (
                    "--open --handler bea",
                    {"open_only": True, "handler": "bea"},
                    lambda r: r["status"] == "open" and r["handler"] == "bea",
                ),
                (
                    "--open --regime eir",
                    {"open_only": True, "regime": "eir"},
                    lambda r: r["status"] == "open" and r["regime"] == "eir",
                ),
            ]
            print(f"\n{'filter':<24}{'rows':>7}{'SQL ms':>10}{'Python ms':>12}{'ratio':>9}")
            for label, kw, keep in cases:
                sql_s, rows = timed(lambda kw=kw: list_requests(reg, today=TODAY, full=False, **kw))
                py_s, expected = timed(lambda keep=keep: python_filter(reg, keep), repeat=3)
                assert sorted(r["reference"] for r in rows) == sorted(expected), label
                print(
                    f"{label:<24}{len(rows):>7}{sql_s * 1000:>10.1f}{py_s * 1000:>12.1f}"
                    f"{py_s / sql_s:>8.0f}x"
                )
            full_s, full = timed(lambda: list_requests(reg, open_only=True, today=TODAY), repeat=3)
            print(f"\n--open --json (full objects, {len(full):,} requests): {full_s * 1000:.0f} ms")
            all_s, everything = timed(lambda: list_requests(reg, today=TODAY), repeat=1)
            print(f"list --json, no filter ({len(everything):,} requests): {all_s:.2f} s")
            ref = full[0]["reference"]
            show_s, _ = timed(lambda: show_request(reg, ref, today=TODAY), repeat=20)
            print(f"request show: {show_s * 1000:.2f} ms")
            adds = []
            for i in range(20):
                start = time.perf_counter()
                add_request(
                    reg,
                    "bench",
                    received=TODAY,
                    subject=f"New {i}",
                    questions=["Q?"],
                    requester_name="A",
                    requester_email="a@example.org",
                    today=TODAY,
                )
                adds.append(time.perf_counter() - start)
            print(f"request add into {n:,}: {statistics.median(adds) * 1000:.2f} ms (median of 20)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
