"""The public disclosure log on Datasette: settings, metadata, and the app.

`make_datasette(path)` builds the Datasette object for the public file that
`foikit.publishing.build.build_public_db` writes; the `foikit serve` command only runs it. The file
is served immutable and alone (never the register), with arbitrary SQL, database download,
CSV streaming and ad-hoc facets turned off, and Datasette's introspection pages that show server
details (/-/databases gives the file's path on disk, /-/versions, /-/plugins, /-/threads...)
answered with 404.

A small plugin, registered once per process, adds what Datasette lacks for a log:
- an `exemption` facet over `disclosure_exemptions` (a request can have several exemptions, so it
  is not a column of `disclosures`), with `?_exemption=` to filter by one;
- the questions of a request for its page (`row-disclosure-disclosures.html`);
- the publication date for every page.
Its hooks act only on a Datasette built here (marked `foikit_log`), so another Datasette in the
same process is unaffected.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE = "disclosure"
TABLE = "disclosures"
FTS_TABLES = tuple(
    f"disclosures_fts{suffix}" for suffix in ("", "_data", "_idx", "_docsize", "_config")
) + ("sqlite_stat1",)
PUBLIC_TABLES = (TABLE, "questions", "disclosure_exemptions", "publication", "facet_counts")
# Tables behind the pages, answered with 404 as pages of their own (foikit.publishing.plugin).
HIDDEN_TABLES = ("disclosure_exemptions", "publication", "facet_counts")
ASSETS = Path(__file__).parent / "assets"
OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DEFAULT_OFFICE = "Office of the Police and Crime Commissioner for the West Midlands"

# Introspection pages that help an administrator, not the public; some show server details.
BLOCKED_PAGES = (
    "databases",
    "versions",
    "plugins",
    "threads",
    "actor",
    "allow-debug",
    "permissions",
    "messages",
    "patterns",
)

SETTINGS: dict[str, Any] = {
    "default_allow_sql": False,
    "allow_download": False,
    # A streamed CSV of a million rows is a bulk download by another door; one page at a time.
    "allow_csv_stream": False,
    # ?_facet= on any column would let anyone run a GROUP BY over every row; the log's own
    # facets are configured in the metadata and still shown.
    "allow_facet": False,
    "suggest_facets": False,
    "default_page_size": 20,
    "max_returned_rows": 100,
    "sql_time_limit_ms": 2000,
    "facet_time_limit_ms": 1500,
    # A page may be kept by browsers and caches for a minute, so a takedown (a re-published
    # file, picked up by `LiveLog` within seconds) reaches every reader within minutes.
    "default_cache_ttl": 60,
}


class NotADisclosureLog(FoikitError):
    """The file given to `foikit serve` is missing, or is not a log built by `foikit publish`."""


def check_public_file(path: Path) -> dict[str, str]:
    """The publication details of a log file; refuses anything else, above all the register."""
    path = Path(path)
    if not path.is_file():
        raise NotADisclosureLog(
            f"no disclosure log at {str(path)!r}: build one with `foikit publish`"
        )
    try:
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "requesters" in tables or "audit" in tables:
                raise NotADisclosureLog(
                    f"{str(path)!r} is a register, not a disclosure log: it is never served; "
                    "run `foikit publish` and serve the file it writes"
                )
            if not {*PUBLIC_TABLES, "disclosures_fts"} <= tables:
                raise NotADisclosureLog(
                    f"{str(path)!r} is not a disclosure log built by `foikit publish`"
                )
            info = dict(conn.execute("SELECT key, value FROM publication").fetchall())
            counts = {
                t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in PUBLIC_TABLES
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise NotADisclosureLog(f"{str(path)!r} is not a disclosure log: {e}") from None
    info.update({f"count:{t}": str(n) for t, n in counts.items()})
    return info


def metadata(
    *,
    office: str = DEFAULT_OFFICE,
    source_url: str | None = None,
    base_url: str = "",
) -> dict[str, Any]:
    """Datasette metadata: title, description, licence, source, tables, facets, the feed."""
    link = f"{base_url.rstrip('/')}/{DATABASE}/{TABLE}/" if base_url else f"/{DATABASE}/{TABLE}/"
    return {
        "title": "Disclosure log",
        "description": (
            f"Freedom of Information and Environmental Information requests answered by the "
            f"{office}, with the questions asked and the answers given. Requesters' names and "
            "contact details are never published."
        ),
        "license": OGL_NAME,
        "license_url": OGL_URL,
        "source": office,
        "source_url": source_url or "",
        "allow_sql": False,
        "databases": {
            DATABASE: {
                "title": "Disclosure log",
                "allow_sql": False,
                "tables": {
                    TABLE: {
                        "title": "Disclosures",
                        "description": "Every request answered, newest first.",
                        # seq follows the date of response, and searches read its index.
                        "sort_desc": "seq",
                        "sortable_columns": ["seq", "responded", "received", "reference"],
                        # "log" facets are column facets that read the counts made at
                        # publish when nothing is filtered (foikit/publishing/plugin.py).
                        "facets": [{"log": "year"}, {"log": "outcome"}, {"exemption": "exemption"}],
                        "fts_table": "disclosures_fts",
                        "fts_pk": "seq",
                        "label_column": "subject",
                        "size": 20,
                        "columns": {
                            "reference": "The request's reference",
                            "seq": "Position in the log: 1 is the oldest response",
                            "regime": "FOI (Freedom of Information Act 2000) or EIR "
                            "(Environmental Information Regulations 2004)",
                            "received": "Date the request was received",
                            "responded": "Date of the response",
                            "year": "Year of the response",
                            "outcome": "The outcome, as counted in the official FOI statistics",
                            "in_time": "Answered within the statutory time limit",
                            "exemptions": "Exemptions applied to any part of the request",
                            "review_outcome": "Outcome of an internal review, if one was asked for",
                            "letter_text": "The response letter, without the requester's details",
                        },
                    },
                    "questions": {
                        "title": "Questions and answers",
                        "description": "Each question asked, with its answer.",
                        "sortable_columns": ["reference", "number"],
                    },
                    "disclosure_exemptions": {"hidden": True},
                    "publication": {"hidden": True},
                    "facet_counts": {"hidden": True},
                    # The full-text index's own tables: nothing a reader needs.
                    **{t: {"hidden": True, "allow": False} for t in FTS_TABLES},
                },
                "queries": {
                    "new_disclosures": {
                        "title": "New disclosures",
                        "description": "The 50 most recent responses, as an Atom feed.",
                        "sql": (
                            "select 'tag:foikit,' || responded || ':' || reference as atom_id,"
                            " reference || ': ' || subject as atom_title,"
                            " responded || 'T00:00:00Z' as atom_updated,"
                            f" '{link}' || reference as atom_link,"
                            " outcome || '. ' || subject as atom_content"
                            f" from {TABLE} order by seq desc limit 50"
                        ),
                    }
                },
            }
        },
    }


def make_datasette(
    path: Path,
    *,
    office: str | None = None,
    source_url: str | None = None,
    base_url: str | None = None,
) -> Datasette:
    """The Datasette app for one disclosure log file, ready to serve.

    The office's name, website and the log's public address come from the file (`foikit
    publish` stores them from the register's settings); the arguments override them."""
    from datasette.app import Datasette, DatasetteClient
    from datasette.database import Database

    path = Path(path).resolve()
    info = check_public_file(path)
    _register_plugin()
    ds = Datasette(
        [],
        immutables=[],
        metadata=metadata(
            office=office or info.get("office") or DEFAULT_OFFICE,
            source_url=source_url if source_url is not None else info.get("office_website"),
            base_url=base_url if base_url is not None else info.get("log_url", ""),
        ),
        settings=SETTINGS,
        template_dir=str(ASSETS / "templates"),
        static_mounts=[("foikit", str(ASSETS / "static"))],
        # Known counts and a build id stand in for Datasette's start-up scan of the file: the
        # unfiltered page then needs no count(*) over a million rows.
        inspect_data={
            DATABASE: {
                "hash": info.get("build", ""),
                "size": path.stat().st_size,
                "file": path.name,
                "tables": {t: {"count": int(info[f"count:{t}"])} for t in PUBLIC_TABLES},
            }
        },
    )
    # Datasette adds an in-memory database when given no files; the log is the only database.
    ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(path), is_mutable=False), name=DATABASE)
    ds.foikit_log = True
    ds.foikit_publication = info
    # The feed's links and id: the configured address, never the request's Host header.
    ds.foikit_base_url = base_url if base_url is not None else info.get("log_url", "")
    from foikit.documents.public import files_folder

    ds.foikit_files = files_folder(path)  # the released documents (foikit.documents.serving)
    # The in-process client built its routes before the mark above; build it again.
    ds.client = DatasetteClient(ds)
    return ds


# -- the plugin --------------------------------------------------------------------------------

_REGISTERED = False


def _register_plugin() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    from datasette.plugins import pm

    from foikit.publishing import plugin as serve_plugin

    if not pm.is_registered(serve_plugin):
        pm.register(serve_plugin, name="foikit-disclosure-log")
    _REGISTERED = True


def exemption_filter_sql(values: list[str]) -> tuple[list[str], dict[str, str]]:
    """WHERE clauses (and their parameters) for `?_exemption=` on the disclosures table."""
    clauses = []
    params = {}
    for i, value in enumerate(values):
        clauses.append(
            f"seq in (select seq from disclosure_exemptions where exemption = :exemption_{i})"
        )
        params[f"exemption_{i}"] = value
    return clauses, params


# -- the live log: a re-published file is served within seconds, without a restart -----------

CHECK_EVERY_S = 1.0
CLOSE_OLD_AFTER_S = 30.0


def _close(ds: Datasette) -> None:
    """Let go of a replaced log: its file's connections and its query threads."""
    for database in ds.databases.values():
        database.close()
    if getattr(ds, "executor", None) is not None:
        ds.executor.shutdown(wait=False)


async def _pin(ds: Datasette) -> None:
    """Open the log's connection on every one of Datasette's query threads now.

    Datasette opens a connection per thread, lazily, by path; one opened after a rename would
    read whatever file is at the path then (a broken one, or a newer one against this app's
    counts). Opened now, each keeps the file that was checked until the app is replaced."""
    threads = max(1, int(ds.setting("num_sql_threads") or 1))
    barrier = threading.Barrier(threads, timeout=5)

    def open_here(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT 1 FROM disclosures LIMIT 1").fetchall()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # hold this thread so the next task starts another

    database = ds.databases[DATABASE]
    await asyncio.gather(*(database.execute_fn(open_here) for _ in range(threads)))


def file_identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when `foikit publish` renames a new file into place."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class LiveLog:
    """An ASGI app serving the log at `path` that follows the file as it is re-published.

    Datasette opens an immutable file once and keeps reading the old inode after a rename, so a
    leak taken down with `foikit publish` would stay on show until a restart. At most once a
    second a request looks at the file's identity (device, inode, mtime, size); when it has
    changed, a fresh Datasette is built for the new file (checked like the first: never the
    register) and swapped in. The file is still served immutable and read-only; the old file's
    connections are closed once the requests under way on it are done. A broken new file
    leaves the last good log serving."""

    def __init__(self, path: Path, **options: Any) -> None:
        self.path = Path(path).resolve()
        self.options = options
        self.identity = file_identity(self.path)
        self.ds = make_datasette(self.path, **options)
        self.app = self.ds.app()
        self.pinned = False
        self.checked = time.monotonic()
        self.swaps = 0
        self.error: str | None = None
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY_S:
            return
        async with self._lock:
            if time.monotonic() - self.checked < CHECK_EVERY_S:
                return
            self.checked = time.monotonic()
            try:
                identity = file_identity(self.path)
            except OSError:
                return  # between an unlink and a rename: keep the last good log
            if identity == self.identity:
                return
            try:
                ds = await asyncio.to_thread(make_datasette, self.path, **self.options)
                await _pin(ds)
            except FoikitError as e:
                self.error = str(e)
                self.identity = identity  # not tried again until the file changes again
                return
            app = ds.app()
            await ds.invoke_startup()
            old = self.ds
            self.ds, self.app, self.identity = ds, app, identity
            self.swaps += 1
            self.error = None
            # Requests already under way on the old log finish first; then its file goes.
            asyncio.get_running_loop().call_later(CLOSE_OLD_AFTER_S, _close, old)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            if not self.pinned:
                self.pinned = True
                await _pin(self.ds)
            await self._refresh()
        await self.app(scope, receive, send)
