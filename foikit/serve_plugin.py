"""Datasette hooks for the public disclosure log (registered by `foikit.serve.make_datasette`).

Each hook checks that the Datasette asking is a log built by `make_datasette` (`foikit_log`), so a
plain Datasette in the same process behaves as Datasette always does.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils.asgi import NotFound

from foikit.serve import BLOCKED_PAGES, DATABASE, TABLE, exemption_filter_sql

MMAP_BYTES = 4 * 1024**3
CACHE_KIB = 64 * 1024


def _ours(datasette: Any) -> bool:
    return bool(getattr(datasette, "foikit_log", False))


class ExemptionFacet(Facet):
    """Counts of requests per exemption applied: `disclosure_exemptions` holds one row per pair,
    so a request with two exemptions counts once under each."""

    type = "exemption"

    async def suggest(self) -> list[Any]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not (_ours(self.ds) and self.database == DATABASE and self.table == TABLE):
            return [], []
        if not self.get_configs():
            return [], []
        size = self.get_facet_size()
        if " where " in self.sql:
            sql = (
                "select e.exemption as value, count(*) as count"
                f" from ({self.sql}) d join disclosure_exemptions e on e.seq = d.seq"
                f" group by e.exemption order by count desc, value limit {size + 1}"
            )
        else:
            # Unfiltered: the exemption index alone answers it.
            sql = (
                "select exemption as value, count(*) as count from disclosure_exemptions"
                f" group by exemption order by count desc, value limit {size + 1}"
            )
        from datasette.database import QueryInterrupted

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
        chosen = set(self.request.args.getlist("_exemption"))
        values = []
        for row in rows.rows[:size]:
            value = row["value"]
            selected = value in chosen
            path = (
                path_with_removed_args(self.request, {"_exemption": value})
                if selected
                else path_with_added_args(self.request, {"_exemption": value})
            )
            values.append(
                {
                    "value": value,
                    "label": value,
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                    "selected": selected,
                }
            )
        return [
            {
                "name": "exemption",
                "type": self.type,
                "hideable": False,
                "toggle_url": self.ds.urls.path(self.request.path),
                "results": values,
                "truncated": len(rows.rows) > size,
            }
        ], []


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    if _ours(datasette) and database == DATABASE:
        # The file never changes: map it into memory and keep a large page cache, so the
        # index seeks of a search or a facet do not go through read() for every page.
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


@hookimpl
def register_facet_classes() -> list[type]:
    return [ExemptionFacet]


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
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
    request: Any,
    datasette: Any,
) -> dict[str, Any] | None:
    if not _ours(datasette):
        return None

    async def disclosure_questions(reference: str) -> list[dict[str, Any]]:
        result = await datasette.execute(
            DATABASE,
            "select number, question, status, answer from questions"
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

    return {
        "log_meta": datasette.metadata(),
        "publication": datasette.foikit_publication,
        "disclosure_questions": disclosure_questions,
        "recent_disclosures": recent_disclosures,
    }


async def _not_found(request: Any, datasette: Any) -> Any:
    raise NotFound("Page not found")


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]] | None:
    if not _ours(datasette):
        return None
    pages = "|".join(p.replace("-", r"\-") for p in BLOCKED_PAGES)
    return [(rf"^/-/(?:{pages})(?:\.json)?$", _not_found)]
