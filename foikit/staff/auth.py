"""Who is logged in, and what their role lets them do.

The session is Datasette's own signed `ds_actor` cookie, holding only the user's name and an
expiry. Every request looks the name up in the register (plugin.actor_from_request), so a
disabled user or a changed role takes effect at once. The name sits under a `foikit` key rather
than Datasette's `a`, so Datasette's own cookie reader never accepts a session the register
has not vouched for. Capabilities are data: one table here.
"""

from __future__ import annotations

import time
import weakref
from collections import deque
from collections.abc import Callable
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


class LoginThrottle:
    """Refuse logins for a while after repeated failures, per user name and per client address.

    Held in memory by the staff server (a restart forgets it, as it forgets sessions). A name is
    shut out after `per_name` failures within `window` seconds, for `lockout` seconds; a client
    address after `per_client`, set higher because an office behind one router shares it. While
    shut out, the password is not even checked, so guessing on gains nothing.
    """

    def __init__(
        self,
        *,
        per_name: int = 5,
        per_client: int = 20,
        window: float = 15 * 60,
        lockout: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = {"name": per_name, "client": per_client}
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._until: dict[tuple[str, str], float] = {}

    @staticmethod
    def _keys(name: str, client: str | None) -> list[tuple[str, str]]:
        keys = [("name", name.strip().casefold())]
        if client:
            keys.append(("client", client))
        return keys

    def wait(self, name: str, client: str | None) -> float:
        """Seconds until this name and client may try again (0: now)."""
        now = self.clock()
        return max(
            (self._until.get(key, now) - now for key in self._keys(name, client)), default=0.0
        )

    def failed(self, name: str, client: str | None) -> None:
        now = self.clock()
        if len(self._failures) > 10_000:
            self._forget_before(now)
        for key in self._keys(name, client):
            times = self._failures.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            times.append(now)
            if len(times) >= self.limits[key[0]]:
                self._until[key] = now + self.lockout
                del self._failures[key]

    def succeeded(self, name: str) -> None:
        """The right password: that name's earlier failures were its owner's typing."""
        self._failures.pop(("name", name.strip().casefold()), None)

    def _forget_before(self, now: float) -> None:
        # Bound the memory a stream of made-up names could take.
        for key in [k for k, t in self._failures.items() if not t or t[-1] <= now - self.window]:
            del self._failures[key]
        for key in [k for k, until in self._until.items() if until <= now]:
            del self._until[key]


_THROTTLES: weakref.WeakKeyDictionary[Any, LoginThrottle] = weakref.WeakKeyDictionary()


def login_throttle(datasette: Any) -> LoginThrottle:
    """The throttle of this staff server (one per Datasette, so tests never share one)."""
    throttle = _THROTTLES.get(datasette)
    if throttle is None:
        throttle = _THROTTLES[datasette] = LoginThrottle()
    return throttle
