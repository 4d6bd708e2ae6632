"""The register: the SQLite file, its schema, settings, users and the reference facts.

`Register` (in `core`) owns the connection, the transactions and the audit trail; it and its
helpers are re-exported here, so `from foikit.register import Register` is the way in.
`schema` holds the migrations, `init` creates or upgrades a register (`foikit init`),
`settings` the office and ICO details, `users` and `roles` the staff, and `facts` the shared
reference register loaded from the CSV files in `data/`.

`core` (and with it sqlite-utils) is imported on first use of one of its names, not with the
package: the command line reads `roles` at start-up, and `foikit deadline` must start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.core import (
        BUSY_TIMEOUT_S,
        DEFAULT_PATH,
        SECRET_COLUMNS,
        Register,
        Tx,
        current_actor,
        default_path,
        now_utc,
    )
    from foikit.register.reader import Reader

__all__ = [
    "BUSY_TIMEOUT_S",
    "DEFAULT_PATH",
    "SECRET_COLUMNS",
    "Reader",
    "Register",
    "Tx",
    "current_actor",
    "default_path",
    "now_utc",
]


if not TYPE_CHECKING:  # hidden from mypy, which then checks every name against `core`

    def __getattr__(name: str) -> Any:
        if name in __all__:
            from foikit.register import core

            value = getattr(core, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
