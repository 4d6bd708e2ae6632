"""Staff roles, defined once as data (imports nothing, so the CLI can list them cheaply).

What each role may do in the staff interface is decided in `foikit.staff.auth`.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "officer": "Disclosure officer: logs, answers and closes requests, renders letters",
    "reviewer": "Reviewer: everything an officer does, and decides internal reviews",
    "administrator": "Administrator: everything, and manages users and raw SQL",
}
