"""Who is logged in, and what their role lets them do; the login's own defences.

The session is server-side (foikit.register.sessions): the `foikit_session` cookie holds a
random id, HttpOnly, SameSite=Lax, and Secure behind HTTPS. Every request looks it up in the
register (plugin.actor_from_request), so logout, a new password, a changed role, disabling and
the idle timeout end it at once. foikit never issues Datasette's own `ds_actor` cookie.
Capabilities are data: one table here.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from foikit.errors import NotAuthorised

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


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


SESSION_COOKIE = "foikit_session"


def session_token(request: Request) -> str | None:
    """The random session id from the request's cookie (looked up in the register)."""
    raw = request.cookies.get(SESSION_COOKIE)
    return raw if isinstance(raw, str) and 20 <= len(raw) <= 100 else None


# Control characters, and the invisible characters a browser drops from a URL, are removed from
# `next` before it is judged: `/\t/evil.example/` is `//evil.example/` to a browser.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only (no open redirect), else `/`."""
    if not value:
        return "/"
    cleaned = _URL_JUNK.sub("", value)
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return "/"
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return "/"
    return quote(cleaned, safe="/?&=%#:@!$'()*+,;~.-_")


def client_address(request: Request, trusted_proxies: str = "") -> str | None:
    """The address a request came from. X-Forwarded-For is believed only from a configured
    proxy (setting `staff.trusted_proxies`): walking it from the right, the first address that is
    not a trusted proxy is the client. Anyone else's header is ignored, so a client cannot choose
    the address it is counted under."""
    client = request.scope.get("client")
    peer = str(client[0]) if client else None
    networks = []
    for part in trusted_proxies.split(","):
        if part.strip():
            with contextlib.suppress(ValueError):
                networks.append(ipaddress.ip_network(part.strip(), strict=False))

    def trusted(address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in net for net in networks)

    if peer is None or not trusted(peer):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: count the proxy, not a made-up address
    return peer


class LoginThrottle:
    """Slow guessing down without locking the real user out.

    Held in memory by the staff server. Three counters:
    - per account and address: the first `free` failures cost nothing, then each failure makes
      the next attempt wait twice as long (1 s, 2 s, 4 s, ... up to `cap`);
    - per account from anywhere: the same, with a larger allowance (`free_account`) and a lower
      cap, so a guesser spreading over many addresses is slowed too, but by at most
      `cap_account` for the real user;
    - per address: at most `per_client` attempts (right or wrong) in `window` seconds, so one
      address cannot try many accounts; with `staff.trusted_proxies` set, that is the real
      client's address, not the proxy's.
    A wait is a delay, never a lock: once it has passed, the right password logs in (and clears
    that account's failures). While a wait runs the password is not checked, so guessing
    faster gains nothing. Made-up names slow only themselves.
    """

    def __init__(
        self,
        *,
        free: int = 3,
        cap: float = 300.0,
        free_account: int = 10,
        cap_account: float = 30.0,
        per_client: int = 60,
        window: float = 15 * 60,
        forget: float = 60 * 60,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free, self.cap = free, cap
        self.free_account, self.cap_account = free_account, cap_account
        self.per_client = per_client
        self.window = window
        self.forget = forget
        self.clock = clock
        self._failures: dict[tuple[str, ...], tuple[int, float]] = {}  # key -> (count, last)
        self._attempts: dict[str, deque[float]] = {}

    @staticmethod
    def _account(name: str) -> str:
        from foikit.register.people import person_key

        return person_key(name)

    def _delay(self, count: int, free: int, cap: float) -> float:
        return 0.0 if count <= free else min(cap, 2.0 ** (count - free - 1))

    def wait(self, name: str, client: str | None) -> float:
        """Seconds until this account may be tried again from this address (0: now)."""
        now = self.clock()
        account = self._account(name)
        waits = [0.0]
        for key, free, cap in (
            (("pair", account, client or ""), self.free, self.cap),
            (("account", account), self.free_account, self.cap_account),
        ):
            count, last = self._failures.get(key, (0, now))
            waits.append(last + self._delay(count, free, cap) - now)
        times = self._attempts.get(client or "")
        if client and times:
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.per_client:
                waits.append(times[-self.per_client] + self.window - now)
        return max(waits)

    def attempted(self, client: str | None) -> None:
        """Count an attempt from this address (right or wrong)."""
        if client:
            times = self._attempts.setdefault(client, deque(maxlen=self.per_client * 2))
            times.append(self.clock())  # bounded: only the newest attempts matter

    def failed(self, name: str, client: str | None) -> None:
        now = self.clock()
        if len(self._failures) > 10_000 or len(self._attempts) > 10_000:
            self._forget_before(now)
        account = self._account(name)
        for key in (("pair", account, client or ""), ("account", account)):
            count, last = self._failures.get(key, (0, now))
            if now - last > self.forget:
                count = 0
            self._failures[key] = (count + 1, now)

    def succeeded(self, name: str, client: str | None = None) -> None:
        """The right password: that account's earlier failures were its owner's typing."""
        account = self._account(name)
        for key in [k for k in self._failures if k[1] == account]:
            del self._failures[key]

    def _forget_before(self, now: float) -> None:
        # Bound the memory a stream of made-up names could take.
        for key in [k for k, (_, last) in self._failures.items() if now - last > self.forget]:
            del self._failures[key]
        for client in [c for c, t in self._attempts.items() if not t or t[-1] <= now - self.window]:
            del self._attempts[client]


_THROTTLES: weakref.WeakKeyDictionary[Any, LoginThrottle] = weakref.WeakKeyDictionary()


def login_throttle(datasette: Datasette) -> LoginThrottle:
    """The throttle of this staff server (one per Datasette, so tests never share one)."""
    throttle = _THROTTLES.get(datasette)
    if throttle is None:
        throttle = _THROTTLES[datasette] = LoginThrottle()
    return throttle
