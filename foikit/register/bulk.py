"""Many requests in one unit of work (an import): the search index brought up to date once.

The triggers of `request_fts` (foikit.register.schema) re-index a request after every write to
it, its questions or its answers: a request imported with one question and one answer is
indexed three times, and that is a third of an import's time. Inside a bulk unit of work they
are dropped, and at its end the requests written are indexed once and the triggers put back,
exactly as they were, in the same transaction: another connection never sees the register
without them, and a failure or a dry run rolls back the drop with everything else.

Which requests were written is read from the audit trail: every write through Tx has its
audit row, naming the request it belongs to (or, for a question or an answer written without
one, the row, which names it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from foikit.register.schema import FTS_REBUILD, fts_triggers_sql

if TYPE_CHECKING:
    from foikit.register.core import Tx

# The triggers the schema keeps the search index with (by name; their SQL as the register
# holds it).
SEARCH_TRIGGERS = tuple(re.findall(r"CREATE TRIGGER IF NOT EXISTS (\w+)", fts_triggers_sql()))

# The requests written since audit row `:since`, as the triggers would have re-indexed them.
_WRITTEN_SQL = """
    WITH changed AS (
        SELECT table_name, CAST(row_id AS INTEGER) AS row_id, request_id, old, new
        FROM audit WHERE id > :since
    )
    SELECT request_id FROM changed WHERE request_id IS NOT NULL
    UNION SELECT row_id FROM changed WHERE table_name = 'requests'
    UNION SELECT q.request_id FROM changed c JOIN questions q ON q.id = c.row_id
        WHERE c.table_name = 'questions'
    UNION SELECT json_extract(c.old, '$.request_id') FROM changed c
        WHERE c.table_name = 'questions' AND json_valid(c.old)
    UNION SELECT q.request_id FROM changed c JOIN answers a ON a.id = c.row_id
        JOIN questions q ON q.id = a.question_id WHERE c.table_name = 'answers'
    UNION SELECT q.request_id FROM changed c
        JOIN questions q ON q.id = json_extract(c.old, '$.question_id')
        WHERE c.table_name = 'answers' AND json_valid(c.old)
"""


@contextmanager
def deferred_search_index(tx: Tx, *, reindex: bool = True) -> Iterator[None]:
    """Inside the transaction of `tx`: no per-write re-indexing for the duration; on leaving,
    every request written is indexed afresh and the triggers restored (SQLite's DDL is
    transactional). `reindex=False` (a dry run, rolled back anyway) restores them only."""
    conn = tx.conn
    triggers = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            f" AND name IN ({', '.join('?' for _ in SEARCH_TRIGGERS)}) ORDER BY rowid",
            SEARCH_TRIGGERS,
        )
    ]
    since = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
        if reindex:
            reindex_written(tx, since)
    finally:
        present = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        for name, sql in triggers:
            if name not in present:
                conn.execute(sql)


def reindex_written(tx: Tx, since: int) -> int:
    """Index afresh every request written since audit row `since`; returns how many."""
    conn = tx.conn
    conn.execute("DROP TABLE IF EXISTS temp.foikit_reindex")
    conn.execute("CREATE TEMP TABLE foikit_reindex (id INTEGER PRIMARY KEY)")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO temp.foikit_reindex (id) SELECT * FROM (" + _WRITTEN_SQL + ")"
            " WHERE request_id IS NOT NULL",
            {"since": since},
        )
        count = int(conn.execute("SELECT COUNT(*) FROM temp.foikit_reindex").fetchone()[0])
        conn.execute("DELETE FROM request_fts WHERE rowid IN (SELECT id FROM temp.foikit_reindex)")
        conn.execute(FTS_REBUILD + " WHERE r.id IN (SELECT id FROM temp.foikit_reindex)")
    finally:
        conn.execute("DROP TABLE temp.foikit_reindex")
    return count
