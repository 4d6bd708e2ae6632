"""Retention: anonymise the requesters of requests closed longer ago than the retention period.

A requester is anonymised when every request of theirs is closed, with no internal review or
ICO case still under way, and the last of those (response, review decision, ICO decision) is
older than the period. Their name, email, address and phone are blanked and `anonymised_at`
set. The request itself stays: statistics count requests, not people.

The disclosure log scans each text for the requester's details before publishing it
(foikit.publishing.redact), which it can no longer do once they are blanked; so the same scan is
applied to that requester's own texts (subject, questions, answers, internal notes) first, replacing
their name, email, address and phone with `[redacted]` exactly as the log would. The log built
after retention is therefore the log built before.

The same scan runs over every free-text column that belongs to their requests (exemption and
public-interest reasons, clock-event details, review reasons, ICO notes, and any table with a
`request_id` a later version adds), and over every audit row of those requests, so the trail
keeps no copy either. `--dry-run` lists each column and file it would touch.

Their letters are personal data too: every letter file recorded for their requests, the
`--published` copy included (it quotes their own words), is deleted, with a same-named .pdf
beside a .docx. The files are chosen inside the transaction, which marks each letters row
(`deleted_at`; the row stays, so the history still shows the letter was sent) and writes a
`delete-file` audit row naming each file's path, never its content; the files are deleted once
that has committed, so a failure before then leaves both register and files as they were. A run
interrupted after its commit (a kill, Ctrl-C) or a file that could not be deleted is finished by
the next run: every file of a row marked deleted that is still on disk is deleted then, as are
the temporary files (`.NAME.PID.HEX.tmp`) a killed `foikit letter` left behind.

Each change is written with its audit row, in one transaction with a summarising `retention`
row. The audit trail itself holds the old values of every change; when the register offers
`Tx.anonymise` (an update that records which columns changed but not their old values, and
clears them from earlier audit rows of the same record) it is used, so the trail keeps no copy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foikit.clock.rules import add_months
from foikit.errors import FoikitError

if TYPE_CHECKING:
    from typing import TypeAlias

    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader

    # What the text scan runs its SELECTs on: the connection (a dry run, outside any
    # transaction) or the transaction that then rewrites the texts.
    Rows: TypeAlias = sqlite3.Connection | Tx


PERSONAL = ("name", "email", "address", "phone")
_PERIOD = re.compile(
    r"^\s*(\d+)\s*(y|yr|yrs|years?|m|mo|months?|w|wk|weeks?|d|days?)\s*$", re.IGNORECASE
)
FAR_FUTURE = "9999-12-31"


class InvalidRetentionPeriod(FoikitError):
    pass


def cutoff_date(today: dt.date, older_than: str) -> dt.date:
    """The day before which a case must have closed: `2y`, `18m`, `6w`, `400d` before today."""
    match = _PERIOD.match(older_than)
    if not match or int(match[1]) == 0:
        raise InvalidRetentionPeriod(
            f"the retention period {older_than!r} is not like 2y, 18m, 6w or 400d"
        )
    n, unit = int(match[1]), match[2][0].lower()
    if unit == "y":
        return add_months(today, -12 * n)
    if unit == "m":
        return add_months(today, -n)
    return today - dt.timedelta(days=n * (7 if unit == "w" else 1))


@dataclass
class RetentionCase:
    requester_id: int
    references: list[str]
    closed_on: str  # the last response or decision on any of their requests
    texts_redacted: int = 0  # texts in which their details were replaced by [redacted]


@dataclass
class RetentionReport:
    older_than: str
    cutoff: str
    dry_run: bool
    cases: list[RetentionCase] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)  # their recorded letters (not published)
    files: list[str] = field(default_factory=list)  # chosen for deletion (dry run: would be)
    deleted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # recorded, but already gone
    failed: list[dict[str, str]] = field(default_factory=list)  # {"path", "error"}
    audit_scrubbed: bool = False  # the audit trail keeps no copy of what was blanked
    columns: list[str] = field(default_factory=list)  # table.column #id changed (or to be)
    retried: list[str] = field(default_factory=list)  # marked deleted earlier, still on disk
    temporary: list[str] = field(default_factory=list)  # left by a killed writer

    def as_dict(self) -> dict[str, Any]:
        return {
            "older_than": self.older_than,
            "cutoff": self.cutoff,
            "dry_run": self.dry_run,
            "requesters": len(self.cases),
            "requests": sum(len(c.references) for c in self.cases),
            "cases": [c.__dict__ for c in self.cases],
            "letters": self.letters,
            "files": self.files,
            "deleted": self.deleted,
            "missing": self.missing,
            "failed": self.failed,
            "audit_scrubbed": self.audit_scrubbed,
            "columns": self.columns,
            "retried": self.retried,
            "temporary": self.temporary,
        }


def due_for_anonymising(reg: Reader, cutoff: dt.date) -> list[RetentionCase]:
    """Requesters (not yet anonymised) whose every request closed before `cutoff`."""
    rows = reg.query(
        f"""
        WITH closed AS (
            SELECT r.id, r.reference, r.requester_id,
                CASE
                    WHEN r.status != 'closed' OR r.responded IS NULL THEN '{FAR_FUTURE}'
                    WHEN EXISTS (SELECT 1 FROM reviews v
                                 WHERE v.request_id = r.id AND v.decided IS NULL)
                        THEN '{FAR_FUTURE}'
                    WHEN EXISTS (SELECT 1 FROM ico_cases c
                                 WHERE c.request_id = r.id AND c.decided IS NULL)
                        THEN '{FAR_FUTURE}'
                    ELSE MAX(
                        r.responded,
                        COALESCE((SELECT MAX(v.decided) FROM reviews v
                                  WHERE v.request_id = r.id), ''),
                        COALESCE((SELECT MAX(c.decided) FROM ico_cases c
                                  WHERE c.request_id = r.id), '')
                    )
                END AS closed_on
            FROM requests r
            WHERE r.requester_id IS NOT NULL
        )
        SELECT p.id AS requester_id, GROUP_CONCAT(closed.reference, ' ') AS refs,
            MAX(closed.closed_on) AS closed_on
        FROM requesters p JOIN closed ON closed.requester_id = p.id
        WHERE p.anonymised_at IS NULL
        GROUP BY p.id
        HAVING MAX(closed.closed_on) < ?
        ORDER BY closed_on, p.id
        """,
        (cutoff.isoformat(),),
    )
    return [
        RetentionCase(r["requester_id"], sorted(r["refs"].split()), r["closed_on"]) for r in rows
    ]


def _own_details_redactor(requester: dict[str, Any]) -> Any:
    """A function text -> text that replaces this requester's own details as the log would."""
    from foikit.publishing.redact import (
        REDACTED,
        PublishedContacts,
        Requester,
        Scanner,
        normalise_phone,
    )

    who = Requester.from_mapping(requester)
    scanner = Scanner.for_requester(who, PublishedContacts())
    own_email = (who.email or "").lower()
    own_phone = normalise_phone(who.phone) if who.phone else None

    def own(hit: Any) -> bool:
        if hit.kind in ("name", "address", "postcode"):
            return True
        if hit.kind == "email":
            return bool(own_email) and hit.found.lower() == own_email
        if hit.kind == "phone":
            return own_phone is not None and normalise_phone(hit.found) == own_phone
        return False

    def redact(text: str | None) -> str | None:
        if not text:
            return text
        hits = [h for h in scanner.scan(text) if own(h)]
        if not hits:
            return text
        out: list[str] = []
        pos = 0
        for hit in hits:
            out.extend((text[pos : hit.start], REDACTED))
            pos = hit.end
        out.append(text[pos:])
        return "".join(out)

    return redact


def _overwrite(
    tx: Tx, table: str, row_id: int, changes: dict[str, Any], request_id: int | None
) -> bool:
    """Overwrite personal data; the audit trail keeps no copy of the old values."""
    tx.anonymise(table, row_id, changes, request_id=request_id, action="anonymise")
    return True


# Columns that hold no free text a requester could be named in: skipped for speed only (the
# redactor would leave them as they are).
_NOT_TEXT = {"id", "request_id", "question_id", "answer_id", "reference", "regime", "status"}


def _text_columns(conn: Rows, table: str) -> list[str]:
    return [
        r[1]
        for r in conn.execute(f"PRAGMA table_info([{table}])")
        if r[1] not in _NOT_TEXT and (r[2] or "").upper() in ("TEXT", "")
    ]


def _request_tables(conn: Rows) -> list[str]:
    """Every table that belongs to requests: `requests` itself and each with a request_id
    (clock events, reviews, ICO cases, and whatever a later version adds), never the audit."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]

    def columns(table: str) -> set[str]:
        return {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}

    # A table keyed by the request itself (request_texts, the message as received) is emptied
    # by its own trigger when the requester is anonymised: it has no row id to rewrite.
    return [
        t
        for t in names
        if t not in ("audit", "requesters", "letters")
        and (t == "requests" or {"request_id", "id"} <= columns(t))
    ]


def _texts(tx: Rows, request_ids: list[int]) -> list[tuple[str, int, str, str | None, int]]:
    """(table, id, column, text, request id) of every free-text column that belongs to these
    requests: subjects, notes, questions, answers, exemption and public-interest reasons, clock
    event details, review reasons, ICO notes, and any table a later version adds."""
    marks = ", ".join("?" for _ in request_ids)
    out: list[tuple[str, int, str, str | None, int]] = []
    for table in _request_tables(tx):
        columns = _text_columns(tx, table)
        if not columns:
            continue
        key = "id" if table == "requests" else "request_id"
        cols = ", ".join(f"[{c}]" for c in columns)
        for r in tx.execute(
            f"SELECT id, [{key}] AS rid, {cols} FROM [{table}] WHERE [{key}] IN ({marks})",
            request_ids,
        ):
            out.extend((table, r["id"], c, r[c], r["rid"]) for c in columns)
    joins = {
        "answers": "SELECT a.*, q.request_id AS rid FROM answers a JOIN questions q"
        " ON q.id = a.question_id",
        "answer_exemptions": "SELECT x.*, q.request_id AS rid FROM answer_exemptions x"
        " JOIN answers a ON a.id = x.answer_id JOIN questions q ON q.id = a.question_id",
    }
    for table, sql in joins.items():
        columns = _text_columns(tx, table)
        for r in tx.execute(f"{sql} WHERE q.request_id IN ({marks})", request_ids):
            out.extend((table, r["id"], c, r[c], r["rid"]) for c in columns)
    return [t for t in out if isinstance(t[3], str)]


def planned_changes(
    conn: Rows, requester: dict[str, Any], request_ids: list[int]
) -> list[tuple[str, int, str, str, int]]:
    """(table, id, column, cleaned text, request id) for every text that names the requester."""
    from foikit.records.retention_extras import redact_rules, rules_redactor

    redact = _own_details_redactor(requester)
    # The request's own redaction rules (third parties) too: the rules go, their effect stays.
    rules = {rid: rules_redactor(p) for rid, p in redact_rules(conn, request_ids).items()}
    changes = []
    for table, row_id, column, text, request_id in _texts(conn, request_ids):
        cleaned = redact(text)
        if request_id in rules and table != "redaction_rules":
            cleaned = rules[request_id](cleaned)
        if cleaned != text:
            changes.append((table, row_id, column, cleaned, request_id))
    return changes


def _letters_sql(request_ids: Iterable[int]) -> str:
    # Every letter, the published copy included: it quotes the requester's own words.
    return (
        "SELECT id, request_id, path FROM letters WHERE deleted_at IS NULL"
        f" AND request_id IN ({', '.join(str(int(i)) for i in request_ids)}) ORDER BY path, id"
    )


_LEFT_BEHIND_SQL = "SELECT id, request_id, path FROM letters WHERE deleted_at IS NOT NULL"


def _choose_files(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """The files to delete, each with its (letter id, request id), and the letters already gone.

    A relative path is taken from the working directory, as `foikit letter` wrote it.
    """
    files: dict[str, tuple[int, int]] = {}
    missing: list[str] = []
    for row in rows:
        path = row["path"]
        if not path:
            continue
        candidates = [path]
        if path.lower().endswith(".docx"):
            candidates.append(path[: -len(".docx")] + ".pdf")  # `foikit letter --pdf` beside it
        for candidate in candidates:
            if candidate in files or candidate in missing:
                continue  # rendered again to the same file: one deletion
            if os.path.lexists(candidate):
                files[candidate] = (row["id"], row["request_id"])
            elif candidate == path:
                missing.append(path)
    return files, missing


def _delete_files(report: RetentionReport) -> None:
    for path in report.files:
        try:
            os.unlink(path)
        except FileNotFoundError:
            report.missing.append(path)  # gone since it was chosen: nothing left to delete
        except OSError as e:
            report.failed.append({"path": path, "error": e.strerror or str(e)})
        else:
            report.deleted.append(path)


def left_behind(reg: Reader) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Letter files marked deleted that are still on disk (an earlier run was interrupted after
    its commit, or could not delete them), and temporary files a killed writer left."""
    files, _ = _choose_files(reg.query(_LEFT_BEHIND_SQL))
    return files, stale_temporary_files()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def stale_temporary_files(folder: str | os.PathLike[str] | None = None) -> list[str]:
    """`.NAME.PID.HEX.tmp` files in the letters folder whose writer is no longer running."""
    from foikit.letters.context import responses_dir
    from foikit.register.files import is_foikit_temp

    where = responses_dir(folder)
    if not where.is_dir():
        return []
    stale = []
    for entry in sorted(os.scandir(where), key=lambda e: e.name):
        if not (entry.is_file(follow_symlinks=False) and is_foikit_temp(entry.name)):
            continue
        pid = entry.name.rsplit(".", 3)[-3]
        if pid.isdigit() and not _pid_alive(int(pid)):
            stale.append(entry.path)
    return stale


def _finish_earlier_runs(reg: Register, actor: str, report: RetentionReport) -> None:
    """Delete what an earlier run marked but left on disk, and stale temporary files."""
    files, temporary = left_behind(reg)
    report.retried = list(files)
    report.temporary = temporary
    if report.dry_run or not (files or temporary):
        return
    done = RetentionReport(report.older_than, report.cutoff, False, files=[*files, *temporary])
    _delete_files(done)
    report.deleted += done.deleted
    report.failed += done.failed
    with reg.transaction(actor) as tx:
        for path in done.deleted:
            letter_id, request_id = files.get(path, (None, None))
            tx.audit(
                "delete-file" if letter_id else "delete-temporary-file",
                table="letters" if letter_id else None,
                row_id=letter_id,
                request_id=request_id,
                old={"path": path},
            )


def apply_retention(
    reg: Register, actor: str, *, older_than: str, today: dt.date, dry_run: bool = False
) -> RetentionReport:
    """Anonymise every requester due for it (see the module docstring); `dry_run` only lists."""
    cutoff = cutoff_date(today, older_than)
    report = RetentionReport(older_than, cutoff.isoformat(), dry_run)
    _finish_earlier_runs(reg, actor, report)
    report.cases = due_for_anonymising(reg, cutoff)
    if not report.cases:
        return report
    ids_by_ref = {
        r["reference"]: r["id"]
        for r in reg.query(
            "SELECT id, reference FROM requests WHERE requester_id IN"
            f" ({', '.join(str(c.requester_id) for c in report.cases)})"
        )
    }
    if dry_run:
        for case in report.cases:
            requester = reg.one("SELECT * FROM requesters WHERE id = ?", (case.requester_id,))
            assert requester is not None  # found by due_for_anonymising just above
            changes = planned_changes(reg.conn, requester, [ids_by_ref[r] for r in case.references])
            case.texts_redacted = len(changes)
            report.columns += [f"{t}.{c} #{i}" for t, i, c, _, _ in changes]
            report.columns += [f"requesters.{c} #{case.requester_id}" for c in PERSONAL]
        rows = reg.query(_letters_sql(ids_by_ref.values()))
        report.letters = [r["path"] for r in rows]
        chosen, report.missing = _choose_files(rows)
        report.files = list(chosen)
        from foikit.documents.public import document_files

        report.files += document_files(reg, ids_by_ref.values())
        from foikit.records.retention_extras import attachment_files

        report.files += attachment_files(reg.conn, reg.path, ids_by_ref.values())
        return report
    chosen, documents = _anonymise(reg, actor, report, ids_by_ref, cutoff)
    # Only now, with the register committed: a failure above deleted nothing. A file that cannot
    # be deleted does not undo the anonymisation: rolling the register back would keep every
    # detail of the requester for the sake of one file. It is reported (and audited), and the
    # next run tries it again (`left_behind`), as it does the files of a run that was killed.
    _delete_files(report)
    from foikit.documents.store import delete_files

    report.deleted += delete_files(reg.path, documents)  # released documents (issue 18)
    if report.failed:
        with reg.transaction(actor) as tx:
            for failure in report.failed:
                letter_id, request_id = chosen.get(failure["path"], (None, None))
                tx.audit(
                    "delete-file-failed",
                    table="letters",
                    row_id=letter_id,
                    request_id=request_id,
                    new=failure,
                )
    return report


def _anonymise(
    reg: Register, actor: str, report: RetentionReport, ids_by_ref: dict[str, int], cutoff: dt.date
) -> tuple[dict[str, tuple[int, int]], Any]:
    """The one transaction: texts redacted, details blanked, the audit trail scrubbed, the
    letters and documents marked; returns the files to delete once it has committed."""
    from foikit.casework.lifecycle import touch

    scrubbed = True
    with reg.transaction(actor) as tx:
        for case in report.cases:
            request_ids = [ids_by_ref[ref] for ref in case.references]
            requester = dict(
                tx.execute("SELECT * FROM requesters WHERE id = ?", (case.requester_id,)).fetchone()
            )
            changes = planned_changes(tx, requester, request_ids)
            changed: set[int] = set()
            for table, row_id, column, cleaned, request_id in changes:
                scrubbed &= _overwrite(tx, table, row_id, {column: cleaned}, request_id)
                changed.add(request_id)
                report.columns.append(f"{table}.{column} #{row_id}")
            case.texts_redacted = len(changes)
            for request_id in sorted(changed):
                touch(tx, request_id)  # a form opened before this is now stale
            # The redaction rules (third parties) go; every audit copy of them too.
            from foikit.records.retention_extras import (
                redact_rules,
                retire_rules,
                rules_redactor,
            )

            rules = redact_rules(tx, request_ids)
            retire_rules(tx, request_ids)
            # Every audit copy of their details (clock, exemptions, reviews, ICO, letters...).
            tx.redact_audit(request_ids, _own_details_redactor(requester))
            for rid, phrases in rules.items():
                tx.redact_audit([rid], rules_redactor(phrases))
            blanks: dict[str, Any] = {k: None for k in PERSONAL}
            scrubbed &= _overwrite(
                tx,
                "requesters",
                case.requester_id,
                {**blanks, "anonymised_at": tx.at},
                request_ids[0],
            )
            report.columns += [f"requesters.{c} #{case.requester_id}" for c in PERSONAL]
        # Chosen here, inside the transaction, so the files deleted are those it records.
        rows = [dict(r) for r in tx.execute(_letters_sql(ids_by_ref.values()))]
        report.letters = [r["path"] for r in rows]
        chosen, report.missing = _choose_files(rows)
        report.files = list(chosen)
        for row in rows:
            tx.update(
                "letters",
                row["id"],
                {"deleted_at": tx.at},
                request_id=row["request_id"],
                action="letter-deleted",
            )
        for path, (letter_id, request_id) in chosen.items():
            tx.audit(
                "delete-file",
                table="letters",
                row_id=letter_id,
                request_id=request_id,
                old={"path": path},
            )
        # Issue 18: the request's documents, originals and copies, go with the letters.
        from foikit.documents.public import retire_documents

        documents = retire_documents(tx, ids_by_ref.values())
        from foikit.records.retention_extras import retire_attachments

        report.files += retire_attachments(tx, reg.path, ids_by_ref.values())
        tx.audit(
            "retention",
            new={
                "older_than": report.older_than,
                "cutoff": cutoff.isoformat(),
                "requesters": len(report.cases),
                "requests": sum(len(c.references) for c in report.cases),
                "letter_files": len(report.files),
            },
        )
    report.audit_scrubbed = scrubbed
    return chosen, documents
