"""Datasette hooks for the staff interface.

Each hook acts only on a Datasette built by `make_staff_datasette` (it carries the
`foikit-staff` plugin configuration): the public disclosure log served in the same process is
left exactly as it was.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from foikit.staff import PLUGIN_NAME
from foikit.staff.auth import can, session_name

# Tables a non-administrator may not browse in Datasette: password hashes and the raw audit
# trail (a request's own history is on its page).
ADMIN_ONLY_TABLES = frozenset({"users", "audit", "_sqlite_migrations"})


def is_staff(datasette: Any) -> bool:
    return datasette.plugin_config(PLUGIN_NAME) is not None


@hookimpl(tryfirst=True)
def actor_from_request(datasette: Any, request: Any) -> Any:
    if not is_staff(datasette):
        return None

    async def inner() -> dict[str, Any] | None:
        name = session_name(datasette, request)
        if name is None:
            return None
        db = datasette.get_database()
        rows = await db.execute(
            "SELECT name, role FROM users WHERE name = ? AND active = 1", (name,)
        )
        row = rows.first()
        if row is None:
            return None  # disabled or removed since logging in: anonymous from now on
        return {"id": row["name"], "role": row["role"]}

    return inner


@hookimpl(trylast=True)
def permission_allowed(datasette: Any, actor: Any, action: str, resource: Any) -> bool | None:
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
def forbidden(datasette: Any, request: Any, message: str) -> Any:
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
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    if not is_staff(datasette):
        return []
    from foikit.staff.casework_pages import ROUTES as CASEWORK_ROUTES
    from foikit.staff.pages import ROUTES

    return list(CASEWORK_ROUTES) + list(ROUTES)


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]] | None:
    if not is_staff(datasette) or not actor:
        return None
    links = [{"href": "/", "label": "Board of open requests"}]
    links += [
        {"href": "/search", "label": "Search"},
        {"href": "/closed", "label": "Closed requests"},
    ]
    if can(actor, "manage-users"):
        links.append({"href": "/users", "label": "Users"})
    return links
