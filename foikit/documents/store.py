"""The private store: originals and redacted copies in a folder beside the register.

`documents/` next to `register.db` (0700), one sub-folder per request (0700), files written
0600 under random names (never the original file name, which may name the requester). The
`documents` table records each with its SHA-256 and size; every change goes through `Tx` with
its audit row. A document is redacted first, in memory; only a copy that passed verification is
written, the files are written before the row, and removed again if the transaction fails, so
a failure leaves neither a row without files nor files without a row.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.documents.phrases import (
    DocumentError,
    check_phrases,
    phrases_for,
    redact_text,
)

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


FOLDER = "documents"
KINDS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".csv": "csv"}
PATHS = ("original_path", "redacted_path", "pdf_path")  # every file a document has
OFFICE = ("docx", "xlsx", "csv")  # published with a PDF made by LibreOffice beside them
MAX_BYTES = 100 * 1024 * 1024


def folder_for(register_path: str | os.PathLike[str]) -> Path:
    """The private documents folder beside a register file."""
    return Path(os.path.abspath(register_path)).parent / FOLDER


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)  # whatever the umask made of it


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Added:
    id: int
    reference: str
    title: str
    kind: str
    redactions: int
    phrases: int
    publish: bool
    refused: str | None
    pdf: bool = False  # a PDF made beside an Office file
    pdf_refused: str | None = None


def redact_bytes(kind: str, data: bytes, phrases: Sequence[str]) -> Any:
    """The verified redacted copy (foikit.documents.pdf.Redacted); DocumentError if unsafe."""
    from foikit.documents import office, pdf

    redactors = {
        "pdf": pdf.redact_pdf,
        "docx": office.redact_docx,
        "xlsx": office.redact_xlsx,
        "csv": office.redact_csv,
    }
    return redactors[kind](data, phrases)


def add_document(
    reg: Register,
    actor: str,
    reference: str,
    file: str | os.PathLike[str],
    *,
    redact: Sequence[str] = (),
    title: str | None = None,
    publish: bool = True,
) -> Added:
    """Attach a file to a request: keep the original, make and verify the redacted copy.

    When the copy cannot be made safely, the document is refused (DocumentError, nothing
    written) unless `publish` is False: then the original is kept, with the reason."""
    source = Path(file)
    kind_of(source.name)
    if not source.is_file():
        raise DocumentError(f"no file at {str(source)!r}")
    if source.stat().st_size > MAX_BYTES:
        raise DocumentError(f"{source.name!r} is larger than {MAX_BYTES // 2**20} MB")
    return add_document_bytes(
        reg,
        actor,
        reference,
        source.name,
        source.read_bytes(),
        redact=redact,
        title=title,
        publish=publish,
    )


def kind_of(filename: str) -> str:
    """pdf | docx | xlsx | csv from a file's name; DocumentError for any other."""
    suffix = Path(filename).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise DocumentError(
            f"{filename!r}: foikit redacts PDF, DOCX, XLSX and CSV files, not "
            f"{suffix or 'files without an extension'}"
        )
    return kind


def base_name(filename: str) -> str:
    """The sender's file name as a label only, never a path: `../../x.pdf` -> `x.pdf`."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip(" .")[:200] or "document"


def add_document_bytes(
    reg: Register,
    actor: str,
    reference: str,
    filename: str,
    data: bytes,
    *,
    redact: Sequence[str] = (),
    title: str | None = None,
    publish: bool = True,
) -> Added:
    """`add_document` for a file's bytes and name (the staff upload): the name is a label
    only (its type and the default title); the files are kept under random names."""
    from foikit.casework.common import get_request_row

    name = base_name(filename)
    kind = kind_of(name)
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name!r} is larger than {MAX_BYTES // 2**20} MB")
    source = Path(name)
    officer = check_phrases(redact)
    row = get_request_row(reg, reference)
    phrases = phrases_for(reg, row["id"], officer)
    refused = None
    redacted = None
    try:
        redacted = redact_bytes(kind, data, phrases)
    except DocumentError as e:
        if publish:
            raise DocumentError(f"{source.name!r} cannot be published: {e}") from None
        refused = str(e)
    public_title = redact_text(" ".join((title or source.stem).split()), phrases)[0]
    pdf, pdf_refused = None, None
    if redacted is not None and kind in OFFICE:  # a PDF beside it, made with LibreOffice
        from foikit.documents.office_pdf import pdf_or_reason

        pdf, pdf_refused = pdf_or_reason(kind, redacted.data, phrases, public_title)
    folder = folder_for(reg.path)
    _private_dir(folder)
    sub = folder / str(row["id"])
    _private_dir(sub)
    token = secrets.token_hex(8)
    original = Path(str(row["id"])) / f"{token}-original.{kind}"
    copy = Path(str(row["id"])) / f"{token}-redacted.{kind}" if redacted else None
    pdf_copy = Path(str(row["id"])) / f"{token}-redacted.pdf" if pdf else None
    written: list[Path] = []
    try:
        _write_private(folder / original, data)
        written.append(folder / original)
        if copy is not None and redacted is not None:
            _write_private(folder / copy, redacted.data)
            written.append(folder / copy)
        if pdf_copy is not None and pdf is not None:
            _write_private(folder / pdf_copy, pdf)
            written.append(folder / pdf_copy)
        with reg.transaction(actor) as tx:
            doc_id = tx.insert(
                "documents",
                {
                    "request_id": row["id"],
                    "title": public_title,
                    "kind": kind,
                    "original_path": str(original),
                    "original_sha256": sha256(data),
                    "original_size": len(data),
                    "redacted_path": str(copy) if copy else None,
                    "redacted_sha256": sha256(redacted.data) if redacted else None,
                    "redacted_size": len(redacted.data) if redacted else None,
                    "phrases": len(phrases),
                    "redactions": redacted.redactions if redacted else 0,
                    "publish": 1 if publish else 0,
                    "refused": refused,
                    "added_at": tx.at,
                    "pdf_path": str(pdf_copy) if pdf_copy else None,
                    "pdf_sha256": sha256(pdf) if pdf else None,
                    "pdf_size": len(pdf) if pdf else None,
                    "pdf_refused": pdf_refused,
                },
                request_id=row["id"],
                action="document-add",
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return Added(
        int(doc_id),
        row["reference"],
        public_title,
        kind,
        redacted.redactions if redacted else 0,
        len(phrases),
        publish,
        refused,
        pdf is not None,
        pdf_refused,
    )


def list_documents(reg: Reader, reference: str) -> list[dict[str, Any]]:
    from foikit.casework.common import get_request_row

    row = get_request_row(reg, reference)
    return reg.query(
        "SELECT id, title, kind, original_size, original_sha256, redacted_size,"
        " redacted_sha256, phrases, redactions, publish, refused, added_at, pdf_size,"
        " pdf_refused"
        " FROM documents WHERE request_id = ? AND deleted_at IS NULL ORDER BY id",
        (row["id"],),
    )


def remove_document(reg: Register, actor: str, reference: str, doc_id: int) -> dict[str, Any]:
    """Delete a document's files and mark its row (the row stays for the history)."""
    from foikit.casework.common import get_request_row

    row = get_request_row(reg, reference)
    doc = reg.one(
        "SELECT * FROM documents WHERE id = ? AND request_id = ? AND deleted_at IS NULL",
        (doc_id, row["id"]),
    )
    if doc is None:
        raise DocumentError(f"{row['reference']} has no document {doc_id}")
    with reg.transaction(actor) as tx:
        tx.update(
            "documents",
            doc_id,
            {"deleted_at": tx.at},
            request_id=row["id"],
            action="document-remove",
        )
    delete_files(reg.path, [doc])
    return doc


def files_of(doc: dict[str, Any]) -> list[str]:
    return [p for p in (doc.get(k) for k in PATHS) if p]


def delete_files(register_path: Any, docs: Sequence[dict[str, Any]]) -> list[str]:
    """Delete the files of these documents; returns the paths deleted."""
    folder = folder_for(register_path)
    deleted = []
    for doc in docs:
        for rel in files_of(doc):
            path = folder / rel
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            deleted.append(str(path))
    return deleted
