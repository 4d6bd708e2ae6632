"""The audit of reading: who looked at personal data, who exported it, who logged in.

Reads change nothing, but UK GDPR Art 5(1)(f) and 32 expect an authority to know who has seen a
requester's details. Each read is one row of the ordinary audit trail, written through
`Register.transaction` like every other row, with an action from READ_ACTIONS and no
`request_id`: a read is not taking part in a request (foikit.casework.reviews.involvement reads
only rows that carry one), so opening a case never disqualifies a reviewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


READ_ACTIONS: dict[str, str] = {
    "read-requester": "opened a requester's details",
    "export-csv": "exported CSV",
    "read-table": "browsed a table of personal data",
    "login": "logged in",
    "login-failed": "failed to log in",
    "logout": "logged out",
    "read-document": "downloaded a released document (redacted copy or original)",
}


def record_read(
    reg: Register,
    actor: str,
    action: str,
    target: str,
    *,
    client: str | None = None,
    detail: str | None = None,
) -> None:
    """One audited read. `target` is what was read (a reference, a path, a user name)."""
    if action not in READ_ACTIONS:
        raise ValueError(f"unknown read action {action!r}")
    new: dict[str, str] = {}
    if client:
        new["client"] = client
    if detail:
        new["detail"] = detail
    with reg.transaction(actor) as tx:
        tx.audit(action, table="reads", row_id=target, new=new or None)


def read_log(reg: Reader, *, limit: int = 500, actor: str | None = None) -> list[dict[str, Any]]:
    """The newest audited reads and logins, newest first, each with `what` in words."""
    placeholders = ", ".join("?" for _ in READ_ACTIONS)
    params: list[Any] = list(READ_ACTIONS)
    where = f"action IN ({placeholders})"
    if actor:
        where += " AND actor = ?"
        params.append(actor)
    rows = reg.query(
        f"SELECT id, at, actor, action, table_name, row_id, new FROM audit WHERE {where}"
        " ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    import json

    for row in rows:
        row["what"] = READ_ACTIONS[row["action"]]
        extra = json.loads(row["new"]) if row["new"] else {}
        row["client"] = extra.get("client") if isinstance(extra, dict) else None
        row["detail"] = extra.get("detail") if isinstance(extra, dict) else None
        if row["table_name"] == "sessions":
            row["row_id"] = row["actor"]  # a session's start: the user who logged in
    return rows
