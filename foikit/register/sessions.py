"""Staff sessions held in the register, so that they can be ended.

The browser's cookie holds a random id (256 bits from `secrets`); the register holds only its
SHA-256, so neither a copy of the register nor the audit trail can be replayed as a login.
A session ends on logout, when its user's password, role or active flag changes, or after
`staff.idle_minutes` without a request. Every change is written through `Register.transaction`
and audited (the start of a session is the `login` entry of the audit trail).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


# How often a session's last_seen is written: often enough for the idle timeout, rarely enough
# that browsing does not fill the audit trail.
TOUCH_EVERY = dt.timedelta(minutes=2)
# However active, a session lasts at most a working day: officers log in again each morning.
MAX_AGE = dt.timedelta(hours=10)


@dataclass(frozen=True)
class SessionUser:
    name: str
    role: str
    session_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def idle_minutes(reg: Reader) -> int:
    from foikit.register.settings import get_setting

    return int(get_setting(reg, "staff.idle_minutes"))


def start_session(
    reg: Register, user_name: str, *, client: str | None = None, now: dt.datetime | None = None
) -> str:
    """A new session for this user; returns the token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    at = _iso(_now(now))
    with reg.transaction(user_name) as tx:
        tx.insert(
            "sessions",
            {
                "token_hash": token_hash(token),
                "user_name": user_name,
                "created_at": at,
                "last_seen": at,
                "client": client,
            },
            action="login",
        )
    return token


def end_user_sessions(tx: Tx, user_name: str, why: str) -> int:
    """End every open session of a user, inside the caller's transaction; returns how many."""
    rows = tx.execute(
        "SELECT id FROM sessions WHERE user_name = ? AND ended_at IS NULL", (user_name,)
    ).fetchall()
    for row in rows:
        tx.update("sessions", row[0], {"ended_at": tx.at, "ended_why": why}, action="session-end")
    return len(rows)


def end_session(reg: Register, token: str | None, *, why: str = "logout") -> str | None:
    """End the session with this token (logout); returns its user, or None when there was none."""
    if not token:
        return None
    row = reg.one(
        "SELECT id, user_name FROM sessions WHERE token_hash = ? AND ended_at IS NULL",
        (token_hash(token),),
    )
    if row is None:
        return None
    with reg.transaction(row["user_name"]) as tx:
        tx.update(
            "sessions",
            row["id"],
            {"ended_at": tx.at, "ended_why": why},
            action="logout" if why == "logout" else "session-end",
        )
    return str(row["user_name"])


def session_user(
    reg: Register, token: str | None, *, now: dt.datetime | None = None
) -> SessionUser | None:
    """The active user of a live session, or None. An idle session is ended here; a live one
    has its last_seen moved on (at most every TOUCH_EVERY)."""
    if not token:
        return None
    row = reg.one(
        "SELECT s.id, s.last_seen, s.created_at, u.name, u.role FROM sessions s"
        " JOIN users u ON u.name = s.user_name"
        " WHERE s.token_hash = ? AND s.ended_at IS NULL AND u.active = 1",
        (token_hash(token),),
    )
    if row is None:
        return None
    moment = _now(now)
    last_seen = dt.datetime.fromisoformat(row["last_seen"])
    idle = moment - last_seen > dt.timedelta(minutes=idle_minutes(reg))
    if idle or moment - dt.datetime.fromisoformat(row["created_at"]) > MAX_AGE:
        with reg.transaction(row["name"]) as tx:
            tx.update(
                "sessions",
                row["id"],
                {"ended_at": _iso(moment), "ended_why": "idle" if idle else "expired"},
                action="session-end",
            )
        return None
    if moment - last_seen >= TOUCH_EVERY:
        with reg.transaction(row["name"]) as tx:
            tx.update("sessions", row["id"], {"last_seen": _iso(moment)}, action="session-seen")
    return SessionUser(row["name"], row["role"], int(row["id"]))


def open_sessions(reg: Reader, user_name: str) -> int:
    return int(
        reg.scalar(
            "SELECT COUNT(*) FROM sessions WHERE user_name = ? AND ended_at IS NULL", (user_name,)
        )
    )
