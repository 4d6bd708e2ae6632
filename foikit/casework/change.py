"""Change one request: the skeleton every casework write shares, written once.

    with changing(reg, actor, reference, expected_version=v, doing="add a question") as change:
        ...  # validate against change.row, write through change.tx
        change.set(status="closed")  # columns of the request itself (optional)

Inside one `BEGIN IMMEDIATE` transaction it reads the request, refuses a stale form
(`expected_version`, StaleRecord) and, when `doing` is given, a closed request (RequestClosed);
on the way out it bumps the request's version with the columns given to `set` (one audited
update) and, when asked, recomputes the request's due dates from its clock events. An exception
anywhere inside rolls the whole change back: nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foikit.casework.common import (
    check_version,
    get_request_row,
    load_calendar,
    recompute,
    require_open,
    touch,
)

if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar
    from foikit.register.core import Register, Tx


@dataclass
class Change:
    """One request being changed: its row as read inside the transaction, the transaction, and
    the working-day calendar read inside it (so a holiday added meanwhile counts)."""

    tx: Tx
    row: dict[str, Any]
    columns: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    bump: bool = True
    recompute_due: bool = False

    _calendar: Calendar | None = None

    @property
    def calendar(self) -> Calendar:
        """Read on first use, inside the transaction (a holiday added meanwhile counts)."""
        if self._calendar is None:
            self._calendar = load_calendar(self.tx)
        return self._calendar

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def reference(self) -> str:
        return str(self.row["reference"])

    def set(self, action: str | None = None, **columns: Any) -> None:
        """Columns of the request to write with the version bump (`action` names the audit row)."""
        self.columns.update(columns)
        if action is not None:
            self.action = action


@contextmanager
def changing(
    reg: Register,
    actor: str,
    reference: str,
    *,
    expected_version: int | None = None,
    doing: str | None = None,
    recompute_due: bool = False,
) -> Iterator[Change]:
    """The request named `reference`, for changing inside one audited transaction (see above).

    `doing` (e.g. "add a question") requires the request to be open; `recompute_due` (also
    settable on the change) writes its due dates again after the change (a clock event was added
    or removed)."""
    with reg.transaction(actor) as tx:
        row = get_request_row(tx, reference)  # read inside the transaction that writes
        check_version(tx, row, expected_version)
        if doing is not None:
            require_open(row, doing)
        change = Change(tx=tx, row=row, recompute_due=recompute_due)
        yield change
        if change.bump:
            extra = {} if change.action is None else {"action": change.action}
            touch(tx, change.id, change.columns or None, **extra)
        if change.recompute_due:
            recompute(tx, change.id, change.calendar)
