"""Handlers and reviewers are people with accounts, once the register has accounts.

A register used from the command line alone has no accounts: names are taken as given. Once
any account exists, a handler or reviewer must be an active account (matched without regard
to case, stored as the account spells it), so work cannot be given to a misspelling or to
someone who has left.
"""

from __future__ import annotations

import sqlite3

from foikit.errors import InvalidRequest


class UnknownStaff(InvalidRequest):
    """A handler or reviewer who is not an active account."""


def has_accounts(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def active_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM users WHERE active = 1 ORDER BY name")]


def check_staff(conn: sqlite3.Connection, name: str | None, what: str) -> str | None:
    """The name to store for a handler; UnknownStaff when it is not an active account.

    Matched as every name is matched to an account (foikit.register.users.find_person: the
    person key, so `J.Smith` and `j.smith` are one officer); reviewers are checked the same
    way, with their role, by foikit.casework.reviews.resolve_reviewer."""
    from foikit.register.people import clean_name
    from foikit.register.users import find_person

    if name is None or not clean_name(name):
        return None
    name = clean_name(name)  # NFKC, invisible characters gone: compared as people read it
    if not has_accounts(conn):
        return name
    user = find_person(conn, name)
    if user is None or not user.active:
        known = ", ".join(active_names(conn)) or "none"
        state = "is not an account" if user is None else "is a disabled account"
        raise UnknownStaff(f"the {what} {name!r} {state}: choose an active account ({known})")
    return user.name


def default_handler(conn: sqlite3.Connection, actor: str) -> str | None:
    """The acting user as handler: always on a register without accounts, else only when the
    actor is an active account (a script's login name is not an officer)."""
    from foikit.register.users import find_person

    if not has_accounts(conn):
        return actor
    user = find_person(conn, actor)
    return user.name if user is not None and user.active else None
