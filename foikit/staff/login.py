"""Logging in and out of the staff interface, and the audit of what staff read.

- Login CSRF: the login form is a form like any other. Datasette's CSRF layer (asgi-csrf) lets
  a POST with no cookie at all through, so a page on another site could sign a browser in to
  the attacker's account; here a login POST must carry Datasette's CSRF cookie (which a
  cross-site POST never does: it is SameSite=Lax) with its matching form token, and an `Origin`
  header, when sent, must be this site.
- `next` is cleaned of control characters and must be a path on this site (auth.safe_next).
- Throttling: auth.LoginThrottle, by account and by client address (auth.client_address, with
  the trusted proxies of the setting `staff.trusted_proxies`).
- A session is a row of the register (foikit.register.sessions); the cookie holds its random
  id. Logging in ends the session the browser had before (no fixation).
- Logins, failed logins, logouts and every read of a requester's details are audited
  (foikit.register.reads) and listed for administrators at /audit/reads.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from datasette.utils.asgi import Response

from foikit.staff.auth import (
    SESSION_COOKIE,
    client_address,
    login_throttle,
    safe_next,
    session_token,
)
from foikit.staff.pages import PRIVATE_HEADERS, first, form_data, in_thread, render

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


if TYPE_CHECKING:
    from foikit.register.core import Register


CSRF_COOKIE = "ds_csrftoken"  # Datasette's (asgi-csrf's) cookie


def trusted_proxies(datasette: Datasette) -> str:
    from foikit.register import Register
    from foikit.register.settings import get_setting
    from foikit.staff.plugin import register_path

    with Register(register_path(datasette)) as reg:
        return get_setting(reg, "staff.trusted_proxies")


def client_of(request: Request, proxies: str = "") -> str | None:
    return client_address(request, proxies)


def behind_https(request: Request, proxies: str) -> bool:
    if request.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").lower() == "https"
    return forwarded and client_address(request, proxies) != _peer(request)


def _peer(request: Request) -> str | None:
    client = request.scope.get("client")
    return str(client[0]) if client else None


def same_site(request: Request) -> bool:
    """The login came from this site's own form: the CSRF cookie is there (asgi-csrf has then
    checked the form's token against it) and any Origin header names this host."""
    if not request.cookies.get(CSRF_COOKIE):
        return False
    origin: str | None = request.headers.get("origin")
    if origin is None:
        return True
    host: str = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def audit_read(datasette: Datasette, request: Request, action: str, target: str) -> None:
    from foikit.register.reads import record_read

    actor = (request.actor or {}).get("id") or "anonymous"

    def run(reg: Register) -> None:
        from foikit.register.settings import get_setting

        client = client_of(request, get_setting(reg, "staff.trusted_proxies"))
        record_read(reg, actor, action, target, client=client)

    await in_thread(datasette, run)


async def _form_page(
    datasette: Datasette, request: Request, status: int, error: str | None, name: str, next_url: str
) -> Response:
    context = {"title": "Log in", "error": error, "name": name, "next": next_url}
    return await render(datasette, request, "staff_login.html", context, status)


async def login(datasette: Datasette, request: Request) -> Response:
    next_url = safe_next(request.args.get("next"))
    if request.method != "POST":
        if request.actor:
            return Response.redirect(next_url)
        return await _form_page(datasette, request, 200, None, "", next_url)
    form = await form_data(request)
    name = first(form, "name")[:200]
    password = form.get("password", [""])[0]
    next_url = safe_next(first(form, "next"))
    if not same_site(request) or not first(form, "csrftoken"):
        error = "this login did not come from the login page: reload it and log in again"
        return await _form_page(datasette, request, 403, error, "", "/")
    proxies = await asyncio.to_thread(trusted_proxies, datasette)
    client = client_of(request, proxies)
    throttle = login_throttle(datasette)
    wait = throttle.wait(name, client)
    throttle.attempted(client)
    if wait > 0:
        seconds = max(1, int(wait + 0.999))
        plural = "s" if seconds > 1 else ""
        error = f"too many attempts to log in: wait {seconds} second{plural} and try again"
        response = await _form_page(datasette, request, 429, error, name, next_url)
        response.headers["retry-after"] = str(seconds)
        return response
    from foikit.register.reads import record_read
    from foikit.register.sessions import end_session, start_session
    from foikit.register.users import LoginFailed, authenticate

    old_token = session_token(request)

    def attempt(reg: Register) -> str:
        try:
            user = authenticate(reg, name, password)
        except LoginFailed:
            record_read(reg, "anonymous", "login-failed", name or "(no name)", client=client)
            raise
        end_session(reg, old_token, why="new login")
        return start_session(reg, user.name, client=client)

    try:
        token = await in_thread(datasette, attempt)
    except LoginFailed as e:
        throttle.failed(name, client)
        return await _form_page(datasette, request, 401, str(e), name, next_url)
    throttle.succeeded(name, client)
    response = Response.redirect(next_url)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=behind_https(request, proxies),  # behind an HTTPS proxy, never sent in clear
    )
    return response


async def logout(datasette: Datasette, request: Request) -> Response:
    if request.method != "POST":
        return Response.redirect("/")
    from foikit.register.sessions import end_session

    token = session_token(request)
    await in_thread(datasette, lambda reg: end_session(reg, token))
    response = Response.redirect("/login")
    response.headers.update(PRIVATE_HEADERS)
    response.set_cookie(SESSION_COOKIE, "", expires=0, max_age=0, httponly=True, samesite="lax")
    return response
