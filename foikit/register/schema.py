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
