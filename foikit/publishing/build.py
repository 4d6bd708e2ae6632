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
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from foikit.errors import FoikitError, PublishError
from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES

# The tables and columns the public sees. `seq` numbers the requests in order of response, so
# "newest first" is `seq` descending, and it is the full-text index's docid: a search, its count
# and its facets then read the narrow (seq, year, outcome) index, never the wide rows.
DISCLOSURE_COLUMNS = (
    "reference, subject, regime, received, responded, year, outcome, in_time, exemptions,"
    " review_outcome, letter_text"
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
    letter_text TEXT                -- the anonymised response letter
);
CREATE TABLE questions (
    reference TEXT NOT NULL,
    number INTEGER NOT NULL,
    question TEXT NOT NULL,
    status TEXT,                    -- Answered | Not held | Exempt
    answer TEXT,
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
    exemptions, review_outcome, letter_text
);
CREATE TEMP TABLE incoming_exemptions (reference TEXT, exemption TEXT);
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
# "review" find "reviews".
PUBLIC_FTS = """
CREATE VIRTUAL TABLE disclosures_fts USING fts5(
    subject, questions, content='', tokenize='porter unicode61 remove_diacritics 2'
);
"""

STATUS_LABELS = {"answered": "Answered", "not-held": "Not held", "exempt": "Exempt"}


@dataclass(frozen=True)
class PublicExemption:
    section: str
    name: str

    @property
    def label(self) -> str:
        section = self.section.strip()
        prefix = "" if section.lower().startswith(("reg", "s.")) else "s."
        return f"{prefix}{section} {self.name}".strip()


@dataclass(frozen=True)
class PublicQuestion:
    number: int
    text: str
    status: str | None = None
    answer: str | None = None


@dataclass(frozen=True)
class PublicRecord:
    """One disclosed request as the public sees it: nothing here leads back to a person."""

    reference: str
    regime: str
    subject: str
    received: str | None
    responded: str | None
    outcome: str | None
    in_time: bool | None = None
    exemptions: tuple[PublicExemption, ...] = ()
    questions: tuple[PublicQuestion, ...] = ()
    review_outcome: str | None = None
    letter_text: str = ""

    @classmethod
    def coerce(cls, record: PublicRecord | Mapping[str, Any]) -> PublicRecord:
        if isinstance(record, PublicRecord):
            return record
        data = dict(record)
        try:
            data["exemptions"] = tuple(
                e if isinstance(e, PublicExemption) else PublicExemption(e["section"], e["name"])
                for e in data.get("exemptions") or ()
            )
            data["questions"] = tuple(
                q
                if isinstance(q, PublicQuestion)
                else PublicQuestion(q["number"], q["text"], q.get("status"), q.get("answer"))
                for q in data.get("questions") or ()
            )
            data["letter_text"] = data.get("letter_text") or ""
            return cls(**data)
        except (TypeError, KeyError) as e:
            raise PublishError(f"a disclosure record is not in the expected shape: {e}") from None


@dataclass(frozen=True)
class Redaction:
    reference: str
    field: str  # subject | question 2 | answer 2 | letter
    kind: str  # name | email | phone | address | postcode | staff
    found: str


@dataclass(frozen=True)
class HeldBack:
    reference: str
    reason: str


@dataclass
class PublishReport:
    out: Path
    published: int = 0
    redactions: list[Redaction] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "published": self.published,
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
    records: Iterable[PublicRecord | Mapping[str, Any]],
    questions: list[tuple[Any, ...]],
    exemptions: list[tuple[str, str]],
    seen: set[str],
) -> Iterator[tuple[Any, ...]]:
    """Disclosure rows; questions and exemptions are appended to the lists on the way."""
    for raw in records:
        r = PublicRecord.coerce(raw)
        if r.reference in seen:
            raise PublishError(f"{r.reference} appears twice in the disclosure log")
        seen.add(r.reference)
        labels = sorted({e.label for e in r.exemptions})
        exemptions.extend((r.reference, label) for label in labels)
        questions.extend(
            (r.reference, q.number, q.text, _label(q.status, STATUS_LABELS), q.answer)
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
        )


BATCH = 20_000
ABOUT_KEYS = ("office", "office_website", "log_url")


def build_public_db(
    records: Iterable[PublicRecord | Mapping[str, Any]],
    out: Path,
    *,
    published_on: dt.date | None = None,
    about: Mapping[str, str] | None = None,
) -> PublishReport:
    """Write the public database to `out` (replacing it only when the build succeeds).

    `about` goes in the `publication` table for the server to show: `office` (the authority's
    name), `office_website`, `log_url` (the log's public address, for the feed's links)."""
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
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return PublishReport(out=out, published=count, seconds=time.perf_counter() - started)


def _write(
    records: Iterable[PublicRecord | Mapping[str, Any]],
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
        seen: set[str] = set()
        rows = _rows(records, questions, exemptions, seen)
        insert = f"INSERT INTO incoming ({DISCLOSURE_COLUMNS}) VALUES ({', '.join('?' * 11)})"
        while True:
            batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
            if not batch:
                break
            conn.executemany(insert, batch)
            conn.executemany("INSERT INTO questions VALUES (?, ?, ?, ?, ?)", questions)
            conn.executemany("INSERT INTO incoming_exemptions VALUES (?, ?)", exemptions)
            questions.clear()
            exemptions.clear()
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
        for statement in _statements(PUBLIC_INDEXES + PUBLIC_FTS):
            conn.execute(statement)
        # FTS after the rows: one pass, questions and answers gathered per request.
        conn.execute(
            """
            INSERT INTO disclosures_fts (rowid, subject, questions)
            SELECT d.seq, d.subject,
                (SELECT group_concat(q.question || ' ' || coalesce(q.answer, ''), ' ')
                 FROM questions q WHERE q.reference = d.reference)
            FROM disclosures d
            """
        )
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
# The requester's own personal data (FOIA s.40(1)): the request was in effect a subject access
# request, and publishing it would tell the world what the requester asked about themselves.
OWN_DATA_SECTIONS = ("40(1)",)


def published_contacts(reg: Any) -> Any:
    """The contacts that may appear in the log: the office's email and phone, the ICO helpline,
    and every CSP email address published in the reference data (never a withheld one)."""
    from foikit.publishing.redact import PublishedContacts
    from foikit.register.settings import get_setting

    emails = [get_setting(reg, "office.email")]
    emails += [
        r["value"]
        for r in reg.query(
            "SELECT value FROM csp_contacts"
            " WHERE kind = 'email' AND withheld = 0 AND value IS NOT NULL"
        )
    ]
    phones = [get_setting(reg, "office.phone"), get_setting(reg, "ico.helpline")]
    return PublishedContacts.of(emails, phones)


def public_places(reg: Any) -> list[str]:
    """Places the log talks about, left in the text when they are part of an address: each
    Community Safety Partnership's area and the region."""
    from foikit.publishing.redact import DEFAULT_PLACES

    return [*DEFAULT_PLACES, *(r["name"] for r in reg.query("SELECT name FROM csps"))]


def publishable_references(reg: Any) -> list[str]:
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


def letter_maker(today: dt.date) -> Any:
    """A function (reg, reference, folder) -> the text of the anonymised (`--published`)
    response letter; None when there is no response template (or no letters module) to render.
    Renders with foikit.letters' pieces rather than `render_letter`, which records each letter
    in the register: publishing reads the register and never writes to it."""
    try:
        from foikit import letters
    except ImportError:
        return None
    path = letters.template_path(LETTER_KIND)
    if not path.is_file():
        return None
    compiled = letters.load_template(path)

    def make(reg: Any, reference: str, folder: Path) -> str:
        context = letters.build_context(reg, reference, LETTER_KIND, published=True, today=today)
        written = letters.render_docx(compiled, context, folder / f"{reference}.docx")
        text = str(letters.letter_text(written))
        Path(written).unlink(missing_ok=True)
        return text

    return make


class AnswerWorker:
    """Works out each request's answers for the log exactly as its letter does
    (foikit.letters.render_answer), over the reference data read once."""

    def __init__(self, reg: Any, today: dt.date) -> None:
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


def _staff_names(request: Mapping[str, Any]) -> list[str]:
    names = {request.get("handler")}
    names.update(q.get("answered_by") for q in request.get("questions") or ())
    names.update(r.get("reviewer") for r in request.get("reviews") or ())
    review = request.get("review")
    if review:
        names.add(review.get("reviewer"))
    return sorted(n for n in names if n and n.strip())


def public_record(
    request: Mapping[str, Any],
    requester: Mapping[str, Any] | None,
    allowed: Any,
    letter_text: str = "",
    places: Iterable[str] = (),
) -> tuple[PublicRecord | None, list[Redaction], str | None]:
    """One request (the `request show --json` shape) made safe to publish: (the record or None
    when it is held back, the redactions made, the reason it is held back)."""
    from foikit.publishing.redact import Requester, Scanner, only_redactions

    reference = str(request["reference"])
    sections = {
        e["section"] for q in request.get("questions") or () for e in q.get("exemptions") or ()
    }
    if sections & set(OWN_DATA_SECTIONS):
        return None, [], "the requester's own personal data (s.40(1)): a subject access matter"
    scanner = Scanner.for_requester(
        Requester.from_mapping(dict(requester) if requester else None),
        allowed,
        staff=_staff_names(request),
        places=places,
    )
    redactions: list[Redaction] = []

    def clean(text: str | None, where: str) -> str | None:
        cleaned, hits = scanner.redact(text)
        redactions.extend(Redaction(reference, where, h.kind, h.found) for h in hits)
        return cleaned

    subject = clean(request["subject"], "subject") or ""
    if only_redactions(subject):
        return None, redactions, "the subject is personal data and nothing else"
    questions = tuple(
        PublicQuestion(
            int(q["number"]),
            clean(q["text"], f"question {q['number']}") or "",
            q.get("status"),
            clean(q.get("answer"), f"answer {q['number']}"),
        )
        for q in request.get("questions") or ()
    )
    exemptions = {
        (e["section"], e.get("name") or e["section"])
        for q in request.get("questions") or ()
        for e in q.get("exemptions") or ()
    }
    review = request.get("review")
    record = PublicRecord(
        reference=reference,
        regime=str(request["regime"]),
        subject=subject,
        received=request.get("received"),
        responded=request.get("responded"),
        outcome=request.get("outcome"),
        in_time=request.get("in_time"),
        exemptions=tuple(PublicExemption(s, n) for s, n in sorted(exemptions)),
        questions=questions,
        review_outcome=review.get("outcome") if review else None,
        letter_text=clean(letter_text, "letter") or "",
    )
    return record, redactions, None


def publish(reg: Any, out: Path, *, today: dt.date | None = None) -> PublishReport:
    """Build the public log at `out` from the register: closed FOI and EIR requests marked for
    publication, each scanned for personal data first. Nothing is written to the register."""
    from foikit.casework.lifecycle import requester_of, show_request

    today = today or dt.date.today()
    allowed = published_contacts(reg)
    places = public_places(reg)
    redactions: list[Redaction] = []
    held: list[HeldBack] = []
    warnings: list[str] = []
    make_letter = letter_maker(today)
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
                    text = make_letter(reg, reference, folder)
                except FoikitError as e:
                    warnings.append(f"{reference}: no letter text ({e})")
            record, found, reason = public_record(
                request, requester_of(reg, reference), allowed, text, places
            )
            redactions.extend(found)
            if record is None:
                held.append(HeldBack(reference, reason or "held back"))
                continue
            yield record

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
        report = build_public_db(records(Path(folder)), out, published_on=today, about=about)
    report.redactions = redactions
    report.held_back = held
    report.warnings = warnings
    # Issue 18: the redacted copies of released documents, beside the log (foikit.documents).
    from foikit.documents.public import publish_documents

    report.documents = publish_documents(reg, out)
    return report
