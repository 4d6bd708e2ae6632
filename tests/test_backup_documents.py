"""`foikit backup` takes the released documents and email attachments with the register, and
`foikit restore` brings them back (issue 18): the restore drill, by SHA-256.

Threats: a backup that restores the register but not the files it names (documents lost,
`publish` fails); a tampered backup that writes a file outside its folder or a file that is
not what was backed up.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pymupdf
import pytest
from lifecycle_support import add, answered_and_closed, fresh_register

from foikit.casework.intake import Attachment
from foikit.casework.received import store_attachments
from foikit.documents.public import files_folder
from foikit.documents.store import folder_for

NAME = "Jane Quartermaine"


def digests(folder):
    """{relative path: (SHA-256, mode)} of every file under `folder`."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            data = Path(path).read_bytes()
            out[os.path.relpath(path, folder)] = (
                hashlib.sha256(data).hexdigest(),
                stat.S_IMODE(os.stat(path).st_mode),
            )
    return out


@pytest.fixture
def worked(db_path, tmp_path, invoke):
    """A register with two documents (a PDF and a CSV) and an email's attachment."""
    with fresh_register(db_path) as reg:
        ref = answered_and_closed(reg, requester_name=NAME, requester_email="jq@example.org")
        rows, _ = store_attachments(reg, [Attachment("scan.pdf", "application/pdf", b"%PDF-1.4 x")])
        add(reg, attachments=rows)
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), f"Figures for {NAME}: 17 reviews")
    pdf.save(tmp_path / "figures.pdf")
    (tmp_path / "figures.csv").write_text(f"Area,Reviews,Contact\nBirmingham,17,{NAME}\n")
    for name in ("figures.pdf", "figures.csv"):
        assert invoke("documents", "add", ref, tmp_path / name).exit_code == 0
    return db_path


def test_the_restore_drill_brings_back_every_document_and_attachment(worked, tmp_path, invoke):
    documents = folder_for(worked)
    attachments = worked.parent / "attachments"
    before = {"documents": digests(documents), "attachments": digests(attachments)}
    # The PDF: original and copy; the CSV: original, copy and the PDF made beside it.
    assert len(before["documents"]) == 5 and len(before["attachments"]) == 1
    backup = tmp_path / "nightly" / "register.db"
    backup.parent.mkdir()
    result = invoke("backup", backup)
    assert result.exit_code == 0 and "6 document and attachment file(s)" in result.output
    # The machine is lost: the register, the documents and the attachments.
    shutil.rmtree(documents)
    shutil.rmtree(attachments)
    for suffix in ("", "-wal", "-shm"):
        worked.with_name(worked.name + suffix).unlink(missing_ok=True)
    result = invoke("restore", backup)
    assert result.exit_code == 0, result.output
    after = {"documents": digests(documents), "attachments": digests(attachments)}
    assert after == before, "every file back, same SHA-256, still 0600"
    assert stat.S_IMODE(documents.stat().st_mode) == 0o700
    conn = sqlite3.connect(worked)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "foikit_backup_files" not in tables, "the file table belongs to the backup"
    assert invoke("check").exit_code == 0
    result = invoke("publish", "--out", tmp_path / "disclosure.db")
    assert result.exit_code == 0, result.output  # the copies match their recorded SHA-256
    assert len(list(files_folder(tmp_path / "disclosure.db").iterdir())) == 3  # CSV + its PDF


def _tamper_content(conn):
    conn.execute("UPDATE foikit_backup_files SET data = X'00' WHERE root = 'documents'")


def _tamper_path(conn):
    conn.execute(
        "UPDATE foikit_backup_files SET path = '../../escaped.pdf' WHERE rowid ="
        " (SELECT MIN(rowid) FROM foikit_backup_files WHERE root = 'documents')"
    )


TAMPERED = [
    # (name, tampering, expected in the error, why)
    pytest.param(
        _tamper_content, "does not match its SHA-256", "a file changed in the backup", id="content"
    ),
    pytest.param(
        _tamper_path, "outside its folder", "path traversal: ../ in a stored path", id="path"
    ),
]


@pytest.mark.parametrize(("tamper", "expected", "why"), TAMPERED)
def test_a_tampered_backup_writes_no_file_outside_and_no_wrong_file(
    worked, tmp_path, invoke, tamper, expected, why
):
    backup = tmp_path / "b.db"
    assert invoke("backup", backup).exit_code == 0
    conn = sqlite3.connect(backup)
    with conn:
        tamper(conn)
    conn.close()
    shutil.rmtree(folder_for(worked))
    worked.unlink()
    result = invoke("restore", backup)
    assert result.exit_code == 1, why
    assert result.output.startswith("Error:") and expected in result.output, result.output
    assert not (tmp_path.parent / "escaped.pdf").exists(), why
    assert not worked.exists(), "nothing half-written: no empty register either"
