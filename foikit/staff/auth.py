"""Who is logged in, and what their role lets them do.

The session is Datasette's own signed `ds_actor` cookie, holding only the user's name and an
expiry. Every request looks the name up in the register (plugin.actor_from_request), so a
disabled user or a changed role takes effect at once. The name sits under a `foikit` key rather
than Datasette's `a`, so Datasette's own cookie reader never accepts a session the register
has not vouched for. Capabilities are data: one table here.
"""

from __future__ import annotations

import time
from typing import Any

from foikit.errors import NotAuthorised

# What each role may do in the staff pages. Viewing needs only a login.
CAPABILITIES: dict[str, frozenset[str]] = {
    "officer": frozenset({"work", "open-review", "publish"}),
    "reviewer": frozenset({"work", "open-review", "decide-review", "publish"}),
    "administrator": frozenset(
        {"work", "open-review", "decide-review", "publish", "manage-users", "execute-sql"}
    ),
}

CAPABILITY_NAMES = {
    "work": "work on requests",
    "open-review": "open internal reviews",
    "decide-review": "decide internal reviews (reviewers only)",
    "publish": "publish the disclosure log",
    "manage-users": "manage users (administrators only)",
    "execute-sql": "run SQL (administrators only)",
}


def can(actor: dict[str, Any] | None, capability: str) -> bool:
    if not actor or not actor.get("role"):
        return False
    return capability in CAPABILITIES.get(actor["role"], frozenset())


def require(actor: dict[str, Any] | None, capability: str) -> str:
    """The actor's name, when they may do this; NotAuthorised otherwise."""
    if not can(actor, capability):
        who = actor.get("id") if actor else "nobody"
        raise NotAuthorised(f"{who} may not {CAPABILITY_NAMES.get(capability, capability)}")
    assert actor is not None
    return str(actor["id"])


def session_cookie(datasette: Any, name: str, hours: float) -> str:
    """The signed `ds_actor` value Datasette's cookie reader accepts, expiring after `hours`."""
    from datasette.utils import baseconv

    expires = baseconv.base62.encode(int(time.time() + hours * 3600))
    return str(datasette.sign({"foikit": name, "e": expires}, "actor"))


def session_name(datasette: Any, request: Any) -> str | None:
    """The user name in a valid, unexpired session cookie, else None."""
    from datasette.utils import baseconv
    from itsdangerous import BadSignature

    raw = request.cookies.get("ds_actor")
    if not raw:
        return None
    try:
        decoded = datasette.unsign(raw, "actor")
    except BadSignature:
        return None
    if not isinstance(decoded, dict):
        return None
    expires = decoded.get("e")
    if not isinstance(expires, str) or time.time() > int(baseconv.base62.decode(expires)):
        return None  # staff sessions always expire
    name = decoded.get("foikit")
    return name if isinstance(name, str) else None


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
