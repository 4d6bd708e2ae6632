"""Staff pages for casework: log from an email (upload), search, closed requests, the requester
page (its reads audited), the similar-requests panel and the edit form on the request page.

As with foikit.staff.pages, no rules live here: each page parses, calls foikit.casework and
renders. An uploaded message is kept privately (0600) until the officer logs it, so the
request as received and its attachments are logged from the very bytes that were uploaded.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from datasette.utils.asgi import Response

from foikit.errors import FoikitError, InvalidRequest
from foikit.register import Register
from foikit.staff.actions import Form, field, optional, version
from foikit.staff.auth import require

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


MAX_UPLOAD_BYTES = 25 * 1024 * 1024
STAGED_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{64}$")


# -- staging an uploaded message --------------------------------------------------------------


def staging_dir(reg: Register) -> Path:
    from foikit.casework.received import attachments_dir

    return attachments_dir(reg) / "intake"


def stage(reg: Register, filename: str, data: bytes) -> str:
    """Keep an uploaded message privately until it is logged; returns its token (its hash)."""
    import hashlib

    folder = staging_dir(reg)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    import time

    for old in folder.iterdir():  # an upload never logged is not kept past a day
        if old.is_file() and time.time() - old.stat().st_mtime > STAGED_SECONDS:
            old.unlink(missing_ok=True)
    token = hashlib.sha256(data).hexdigest()
    suffix = ".msg" if filename.lower().endswith(".msg") else ".eml"
    path = folder / (token + suffix)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    return token


def staged(reg: Register, token: str) -> Path:
    if not _TOKEN.match(token):
        raise InvalidRequest("the uploaded message is not known: upload it again")
    for suffix in (".eml", ".msg"):
        path = staging_dir(reg) / (token + suffix)
        if path.is_file():
            return path
    raise InvalidRequest("the uploaded message is no longer kept: upload it again")


def multipart_file(content_type: str, body: bytes) -> tuple[str, bytes, dict[str, str]]:
    """(filename, bytes, other fields) of a multipart/form-data upload, read by the standard
    `email` parser (the format is MIME)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.message_from_bytes(head + body, policy=email.policy.default)
    name, data, fields = "", b"", {}
    if not msg.is_multipart():
        raise InvalidRequest("the upload was not a file form")
    for part in msg.iter_parts():
        field_name = part.get_param("name", header="content-disposition")
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        if part.get_filename():
            name, data = str(part.get_filename()), payload
        elif field_name:
            fields[str(field_name)] = payload.decode("utf-8", "replace")
    if not data:
        raise InvalidRequest("choose a .eml or .msg file to upload")
    return name, data, fields


def intake_form(reg: Register, token: str, today: dt.date) -> tuple[dict[str, str], list[str]]:
    """The "Log a request" form filled from a staged message, and the parser's warnings."""
    from foikit.casework.intake import parse_message

    path = staged(reg, token)
    intake = parse_message(path, today=today)
    form = {
        "received": intake.received.isoformat(),
        "subject": intake.subject,
        "questions": "\n".join(f"{n}. {q}" for n, q in enumerate(intake.questions, 1)),
        "requester_name": intake.requester_name or "",
        "requester_email": intake.requester_email or "",
        "channel": intake.channel,
        "regime": "foi",
        "intake": token,
    }
    notes = list(intake.warnings)
    if intake.attachments:
        names = ", ".join(a.filename for a in intake.attachments)
        notes.append(f"attachments kept with the request when it is logged: {names}")
    return form, notes


def add_from_intake(reg: Register, form: Form, actor: str, today: dt.date) -> str:
    """Log the staged message with the officer's checked form; the staged copy then goes."""
    from foikit.casework.intake import parse_message
    from foikit.casework.questions import questions_from_lines
    from foikit.casework.received import log_intake

    path = staged(reg, field(form, "intake"))
    intake = parse_message(path, today=today)
    questions = questions_from_lines(field(form, "questions"))
    if not questions:
        raise InvalidRequest("a request needs at least one question")
    reference = log_intake(
        reg,
        actor,
        intake,
        regime=field(form, "regime") or "foi",
        handler=optional(form, "handler") or actor,
        subject=optional(form, "subject"),
        received=optional(form, "received"),
        requester_name=optional(form, "requester_name"),
        requester_email=optional(form, "requester_email"),
        requester_address=optional(form, "requester_address"),
        questions=questions,
        channel=optional(form, "channel"),
        today=today,
    )
    path.unlink(missing_ok=True)
    return reference


async def upload_page(datasette: Datasette, request: Request) -> Response:
    """POST /requests/new/upload: read the message and fill the form for the officer to check."""
    from foikit.staff import actions as staff_actions
    from foikit.staff.pages import (
        in_thread,
        login_redirect,
        render,
        status_for,
        today,
    )

    if not request.actor:
        return login_redirect(request)
    if request.method != "POST":
        return Response.redirect("/requests/new")
    context: dict[str, Any] = {"title": "Log a new request", **staff_actions.choices()}
    day = today(datasette)
    body = await request.post_body()

    def run(reg: Register) -> tuple[dict[str, str], list[str]]:
        require(request.actor, "work")
        if len(body) > MAX_UPLOAD_BYTES:
            raise InvalidRequest("the file is larger than 25 MB")
        name, data, _ = multipart_file(request.headers.get("content-type", ""), body)
        token = stage(reg, name, data)
        return intake_form(reg, token, day)

    try:
        form, notes = await in_thread(datasette, run)
    except FoikitError as e:
        context.update(error=str(e), form={"received": day.isoformat(), "regime": "foi"})
        context.update(await in_thread(datasette, staff_choices))
        return await render(datasette, request, "staff_new.html", context, status_for(e))
    context.update(form=form, intake_notes=notes)
    context.update(await in_thread(datasette, staff_choices))
    return await render(datasette, request, "staff_new.html", context)


def staff_choices(reg: Register) -> dict[str, Any]:
    """Active accounts for the handler select (empty: free text, a register without accounts)."""
    from foikit.casework.staff_names import active_names

    return {"staff_names": active_names(reg.conn)}


# -- the request page: similar, as received, attachments, edit --------------------------------


def request_extras(reg: Register, reference: str) -> dict[str, Any]:
    from foikit.casework.common import get_request_row
    from foikit.casework.received import attachments_of, received_text
    from foikit.casework.search import similar
    from foikit.staff.documents_page import documents_extras

    row = get_request_row(reg, reference)
    return {
        "similar": similar(reg, reference, limit=5),
        "attachments": attachments_of(reg, row["id"]),
        "as_received": received_text(reg, row["id"]),
        "requester_id": row["requester_id"],
        **staff_choices(reg),
        **documents_extras(reg, reference),
    }


def edit_action(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    """The edit form: only the fields it sends; questions as `question-N` boxes."""
    from foikit.casework.edit import edit_request

    questions = {
        int(key.split("-", 1)[1]): values[0]
        for key, values in form.items()
        if key.startswith("question-") and key.split("-", 1)[1].isdigit() and values
    }
    removed = [int(v) for v in form.get("remove_question", []) if v.isdigit()]
    added = [q for q in field(form, "add_question").splitlines() if q.strip()]
    kwargs: dict[str, Any] = {}
    for key in ("requester_name", "requester_email", "requester_address"):
        if key in form:
            kwargs[key] = field(form, key) or None
    if "handler" in form:
        kwargs["handler"] = optional(form, "handler")
    result = edit_request(
        reg,
        actor,
        reference,
        received=optional(form, "received"),
        subject=optional(form, "subject"),
        questions={n: t for n, t in questions.items() if t.strip()},
        add_questions=added,
        remove_questions=removed,
        publish=(field(form, "publish") == "1") if "publish_shown" in form else None,
        reason=optional(form, "reason"),
        today=today,
        expected_version=version(form),
        **kwargs,
    )
    if not result["changes"]:
        return "Nothing to change"
    due = ""
    if result["due"] != result["due_before"]:
        due = f"; due date now {result['due'] or 'stopped'} (was {result['due_before']})"
    return "Corrected: " + ", ".join(result["changes"]) + due


# -- search, closed requests, the requester ----------------------------------------------------


async def search_page(datasette: Datasette, request: Request) -> Response:
    from foikit.casework.search import search
    from foikit.staff.pages import in_thread, login_redirect, render, status_for

    if not request.actor:
        return login_redirect(request)
    q = (request.args.get("q") or "").strip()
    context: dict[str, Any] = {"title": "Search", "q": q, "results": None}
    status = 200
    if q:
        try:
            context["results"] = await in_thread(datasette, lambda reg: search(reg, q))
        except FoikitError as e:
            context["error"], status = str(e), status_for(e)
    return await render(datasette, request, "staff_search.html", context, status)


async def closed_page(datasette: Datasette, request: Request) -> Response:
    from foikit.casework.search import closed_requests
    from foikit.law.outcomes import OUTCOMES
    from foikit.staff.pages import in_thread, login_redirect, render, status_for

    if not request.actor:
        return login_redirect(request)
    args = {
        k: (request.args.get(k) or "").strip() for k in ("q", "outcome", "handler", "from", "to")
    }
    context: dict[str, Any] = {
        "title": "Closed requests",
        "args": args,
        "outcomes": OUTCOMES,
        "rows": [],
    }
    status = 200
    try:
        context["rows"] = await in_thread(
            datasette,
            lambda reg: closed_requests(
                reg,
                text=args["q"] or None,
                outcome=args["outcome"] or None,
                handler=args["handler"] or None,
                responded_from=args["from"] or None,
                responded_to=args["to"] or None,
            ),
        )
    except FoikitError as e:
        context["error"], status = str(e), status_for(e)
    return await render(datasette, request, "staff_closed.html", context, status)


async def requester_page(datasette: Datasette, request: Request) -> Response:
    """GET /requesters/ID: the person and all their requests; the read is audited."""
    from foikit.casework.requesters import show_requester
    from foikit.staff.pages import in_thread, login_redirect, render, status_for

    if not request.actor:
        return login_redirect(request)
    key = request.url_vars["requester"]

    def run(reg: Register) -> dict[str, Any]:
        actor = require(request.actor, "work")
        return show_requester(reg, key, actor=actor, via="staff")

    try:
        person = await in_thread(datasette, run)
    except FoikitError as e:
        context = {"title": "Not found", "error": str(e)}
        return await render(datasette, request, "staff_error.html", context, status_for(e))
    context = {"title": f"Requester: {person['name'] or person['id']}", "person": person}
    return await render(datasette, request, "staff_requester.html", context)


async def attachment_download(datasette: Datasette, request: Request) -> Response:
    """GET /requests/REF/attachments/SHA256: a file that came with the request, to staff only."""
    from foikit.casework.common import get_request_row
    from foikit.casework.received import attachments_dir
    from foikit.staff.pages import PRIVATE_HEADERS, in_thread, login_redirect, render, status_for

    if not request.actor:
        return login_redirect(request)
    reference, digest = request.url_vars["reference"], request.url_vars["sha"]

    def run(reg: Register) -> tuple[str, bytes, str]:
        actor = require(request.actor, "work")
        row = get_request_row(reg, reference)
        found = reg.one(
            "SELECT id, filename, path, content_type FROM attachments"
            " WHERE request_id = ? AND sha256 = ?",
            (row["id"], digest),
        )
        if found is None:
            raise InvalidRequest(f"{row['reference']} has no such attachment")
        from foikit.casework.requesters import record_read

        record_read(reg, actor, "attachments", found["id"], via="staff")
        path = attachments_dir(reg).parent / found["path"]
        return found["filename"], path.read_bytes(), found["content_type"] or ""

    try:
        name, data, _ = await in_thread(datasette, run)
    except FoikitError as e:
        context = {"title": "Not found", "error": str(e)}
        return await render(datasette, request, "staff_error.html", context, status_for(e))
    safe = quote(name)
    return Response(
        data,
        content_type="application/octet-stream",  # never rendered in the staff origin
        headers={
            **PRIVATE_HEADERS,
            "content-disposition": f"attachment; filename*=UTF-8''{safe}",
            "x-content-type-options": "nosniff",
        },
    )


REF = r"(?P<reference>[A-Za-z0-9][A-Za-z0-9-]*)"
# Before foikit.staff.pages' routes: `/requests/new/upload` would otherwise read as an action.
ROUTES: list[tuple[str, Any]] = [
    (r"^/requests/new/upload$", upload_page),
    (r"^/search$", search_page),
    (r"^/closed$", closed_page),
    (r"^/requesters/(?P<requester>[A-Za-z0-9-]+)$", requester_page),
    (rf"^/requests/{REF}/attachments/(?P<sha>[0-9a-f]{{64}})$", attachment_download),
]
