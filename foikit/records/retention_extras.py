"""Retention's share of what else names people: redaction rules and email attachments.

- **Redaction rules** (`foikit request redact REF PHRASE`) name third parties withheld from the
  log (a constable under s.40(2)). When a request's requester is anonymised, each `redact`
  phrase of that request is first applied to the request's own texts and audit rows (so the
  log built afterwards still hides it), then the rule is deleted. `keep` rules approve public
  officials' names for publication and stay: without them the log would hold the request back.
- **Attachments** of an email the request came in (`attachments/` beside the register,
  content-addressed): the rows are marked `deleted_at` inside retention's transaction, each file
  audited by its path, and deleted once that has committed, unless a request that is not being
  anonymised still refers to the same file (same content, same path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.core import Tx

Redactor = Callable[[str | None], str | None]


def _ids(request_ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in request_ids)


def redact_rules(conn: Any, request_ids: Iterable[int]) -> dict[int, list[str]]:
    """The `redact` phrases of each of these requests, longest first."""
    ids = _ids(request_ids)
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    for row in conn.execute(
        "SELECT request_id, phrase FROM redaction_rules WHERE action = 'redact'"
        f" AND request_id IN ({ids}) ORDER BY length(phrase) DESC, id"
    ):
        found.setdefault(int(row[0]), []).append(str(row[1]))
    return found


def rules_redactor(phrases: Iterable[str]) -> Redactor:
    """text -> text with each phrase (any case, any white space between its words) replaced
    by [redacted], as the log's scanner does for a rule."""
    from foikit.publishing.redact import REDACTED

    patterns = [
        re.compile(r"\s+".join(re.escape(w) for w in p.split()), re.IGNORECASE)
        for p in sorted(phrases, key=len, reverse=True)
        if p.split()
    ]

    def redact(text: str | None) -> str | None:
        if not text:
            return text
        for pattern in patterns:
            text = pattern.sub(REDACTED, text)
        return text

    return redact


def then(first: Redactor, second: Redactor) -> Redactor:
    return lambda text: second(first(text))


def retire_rules(tx: Tx, request_ids: Iterable[int]) -> int:
    """Delete the `redact` rules of these requests (call before scrubbing their audit rows,
    which then lose the phrase the deletion recorded); returns how many went."""
    ids = _ids(request_ids)
    if not ids:
        return 0
    rows = tx.execute(
        "SELECT id, request_id FROM redaction_rules WHERE action = 'redact'"
        f" AND request_id IN ({ids}) ORDER BY id"
    ).fetchall()
    for rule_id, request_id in rows:
        tx.delete("redaction_rules", rule_id, request_id=request_id, action="retention-rule")
    return len(rows)


def _folder(register_path: Any) -> Path:
    """Attachment paths are recorded relative to the attachments folder's parent."""
    import os

    env = os.environ.get("FOIKIT_ATTACHMENTS")
    folder = Path(env) if env else Path(register_path).resolve().parent / "attachments"
    return folder.parent


def _has_attachments(conn: Any) -> bool:
    return any(r[1] == "deleted_at" for r in conn.execute("PRAGMA table_info(attachments)"))


def attachment_files(conn: Any, register_path: Any, request_ids: Iterable[int]) -> list[str]:
    """The attachment files of these requests that no other request still refers to."""
    ids = _ids(request_ids)
    if not ids or not _has_attachments(conn):
        return []
    rows = conn.execute(
        "SELECT DISTINCT a.path FROM attachments a WHERE a.deleted_at IS NULL"
        f" AND a.request_id IN ({ids}) AND NOT EXISTS (SELECT 1 FROM attachments b"
        f" WHERE b.path = a.path AND b.deleted_at IS NULL AND b.request_id NOT IN ({ids}))"
        " ORDER BY a.path"
    ).fetchall()
    base = _folder(register_path)
    return [str(base / row[0]) for row in rows if (base / row[0]).exists()]


def retire_attachments(tx: Tx, register_path: Any, request_ids: Iterable[int]) -> list[str]:
    """Inside retention's transaction: the files to delete once it commits (audited by path)
    and the rows of these requests marked deleted."""
    ids = list(request_ids)
    files = attachment_files(tx, register_path, ids)
    if not _has_attachments(tx) or not ids:
        return files
    for row_id, request_id in tx.execute(
        f"SELECT id, request_id FROM attachments WHERE deleted_at IS NULL AND request_id IN"
        f" ({_ids(ids)}) ORDER BY id"
    ).fetchall():
        tx.update(
            "attachments",
            row_id,
            {"deleted_at": tx.at},
            request_id=request_id,
            action="attachment-deleted",
        )
    for path in files:
        tx.audit("delete-file", table="attachments", old={"path": path})
    return files
