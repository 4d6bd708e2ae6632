"""Creating and upgrading a register: `foikit init`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from foikit.register import Register, facts, settings


@dataclass
class InitReport:
    path: str
    created: bool
    migrations: list[str] = field(default_factory=list)
    settings_added: int = 0
    holidays_added: int = 0
    facts_changed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def init_register(
    path: str | os.PathLike[str] | None, *, load_facts: bool = True, actor: str
) -> InitReport:
    """Create or upgrade the register; load the facts (CSPs, contacts, figures) and the UK bank
    holidays unless told not to.

    Repeatable: a second run changes nothing and writes no audit rows.
    """
    from foikit.register.core import default_path
    from foikit.register.files import OutputRefused, is_sqlite, sqlite_tables

    target = path if path is not None else default_path()
    if is_sqlite(target):
        tables = sqlite_tables(target)
        if tables and "_sqlite_migrations" not in tables:
            raise OutputRefused(
                f"{str(target)!r} is another database (tables {', '.join(sorted(tables)[:3])}),"
                " not a register: foikit init will not add a register to it"
            )
    with Register(path, create=True) as reg:
        created = not reg.db["_sqlite_migrations"].exists()
        report = InitReport(str(reg.path), created, reg.migrate())
        data = facts.read_files() if load_facts else None
        with reg.transaction(actor) as tx:
            report.settings_added = settings.seed_defaults(tx)
            if data is not None:
                from foikit.clock.duedates import load_uk_holidays

                report.holidays_added = load_uk_holidays(tx)
                report.facts_changed = facts.load(tx, data)
            if not created and "m100_figure_internal_note" in report.migrations:
                # Upgrading past issue 21: an undecided EIR review is now due in 40 working
                # days (reg 11(4)), not 20. Recompute the stored dates once, audited.
                from foikit.clock.duedates import load_calendar, recompute_open

                if tx.execute("SELECT 1 FROM holidays LIMIT 1").fetchone() is not None:
                    recompute_open(tx, load_calendar(tx))
    return report
