"""`Reader`: what a function that only reads the register needs.

Both an open `Register` and a `Tx` (a transaction in progress) satisfy it, so a read model can
be called from outside a transaction, or from inside one to see its uncommitted changes. mypy
checks the conformance structurally (see the assignments at the end of foikit/register/core.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

Params = Sequence[Any] | Mapping[str, Any]
Row = dict[str, Any]


class Reader(Protocol):
    """Read access to the register: rows as dicts, one row, one value, or the connection."""

    @property
    def conn(self) -> sqlite3.Connection: ...

    def query(self, sql: str, params: Params = ()) -> list[Row]: ...

    def one(self, sql: str, params: Params = ()) -> Row | None: ...

    def scalar(self, sql: str, params: Params = ()) -> Any: ...
