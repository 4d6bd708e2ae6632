"""Datasette hooks for the staff interface.

Each hook acts only on a Datasette built by `make_staff_datasette` (it carries the
`foikit-staff` plugin configuration): the public disclosure log served in the same process is
left exactly as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foikit.publishing.hooks import hookimpl
from foikit.staff import PLUGIN_NAME
from foikit.staff.auth import can, session_token

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


# Tables a non-administrator may not browse in Datasette: password hashes, the raw audit
# trail (a request's own history is on its page) and the sessions (who is logged in, from where).
ADMIN_ONLY_TABLES = frozenset({"users", "audit", "sessions", "_sqlite_migrations"})


def is_staff(datasette: Datasette) -> bool:
    return datasette.plugin_config(PLUGIN_NAME) is not None


ACTOR_KEY = "foikit.actor"  # the session's user, resolved once per request by the wrapper


def register_path(datasette: Datasette) -> str:
    return str(datasette.plugin_config(PLUGIN_NAME)["register"])


def resolve_actor(path: str, token: str | None) -> dict[str, Any] | None:
    """The logged-in user of a session token, from the register (ends an idle session)."""
    if not token:
        return None
    from foikit.register import Register
    from foikit.register.sessions import session_user

    with Register(path) as reg:
        user = session_user(reg, token)
    return None if user is None else {"id": user.name, "role": user.role}


@hookimpl(tryfirst=True)
def actor_from_request(datasette: Datasette, request: Request) -> Any:
    if not is_staff(datasette):
        return None

    async def inner() -> dict[str, Any] | None:
        if ACTOR_KEY in request.scope:
            actor: dict[str, Any] | None = request.scope[ACTOR_KEY]
            return actor
        import asyncio

        return await asyncio.to_thread(
            resolve_actor, register_path(datasette), session_token(request)
        )

    return inner


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Any:
    if not is_staff(datasette):
        return None
    from foikit.staff.guard import guard

    return guard(datasette)


@hookimpl(trylast=True)
def permission_allowed(datasette: Datasette, actor: Any, action: str, resource: Any) -> bool | None:
    # trylast: Datasette keeps the last opinion given, so this one is final.
    if not is_staff(datasette):
        return None
    if not actor or not actor.get("role"):
        return False  # nothing at all for anyone not logged in
    if action == "view-database-download":
        return False  # the register file never leaves the server
    if action in ("execute-sql", "permissions-debug", "debug-menu"):
        return can(actor, "execute-sql")
    if (
        action == "view-table"
        and isinstance(resource, tuple | list)
        and resource[1] in ADMIN_ONLY_TABLES
    ):
        return can(actor, "manage-users")
    return None


@hookimpl
def forbidden(datasette: Datasette, request: Request, message: str) -> Any:
    """Anonymous visitors are sent to log in; a logged-in user sees a plain refusal."""
    if not is_staff(datasette):
        return None
    from datasette.utils.asgi import Response

    if not request.actor:
        from urllib.parse import quote

        return Response.redirect("/login?next=" + quote(request.full_path, safe="/"))

    async def inner() -> Any:
        from foikit.staff.pages import render

        return await render(
            datasette, request, "staff_error.html", {"title": "Not allowed", "error": message}, 403
        )

    return inner


@hookimpl
def register_routes(datasette: Datasette) -> list[tuple[str, Any]]:
    if not is_staff(datasette):
        return []
    from foikit.staff.casework_pages import ROUTES as CASEWORK_ROUTES
    from foikit.staff.documents_page import ROUTES as DOCUMENT_ROUTES
    from foikit.staff.pages import ROUTES
    from foikit.staff.weekly_page import ROUTES as WEEKLY_ROUTES

    return [*CASEWORK_ROUTES, *DOCUMENT_ROUTES, *ROUTES, *WEEKLY_ROUTES]


@hookimpl
def menu_links(datasette: Datasette, actor: Any, request: Request) -> list[dict[str, str]] | None:
    if not is_staff(datasette) or not actor:
        return None
    links = [
        {"href": "/", "label": "Board of open requests"},
        {"href": "/weekly", "label": "Weekly list"},
        {"href": "/search", "label": "Search"},
        {"href": "/closed", "label": "Closed requests"},
    ]
    if can(actor, "manage-users"):
        links.append({"href": "/users", "label": "Users"})
        links.append({"href": "/audit/reads", "label": "Who read what"})
    return links
