"""The staff app's outer layer: who is asking, which pages are closed, which reads are audited.

An ASGI wrapper round the whole Datasette app:
- it resolves the session once per request (plugin.actor_from_request reads the result);
- Datasette's introspection and debug pages (`/-/allow-debug`, `/-/databases.json` with the
  register's path, `/-/metadata`, `/-/settings`, `/-/versions`, `/-/plugins`, `/-/threads`,
  `/-/actor`, `/-/permissions`, `/.json`) answer administrators only: anonymous visitors are sent
  to log in, everyone else gets 403;
- reads of personal data through Datasette are audited (foikit.register.reads): any CSV
  export, and any view of the requesters table.
"""

from __future__ import annotations

import asyncio
import re
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from foikit.staff import PLUGIN_NAME

if TYPE_CHECKING:
    from datasette.app import Datasette


OPEN_PREFIXES = ("/-/static/", "/-/static-plugins/", "/foikit-static/")
CLOSED = re.compile(r"^/(-/.*|\.json|index\.json)$")


def _cookie(scope: dict[str, Any], name: str) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            if name in jar:
                return jar[name].value
    return None


def _client(scope: dict[str, Any], trusted: str) -> str | None:
    from foikit.staff.auth import client_address

    class _Req:  # the two things client_address reads
        def __init__(self) -> None:
            self.scope = scope
            self.headers = {
                k.decode("latin-1").lower(): v.decode("latin-1")
                for k, v in scope.get("headers") or []
            }

    return client_address(_Req(), trusted)


def audited_read(path: str, query: str, database: str) -> tuple[str, str] | None:
    """(action, target) when this path reads personal data or exports CSV, else None."""
    if path.endswith(".csv") or parse_qs(query).get("_format") == ["csv"]:
        return "export-csv", path + (f"?{query}" if query else "")
    if re.match(rf"^/{re.escape(database)}/requesters(\.\w+)?/?$", path) or re.match(
        rf"^/{re.escape(database)}/requesters/", path
    ):
        return "read-table", path
    return None


def guard(datasette: Datasette) -> Any:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http" or scope.get("path", "").startswith(OPEN_PREFIXES):
                await app(scope, receive, send)
                return
            from foikit.staff.auth import SESSION_COOKIE
            from foikit.staff.plugin import ACTOR_KEY, register_path, resolve_actor

            config = datasette.plugin_config(PLUGIN_NAME) or {}
            path = scope.get("path", "")
            actor = await asyncio.to_thread(
                resolve_actor, register_path(datasette), _cookie(scope, SESSION_COOKIE)
            )
            scope = {**scope, ACTOR_KEY: actor}
            if CLOSED.match(path) and (actor or {}).get("role") != "administrator":
                await _refuse(scope, send, actor)
                return
            query = scope.get("query_string", b"").decode("latin-1")
            read = audited_read(path, query, Path(config["register"]).stem)
            if read is None or actor is None:
                await app(scope, receive, send)
                return
            status: list[int] = []

            async def watching(event: dict[str, Any]) -> None:
                if event["type"] == "http.response.start":
                    status.append(int(event["status"]))
                await send(event)

            await app(scope, receive, watching)
            if status and status[0] == 200:
                await asyncio.to_thread(_record, datasette, actor["id"], read, scope)

        return wrapped

    return wrap


def _record(datasette: Datasette, actor: str, read: tuple[str, str], scope: dict[str, Any]) -> None:
    from foikit.register import Register
    from foikit.register.reads import record_read
    from foikit.register.settings import get_setting
    from foikit.staff.plugin import register_path

    with Register(register_path(datasette)) as reg:
        client = _client(scope, get_setting(reg, "staff.trusted_proxies"))
        record_read(reg, actor, read[0], read[1], client=client)


async def _refuse(scope: dict[str, Any], send: Any, actor: dict[str, Any] | None) -> None:
    if actor is None:
        location = "/login?next=" + quote(scope.get("path", "/"), safe="/")
        headers = [(b"location", location.encode("latin-1"))]
        status, body = 302, b""
    else:
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        status, body = 403, b"Not allowed: this page is for administrators only.\n"
    headers.append((b"cache-control", b"private, no-store"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
