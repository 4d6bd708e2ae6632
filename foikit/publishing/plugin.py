"""Datasette hooks for the public disclosure log (registered by
`foikit.publishing.serve.make_datasette`).

Each hook checks that the Datasette asking is a log built by `make_datasette` (`foikit_log`), so a
plain Datasette in the same process behaves as Datasette always does.
"""

from __future__ import annotations

import asyncio
import bisect
import re
import sqlite3
from array import array
from collections import Counter
from typing import TYPE_CHECKING, Any

from datasette.facets import ColumnFacet, Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils.asgi import NotFound

from foikit.documents.serving import ROUTE as DOCUMENT_ROUTE
from foikit.documents.serving import documents_of, send_document
from foikit.formats import iso_date
from foikit.publishing.hooks import hookimpl
from foikit.publishing.serve import (
    BLOCKED_PAGES,
    DATABASE,
    HIDDEN_TABLES,
    TABLE,
    exemption_filter_sql,
)

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


MMAP_BYTES = 4 * 1024**3
CACHE_KIB = 64 * 1024


def _ours(datasette: Datasette) -> bool:
    return bool(getattr(datasette, "foikit_log", False))


# The whole log's counts, made once by `foikit publish`.
_PRECOMPUTED = (
    "select value, count from facet_counts where facet = :facet order by count desc, value"
)
# The clause Datasette writes for `?_search=` with the metadata's fts_table and fts_pk.
_SEARCH_ONLY = re.compile(
    r" where seq in \(select rowid from disclosures_fts where disclosures_fts match"
    r" (escape_fts\(:search\)|:search)\) $"
)

Counts = list[tuple[Any, int]]


def _filtered(sql: str) -> bool:
    """Does the table page's SQL (`select ... from disclosures [where ...]`) filter anything?"""
    return " where " in sql


def _search_only(facet: Facet) -> str | None:
    """The MATCH expression when a search is the page's only filter, else None."""
    found = _SEARCH_ONLY.search(facet.sql)
    if found is None or set(facet.params) != {"search"}:
        return None
    return found.group(1)


async def _precomputed(facet: Facet, name: str) -> Counts:
    rows = await facet.ds.execute(facet.database, _PRECOMPUTED, {"facet": name}, truncate=False)
    return [(r["value"], r["count"]) for r in rows.rows]


async def _search_counts(facet: Facet, name: str, match: str) -> Counts:
    """A search's facet counts from the full-text index's docids (the seqs that match) and
    the log's facet values held in memory: no seek per matching row."""
    index = await facet_index(facet.ds)
    scope = facet.request.scope
    # The three facets of one page share one fetch of the matching seqs.
    task = scope.get("foikit.search_seqs")
    if task is None:
        sql = f"select rowid from disclosures_fts where disclosures_fts match {match}"
        params = dict(facet.params)

        def fetch(conn: sqlite3.Connection) -> list[int]:
            return [r[0] for r in conn.execute(sql, params)]

        task = asyncio.ensure_future(facet.ds.databases[DATABASE].execute_fn(fetch))
        scope["foikit.search_seqs"] = task
    seqs: list[int] = await task
    return index.counts(name, seqs)


def _block(facet: Facet, name: str, counts: Counts, param: str, counted: str) -> dict[str, Any]:
    """One facet in the shape Datasette's templates and JSON expect; `param` is the query
    string key that selects a value (the column, or `_exemption`); `counted` says how:
    `publish` (the counts made at publish), `search` (in memory from the matching seqs), `sql`."""
    size = facet.get_facet_size()
    counts = sorted(counts, key=lambda vc: (-vc[1], str(vc[0])))
    chosen = {v for k, v in facet.get_querystring_pairs() if k == param}
    values = []
    for value, count in counts[:size]:
        selected = str(value) in chosen
        path = (
            path_with_removed_args(facet.request, {param: str(value)})
            if selected
            else path_with_added_args(facet.request, {param: value})
        )
        values.append(
            {
                "value": value,
                "label": value,
                "count": count,
                "toggle_url": facet.ds.absolute_url(facet.request, facet.ds.urls.path(path)),
                "selected": selected,
            }
        )
    return {
        "name": name,
        "type": facet.type,
        "hideable": False,
        "toggle_url": facet.ds.urls.path(facet.request.path),
        "results": values,
        "truncated": len(counts) > size,
        "counted": counted,
    }


class LogFacet(ColumnFacet):  # type: ignore[misc]  # Datasette ships no types
    """A column facet (year, outcome) that avoids grouping a million rows: on the whole log it
    reads the counts made at publish, on a search alone it counts the matching seqs in memory,
    and otherwise it is Datasette's own column facet."""

    type = "log"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not (_ours(self.ds) and self.database == DATABASE and self.table == TABLE):
            return [], []
        match = _search_only(self)
        if _filtered(self.sql) and match is None:
            results, timed_out = await super().facet_results()
            for result in results:
                result["counted"] = "sql"
            return results, timed_out
        results = []
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            if match is None:
                counts, counted = await _precomputed(self, column), "publish"
            else:
                counts, counted = await _search_counts(self, column, match), "search"
            results.append(_block(self, column, counts, column, counted))
        return results, []


class ExemptionFacet(Facet):  # type: ignore[misc]  # Datasette ships no types
    """Counts of requests per exemption applied: `disclosure_exemptions` holds one row per pair,
    so a request with two exemptions counts once under each. `?_exemption=` selects one."""

    type = "exemption"

    async def suggest(self) -> list[Any]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not (_ours(self.ds) and self.database == DATABASE and self.table == TABLE):
            return [], []
        if not self.get_configs():
            return [], []
        match = _search_only(self)
        if match is not None:
            counts, counted = await _search_counts(self, "exemption", match), "search"
        elif not _filtered(self.sql):
            counts, counted = await _precomputed(self, "exemption"), "publish"
        else:
            counted = "sql"
            from datasette.database import QueryInterrupted

            sql = (
                "select e.exemption as value, count(*) as count"
                f" from ({self.sql}) d join disclosure_exemptions e on e.seq = d.seq"
                " group by e.exemption"
            )
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                return [], ["exemption"]
            counts = [(r["value"], r["count"]) for r in rows.rows]
        return [_block(self, "exemption", counts, "_exemption", counted)], []


class FacetIndex:
    """The facet values of every request, by seq, loaded once from the immutable file.

    seq follows the date of response, so each year is one run of seqs: a search's year counts
    are a bisection of its sorted seqs. Outcomes are one byte per seq; exemptions a dict of the
    seqs that have any. About 2 MB for a million requests, plus the exemptions."""

    def __init__(self, conn: sqlite3.Connection):
        n = conn.execute("select coalesce(max(seq), 0) from disclosures").fetchone()[0]
        self.year_runs: list[tuple[int, int, int]] = [
            (year, first, last)
            for year, first, last in conn.execute(
                "select year, min(seq), max(seq) from disclosures where year is not null"
                " group by year order by year"
            )
        ]
        self.outcome_names: list[Any] = [None]
        codes: dict[Any, int] = {None: 0}
        self.outcomes = bytearray(n + 1)
        for seq, outcome in conn.execute("select seq, outcome from disclosures"):
            code = codes.get(outcome)
            if code is None:
                code = codes[outcome] = len(self.outcome_names)
                self.outcome_names.append(outcome)
            self.outcomes[seq] = code
        # Each request's set of exemptions as a small code: a search's exemption counts are then
        # one tally of codes, as for outcomes.
        by_seq: dict[int, list[str]] = {}
        for seq, exemption in conn.execute("select seq, exemption from disclosure_exemptions"):
            by_seq.setdefault(seq, []).append(exemption)
        self.exemption_sets: list[tuple[str, ...]] = [()]
        set_codes: dict[tuple[str, ...], int] = {(): 0}
        self.exemptions = array("H", bytes(2 * (n + 1)))
        for seq, names in by_seq.items():
            key = tuple(sorted(names))
            code = set_codes.get(key)
            if code is None:
                code = set_codes[key] = len(self.exemption_sets)
                self.exemption_sets.append(key)
            self.exemptions[seq] = code

    def counts(self, name: str, seqs: list[int]) -> Counts:
        seqs = sorted(seqs)
        if name == "year":
            found = [
                (year, bisect.bisect_right(seqs, last) - bisect.bisect_left(seqs, first))
                for year, first, last in self.year_runs
            ]
            return [(year, n) for year, n in found if n]
        if name == "outcome":
            by_code = Counter(self.outcomes[s] for s in seqs)
            return [(self.outcome_names[c], n) for c, n in by_code.items() if c]
        if name == "exemption":
            by_set = Counter(self.exemptions[s] for s in seqs)
            by_name: Counter[str] = Counter()
            for code, n in by_set.items():
                for exemption in self.exemption_sets[code]:
                    by_name[exemption] += n
            return list(by_name.items())
        raise ValueError(f"no facet {name!r} in the log")


async def facet_index(datasette: Datasette) -> FacetIndex:
    """The log's FacetIndex, loaded once (started at start-up; a search waits for it)."""
    task = getattr(datasette, "foikit_facet_index", None)
    if task is None:
        task = asyncio.ensure_future(datasette.databases[DATABASE].execute_fn(FacetIndex))
        datasette.foikit_facet_index = task
    index: FacetIndex = await task
    return index


@hookimpl
def startup(datasette: Datasette) -> None:
    if _ours(datasette):
        # Load in the background: the server answers at once, a first search waits for it.
        datasette.foikit_facet_index = asyncio.ensure_future(
            datasette.databases[DATABASE].execute_fn(FacetIndex)
        )


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Datasette) -> None:
    if _ours(datasette) and database == DATABASE:
        # The file never changes: map it into memory and keep a large page cache, so the
        # index seeks of a search or a facet do not go through read() for every page.
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def uk_date(value: Any) -> str:
    """`2024-06-20` as `20 June 2024` for the pages; anything else unchanged."""
    from foikit.formats import FormatError
    from foikit.formats import uk_date as letter_date

    try:
        return letter_date(iso_date(str(value)))
    except (FormatError, ValueError):
        return "" if value is None else str(value)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters.setdefault("uk_date", uk_date)


@hookimpl
def register_facet_classes() -> list[type]:
    return [LogFacet, ExemptionFacet]


@hookimpl
def filters_from_request(request: Request, database: str, table: str, datasette: Datasette) -> Any:
    if not (_ours(datasette) and database == DATABASE and table == TABLE):
        return None
    values = [v for v in request.args.getlist("_exemption") if v]
    if not values:
        return None
    clauses, params = exemption_filter_sql(values)
    return FilterArguments(
        clauses,
        params=params,
        human_descriptions=[f'exemption is "{v}"' for v in values],
    )


@hookimpl
def extra_template_vars(
    template: str,
    database: str | None,
    table: str | None,
    columns: Any,
    view_name: str,
    request: Request,
    datasette: Datasette,
) -> dict[str, Any] | None:
    if not _ours(datasette):
        return None

    async def disclosure_questions(reference: str) -> list[dict[str, Any]]:
        result = await datasette.execute(
            DATABASE,
            "select number, question, status, answer, exemptions from questions"
            " where reference = :reference order by number",
            {"reference": reference},
        )
        return [dict(r) for r in result.rows]

    async def recent_disclosures(limit: int = 5) -> list[dict[str, Any]]:
        result = await datasette.execute(
            DATABASE,
            f"select reference, subject, responded, outcome from {TABLE}"
            " order by seq desc limit :limit",
            {"limit": int(limit)},
        )
        return [dict(r) for r in result.rows]

    from foikit.publishing.pages import page_links

    return {
        "log_meta": datasette.metadata(),
        "publication": datasette.foikit_publication,
        "disclosure_questions": disclosure_questions,
        "recent_disclosures": recent_disclosures,
        "page_links": lambda next_url, size=20: page_links(request, next_url, int(size)),
        "disclosure_documents": lambda reference: documents_of(datasette, reference),
    }


async def _not_found(request: Request, datasette: Datasette) -> Any:
    raise NotFound("Page not found")


@hookimpl
def register_routes(datasette: Datasette) -> list[tuple[str, Any]] | None:
    if not _ours(datasette):
        return None
    pages = "|".join(p.replace("-", r"\-") for p in BLOCKED_PAGES)
    from foikit.publishing import pages as log_pages

    tables = "|".join(HIDDEN_TABLES)
    return [
        (rf"^/-/(?:{pages})(?:\.json)?$", _not_found),
        # Raw Datasette pages the public does not need: the tables behind the facets and the
        # publication details, Datasette's own settings pages, and the questions table's
        # HTML (each request's page shows its questions; the JSON stays for re-users).
        (rf"^/{DATABASE}/(?:{tables})(?:\.\w+)?(?:/.*)?$", _not_found),
        (r"^/-/(?:metadata|settings|config)$", _not_found),
        (rf"^/{DATABASE}/questions(?:/[^.]*)?$", _not_found),
        (r"^/accessibility$", log_pages.accessibility),
        ("^" + re.escape(log_pages.FEED_PATH) + "$", log_pages.atom_feed),
        (DOCUMENT_ROUTE, send_document),
    ]


@hookimpl(specname="prepare_connection", trylast=True)
def forgiving_search(conn: sqlite3.Connection, database: str, datasette: Datasette) -> None:
    """Replace Datasette's `escape_fts` on the log (after Datasette has defined its own)."""
    if _ours(datasette) and database == DATABASE:
        from foikit.publishing.search import forgiving_match

        conn.create_function("escape_fts", 1, forgiving_match, deterministic=True)


@hookimpl
def handle_exception(datasette: Datasette, request: Request, exception: BaseException) -> Any:
    if not _ours(datasette) or request is None:
        return None
    from foikit.publishing.pages import friendly_error

    async def inner() -> Any:
        return await friendly_error(datasette, request, exception)

    return inner
