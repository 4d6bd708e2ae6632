"""The log's own pages and answers beyond Datasette's: the Atom feed, the accessibility
statement, pagination with previous and next, and friendly pages for a search or a sort that
cannot be run (used by `foikit.publishing.plugin`).

Addresses in the feed come from the configured base URL (`office.disclosure_log_url`, stored in
the file at publish, or `make_datasette(base_url=)`), never from the request's Host header,
which anyone can set.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from foikit.publishing.serve import DATABASE, OGL_NAME, TABLE

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = f"/{DATABASE}/new_disclosures.atom"
FEED_SIZE = 50


def base_url(datasette: Datasette) -> str:
    """The log's public address, without a trailing slash; "" when none is configured."""
    return str(getattr(datasette, "foikit_base_url", "") or "").rstrip("/")


def _office(datasette: Datasette) -> tuple[str, str]:
    meta = datasette.metadata() or {}
    return str(meta.get("source") or ""), str(meta.get("source_url") or "")


async def atom_feed(request: Request, datasette: Datasette) -> Any:
    """The 50 newest disclosures as Atom, with the office as `<author>` and absolute links
    built from the configured base URL (a `tag:` id and root-relative links without one)."""
    from datasette.utils.asgi import Response

    base = base_url(datasette)
    office, website = _office(datasette)
    result = await datasette.execute(
        DATABASE,
        f"select reference, subject, responded, outcome from {TABLE}"
        " order by seq desc limit :limit",
        {"limit": FEED_SIZE},
    )
    rows = [dict(r) for r in result.rows]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en-GB"})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    first = rows[0]["responded"] if rows and rows[0]["responded"] else "2000-01-01"
    add(feed, "id", f"{base}{FEED_PATH}" if base else "tag:foikit,2000:disclosure-log/new")
    add(feed, "title", f"New disclosures: {office}" if office else "New disclosures")
    add(feed, "updated", f"{first}T00:00:00Z")
    author = add(feed, "author")
    add(author, "name", office or "Disclosure log")
    if website:
        add(author, "uri", website)
    add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{FEED_PATH}")
    add(feed, "link", rel="alternate", type="text/html", href=f"{base}/{DATABASE}/{TABLE}")
    add(feed, "rights", OGL_NAME)
    for row in rows:
        entry = add(feed, "entry")
        reference = str(row["reference"])
        responded = row["responded"] or first
        add(entry, "id", f"tag:foikit,{responded}:{reference}")
        add(entry, "title", f"{reference}: {row['subject']}")
        add(entry, "updated", f"{responded}T00:00:00Z")
        quoted = urllib.parse.quote(reference, safe="")
        add(entry, "link", rel="alternate", href=f"{base}/{DATABASE}/{TABLE}/{quoted}")
        entry_author = add(entry, "author")
        add(entry_author, "name", office or "Disclosure log")
        outcome, subject = row["outcome"], str(row["subject"])
        add(entry, "content", f"{outcome}. {subject}" if outcome else subject, type="text")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        content_type="application/atom+xml; charset=utf-8",
    )


async def accessibility(request: Request, datasette: Datasette) -> Any:
    """The accessibility statement, in the GOV.UK model."""
    from datasette.utils.asgi import Response

    html = await datasette.render_template(
        "accessibility.html", {}, request=request, view_name="accessibility"
    )
    return Response.html(html)


def page_links(request: Request, next_url: str | None, size: int) -> dict[str, Any]:
    """Previous and next for Datasette's keyset pages: each page's `_next` token is kept in
    `_prev` parameters, so "Previous" is the last of them; and the page's number and first row."""
    args = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    trail = [v for k, v in args if k == "_prev"]
    current = request.args.get("_next")
    rest = [(k, v) for k, v in args if k not in ("_prev", "_next")]

    path: str = request.path

    def url(pairs: list[tuple[str, str]]) -> str:
        query = urllib.parse.urlencode(pairs)
        return path + (f"?{query}" if query else "")

    previous = None
    if current is not None:
        back = trail[:-1]
        token = trail[-1] if trail else ""
        pairs = rest + [("_prev", t) for t in back]
        previous = url(pairs + ([("_next", token)] if token else []))
    following = None
    if next_url:
        token = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(next_url).query)).get("_next")
        if token:
            pairs = rest + [("_prev", t) for t in trail]
            if current is not None:
                pairs.append(("_prev", current))
            following = url(pairs + [("_next", token)])
    number = len(trail) + (2 if current is not None else 1)
    return {
        "previous": previous,
        "next": following,
        "number": number,
        "first": 1 + (number - 1) * size,
    }


SEARCH_ERRORS = ("fts5", "unterminated string", "syntax error", "malformed match", "no such column")


def search_problem(exception: BaseException) -> bool:
    """Did the full-text index refuse the query (raw mode, or anything else that slips by)?"""
    text = str(getattr(exception, "message", None) or exception).lower()
    return isinstance(exception, sqlite3.Error) or any(e in text for e in SEARCH_ERRORS)


async def friendly_error(datasette: Datasette, request: Request, exception: BaseException) -> Any:
    """A search the index cannot run is "no results for ..."; a sort by a column that cannot
    be sorted is a 400 page that says so. Anything else is Datasette's (None)."""
    from datasette.utils.asgi import Response

    search = request.args.get("_search")
    message = str(getattr(exception, "message", None) or exception)
    if search is not None and search_problem(exception):
        status, template = 200, "search-problem.html"
    elif message.startswith("Cannot sort table by"):
        status, template = 400, "sort-problem.html"
    else:
        return None
    if request.path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": status}, status=status)
    html = await datasette.render_template(
        template,
        {"search": search, "sort": request.args.get("_sort") or request.args.get("_sort_desc")},
        request=request,
        view_name="error",
    )
    return Response.html(html, status=status)
