"""Benchmark `foikit search` and `foikit request similar` on a register of 100,000 requests.

The register is built through `Register.transaction` (so the search index is filled by its
triggers, as in use) with subjects, questions and answers drawn from the topics officers are
asked about. Baselines, measured in the same run on the same register, are what the index
replaces: `search` as LIKE over subjects, questions and answers (every word, anywhere), and
`similar` as word overlap scored in Python over every request. Target: p95 under 100 ms each.

Run: .venv/bin/python bench/search.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from foikit.casework.search import search, similar
from foikit.register import Register
from foikit.register.init import init_register

TOPICS = [
    "domestic homicide reviews", "MARAC referrals", "community safety funding",
    "police and crime plan", "stop and search", "knife crime", "victims services",
    "youth intervention fund", "drug testing on arrest", "custody deaths", "body worn video",
    "police staff overtime", "vehicle fleet", "commissioner expenses", "hate crime",
    "modern slavery", "violence reduction unit", "complaints reviews", "firearms licensing",
    "road safety cameras", "anti social behaviour", "cyber crime", "county lines",
    "rural crime", "domestic abuse perpetrators", "restorative justice", "taser use",
]  # fmt: skip
PLACES = ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]
ASKS = [
    "How many {t} were recorded in {p} in {y}?",
    "Please provide the total spend on {t} in {p} for {y}.",
    "What was the budget for {t} in {y}, broken down by CSP?",
    "Please list every report about {t} published since {y}.",
    "How many staff work on {t} in {p}?",
]


def build(path: Path, n: int) -> None:
    """A synthetic register (a temporary file, never an office's): rows bulk-loaded with the
    index triggers set aside, then the index built whole by the migration's own rebuild
    statement and the triggers put back, as `foikit init` leaves them."""
    import sqlite3

    from foikit.register.schema import FTS_REBUILD, fts_triggers_sql

    init_register(path, load_facts=True, actor="bench")
    rng = random.Random(17)
    first = dt.date(2012, 1, 3).toordinal()
    days = sorted(rng.randrange(first, dt.date(2024, 11, 1).toordinal()) for _ in range(n))
    seqs: dict[int, int] = {}
    people, requests, questions, answers = [], [], [], []
    for i, ordinal in enumerate(days, 1):
        received = dt.date.fromordinal(ordinal).isoformat()
        year = int(received[:4])
        seqs[year] = seqs.get(year, 0) + 1
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        people.append((i, f"Person {i}", f"p{i}@example.org", f"p{i}@example.org"))
        requests.append((i, f"FOI-{year}-{seqs[year]:05d}", year, seqs[year],
                         f"{topic.capitalize()} in {place}", received, i))  # fmt: skip
        for number in (1, 2):
            ask = rng.choice(ASKS).format(t=rng.choice([topic, *TOPICS]), p=place,
                                          y=rng.randrange(2012, 2025))  # fmt: skip
            qid = len(questions) + 1
            questions.append((qid, i, number, ask))
            answers.append((qid, f"The figure for {place} is {rng.randrange(1, 900)}."))
    conn = sqlite3.connect(path)
    triggers = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'")]  # fmt: skip
    with conn:
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.executemany(
            "INSERT INTO requesters (id, name, email, email_key) VALUES (?, ?, ?, ?)", people
        )
        conn.executemany(
            "INSERT INTO requests (id, reference, regime, year, seq, subject, received, status,"
            " due, responded, outcome, requester_id, created_at, updated_at) VALUES"
            " (?, ?, 'foi', ?, ?, ?, ?6, 'closed', ?6, ?6, 'granted-in-full', ?, ?6, ?6)",
            requests,
        )
        conn.executemany(
            "INSERT INTO questions (id, request_id, number, text) VALUES (?, ?, ?, ?)", questions
        )
        conn.executemany(
            "INSERT INTO answers (question_id, status, text) VALUES (?, 'answered', ?)", answers
        )
        conn.execute(FTS_REBUILD)
        conn.executescript(fts_triggers_sql())
    conn.close()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def run(func: Callable[[Any], Any], inputs: list[Any]) -> tuple[float, float, list[Any]]:
    samples, results = [], []
    for value in inputs:
        start = time.perf_counter()
        results.append(func(value))
        samples.append((time.perf_counter() - start) * 1000)
    p50, p95 = percentiles(samples)
    return p50, p95, results


def like_search(reg: Register, text: str) -> list[str]:
    """Baseline: every word anywhere in subject, questions or answers, by LIKE (a full scan)."""
    words = re.findall(r"\w+", text.casefold())
    clauses, params = [], []
    for w in words:
        clauses.append(
            "(r.subject LIKE ? OR EXISTS (SELECT 1 FROM questions q LEFT JOIN answers a"
            " ON a.question_id = q.id WHERE q.request_id = r.id AND (q.text LIKE ?"
            " OR a.text LIKE ?)))"
        )
        params += [f"%{w}%"] * 3
    rows = reg.query(
        f"SELECT r.reference FROM requests r WHERE {' AND '.join(clauses)} LIMIT 50", params
    )
    return [r["reference"] for r in rows]


def overlap_similar(reg: Register, reference: str) -> list[str]:
    """Baseline: the share of words in common with every other request, scored in Python."""
    rows = reg.query(
        "SELECT r.reference, r.subject || ' ' || group_concat(q.text, ' ') AS words"
        " FROM requests r JOIN questions q ON q.request_id = r.id GROUP BY r.id"
    )
    bags = {r["reference"]: set(re.findall(r"\w+", r["words"].casefold())) for r in rows}
    mine = bags.pop(reference)
    scored = sorted(bags, key=lambda ref: -len(mine & bags[ref]) / (len(mine | bags[ref]) or 1))
    return scored[:10]


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.db"
        start = time.perf_counter()
        build(path, n)
        print(
            f"built {n:,} requests (FTS filled by triggers) in {time.perf_counter() - start:.0f} s"
        )
        rng = random.Random(5)
        with Register(path) as reg:
            words = [w for t in TOPICS for w in t.split()]
            queries = [
                " ".join(rng.sample(words, 2)) if k % 2 else rng.choice(words)[:5]
                for k in range(60)
            ]
            refs = [r["reference"] for r in reg.query("SELECT reference FROM requests")]
            picks = rng.sample(refs, 60)
            base_q = queries[:10]
            base_r = picks[:5]

            print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}")
            p50, p95, _ = run(lambda q: search(reg, q), queries)
            b50, b95, _ = run(lambda q: like_search(reg, q), base_q)
            print(f"{'search (FTS5, bm25)':28}{p50:10.1f}{p95:10.1f}")
            print(f"{'  baseline: LIKE scan':28}{b50:10.1f}{b95:10.1f}")
            ok_search = p95 < 100
            p50, p95, found = run(lambda r: similar(reg, r), picks)
            b50, b95, _ = run(lambda r: overlap_similar(reg, r), base_r)
            print(f"{'similar (bm25)':28}{p50:10.1f}{p95:10.1f}")
            print(f"{'  baseline: overlap in Python':28}{b50:10.1f}{b95:10.1f}")
            ok_similar = p95 < 100
            share = sum(1 for f in found if f["similar"]) / len(found)
            print(f"{'  requests with similar ones':28}{share:10.0%}")
        print(
            f"target p95 < 100 ms: search {'met' if ok_search else 'MISSED'},"
            f" similar {'met' if ok_similar else 'MISSED'}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
