"""What leaves the private store: the public copies, retention, backup.

`publish_documents(reg, out)` is called by `foikit publish` once the log file is in place: it
copies the redacted copy of every document marked for publication, of every request in the
log, into `<log>-files/` beside it (`disclosure-files/` for `disclosure.db`) under public names
(`FOI-2021-0001-1.pdf`: never the original file name), checks each copy's SHA-256 against the
register, and lists them in the log's `disclosure_documents` table (title, type, size). The
folder is built beside the old one and swapped in, so a failure leaves the old folder.

Retention calls `retire_documents(tx, request_ids)` inside its transaction and
`delete_files(...)` after it commits; a backup takes `private_files(reg)`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.documents.phrases import DocumentError
from foikit.documents.store import files_of, folder_for, sha256

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "docx": (
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": ("CSV", "text/csv; charset=utf-8"),
}
PUBLIC_TABLE = """
CREATE TABLE disclosure_documents (
    file TEXT PRIMARY KEY,          -- the public file name, in the files folder
    reference TEXT NOT NULL,
    number INTEGER NOT NULL,        -- 1, 2... on the request's page
    title TEXT NOT NULL,
    type TEXT NOT NULL,             -- PDF | Word document | Excel spreadsheet | CSV
    size INTEGER NOT NULL,          -- bytes
    sha256 TEXT NOT NULL
)
"""


def files_folder(out: str | os.PathLike[str]) -> Path:
    """The public files folder beside a log file: disclosure.db -> disclosure-files/."""
    out = Path(out)
    return out.parent / f"{out.stem}-files"


def publishable(reg: Reader, references: Iterable[str]) -> list[dict[str, Any]]:
    refs = list(references)
    if not refs:
        return []
    rows: list[dict[str, Any]] = []
    for i in range(0, len(refs), 500):
        chunk = refs[i : i + 500]
        rows += reg.query(
            "SELECT r.reference, d.* FROM documents d JOIN requests r ON r.id = d.request_id"
            " WHERE d.publish = 1 AND d.deleted_at IS NULL AND d.refused IS NULL"
            " AND d.redacted_path IS NOT NULL"
            f" AND r.reference IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
    return sorted(rows, key=lambda d: (d["reference"], d["id"]))


def publish_documents(
    reg: Register,
    out: str | os.PathLike[str],
    *,
    letters: bool = False,
    warnings: list[str] | None = None,
) -> int:
    """Copy the published documents beside the log at `out` and list them in it; with
    `letters`, each request's response letter as a tagged PDF too (foikit.documents.letter_pdf),
    listed first on its page."""
    out = Path(out)
    conn = sqlite3.connect(out)
    try:
        references = [r[0] for r in conn.execute("SELECT reference FROM disclosures")]
        docs = publishable(reg, references)
        final = files_folder(out)
        staging = out.parent / f".{final.name}-{secrets.token_hex(6)}"
        staging.mkdir()
        rows = []
        try:
            numbers: dict[str, int] = {}
            private = folder_for(reg.path)
            for doc in docs:
                data = (private / doc["redacted_path"]).read_bytes()
                if sha256(data) != doc["redacted_sha256"]:
                    raise DocumentError(
                        f"{doc['reference']} document {doc['id']}: the redacted copy on file "
                        "does not match its recorded SHA-256; not published"
                    )
                n = numbers[doc["reference"]] = numbers.get(doc["reference"], 0) + 1
                name = f"{doc['reference']}-{n}.{doc['kind']}"
                (staging / name).write_bytes(data)
                rows.append(
                    (
                        name,
                        doc["reference"],
                        n,
                        doc["title"],
                        TYPES[doc["kind"]][0],
                        len(data),
                        doc["redacted_sha256"],
                    )
                )
                rows += _second_format(private, staging, doc, n)
            if letters:
                rows += _letter_pdfs(reg, references, staging, warnings)
            with conn:
                conn.execute("DROP TABLE IF EXISTS disclosure_documents")
                conn.execute(PUBLIC_TABLE)
                conn.execute(
                    "CREATE INDEX disclosure_documents_ref ON disclosure_documents"
                    " (reference, number)"
                )
                conn.executemany(
                    "INSERT INTO disclosure_documents VALUES (?, ?, ?, ?, ?, ?, ?)", rows
                )
            old = out.parent / f".{final.name}-old-{secrets.token_hex(6)}"
            if final.exists():
                final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        conn.close()
    return len(rows)


def _letter_pdfs(
    reg: Register, references: list[str], staging: Path, warnings: list[str] | None
) -> list[Any]:
    from foikit.documents.letter_pdf import TITLE, letter_pdfs

    made = letter_pdfs(reg, references)
    if warnings is not None:
        warnings += made.warnings
    rows = []
    for pdf in made.pdfs:
        name = f"{pdf.reference}-letter.pdf"
        (staging / name).write_bytes(pdf.data)
        rows.append((name, pdf.reference, 0, TITLE, "PDF", len(pdf.data), sha256(pdf.data)))
    return rows


def _second_format(private: Path, staging: Path, doc: dict[str, Any], n: int) -> list[Any]:
    """The PDF made beside an Office file, published as a second format of the same document
    (`FOI-2021-0001-1.pdf` beside `FOI-2021-0001-1.xlsx`), checked against its SHA-256."""
    if not doc.get("pdf_path") or doc["kind"] == "pdf":
        return []
    data = (private / doc["pdf_path"]).read_bytes()
    if sha256(data) != doc["pdf_sha256"]:
        raise DocumentError(
            f"{doc['reference']} document {doc['id']}: its PDF on file does not match its "
            "recorded SHA-256; not published"
        )
    name = f"{doc['reference']}-{n}.pdf"
    (staging / name).write_bytes(data)
    return [(name, doc["reference"], n, doc["title"], "PDF", len(data), doc["pdf_sha256"])]


def retire_documents(tx: Tx, request_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Inside retention's transaction: mark the documents of these requests deleted, audit
    each file (its path, never its content); returns them for `delete_files` after commit."""
    ids = [int(i) for i in request_ids]
    if not ids:
        return []
    docs = [
        dict(r)
        for r in tx.execute(
            "SELECT * FROM documents WHERE deleted_at IS NULL"
            f" AND request_id IN ({', '.join(str(i) for i in ids)})"
        )
    ]
    for doc in docs:
        tx.update(
            "documents",
            doc["id"],
            {"deleted_at": tx.at},
            request_id=doc["request_id"],
            action="document-deleted",
        )
    return docs


def private_files(reg: Register) -> list[Path]:
    """Every private document file that exists, for a backup to take with the register."""
    folder = folder_for(reg.path)
    rows = reg.query("SELECT * FROM documents WHERE deleted_at IS NULL")
    paths = [folder / p for r in rows for p in files_of(r)]
    return [p for p in paths if p.is_file()]


def document_files(reg: Register, request_ids: Iterable[int]) -> list[str]:
    """The private files of these requests' documents (what retention would delete)."""
    ids = [int(i) for i in request_ids]
    if not ids:
        return []
    folder = folder_for(reg.path)
    rows = reg.query(
        "SELECT * FROM documents WHERE deleted_at IS NULL"
        f" AND request_id IN ({', '.join(str(i) for i in ids)})"
    )
    return [str(folder / p) for r in rows for p in files_of(r)]
