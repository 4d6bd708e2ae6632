"""The disclosure log's side of documents: the list on a request's page and the download route.

Only a file listed in the log's `disclosure_documents` table is ever sent, from the files
folder beside the log (`foikit.documents.public.files_folder`), as an attachment with its type
fixed by the table and `nosniff`: a file dropped in the folder by hand, or a name with a path
in it, is a 404.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import NotFound, asgi_send_file

from foikit.documents.public import TYPES

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


DATABASE = "disclosure"
ROUTE = r"^/-/files/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)$"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_CONTENT_TYPES = {label: mime for label, mime in TYPES.values()}


async def _has_table(datasette: Datasette) -> bool:
    result = await datasette.execute(
        DATABASE,
        "select 1 from sqlite_master where type = 'table' and name = 'disclosure_documents'",
    )
    return bool(result.rows)


async def documents_of(datasette: Datasette, reference: str) -> list[dict[str, Any]]:
    """The documents on a request's page: title, type, size (words), link."""
    if not await _has_table(datasette):
        return []
    result = await datasette.execute(
        DATABASE,
        "select file, number, title, type, size from disclosure_documents"
        " where reference = :reference order by number, file",
        {"reference": reference},
    )
    return [
        {**dict(r), "url": f"/-/files/{r['file']}", "size_text": human_size(r["size"])}
        for r in result.rows
    ]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


async def send_document(request: Request, send: Any, datasette: Datasette) -> None:
    name = request.url_vars["name"]
    folder = getattr(datasette, "foikit_files", None)
    if folder is None or not _NAME.match(name) or not await _has_table(datasette):
        raise NotFound("No such document")
    result = await datasette.execute(
        DATABASE, "select type from disclosure_documents where file = :name", {"name": name}
    )
    path = folder / name
    if not result.rows or not path.is_file():
        raise NotFound("No such document")
    await asgi_send_file(
        send,
        path,
        filename=name,
        content_type=_CONTENT_TYPES.get(result.rows[0]["type"], "application/octet-stream"),
        headers={"x-content-type-options": "nosniff", "cache-control": "max-age=3600"},
    )
