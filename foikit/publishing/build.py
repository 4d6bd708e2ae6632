"""The public disclosure log: a separate SQLite file built for the public, never the register.

Two layers, so the public file can be built and tested from plain records:

- `build_public_db(records, out)` writes the file: one row per request in `disclosures`, its
  questions and answers in `questions`, its exemptions in `disclosure_exemptions`, a
  full-text index (FTS5) over subject, questions and answers, and the indexes that keep facets
  and newest-first sorting fast at a million rows. There are no foreign keys (Datasette would
  turn them into labels and links), no staff names, no notes, no register ids. It is written to
  a temporary file and renamed, so a failed publish leaves the old log in place.
- `publish(reg, out)` collects the closed FOI and EIR requests an officer has not held back
  from the register, runs the personal-data scan (`foikit.publishing.redact`) over every
  published text, and builds the file. Its `PublishReport` lists every redaction and every
  request held back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError, PublishError
from foikit.law.outcomes import ANSWER_STATUS_LABELS, OUTCOMES, REVIEW_OUTCOMES
from foikit.publishing.public import (
    OWN_DATA_SECTIONS,
    HeldBack,
    PublicExemption,
    PublicQuestion,
    PublicRecord,
    Redaction,
    is_released,
    release,
)

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


__all__ = [
    "OWN_DATA_SECTIONS",
    "HeldBack",
    "PublicExemption",
    "PublicQuestion",
    "PublicRecord",
    "PublishReport",
    "Redaction",
    "build_public_db",
    "publish",
]

# The tables and columns the public sees. `seq` numbers the requests in order of response, so
# "newest first" is `seq` descending, and it is the full-text index's docid: a search, its count
# and its facets then read the narrow (seq, year, outcome) index, never the wide rows.
DISCLOSURE_COLUMNS = (
    "reference, subject, regime, received, responded, year, outcome, in_time, exemptions,"
    " review_outcome, letter_text, refusal_grounds"
)
PUBLIC_SCHEMA = """
CREATE TABLE disclosures (
    reference TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,           -- position in the log: 1 is the oldest response
    subject TEXT NOT NULL,
    regime TEXT NOT NULL,           -- FOI | EIR
    received TEXT,                  -- ISO date
    responded TEXT,                 -- ISO date
    year INTEGER,                   -- year of the response: the facet
    outcome TEXT,                   -- the official statistics category, as words
    in_time TEXT,                   -- Yes | No
    exemptions TEXT,                -- every exemption applied, for reading
    review_outcome TEXT,
    letter_text TEXT,               -- the anonymised response letter
    refusal_grounds TEXT            -- s.12 (cost) or s.14 (vexatious, repeated), for reading
);
CREATE TABLE questions (
    reference TEXT NOT NULL,
    number INTEGER NOT NULL,
    question TEXT NOT NULL,
    status TEXT,                    -- Answered | Not held | Exempt
    answer TEXT,
    exemptions TEXT,                -- the exemptions or refusal grounds this answer relies on
    PRIMARY KEY (reference, number)
);
CREATE TABLE disclosure_exemptions (
    seq INTEGER NOT NULL,           -- the request's seq in disclosures
    exemption TEXT NOT NULL,        -- "s.40(2) Personal information"
    PRIMARY KEY (seq, exemption)
);
CREATE TABLE publication (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE facet_counts (         -- the facets of the whole log, counted once at publish
    facet TEXT NOT NULL,            -- year | outcome | exemption
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
);
"""

# Rows arrive in any order: they are staged in memory, then written in order of response.
STAGING = """
CREATE TEMP TABLE incoming (
    reference, subject, regime, received, responded, year, outcome, in_time,
    exemptions, review_outcome, letter_text, refusal_grounds
);
CREATE TEMP TABLE incoming_exemptions (reference TEXT, exemption TEXT);
CREATE TEMP TABLE incoming_search (reference TEXT, exemptions TEXT);
"""

# Built after the rows are in: one sort per index instead of a b-tree insert per row.
PUBLIC_INDEXES = """
CREATE UNIQUE INDEX disclosures_seq ON disclosures (seq);
CREATE INDEX disclosures_seq_facets ON disclosures (seq, year, outcome);
CREATE INDEX disclosures_responded ON disclosures (responded);
CREATE INDEX disclosures_year_outcome ON disclosures (year, outcome);
CREATE INDEX disclosures_outcome_year ON disclosures (outcome, year);
CREATE INDEX disclosures_regime ON disclosures (regime, year);
CREATE INDEX disclosure_exemptions_exemption ON disclosure_exemptions (exemption, seq);
"""

# Contentless: the index holds tokens, not a second copy of the text. Porter stemming lets
# "review" find "reviews"; `exemptions` holds "section 40(2) s.40(2) Personal information" for
# each exemption and refusal ground, so "40(2)" and "section 40" find them (the query side is
# foikit.publishing.search).
PUBLIC_FTS = """
CREATE VIRTUAL TABLE disclosures_fts USING fts5(
    subject, questions, exemptions, content='', tokenize='porter unicode61 remove_diacritics 2'
);
"""

STATUS_LABELS = ANSWER_STATUS_LABELS


@dataclass
class PublishReport:
    out: Path
    published: int = 0
    redactions: list[Redaction] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    sha256: str | None = None  # of the file written (None on a dry run)
    by: str | None = None  # who published: in the audit trail with the count and hash
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "dry_run": self.dry_run,
            "published": self.published,
            "sha256": self.sha256,
            "by": self.by,
            "redactions": [asdict(r) for r in self.redactions],
            "held_back": [asdict(h) for h in self.held_back],
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "documents": self.documents,
        }


# -- layer 1: the public file -------------------------------------------------------------------


def _label(value: str | None, labels: Mapping[str, Any]) -> str | None:
    if value is None:
        return None
    found = labels.get(value)
    if found is None:
        return value
    return found if isinstance(found, str) else found.label


def _rows(
    records: Iterable[PublicRecord],
    questions: list[tuple[Any, ...]],
    exemptions: list[tuple[str, str]],
    seen: set[str],
    search: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Disclosure rows; questions and exemptions are appended to the lists on the way."""
    for r in records:
        if not is_released(r):
            raise PublishError(
                "the disclosure log is written only from records made by"
                " foikit.publishing.public.release, never from a raw row"
            )
        if r.reference in seen:
            raise PublishError(f"{r.reference} appears twice in the disclosure log")
        seen.add(r.reference)
        labels = sorted({e.label for e in r.exemptions if not e.refusal})
        grounds = sorted({e.label for e in r.exemptions if e.refusal})
        exemptions.extend((r.reference, label) for label in labels)
        if search is not None:
            search.append((r.reference, " ".join(sorted({e.search_text for e in r.exemptions}))))
        questions.extend(
            (
                r.reference,
                q.number,
                q.text,
                _label(q.status, STATUS_LABELS),
                q.answer,
                "; ".join(sorted({e.label for e in q.exemptions})) or None,
            )
            for q in r.questions
        )
        yield (
            r.reference,
            r.subject,
            r.regime.upper(),
            r.received,
            r.responded,
            int(r.responded[:4]) if r.responded else None,
            _label(r.outcome, OUTCOMES),
            None if r.in_time is None else ("Yes" if r.in_time else "No"),
            "; ".join(labels) or None,
            _label(r.review_outcome, REVIEW_OUTCOMES),
            r.letter_text or None,
            "; ".join(grounds) or None,
        )


BATCH = 20_000
ABOUT_KEYS = ("office", "office_website", "log_url")


def build_public_db(
    records: Iterable[PublicRecord],
    out: Path,
    *,
    published_on: dt.date | None = None,
    about: Mapping[str, str] | None = None,
) -> PublishReport:
    """Write the public database to `out` (replacing it only when the build succeeds).

    `about` goes in the `publication` table for the server to show: `office` (the authority's
    name), `office_website`, `log_url` (the log's public address, for the feed's links)."""
    from foikit.register.files import PUBLIC_FILE, finish

    started = time.perf_counter()
    out = Path(out)
    if out.is_dir():
        raise PublishError(f"{str(out)!r} is a folder, not a database file")
    if not out.parent.exists():
        raise PublishError(f"the folder {str(out.parent)!r} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        count = _write(records, tmp, published_on or dt.date.today(), about or {})
        # Public, so world-readable whatever the umask; on disk before the rename.
        finish(tmp, out, PUBLIC_FILE)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return PublishReport(out=out, published=count, seconds=time.perf_counter() - started)


def _write(
    records: Iterable[PublicRecord],
    path: Path,
    on: dt.date,
    about: Mapping[str, str],
) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A throwaway file until the rename: no journal, no fsyncs, big cache.
        for pragma in (
            "page_size = 8192",
            "journal_mode = OFF",
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            "temp_store = MEMORY",
            "cache_size = -262144",
        ):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(PUBLIC_SCHEMA + STAGING)
        conn.execute("BEGIN")
        questions: list[tuple[Any, ...]] = []
        exemptions: list[tuple[str, str]] = []
        search: list[tuple[str, str]] = []
        seen: set[str] = set()
        rows = _rows(records, questions, exemptions, seen, search)
        insert = f"INSERT INTO incoming ({DISCLOSURE_COLUMNS}) VALUES ({', '.join('?' * 12)})"
        while True:
            batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
            if not batch:
                break
            conn.executemany(insert, batch)
            conn.executemany("INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?)", questions)
            conn.executemany("INSERT INTO incoming_exemptions VALUES (?, ?)", exemptions)
            conn.executemany("INSERT INTO incoming_search VALUES (?, ?)", search)
            questions.clear()
            exemptions.clear()
            search.clear()
        conn.execute(
            f"INSERT INTO disclosures (seq, {DISCLOSURE_COLUMNS})"
            f" SELECT row_number() OVER (ORDER BY responded, reference), {DISCLOSURE_COLUMNS}"
            " FROM incoming ORDER BY responded, reference"
        )
        conn.execute(
            "INSERT OR IGNORE INTO disclosure_exemptions (seq, exemption)"
            " SELECT d.seq, e.exemption FROM incoming_exemptions e"
            " JOIN disclosures d ON d.reference = e.reference ORDER BY d.seq"
        )
        conn.execute("DROP TABLE incoming")
        conn.execute("DROP TABLE incoming_exemptions")
        conn.execute("CREATE INDEX temp.incoming_search_ref ON incoming_search (reference)")
        for statement in _statements(PUBLIC_INDEXES + PUBLIC_FTS):
            conn.execute(statement)
        # FTS after the rows: one pass, questions and answers gathered per request.
        conn.execute(
            """
            INSERT INTO disclosures_fts (rowid, subject, questions, exemptions)
            SELECT d.seq, d.subject,
                (SELECT group_concat(q.question || ' ' || coalesce(q.answer, ''), ' ')
                 FROM questions q WHERE q.reference = d.reference),
                (SELECT s.exemptions FROM incoming_search s WHERE s.reference = d.reference)
            FROM disclosures d
            """
        )
        conn.execute("DROP TABLE incoming_search")
        conn.execute("INSERT INTO disclosures_fts (disclosures_fts) VALUES ('optimize')")
        conn.execute(FACET_COUNTS)
        conn.executemany(
            "INSERT INTO publication VALUES (?, ?)",
            [
                ("published", on.isoformat()),
                ("records", str(len(seen))),
                ("build", uuid.uuid4().hex),
                *((k, str(v)) for k, v in about.items() if k in ABOUT_KEYS and v),
            ],
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        return len(seen)
    except sqlite3.Error as e:
        raise PublishError(f"could not write the disclosure log: {e}") from None
    finally:
        conn.close()


FACET_COUNTS = """
INSERT INTO facet_counts (facet, value, count)
SELECT 'year', year, count(*) FROM disclosures WHERE year IS NOT NULL GROUP BY year
UNION ALL
SELECT 'outcome', outcome, count(*) FROM disclosures WHERE outcome IS NOT NULL GROUP BY outcome
UNION ALL
SELECT 'exemption', exemption, count(*) FROM disclosure_exemptions GROUP BY exemption
"""


def _statements(script: str) -> list[str]:
    """One statement at a time: `executescript` would commit the open transaction."""
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# -- layer 2: from the register ----------------------------------------------------------------

PUBLISHED_REGIMES = ("foi", "eir")


def published_contacts(reg: Reader) -> Any:
    from foikit.publishing.redact import published_contacts as contacts

    return contacts(reg)


def public_places(reg: Reader) -> list[str]:
    from foikit.publishing.redact import public_places as places

    return places(reg)


def publishable_references(reg: Reader) -> list[str]:
    """Closed FOI and EIR requests an officer has not marked not for publication, oldest first.
    Subject access requests and open requests are never published."""
    marks = ",".join("?" for _ in PUBLISHED_REGIMES)
    return [
        r["reference"]
        for r in reg.query(
            f"SELECT reference FROM requests WHERE status = 'closed' AND publish = 1"
            f" AND regime IN ({marks}) ORDER BY responded, id",
            PUBLISHED_REGIMES,
        )
    ]


LETTER_KIND = "response"


def letter_kind(request: Mapping[str, Any]) -> str:
    """The letter the requester was sent: a refusal notice when every question was refused
    under s.12 or s.14 (a refusal ground, not an exemption), else the response."""
    questions = request.get("questions") or ()
    refused = [
        q
        for q in questions
        if any(PublicExemption(e["section"], "").refusal for e in q.get("exemptions") or ())
    ]
    return "refusal" if questions and len(refused) == len(questions) else LETTER_KIND


def letter_maker() -> Any:
    """A function (reg, reference, folder, kind) -> the text of the published letter of that
    kind (its context goes through `release`, dated as the letter sent); None when there is no
    response template. Renders with foikit.letters' pieces rather than `render_letter`, which
    records each letter in the register."""
    try:
        from foikit import letters
    except ImportError:
        return None
    path = letters.template_path(LETTER_KIND)
    if not path.is_file():
        return None
    compiled = {LETTER_KIND: letters.load_template(path)}

    def make(reg: Register, reference: str, folder: Path, kind: str = LETTER_KIND) -> str:
        if kind not in compiled:
            compiled[kind] = letters.load_template(letters.template_path(kind))
        context = letters.build_context(reg, reference, kind, published=True)
        written = letters.render_docx(compiled[kind], context, folder / f"{reference}.docx")
        text = str(letters.letter_text(written))
        Path(written).unlink(missing_ok=True)
        return text

    return make


class AnswerWorker:
    """Works out each request's answers for the log exactly as its letter does
    (foikit.letters.render_answer), over the reference data read once."""

    def __init__(self, reg: Reader, today: dt.date) -> None:
        from foikit import letters
        from foikit.register.facts import csps_context, figures_context
        from foikit.register.settings import ico_context, office_context

        self._letters = letters
        self._base = letters.answer_context(
            office=office_context(reg),
            ico=ico_context(reg),
            request={},
            today=today,
            csps=csps_context(reg),
            figures=figures_context(reg),
        )

    def work_out(self, request: dict[str, Any]) -> str | None:
        """Replace each answer with its worked-out text, in place; the reason to hold the
        request back when an answer cannot be worked out."""
        from foikit.letters.sandbox import plain

        facts = {k: request.get(k) for k in self._letters.ANSWER_REQUEST_FIELDS}
        context = {**self._base, "request": plain(facts)}
        try:
            worked = self._letters.render_answers(request.get("questions") or (), context)
        except FoikitError as e:
            return f"an answer could not be worked out ({e})"
        for q in request.get("questions") or ():
            q["answer"] = worked[int(q["number"])]
        return None


def public_record(
    request: Mapping[str, Any],
    requester: Mapping[str, Any] | None,
    allowed: Any,
    letter_text: str = "",
    places: Iterable[str] = (),
    staff: Iterable[str] = (),
) -> tuple[PublicRecord | None, list[Redaction], str | None]:
    """One request (the `request show --json` shape) through `release` with a policy built
    from the arguments: (the record or None when held back, the redactions, the reason)."""
    from foikit.publishing.redact import DEFAULT_PLACES, Policy, Requester, staff_names_of

    policy = Policy(
        requester=Requester.from_mapping(requester),
        allowed=allowed,
        staff=(*staff, *staff_names_of(request)),
        places=tuple(places) or DEFAULT_PLACES,
    )
    released = release(request, policy, letter_text)
    return released.record, released.redactions, released.held


def publish(
    reg: Register,
    out: Path,
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    letter_pdfs: bool = False,
) -> PublishReport:
    """Build the public log at `out` from the register: closed FOI and EIR requests marked for
    publication, each through `release`. A dry run lists what would be redacted and held back
    and writes nothing; a real run records who published, how many and the file's SHA-256 in
    the audit trail."""
    from foikit.casework.lifecycle import show_request
    from foikit.publishing.redact import policy_for, staff_names
    from foikit.register.files import Kind, guard_output

    guard_output(out, Kind.DISCLOSURE_LOG, register=reg.path)
    today = today or dt.date.today()
    out = Path(out)
    if out.is_dir():
        raise PublishError(f"{str(out)!r} is a folder, not a database file")
    if not out.parent.exists():
        raise PublishError(f"the folder {str(out.parent)!r} does not exist")
    shared = {
        "allowed": published_contacts(reg),
        "places": public_places(reg),
        "staff": staff_names(reg),
    }
    redactions: list[Redaction] = []
    held: list[HeldBack] = []
    warnings: list[str] = []
    make_letter = letter_maker()
    if make_letter is None:
        warnings.append("no response letter template: the log has no letter text")
    worker = AnswerWorker(reg, today)

    def records(folder: Path) -> Iterator[PublicRecord]:
        for reference in publishable_references(reg):
            request = show_request(reg, reference, today=today)
            problem = worker.work_out(request)
            if problem is not None:
                held.append(HeldBack(reference, problem))
                continue
            text = ""
            if make_letter is not None:
                try:
                    text = make_letter(reg, reference, folder, letter_kind(request))
                except FoikitError as e:
                    warnings.append(f"{reference}: no letter text ({e})")
            rid = reg.scalar("SELECT id FROM requests WHERE reference = ?", (reference,))
            policy = policy_for(reg, rid, request, **shared)
            released = release(request, policy, text)
            redactions.extend(released.redactions)
            if released.record is None:
                held.append(HeldBack(reference, released.held or "held back"))
                continue
            yield released.record

    from foikit.register.settings import get_setting

    about = {
        "office": get_setting(reg, "office.name"),
        "office_website": get_setting(reg, "office.website"),
        "log_url": get_setting(reg, "office.disclosure_log_url"),
    }
    with (
        reg.read_only(),
        tempfile.TemporaryDirectory(prefix="foikit-publish-") as folder,
    ):
        if dry_run:
            started = time.perf_counter()
            count = sum(1 for _ in records(Path(folder)))
            report = PublishReport(out, count, seconds=time.perf_counter() - started)
        else:
            report = build_public_db(records(Path(folder)), out, published_on=today, about=about)
    report.redactions = redactions
    report.held_back = held
    report.warnings = warnings
    report.dry_run = dry_run
    if not dry_run:
        # Issue 18: the redacted copies of released documents, beside the log.
        from foikit.documents.public import publish_documents

        report.documents = publish_documents(reg, out, letters=letter_pdfs, warnings=warnings)
        _record_publication(reg, report, actor)
    return report


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record_publication(reg: Register, report: PublishReport, actor: str | None) -> None:
    """Who published, when, how many, what was held back, and the file's hash: one audit row."""
    from foikit.register import current_actor

    report.sha256 = file_sha256(report.out)
    report.by = current_actor(actor)
    with reg.transaction(report.by) as tx:
        tx.audit(
            "publish",
            new={
                "file": str(report.out),
                "sha256": report.sha256,
                "published": report.published,
                "redactions": len(report.redactions),
                "held_back": [h.reference for h in report.held_back],
            },
        )
