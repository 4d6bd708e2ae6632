"""The staff pages: Datasette route handlers that parse a form, call the library, and render.

No rules live here. Each write calls the same library function as the CLI, with the logged-in
user as the actor, inside the library's own transaction; a refusal (any FoikitError) is shown
on the page as the CLI would print it. Writes run in a worker thread with their own Register
connection, so a slow letter never blocks other officers' pages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from datasette.utils.asgi import Response

from foikit.errors import FoikitError, NotAuthorised, RequestNotFound, StaleRecord
from foikit.register import Register
from foikit.staff import PLUGIN_NAME
from foikit.staff import actions as staff_actions
from foikit.staff.auth import can, require
from foikit.staff.board import board, request_detail

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


# One write at a time from this server: letters and the disclosure log are files written outside
# the register's transaction. Stale forms are not this lock's job: the library checks the form's
# version inside the transaction that writes, which guards against the CLI and other servers too.
WRITE_LOCK = threading.Lock()

View = Callable[..., Awaitable[Response]]

# Staff pages hold personal data: never cached, never framed by another site.
PRIVATE_HEADERS = {
    "cache-control": "private, no-store",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


# -- plumbing ------------------------------------------------------------------------------


def config(datasette: Datasette) -> dict[str, Any]:
    return dict(datasette.plugin_config(PLUGIN_NAME) or {})


def today(datasette: Datasette) -> dt.date:
    """The date the pages work to (a fixed date can be configured for tests and demos)."""
    fixed = config(datasette).get("today")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def open_register(datasette: Datasette) -> Register:
    return Register(config(datasette)["register"])


async def in_thread(datasette: Datasette, fn: Callable[[Register], Any]) -> Any:
    """Run `fn(reg)` on a fresh Register in a worker thread (sqlite3 connections are per thread)."""

    def work() -> Any:
        with open_register(datasette) as reg:
            return fn(reg)

    return await asyncio.to_thread(work)


async def write(datasette: Datasette, fn: Callable[[Register], Any]) -> Any:
    def locked(reg: Register) -> Any:
        with WRITE_LOCK:
            return fn(reg)

    return await in_thread(datasette, locked)


async def render(
    datasette: Datasette,
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> Response:
    actor = request.actor or {}
    base = {
        "user": actor.get("id"),
        "role": actor.get("role"),
        "can": lambda capability: can(actor, capability),
        "today": today(datasette),
    }
    html = await datasette.render_template(template, {**base, **context}, request=request)
    return Response.html(html, status=status, headers=dict(PRIVATE_HEADERS))


async def form_data(request: Request) -> dict[str, list[str]]:
    body = await request.post_body()
    return parse_qs(body.decode("utf-8"), keep_blank_values=True)


def first(form: dict[str, list[str]], key: str, default: str = "") -> str:
    values = form.get(key)
    return values[0].strip() if values else default


def login_redirect(request: Request) -> Response:
    return Response.redirect("/login?next=" + quote(request.full_path, safe="/"))


def status_for(error: FoikitError) -> int:
    if isinstance(error, NotAuthorised):
        return 403
    if isinstance(error, StaleRecord):
        return 409
    if isinstance(error, RequestNotFound):
        return 404
    return 400


# -- login (foikit.staff.login) ------------------------------------------------------------


def client_address(request: Request) -> str | None:
    from foikit.staff.login import client_of

    return client_of(request)


async def login(datasette: Datasette, request: Request) -> Response:
    from foikit.staff.login import login as login_view

    return await login_view(datasette, request)


async def logout(datasette: Datasette, request: Request) -> Response:
    from foikit.staff.login import logout as logout_view

    return await logout_view(datasette, request)


# -- board and request page ----------------------------------------------------------------


async def board_page(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    day = today(datasette)
    rows = await in_thread(datasette, lambda reg: board(reg, day))
    counts = {
        key: sum(1 for r in rows if any(t.key == key for t in r.tags))
        for key in ("overdue", "due-soon", "clarification", "fee", "review")
    }
    context = {"title": "Open requests", "rows": rows, "counts": counts}
    return await render(datasette, request, "staff_board.html", context)


async def _request_page(
    datasette: Datasette,
    request: Request,
    reference: str,
    *,
    error: str | None = None,
    status: int = 200,
    failed_action: str | None = None,
    form: dict[str, list[str]] | None = None,
) -> Response:
    try:
        detail = await in_thread(datasette, lambda reg: request_detail(reg, reference))
    except RequestNotFound as e:
        return await render(
            datasette, request, "staff_error.html", {"title": "Not found", "error": str(e)}, 404
        )
    from foikit.staff.casework_pages import request_extras

    extras = await in_thread(datasette, lambda reg: request_extras(reg, reference))
    context = {
        "title": f"{reference}: {detail['req']['subject']}",
        **detail,
        **extras,
        **staff_actions.choices(),
        "error": error,
        "failed_action": failed_action,
        "form": {k: v[0] for k, v in (form or {}).items() if v},
    }
    return await render(datasette, request, "staff_request.html", context, status)


async def request_page(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    reference = request.url_vars["reference"]
    response = await _request_page(datasette, request, reference)
    if response.status == 200:
        from foikit.staff.login import audit_read

        # The page shows the requester's name and contact details: who opened it is recorded.
        await audit_read(datasette, request, "read-requester", reference)
    return response


async def request_action(datasette: Datasette, request: Request) -> Response:
    """POST /requests/REF/ACTION: one lifecycle step, refused when the form is stale."""
    if not request.actor:
        return login_redirect(request)
    reference = request.url_vars["reference"]
    name = request.url_vars["action"]
    if request.method != "POST":
        return Response.redirect(f"/requests/{quote(reference)}")
    action = staff_actions.ACTIONS.get(name)
    if action is None:
        return await render(
            datasette,
            request,
            "staff_error.html",
            {"title": "Not found", "error": f"there is no action {name!r}"},
            404,
        )
    form = await form_data(request)
    day = today(datasette)

    def run(reg: Register) -> str:
        actor = require(request.actor, action.capability)
        staff_actions.version(form)  # no version, no write: refused before any other check
        return action.run(reg, reference, form, actor, day)

    try:
        message = await write(datasette, run)
    except FoikitError as e:
        return await _request_page(
            datasette,
            request,
            reference,
            error=str(e),
            status=status_for(e),
            failed_action=name,
            form=form,
        )
    datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(f"/requests/{quote(reference)}")


async def new_request(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    from foikit.staff.casework_pages import staff_choices

    context: dict[str, Any] = {"title": "Log a new request", **staff_actions.choices()}
    context.update(await in_thread(datasette, staff_choices))
    if request.method == "POST":
        form = await form_data(request)
        day = today(datasette)

        def run(reg: Register) -> str:
            actor = require(request.actor, "work")
            return staff_actions.add(reg, form, actor, day)

        try:
            reference = await write(datasette, run)
        except FoikitError as e:
            context.update(error=str(e), form={k: v[0] for k, v in form.items() if v})
            return await render(datasette, request, "staff_new.html", context, status_for(e))
        datasette.add_message(request, f"Logged {reference}", datasette.INFO)
        return Response.redirect(f"/requests/{quote(reference)}")
    context["form"] = {"received": today(datasette).isoformat(), "regime": "foi"}
    return await render(datasette, request, "staff_new.html", context)


async def letter_download(datasette: Datasette, request: Request) -> Response:
    """POST /requests/REF/letter (kind, format, published): render the letter now and send it."""
    if not request.actor:
        return login_redirect(request)
    reference = request.url_vars["reference"]
    if request.method != "POST":
        return Response.redirect(f"/requests/{quote(reference)}")
    form = await form_data(request)
    kind = first(form, "kind")
    fmt = first(form, "format") or "docx"
    published = first(form, "published") == "1"
    preview = first(form, "preview") == "1"  # the Preview button: never counts as sent
    day = today(datasette)
    cfg = config(datasette)

    def run(reg: Register) -> Path:
        actor = require(request.actor, "work")
        return staff_actions.letter(
            reg,
            reference,
            kind,
            fmt,
            actor=actor,
            today=day,
            published=published,
            config=cfg,
            draft=preview,
        )

    try:
        path = await write(datasette, run)
    except FoikitError as e:
        return await _request_page(
            datasette,
            request,
            reference,
            error=str(e),
            status=status_for(e),
            failed_action="letter",
        )
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return Response(
        path.read_bytes(),
        content_type=content_type,
        headers={
            **PRIVATE_HEADERS,
            "content-disposition": f'attachment; filename="{path.name}"',
        },
    )


# -- publishing and users ------------------------------------------------------------------


async def publish_page(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    cfg = config(datasette)
    day = today(datasette)
    context: dict[str, Any] = {"title": "Publish the disclosure log"}
    if request.method == "POST":
        form = await form_data(request)
        preview = first(form, "do") == "preview"

        def run(reg: Register) -> Any:
            actor = require(request.actor, "publish")
            return staff_actions.publish(reg, config=cfg, today=day, actor=actor, dry_run=preview)

        try:
            context["report"] = await write(datasette, run)
        except FoikitError as e:
            context["error"] = str(e)
            return await render(datasette, request, "staff_publish.html", context, status_for(e))
    context["out"] = staff_actions.disclosure_path(cfg)
    return await render(datasette, request, "staff_publish.html", context)


async def users_page(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    from foikit.register.roles import ROLES
    from foikit.register.users import add_user, edit_user, list_users, set_active, set_role

    context: dict[str, Any] = {"title": "Users", "roles": ROLES}
    status = 200
    if not can(request.actor, "manage-users"):
        context = {"title": "Not allowed", "error": f"{request.actor['id']} may not manage users"}
        return await render(datasette, request, "staff_error.html", context, 403)
    if request.method == "POST":
        form = await form_data(request)
        what = first(form, "do")

        def run(reg: Register) -> str:
            actor = require(request.actor, "manage-users")
            name = first(form, "name")
            if what == "add":
                user = add_user(
                    reg,
                    name,
                    first(form, "role"),
                    form["password"][0],
                    actor=actor,
                    full_name=first(form, "full_name") or None,
                    job_title=first(form, "job_title") or None,
                )
                return f"Added {user.name} ({user.role})"
            if what == "edit":
                user = edit_user(
                    reg,
                    name,
                    actor=actor,
                    full_name=first(form, "full_name"),
                    job_title=first(form, "job_title"),
                )
                return f"{user.name}: {user.full_name or 'no full name'}, {user.job_title or ''}"
            if what == "role":
                user = set_role(reg, name, first(form, "role"), actor=actor)
                return f"{user.name} is now {user.role}"
            if what in ("disable", "enable"):
                if what == "disable" and name == actor:
                    raise NotAuthorised("you cannot disable yourself")
                set_active(reg, name, what == "enable", actor=actor)
                return (
                    f"{name} {'can log in again' if what == 'enable' else 'can no longer log in'}"
                )
            raise FoikitError(f"unknown user action {what!r}")

        try:
            context["message"] = await write(datasette, run)
        except (FoikitError, KeyError) as e:
            context["error"] = str(e) if isinstance(e, FoikitError) else "a field is missing"
            status = status_for(e) if isinstance(e, FoikitError) else 400
    context["users"] = await in_thread(datasette, list_users)
    return await render(datasette, request, "staff_users.html", context, status)


async def reads_page(datasette: Datasette, request: Request) -> Response:
    """GET /audit/reads: who opened requesters' details, exported CSV, logged in (admins)."""
    if not request.actor:
        return login_redirect(request)
    if not can(request.actor, "manage-users"):
        refusal = {"title": "Not allowed", "error": f"{request.actor['id']} may not read the audit"}
        return await render(datasette, request, "staff_error.html", refusal, 403)
    from foikit.register.reads import READ_ACTIONS, read_log

    who = request.args.get("actor") or None
    rows = await in_thread(datasette, lambda reg: read_log(reg, actor=who))
    context = {"title": "Who read what", "rows": rows, "who": who, "actions": READ_ACTIONS}
    return await render(datasette, request, "staff_reads.html", context)


REF = r"(?P<reference>[A-Za-z0-9][A-Za-z0-9-]*)"
ROUTES: list[tuple[str, View]] = [
    (r"^/$", board_page),
    (r"^/login$", login),
    (r"^/logout$", logout),
    (r"^/requests/new$", new_request),
    (rf"^/requests/{REF}$", request_page),
    (rf"^/requests/{REF}/letter$", letter_download),
    (rf"^/requests/{REF}/(?P<action>[a-z-]+)$", request_action),
    (r"^/publish$", publish_page),
    (r"^/users$", users_page),
    (r"^/audit/reads$", reads_page),
]
