"""Staff roles, defined once as data (imports nothing, so the CLI can list them cheaply).

What each role may do in the staff interface is decided in `foikit.staff.auth`.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "officer": "Disclosure officer: logs, answers and closes requests, renders letters",
    "reviewer": "Reviewer: everything an officer does, and decides internal reviews",
    "administrator": "Administrator: everything, and manages users and raw SQL",
}

# Who may be named as an internal reviewer once the register has staff accounts: a reviewer, or
# an administrator (who may do everything a reviewer does).
REVIEWER_ROLES: tuple[str, ...] = ("reviewer", "administrator")
