"""Benchmark: publish N synthetic disclosures, then time the public log through Datasette.

Synthesises a realistic log (subjects a police and crime commissioner is asked about: DHRs,
MARAC, funding, contracts, expenses...), builds it with `build_public_db`, and measures in the
same run, through Datasette's in-process client:

- a full-text search, a faceted page (year, outcome, exemption), a request page;
- each against Datasette's defaults on the same data: a plain table copy with no FTS, no
  indexes and no precomputed anything, default settings, facets asked for in the query string
  (search there is a LIKE over the subject and question text, which is what a plain table gives).

Prints p50/p95 per measure and the ratio to the defaults. Targets (issue 6): search p95 under
200 ms, faceted page under 500 ms, at least 10x faster than the defaults; publishing a million
under 5 minutes. Publishing is measured as production runs it: each record through `release`
with a scan policy of its own (a requester with name, email, address and phone, every staff
name, the published contacts) and its response letter's text; wall time and CPU time are both
printed, since the machine the figures come from is shared.

    .venv/bin/python bench/disclosure.py            # 1,000,000 records
    .venv/bin/python bench/disclosure.py --n 20000  # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from foikit.publishing.build import (  # noqa: E402
    PublicExemption,
    PublicQuestion,
    PublicRecord,
    build_public_db,
)
from foikit.publishing.public import release_record  # noqa: E402

TOPICS = [
    ("Domestic Homicide Reviews", ["DHR", "domestic homicide review", "review panel"]),
    ("MARAC referrals", ["MARAC", "multi-agency risk assessment conference", "referrals"]),
    ("Community Safety Partnership funding", ["CSP", "funding", "grant allocation"]),
    ("Police and Crime Commissioner expenses", ["expenses", "travel", "hospitality"]),
    ("Contracts for victim services", ["contract", "tender", "victim services"]),
    ("Violence Reduction Unit spending", ["VRU", "violence reduction", "budget"]),
    ("Stop and search scrutiny", ["stop and search", "scrutiny panel", "ethnicity"]),
    ("Police estate and station closures", ["station", "estate", "front counter"]),
    ("Knife crime initiatives", ["knife crime", "weapons", "youth outreach"]),
    ("Body worn video", ["body worn video", "footage", "cameras"]),
    ("Staff salaries and senior pay", ["salary", "senior staff", "pay scale"]),
    ("Complaints reviews", ["complaint", "review body", "appeal"]),
    ("Custody visiting scheme", ["custody", "independent custody visitors", "detainees"]),
    ("Drone use by West Midlands Police", ["drone", "aerial", "surveillance"]),
    ("Modern slavery partnership", ["modern slavery", "exploitation", "trafficking"]),
    ("Hate crime reporting", ["hate crime", "third party reporting", "incidents"]),
    ("Road safety cameras", ["speed camera", "road safety", "fines"]),
    ("Police and crime plan consultation", ["consultation", "police and crime plan", "survey"]),
]
PLACES = [
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
]
ASKS = [
    "How many {t} were recorded in {p} in {y}?",
    "Please provide the total spent on {t} in {p} for the financial year {y}.",
    "Please send copies of any reports about {t} produced since {y}.",
    "What was the budget for {t} across {p} in {y}, broken down by month?",
    "Who is the lead officer responsible for {t} in {p}?",
    "Please list every contract relating to {t} awarded in {y}.",
]
ANSWERS = [
    "The information is attached: {n} in total.",
    "The OPCC does not hold this information; West Midlands Police may hold it.",
    "The total was £{n},000 across the seven Community Safety Partnerships.",
    "This information is published on our website and is exempt under s.21.",
    "We hold {n} records matching your request; a summary table is attached.",
]
OUTCOMES = [
    ("granted-in-full", 50),
    ("partially-withheld", 20),
    ("withheld-in-full", 6),
    ("not-held", 15),
    ("advice-and-assistance", 4),
    ("withdrawn", 3),
    ("transferred", 2),
]
EXEMPTIONS = [
    PublicExemption("40(2)", "Personal information"),
    PublicExemption("31(1)(a)", "Law enforcement"),
    PublicExemption("43(2)", "Commercial interests"),
    PublicExemption("12", "Cost of compliance exceeds the appropriate limit"),
    PublicExemption("21", "Information accessible by other means"),
    PublicExemption("38", "Health and safety"),
    PublicExemption("30", "Investigations and proceedings"),
]


# What a real publish scans each request with (foikit.publishing.redact.policy_for): its own
# requester, every staff name, the published contacts and places, read once per run.
FORENAMES = ["Kieran", "Aisha", "Tomasz", "Priya", "Gareth", "Niamh", "Oluwaseun", "Mei", "Rhys"]
SURNAMES = ["Walsh", "Begum", "Nowak", "Patel", "Evans", "O'Connor", "Adeyemi", "Chen", "Hughes"]
STREETS = ["Elm Close", "Soho Road", "Station Street", "Hagley Road", "Canal Side", "Mill Lane"]
STAFF_LOGINS = [
    f"{f.lower()}.{s.lower().replace(chr(39), '')}{i}"
    for i, (f, s) in enumerate(zip(FORENAMES * 3, SURNAMES[::-1] * 3, strict=True))
]
OFFICE_EMAIL = "foi@westmidlands-pcc.gov.uk"
LETTER = (
    "Dear {name},\n\nFreedom of Information request {reference}\n\nThank you for your request,"
    " received on {received}, about {subject}. We hold the information you asked for and our"
    " answers are set out below. {answers}\n\nIf you are unhappy with the way we have handled"
    " your request you may ask for an internal review within 40 working days by writing to "
    + OFFICE_EMAIL
    + " or to Lloyd House, Colmore Circus Queensway, Birmingham, B4 6NQ, or call 0121 626"
    " 6060. If you remain dissatisfied you may complain to the Information Commissioner's"
    " Office, Wycliffe House, Water Lane, Wilmslow, SK9 5AF (0303 123 1113).\n\n"
    "Yours sincerely,\nFreedom of Information Officer"
)


def shared_policy_parts() -> dict[str, Any]:
    from foikit.publishing.redact import DEFAULT_PLACES, PublishedContacts, staff_forms

    return {
        "allowed": PublishedContacts.of(
            [OFFICE_EMAIL],
            ["0121 626 6060", "0303 123 1113"],
            ["Lloyd House, Colmore Circus Queensway, Birmingham, B4 6NQ", "Wilmslow, SK9 5AF"],
        ),
        "staff": tuple(n for login in STAFF_LOGINS for n in staff_forms(login)),
        "places": (*DEFAULT_PLACES, *PLACES),
    }


def policy_for_record(rnd: random.Random, shared: dict[str, Any]) -> Any:
    """A requester of their own per request, as the register gives each one."""
    from foikit.publishing.redact import Policy, Requester

    name = f"{rnd.choice(FORENAMES)} {rnd.choice(SURNAMES)}"
    login = name.lower().replace(" ", ".").replace("'", "")
    requester = Requester(
        name=name,
        email=f"{login}{rnd.randrange(99)}@example.org",
        address=(f"{rnd.randrange(1, 200)} {rnd.choice(STREETS)}", rnd.choice(PLACES),
                 f"B{rnd.randrange(1, 99)} {rnd.randrange(1, 9)}AA"),
        phone=f"07700 9{rnd.randrange(10000, 99999)}",
    )  # fmt: skip
    return Policy(requester=requester, **shared)


def synthesise(n: int, seed: int = 6) -> Iterator[PublicRecord]:
    rnd = random.Random(seed)
    people = random.Random(seed + 1)  # the policies and letters: the records stay as they were
    shared = shared_policy_parts()
    outcomes, weights = zip(*OUTCOMES, strict=True)
    start = dt.date(2012, 1, 2)
    span = (dt.date(2026, 10, 30) - start).days
    per_year: dict[tuple[str, int], int] = {}
    for _ in range(n):
        topic, words = rnd.choice(TOPICS)
        place = rnd.choice(PLACES)
        received = start + dt.timedelta(days=rnd.randrange(span))
        responded = received + dt.timedelta(days=rnd.randrange(5, 45))
        regime = "eir" if rnd.random() < 0.05 else "foi"
        key = (regime, received.year)
        per_year[key] = per_year.get(key, 0) + 1
        reference = f"{regime.upper()}-{received.year}-{per_year[key]:06d}"
        outcome = rnd.choices(outcomes, weights)[0]
        exemptions: tuple[PublicExemption, ...] = ()
        if outcome in ("partially-withheld", "withheld-in-full"):
            exemptions = tuple(rnd.sample(EXEMPTIONS, rnd.choice((1, 1, 2))))
        questions = tuple(
            PublicQuestion(
                i + 1,
                rnd.choice(ASKS).format(
                    t=rnd.choice(words), p=place, y=rnd.randrange(2010, received.year + 1)
                ),
                "answered",
                rnd.choice(ANSWERS).format(n=rnd.randrange(1, 500)),
            )
            for i in range(rnd.choice((1, 2, 2, 3, 4)))
        )
        # Through the one function that decides what the public sees, as a real publish is:
        # with the request's own scan policy and its response letter's text.
        policy = policy_for_record(people, shared)
        letter = LETTER.format(
            name=policy.requester.name,
            reference=reference,
            received=received.isoformat(),
            subject=f"{topic} in {place}",
            answers=" ".join(f"{q.number}. {q.text} {q.answer}" for q in questions),
        )
        yield release_record(
            dict(
                reference=reference,
                regime=regime,
                subject=f"{topic} in {place}",
                received=received.isoformat(),
                responded=responded.isoformat(),
                outcome=outcome,
                in_time=(responded - received).days <= 28,
                exemptions=exemptions,
                questions=questions,
                review_outcome=rnd.choice(("upheld", "overturned"))
                if rnd.random() < 0.02
                else None,
                letter_text=letter,
            ),
            policy,
        )


def plain_copy(public: Path, plain: Path) -> None:
    """Datasette's defaults: the same rows in one plain table, no FTS, no indexes."""
    conn = sqlite3.connect(plain)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("ATTACH DATABASE ? AS pub", (str(public),))
    conn.executescript(
        """
        CREATE TABLE disclosures AS
        SELECT d.reference, d.subject, d.regime, d.received, d.responded, d.year, d.outcome,
            d.in_time, d.exemptions, d.review_outcome, d.letter_text,
            (SELECT group_concat(q.question || ' ' || coalesce(q.answer, ''), ' ')
             FROM pub.questions q WHERE q.reference = d.reference) AS questions
        FROM pub.disclosures d;
        """
    )
    conn.commit()
    conn.close()


async def timed(client, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} gave {response.status_code}: {response.text[:300]}")
    return times


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def measure(
    public: Path, plain: Path, reference: str, word: str, rare: str, repeat: int
) -> None:
    from datasette.app import Datasette

    from foikit.publishing.serve import make_datasette

    ours = make_datasette(public)
    await ours.invoke_startup()
    # Datasette's defaults, except the time limits: a one-second limit would turn the slow
    # queries we are measuring into errors instead of figures.
    default = Datasette(
        [str(plain)],
        immutables=[],
        settings={"sql_time_limit_ms": 120_000, "facet_time_limit_ms": 120_000},
    )
    await default.invoke_startup()
    plain_name = plain.stem

    def like(w: str) -> str:
        return (
            f"/{plain_name}/disclosures?_where=subject like '%25{w}%25'"
            f" or questions like '%25{w}%25'"
        )

    cases = [
        (f"search {word!r}", f"/disclosure/disclosures?_search={word}", like(word)),
        (f"search {rare!r}", f"/disclosure/disclosures?_search={rare}", like(rare)),
        (
            "faceted page",
            "/disclosure/disclosures",
            f"/{plain_name}/disclosures?_facet=year&_facet=outcome&_facet=exemptions",
        ),
        (
            "faceted, filtered",
            "/disclosure/disclosures?year=2020&outcome=Partially+withheld",
            f"/{plain_name}/disclosures?year=2020&outcome=Partially+withheld"
            "&_facet=year&_facet=outcome&_facet=exemptions",
        ),
        (
            "request page",
            f"/disclosure/disclosures/{reference}",
            f"/{plain_name}/disclosures?reference={reference}",
        ),
    ]
    conn = sqlite3.connect(public)
    for w in (word, rare):
        hits = conn.execute(
            "SELECT count(*) FROM disclosures_fts WHERE disclosures_fts MATCH ?", (f'"{w}"',)
        ).fetchone()[0]
        print(f"{w!r} matches {hits:,} requests")
    conn.close()
    print(
        f"\n{'measure':<24}{'ours p50':>10}{'ours p95':>10}{'default p50':>13}"
        f"{'default p95':>13}{'ratio p95':>11}"
    )
    for name, ours_path, default_path in cases:
        await timed(ours.client, ours_path, 2)  # warm caches
        a = await timed(ours.client, ours_path, repeat)
        await timed(default.client, default_path, 1)
        b = await timed(default.client, default_path, max(3, repeat // 4))
        print(
            f"{name:<24}{statistics.median(a):>9.1f}ms{pct(a, 95):>9.1f}ms"
            f"{statistics.median(b):>12.1f}ms{pct(b, 95):>12.1f}ms"
            f"{pct(b, 95) / pct(a, 95):>10.1f}x"
        )


def middle_reference(public: Path, n: int) -> str:
    conn = sqlite3.connect(public)
    try:
        return str(
            conn.execute(
                "SELECT reference FROM disclosures WHERE seq = ?", (max(1, n // 2),)
            ).fetchone()[0]
        )
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="disclosures to synthesise")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per measure")
    parser.add_argument("--keep", metavar="DIR", help="keep the databases in DIR")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases already in --keep DIR"
    )
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="foikit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    public = folder / "disclosure.db"
    plain = folder / "plain.db"
    print(f"disclosure log benchmark: {args.n:,} records in {folder}")
    if args.reuse and public.exists() and plain.exists():
        asyncio.run(
            measure(
                public, plain, middle_reference(public, args.n), "MARAC", "hospitality", args.repeat
            )
        )
        return
    with open("/proc/loadavg") as f:
        print(f"(load average {f.read().split()[0]} at the start)")
    t, cpu = time.perf_counter(), time.process_time()
    report = build_public_db(synthesise(args.n), public)
    build_s, cpu = time.perf_counter() - t, time.process_time() - cpu
    size_mb = public.stat().st_size / 1e6
    print(
        f"publish: {report.published:,} records in {build_s:.1f} s, CPU {cpu:.1f} s "
        f"({report.published / build_s:,.0f} records/s, {cpu / report.published * 1000:.2f} ms"
        f" CPU a record, {size_mb:,.0f} MB); target for 1,000,000: < 300 s"
        f" (at this rate {cpu / report.published * 1e6:,.0f} s CPU)"
    )
    t = time.perf_counter()
    plain_copy(public, plain)
    print(f"(plain copy for the defaults built in {time.perf_counter() - t:.1f} s)")
    asyncio.run(
        measure(
            public, plain, middle_reference(public, args.n), "MARAC", "hospitality", args.repeat
        )
    )
    if not args.keep:
        for p in (public, plain):
            p.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    main()
