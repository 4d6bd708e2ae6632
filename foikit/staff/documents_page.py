"""Released documents on the staff request page (issue 18): upload, list, preview, remove.

No rules live here: each view parses, calls foikit.documents.store (the same library path as
`foikit documents add/list/remove`) and renders.

- Upload: POST /requests/REF/documents/upload, a multipart form with Datasette's CSRF token
  (asgi-csrf checks it before this view runs), the file, `redact` (one phrase a line), `title`
  and `no_publish`. The body is refused over `MAX_UPLOAD_BYTES` before it is parsed. The
  file's name is a label only: its type and the default title; the files are kept under
  random names in the private folder, so `../../register.db.pdf` writes nothing outside it.
- The list (on the request page): title, type, size, published or not (and why not), how many
  phrases were searched for and how many places redacted (never the phrases themselves).
- GET /requests/REF/documents/ID/redacted: the redacted copy (`?inline=1` shows a PDF in the
  browser: the preview); /original: the original, to `ORIGINAL_ROLES` only. Every download is
  an audited read (`read-document`). A document of another request is a 404.
- POST /requests/REF/documents/ID/remove: the files deleted, the row marked (audited).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from datasette.utils.asgi import Response

from foikit.documents.public import TYPES
from foikit.documents.store import MAX_BYTES
from foikit.errors import FoikitError, InvalidRequest, NotAuthorised
from foikit.register import Register
from foikit.staff.auth import require

# Who may download an original (it holds everything the redacted copy hides): reviewers check
# an officer's redactions against it; administrators may do everything.
ORIGINAL_ROLES = ("reviewer", "administrator")
MAX_UPLOAD_BYTES = min(MAX_BYTES, 25 * 1024 * 1024)


def documents_extras(reg: Register, reference: str) -> dict[str, Any]:
    """The request page's list of documents."""
    from foikit.documents.store import list_documents

    rows = []
    for doc in list_documents(reg, reference):
        rows.append(
            {
                **doc,
                "type": TYPES[doc["kind"]][0],
                "published": bool(doc["publish"]) and not doc["refused"],
            }
        )
    return {"documents": rows, "original_roles": ORIGINAL_ROLES}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def upload(datasette: Any, request: Any) -> Response:
    """POST /requests/REF/documents/upload."""
    from foikit.documents.store import add_document_bytes
    from foikit.staff.casework_pages import multipart_file
    from foikit.staff.pages import _request_page, login_redirect, status_for, write

    if not request.actor:
        return login_redirect(request)
    reference = request.url_vars["reference"]
    if request.method != "POST":
        return Response.redirect(f"/requests/{quote(reference)}#documents")
    try:
        size = int(request.headers.get("content-length") or 0)
    except ValueError:
        size = 0
    body = b"" if size > MAX_UPLOAD_BYTES else await request.post_body()

    def run(reg: Register) -> str:
        actor = require(request.actor, "work")
        if size > MAX_UPLOAD_BYTES or len(body) > MAX_UPLOAD_BYTES:
            raise InvalidRequest(f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
        try:
            name, data, fields = multipart_file(request.headers.get("content-type", ""), body)
        except InvalidRequest:
            raise InvalidRequest("choose a PDF, DOCX, XLSX or CSV file to upload") from None
        added = add_document_bytes(
            reg,
            actor,
            reference,
            name,
            data,
            redact=_lines(fields.get("redact", "")),
            title=fields.get("title", "").strip() or None,
            publish=fields.get("no_publish") != "1",
        )
        message = (
            f"Added document {added.id}: {added.title} ({added.kind}), {added.redactions}"
            f" redaction(s) for {added.phrases} phrase(s)"
        )
        if added.refused:
            message += f"; kept on file only: {added.refused}"
        return message

    try:
        message = await write(datasette, run)
    except FoikitError as e:
        return await _request_page(
            datasette,
            request,
            reference,
            error=str(e),
            status=status_for(e),
            failed_action="documents",
        )
    datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(f"/requests/{quote(reference)}#documents")


async def remove(datasette: Any, request: Any) -> Response:
    """POST /requests/REF/documents/ID/remove."""
    from foikit.documents.store import remove_document
    from foikit.staff.pages import _request_page, login_redirect, status_for, write

    if not request.actor:
        return login_redirect(request)
    reference = request.url_vars["reference"]
    if request.method != "POST":
        return Response.redirect(f"/requests/{quote(reference)}#documents")
    await request.post_body()  # the CSRF token was checked on the way in
    doc_id = int(request.url_vars["doc"])

    def run(reg: Register) -> str:
        actor = require(request.actor, "work")
        doc = remove_document(reg, actor, reference, doc_id)
        return f"Removed document {doc_id}: {doc['title']}"

    try:
        message = await write(datasette, run)
    except FoikitError as e:
        return await _request_page(
            datasette,
            request,
            reference,
            error=str(e),
            status=status_for(e),
            failed_action="documents",
        )
    datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(f"/requests/{quote(reference)}#documents")


def read_document(
    reg: Register,
    actor: dict[str, Any] | None,
    reference: str,
    doc_id: int,
    which: str,
    client: str | None = None,
) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of a document's redacted copy or original, for this
    actor; a document of another request, removed, or with no such copy is not found."""
    from foikit.casework.common import get_request_row
    from foikit.documents.phrases import DocumentError
    from foikit.documents.store import folder_for, sha256

    name = require(actor, "work")
    if which == "original" and (actor or {}).get("role") not in ORIGINAL_ROLES:
        raise NotAuthorised(
            f"{name} may not download originals (reviewers and administrators only): the "
            "redacted copy is what an officer works from"
        )
    row = get_request_row(reg, reference)
    doc = reg.one(
        "SELECT * FROM documents WHERE id = ? AND request_id = ? AND deleted_at IS NULL",
        (doc_id, row["id"]),
    )
    path = doc and doc[f"{which}_path"]
    if doc is None or not path:
        raise InvalidRequest(f"{row['reference']} has no {which} copy of document {doc_id}")
    data = (folder_for(reg.path) / path).read_bytes()
    if sha256(data) != doc[f"{which}_sha256"]:
        raise DocumentError(f"document {doc_id}: the file on disk does not match its SHA-256")
    from foikit.register.reads import record_read

    target = f"{row['reference']} document {doc_id} {which}"
    record_read(reg, name, "read-document", target, client=client)
    filename = f"{row['reference']}-{doc_id}{'-original' if which == 'original' else ''}"
    return f"{filename}.{doc['kind']}", data, TYPES[doc["kind"]][1]


async def download(datasette: Any, request: Any) -> Response:
    """GET /requests/REF/documents/ID/(redacted|original)[?inline=1]."""
    from foikit.staff.pages import PRIVATE_HEADERS, in_thread, login_redirect, render, status_for

    if not request.actor:
        return login_redirect(request)
    reference, which = request.url_vars["reference"], request.url_vars["which"]
    doc_id = int(request.url_vars["doc"])

    def run(reg: Register) -> tuple[str, bytes, str]:
        from foikit.register.settings import get_setting
        from foikit.staff.login import client_of

        client = client_of(request, get_setting(reg, "staff.trusted_proxies"))
        return read_document(reg, request.actor, reference, doc_id, which, client)

    try:
        name, data, content_type = await in_thread(datasette, run)
    except FoikitError as e:
        status = 404 if isinstance(e, InvalidRequest) else status_for(e)
        context = {"title": "Not found" if status == 404 else "Not allowed", "error": str(e)}
        return await render(datasette, request, "staff_error.html", context, status)
    # Only the redacted PDF is shown in the browser (the preview); anything else is a download.
    inline = request.args.get("inline") == "1" and which == "redacted" and name.endswith(".pdf")
    return Response(
        data,
        content_type=content_type if inline else "application/octet-stream",
        headers={
            **PRIVATE_HEADERS,
            "content-disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


REF = r"(?P<reference>[A-Za-z0-9][A-Za-z0-9-]*)"
ROUTES: list[tuple[str, Any]] = [
    (rf"^/requests/{REF}/documents/upload$", upload),
    (rf"^/requests/{REF}/documents/(?P<doc>[0-9]{{1,9}})/remove$", remove),
    (rf"^/requests/{REF}/documents/(?P<doc>[0-9]{{1,9}})/(?P<which>redacted|original)$", download),
]
