"""The register's schema, as sqlite-utils migrations so an older register upgrades in place.

Add a new migration at the end to change the schema; never edit one that has shipped.
Personal data of requesters lives in `requesters`, apart from the request itself, so that
retention can anonymise it and the disclosure log never has to touch it.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("foikit")


@migrations()
def m001_register(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,             -- UTC, ISO 8601
            actor TEXT NOT NULL,
            action TEXT NOT NULL,         -- insert | update | delete | a named action
            table_name TEXT,
            row_id TEXT,
            request_id INTEGER,           -- the request the change belongs to, when it does
            old TEXT,                     -- JSON of the changed columns before
            new TEXT                      -- JSON of the changed columns after
        );
        CREATE INDEX audit_request ON audit (request_id, at);
        CREATE INDEX audit_actor ON audit (actor);

        CREATE TABLE requesters (
            id INTEGER PRIMARY KEY,
            name TEXT,
            email TEXT,
            address TEXT,                 -- lines joined with newlines
            phone TEXT,
            anonymised_at TEXT            -- set by retention; name, email, address blanked
        );

        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,   -- FOI-2024-0001
            regime TEXT NOT NULL,             -- foi | eir | sar (extensions are events)
            year INTEGER NOT NULL,            -- reference year
            seq INTEGER NOT NULL,             -- reference sequence within prefix and year
            subject TEXT NOT NULL,
            received TEXT NOT NULL,           -- ISO date
            channel TEXT,                     -- email | post | web | phone | in-person
            handler TEXT,
            requester_id INTEGER REFERENCES requesters(id),
            status TEXT NOT NULL DEFAULT 'open',   -- open | closed
            due TEXT,                         -- due date in force; NULL while the clock is stopped
            notice_due TEXT,                  -- s.17(2) notice date when a PI extension is in force
            clock_stopped TEXT,               -- clarification | fee, while waiting
            responded TEXT,
            outcome TEXT,
            publish INTEGER NOT NULL DEFAULT 1,    -- 0: an officer marked it not for publication
            notes TEXT,                       -- internal, never published
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,    -- bumped on every change: stale forms refused
            UNIQUE (regime, year, seq)
        );
        CREATE INDEX requests_open_due ON requests (status, due);
        CREATE INDEX requests_handler ON requests (handler, status, due);
        CREATE INDEX requests_regime ON requests (regime, status, due);
        CREATE INDEX requests_received ON requests (received);
        CREATE INDEX requests_responded ON requests (responded);

        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            number INTEGER NOT NULL,
            text TEXT NOT NULL,               -- the requester's words, exactly as given
            UNIQUE (request_id, number)
        );

        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            question_id INTEGER NOT NULL UNIQUE REFERENCES questions(id),
            status TEXT NOT NULL,             -- answered | not-held | exempt
            text TEXT,                        -- officer's answer; may use figure() and csps
            answered_by TEXT,
            answered_at TEXT
        );

        CREATE TABLE answer_exemptions (
            id INTEGER PRIMARY KEY,
            answer_id INTEGER NOT NULL REFERENCES answers(id),
            section TEXT NOT NULL,            -- canonical: 40(2), 31(1)(a), 12, reg 12(5)(b)
            reason TEXT,                      -- why it applies (s.17(1)(c))
            public_interest TEXT,             -- public interest reasons (s.17(3)), qualified only
            ncnd INTEGER NOT NULL DEFAULT 0   -- neither confirm nor deny
        );
        CREATE INDEX answer_exemptions_answer ON answer_exemptions (answer_id);
        CREATE INDEX answer_exemptions_section ON answer_exemptions (section);

        CREATE TABLE clock_events (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            kind TEXT NOT NULL,  -- clarify | clarified | fee | fee-paid | extend | reopen
            date TEXT,                        -- ISO date of the event
            amount REAL,                      -- fee in GBP
            days INTEGER,                     -- extension in working days
            reason TEXT,                      -- extension: public-interest | complex; free text
            detail TEXT,                      -- what is unclear, how to pay, exemption considered
            created_at TEXT NOT NULL
        );
        CREATE INDEX clock_events_request ON clock_events (request_id, date);

        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            received TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            due TEXT,
            extended INTEGER NOT NULL DEFAULT 0,
            decided TEXT,
            outcome TEXT,                     -- upheld | partly-upheld | overturned
            reasons TEXT,
            late_request INTEGER NOT NULL DEFAULT 0  -- asked > 40 working days after response
        );
        CREATE INDEX reviews_request ON reviews (request_id);

        CREATE TABLE ico_cases (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            case_reference TEXT,
            complained TEXT,                  -- date the requester complained to the ICO
            notified TEXT,                    -- date the ICO told us
            decision_notice TEXT,             -- decision notice reference (IC-123456-A1B2)
            decided TEXT,
            decision TEXT,  -- upheld | partly-upheld | not-upheld | informal-resolution | withdrawn
            notes TEXT
        );
        CREATE INDEX ico_cases_request ON ico_cases (request_id);

        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            published INTEGER NOT NULL DEFAULT 0,
            draft INTEGER NOT NULL DEFAULT 0,
            rendered_at TEXT NOT NULL
        );
        CREATE INDEX letters_request ON letters (request_id, kind);

        CREATE TABLE holidays (
            date TEXT PRIMARY KEY,            -- ISO date
            name TEXT NOT NULL,
            nations TEXT NOT NULL,            -- comma list of ENG, WLS, SCT, NIR
            source TEXT NOT NULL              -- holidays-package | manual
        );

        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            file TEXT NOT NULL,
            title TEXT NOT NULL,
            author TEXT,
            date TEXT,                        -- ISO date, or empty when the document is undated
            date_note TEXT,
            description TEXT
        );

        CREATE TABLE csps (
            id TEXT PRIMARY KEY,              -- slug: birmingham
            name TEXT NOT NULL UNIQUE,        -- Birmingham
            website TEXT                      -- empty when no source gives one: never invented
        );

        CREATE TABLE csp_contacts (
            id INTEGER PRIMARY KEY,
            csp_id TEXT NOT NULL REFERENCES csps(id),
            kind TEXT NOT NULL,               -- email | representative
            value TEXT,                       -- NULL when withheld
            role TEXT,
            withheld INTEGER NOT NULL DEFAULT 0,
            withheld_reason TEXT,
            source_id TEXT REFERENCES sources(id),
            locator TEXT                      -- table or paragraph in the source
        );

        CREATE TABLE figures (
            id TEXT PRIMARY KEY,              -- stable slug used by totals
            topic TEXT NOT NULL,              -- dhr | funding | marac
            measure TEXT NOT NULL,
            area TEXT NOT NULL,               -- CSP or MARAC name, or West Midlands
            period TEXT NOT NULL,             -- 2019-20, or the span the source gives
            value REAL NOT NULL,
            unit TEXT NOT NULL,               -- GBP | count | percent
            note TEXT,
            source_id TEXT NOT NULL REFERENCES sources(id),
            locator TEXT NOT NULL
        );
        CREATE INDEX figures_key ON figures (topic, measure, area, period);

        CREATE TABLE figure_totals (
            id TEXT PRIMARY KEY,
            total_id TEXT NOT NULL REFERENCES figures(id),
            parts TEXT NOT NULL,              -- JSON list of figure ids
            description TEXT
        );

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,               -- officer | reviewer | administrator
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_audit_row_index(db: Database) -> None:
    # Retention scrubs every audit row of an anonymised record: find them without a full scan.
    db.execute("CREATE INDEX IF NOT EXISTS audit_row ON audit (table_name, row_id)")


@migrations()
def m003_letter_file_deleted(db: Database) -> None:
    # Retention deletes the letter files that name a requester; the row stays, so the history
    # still shows which letter was sent and when, and says when its file went.
    db.execute("ALTER TABLE letters ADD COLUMN deleted_at TEXT")


@migrations()
def m080_review_grounds_and_commitments(db: Database) -> None:
    """Issue 21: the requester's grounds for a review; what a partly upheld or overturned review
    commits the office to release, and by when; the date the ICO asked us to respond by."""
    db.executescript(
        """
        ALTER TABLE reviews ADD COLUMN grounds TEXT;   -- the requester's grounds, in their words
        ALTER TABLE ico_cases ADD COLUMN respond_by TEXT;  -- the ICO's date for our response
        CREATE TABLE review_commitments (
            id INTEGER PRIMARY KEY,
            review_id INTEGER NOT NULL REFERENCES reviews(id),
            request_id INTEGER NOT NULL REFERENCES requests(id),
            what TEXT NOT NULL,               -- what is now to be released or done
            due TEXT NOT NULL,                -- by when (ISO date)
            met TEXT                          -- the day it was met; NULL while outstanding
        );
        CREATE INDEX review_commitments_open ON review_commitments (met, due);
        """
    )


@migrations()
def m010_redaction_rules(db: Database) -> None:
    # An officer's rules for one request's public outputs: `redact` phrases (a third party
    # withheld under s.40(2)) and `keep` phrases (a titled name approved for publication).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS redaction_rules (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            phrase TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT 'redact',   -- redact | keep
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (request_id, phrase, action)
        );
        """
    )


@migrations()
def m030_letter_sent(db: Database) -> None:
    # A letter is never written over: each rendering is a new file. The one sent (neither a
    # draft nor the published copy) is marked, and a later rendering names the one it follows.
    db.execute("ALTER TABLE letters ADD COLUMN sent_at TEXT")
    db.execute("ALTER TABLE letters ADD COLUMN supersedes INTEGER REFERENCES letters(id)")
    db.execute("UPDATE letters SET sent_at = rendered_at WHERE draft = 0 AND published = 0")


@migrations()
def m011_letter_dated(db: Database) -> None:
    # The date a letter bears, so its published copy carries the same date.
    if "dated" not in db["letters"].columns_dict:
        db.execute("ALTER TABLE letters ADD COLUMN dated TEXT")


@migrations()
def m060_import_batches(db: Database) -> None:
    # Migration (issue 20): each import is a batch that can be undone; an imported request keeps
    # the office's own reference (searchable) and the flags found in it (an invalid email kept).
    db.executescript(
        """
        CREATE TABLE import_batches (
            id TEXT PRIMARY KEY,              -- 20260101T101500-1a2b3c: when, and the file's hash
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            at TEXT NOT NULL,                 -- UTC, ISO 8601
            actor TEXT NOT NULL,
            rows INTEGER NOT NULL,
            imported INTEGER NOT NULL,
            updated INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            last_audit INTEGER,               -- the audit trail's last row when it committed
            undone_at TEXT
        );
        ALTER TABLE requests ADD COLUMN import_batch TEXT REFERENCES import_batches(id);
        ALTER TABLE requests ADD COLUMN original_reference TEXT;
        ALTER TABLE requests ADD COLUMN import_key TEXT;   -- received|requester|subject, folded
        ALTER TABLE requests ADD COLUMN import_flags TEXT; -- JSON list of what was kept as found
        ALTER TABLE requests ADD COLUMN import_hash TEXT;  -- the cells: unchanged on re-import
        CREATE INDEX requests_original_reference ON requests (original_reference);
        CREATE INDEX requests_import_key ON requests (import_key);
        CREATE INDEX requests_import_batch ON requests (import_batch);
        """
    )


@migrations()
def m040_clock_event_late(db: Database) -> None:
    # A notice given after the time for compliance (a fees notice, FOIA s.9(1); EIR particulars
    # or a charge, regs 8 and 9(2); a s.17(2) extension notice) is kept on file with `--late`
    # but has no effect on the clock.
    db.execute("ALTER TABLE clock_events ADD COLUMN late INTEGER NOT NULL DEFAULT 0")


@migrations()
def m020_staff_sessions(db: Database) -> None:
    # Server-side staff sessions: the cookie holds a random id, the register holds only its
    # SHA-256, so a copy of the register cannot be replayed as a login. Ending a row ends it.
    # Users get the name and title letters are signed with (issue 21).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the cookie's random id
            user_name TEXT NOT NULL,
            created_at TEXT NOT NULL,         -- UTC, ISO 8601
            last_seen TEXT NOT NULL,          -- UTC; idle past staff.idle_minutes ends it
            client TEXT,                      -- the address it logged in from
            ended_at TEXT,                    -- logout, password, role change, disabling
            ended_why TEXT
        );
        CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_name, ended_at);
        """
    )
    columns = {c.name for c in db["users"].columns}
    if "full_name" not in columns:
        db.execute("ALTER TABLE users ADD COLUMN full_name TEXT")
    if "job_title" not in columns:
        db.execute("ALTER TABLE users ADD COLUMN job_title TEXT")


# -- casework (m050-m059): requests as received, attachments, requesters as people, search ----

# Re-index one request (its subject, questions and answers) in `request_fts`; `{rid}` is an
# expression for the request id in the trigger. Triggers keep the index in step with every
# write, whichever module makes it; `foikit search --reindex` rebuilds it whole.
_FTS_REFRESH = """
    DELETE FROM request_fts WHERE rowid = {rid};
    INSERT INTO request_fts (rowid, subject, questions, answers)
        SELECT r.id, r.subject,
            (SELECT group_concat(q.text, ' ') FROM questions q WHERE q.request_id = r.id),
            (SELECT group_concat(a.text, ' ') FROM answers a JOIN questions q
                ON q.id = a.question_id WHERE q.request_id = r.id)
        FROM requests r WHERE r.id = {rid};
"""


def fts_triggers_sql() -> str:
    """The triggers that keep `request_fts` in step (also used to restore them)."""
    refresh = _FTS_REFRESH
    answer_rid = "(SELECT request_id FROM questions WHERE id = {q}.question_id)"
    parts = [
        "CREATE TRIGGER IF NOT EXISTS request_fts_ai AFTER INSERT ON requests BEGIN"
        + refresh.format(rid="new.id")
        + "END;",
        "CREATE TRIGGER IF NOT EXISTS request_fts_au AFTER UPDATE OF subject ON requests BEGIN"
        + refresh.format(rid="new.id")
        + "END;",
        "CREATE TRIGGER IF NOT EXISTS request_fts_ad AFTER DELETE ON requests BEGIN"
        " DELETE FROM request_fts WHERE rowid = old.id; END;",
    ]
    for event, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        parts.append(
            f"CREATE TRIGGER IF NOT EXISTS question_fts_{event.lower()} AFTER {event} ON questions"
            " BEGIN" + refresh.format(rid=f"{ref}.request_id") + "END;"
        )
        parts.append(
            f"CREATE TRIGGER IF NOT EXISTS answer_fts_{event.lower()} AFTER {event} ON answers"
            " BEGIN" + refresh.format(rid=answer_rid.format(q=ref)) + "END;"
        )
    return "\n".join(parts)


@migrations()
def m050_casework(db: Database) -> None:
    from foikit.casework.requesters import match_keys

    db.executescript(
        """
        -- The request exactly as received (the email body or the letter's text): personal data,
        -- shown to officers, never published; retention erases it with the requester.
        CREATE TABLE request_texts (
            request_id INTEGER PRIMARY KEY REFERENCES requests(id),
            text TEXT NOT NULL,
            source TEXT NOT NULL              -- email | msg | letter | form
        );

        -- Files that came with a request: kept privately beside the register (0600), hashed.
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            filename TEXT NOT NULL,           -- as the sender named it
            path TEXT NOT NULL,               -- where it is kept, relative to the register
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            content_type TEXT,
            added_at TEXT NOT NULL
        );
        CREATE INDEX attachments_request ON attachments (request_id);

        -- Requesters as people: one record per person, found again by these keys.
        ALTER TABLE requesters ADD COLUMN email_key TEXT;   -- the address, case-folded
        ALTER TABLE requesters ADD COLUMN post_key TEXT;    -- name and address, normalised
        CREATE INDEX requesters_email_key ON requesters (email_key);
        CREATE INDEX requesters_post_key ON requesters (post_key);
        CREATE INDEX requests_requester ON requests (requester_id, received);

        -- Search: subjects, questions and answers, stemmed (porter), with prefix indexes.
        CREATE VIRTUAL TABLE request_fts USING fts5 (
            subject, questions, answers, tokenize = 'porter unicode61', prefix = '2 3 4'
        );
        -- how many requests hold each (stemmed) term: `similar` leaves out the commonest
        CREATE VIRTUAL TABLE request_fts_terms USING fts5vocab (request_fts, 'row');
        """
    )
    for row in list(db.query("SELECT id, name, email, address FROM requesters")):
        email_key, post_key = match_keys(row["name"], row["email"], row["address"])
        db.execute(
            "UPDATE requesters SET email_key = ?, post_key = ? WHERE id = ?",
            (email_key, post_key, row["id"]),
        )
    db.executescript(fts_triggers_sql())
    # Retention blanks a requester's name, email and address: the keys made from them go too,
    # and so does the text of their requests as received (it holds their words and signature).
    db.executescript(
        """
        CREATE TRIGGER requester_keys_anonymised AFTER UPDATE OF anonymised_at ON requesters
        WHEN new.anonymised_at IS NOT NULL BEGIN
            UPDATE requesters SET email_key = NULL, post_key = NULL WHERE id = new.id;
            DELETE FROM request_texts
                WHERE request_id IN (SELECT id FROM requests WHERE requester_id = new.id);
        END;
        """
    )
    db.execute(FTS_REBUILD)


# Every request into `request_fts` at once (an older register's requests; `--reindex`).
FTS_REBUILD = """
    INSERT INTO request_fts (rowid, subject, questions, answers)
        SELECT r.id, r.subject,
            (SELECT group_concat(q.text, ' ') FROM questions q WHERE q.request_id = r.id),
            (SELECT group_concat(a.text, ' ') FROM answers a JOIN questions q
                ON q.id = a.question_id WHERE q.request_id = r.id)
        FROM requests r
"""


@migrations()
def m090_documents(db: Database) -> None:
    """Issue 18: documents released with a response. The original and its redacted copy are
    files in a private folder beside the register (foikit.documents.store); this table records
    them with their SHA-256, never their content nor the phrases redacted (those are personal
    data: only how many)."""
    db.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id),
            title TEXT NOT NULL,              -- the public title (redacted like the file)
            kind TEXT NOT NULL,               -- pdf | docx | xlsx | csv
            original_path TEXT NOT NULL,      -- relative to the documents folder
            original_sha256 TEXT NOT NULL,
            original_size INTEGER NOT NULL,
            redacted_path TEXT,               -- NULL when it could not be redacted safely
            redacted_sha256 TEXT,
            redacted_size INTEGER,
            phrases INTEGER NOT NULL DEFAULT 0,     -- how many phrases were searched for
            redactions INTEGER NOT NULL DEFAULT 0,  -- how many places were redacted
            publish INTEGER NOT NULL DEFAULT 1,     -- 0: kept on file, never published
            refused TEXT,                     -- why it cannot be published, if it cannot
            added_at TEXT NOT NULL,
            deleted_at TEXT                   -- removed, or deleted by retention
        );
        CREATE INDEX documents_request ON documents (request_id);
        """
    )


@migrations()
def m100_figure_internal_note(db: Database) -> None:
    """Issue 21: a figure's notes split in two. `note` is public (it may be printed in a letter:
    "+1 child friendly report"); `internal_note` is for officers only ("the source writes
    'Wolves'", "stated total"), shown by `foikit facts` and never in a letter or the log. The
    reference data is reloaded from the files by `foikit init`."""
    db.execute("ALTER TABLE figures ADD COLUMN internal_note TEXT")


@migrations()
def m110_attachments_deleted(db: Database) -> None:
    """Issue 18: retention deletes the files of an email's attachments with the requester's
    other files; the row stays (the history shows what came), marked when its file went."""
    db.executescript("ALTER TABLE attachments ADD COLUMN deleted_at TEXT;")


@migrations()
def m111_documents_pdf(db: Database) -> None:
    """Issue 18: a PDF made with LibreOffice beside a redacted Office file (published as a
    second format), or why it could not be made."""
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN pdf_path TEXT;
        ALTER TABLE documents ADD COLUMN pdf_sha256 TEXT;
        ALTER TABLE documents ADD COLUMN pdf_size INTEGER;
        ALTER TABLE documents ADD COLUMN pdf_refused TEXT;
        """
    )
