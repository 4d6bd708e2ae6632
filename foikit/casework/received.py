"""Logging a request from an email: the message as received and its attachments kept with it.

Attachments are written before the request's transaction, content-addressed (their SHA-256
names the file) under `attachments/` beside the register (or `FOIKIT_ATTACHMENTS`), folder
0700 and files 0600; the register's rows name each file with its hash and size. When the
transaction fails, files written for it are removed, so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.casework.intake import Attachment, Intake
from foikit.casework.staff_names import default_handler

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


def attachments_dir(reg: Register) -> Path:
    env = os.environ.get("FOIKIT_ATTACHMENTS")
    return Path(env) if env else Path(reg.path).resolve().parent / "attachments"


def safe_filename(name: str) -> str:
    """The sender's file name as a label only (never a path): no folders, no control chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable()).strip(" .")
    return clean[:200] or "attachment"


def store_attachments(
    reg: Register, attachments: Sequence[Attachment]
) -> tuple[list[dict[str, Any]], list[Path]]:
    """Write each attachment privately; returns the rows for the register and the files this
    call created (to remove if the request is not logged)."""
    folder = attachments_dir(reg)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    rows, created = [], []
    for att in attachments:
        digest = hashlib.sha256(att.data).hexdigest()
        sub = folder / digest[:2]
        sub.mkdir(mode=0o700, exist_ok=True)
        path = sub / digest
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(att.data)
            created.append(path)
        os.chmod(path, 0o600)
        rows.append(
            {
                "filename": safe_filename(att.filename),
                "path": str(path.relative_to(folder.parent)),
                "sha256": digest,
                "size": len(att.data),
                "content_type": att.content_type,
            }
        )
    return rows, created


def log_intake(
    reg: Register,
    actor: str,
    intake: Intake,
    *,
    regime: str = "foi",
    handler: str | None = None,
    subject: str | None = None,
    received: dt.date | str | None = None,
    requester_name: str | None = None,
    requester_email: str | None = None,
    requester_address: Sequence[str] | str | None = None,
    questions: Sequence[str] = (),
    channel: str | None = None,
    publish: bool = True,
    today: dt.date | str | None = None,
) -> str:
    """Log the request the message holds (what the officer gave overrides it)."""
    from foikit.casework.lifecycle import add_request

    rows, created = store_attachments(reg, intake.attachments)
    try:
        return add_request(
            reg,
            actor,
            received=received or intake.received,
            subject=subject or intake.subject,
            regime=regime,
            questions=list(questions) or intake.questions,
            requester_name=requester_name or intake.requester_name,
            requester_email=requester_email or intake.requester_email,
            requester_address=requester_address or None,
            handler=handler if handler else default_handler(reg.conn, actor),
            channel=channel or intake.channel,
            publish=publish,
            today=today,
            as_received=intake.body,
            source=intake.source,
            attachments=rows,
        )
    except BaseException:
        for path in created:
            if not reg.scalar("SELECT 1 FROM attachments WHERE path LIKE ?", (f"%{path.name}",)):
                path.unlink(missing_ok=True)
        raise


def attachments_of(reg: Reader, request_id: int) -> list[dict[str, Any]]:
    return reg.query(
        "SELECT filename, sha256, size, content_type, path, added_at FROM attachments"
        " WHERE request_id = ? ORDER BY id",
        (request_id,),
    )


def received_text(reg: Reader, request_id: int) -> dict[str, Any] | None:
    return reg.one("SELECT text, source FROM request_texts WHERE request_id = ?", (request_id,))


def keep_as_received(
    tx: Tx, rid: int, text: str | None, source: str, attachments: Sequence[dict[str, Any]]
) -> None:
    """Inside the transaction that logs the request: its text as received and the rows of the
    attachments already written (`store_attachments`)."""
    if text is not None and text.strip():
        tx.insert(
            "request_texts",
            {"request_id": rid, "text": text, "source": source},
            request_id=rid,
            action="add-received-text",
        )
    for attachment in attachments:
        tx.insert(
            "attachments",
            {**attachment, "request_id": rid, "added_at": tx.at},
            request_id=rid,
            action="add-attachment",
        )
