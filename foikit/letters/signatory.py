"""Who signs a letter: the person who decided, or the office signatory (issue 21).

The setting `letters.signatory` says which: `decider` (the default) signs request letters with
the handler and review letters with the reviewer, when that person has a staff account with a
full name; otherwise, and always with `office`, the office signatory signs. The result is plain
data for the letter context (`signatory`: `name`, `title`, `who`, `user`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.core import Register


def office_signatory(office: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": office.get("signatory_name"),
        "title": office.get("signatory_title"),
        "who": "office",
        "user": None,
    }


def signatory_for(
    reg: Register, request: Mapping[str, Any], kind: str, office: Mapping[str, Any]
) -> dict[str, Any]:
    """Who signs (setting `letters.signatory`): with `decider`, the person who decided: the
    reviewer for review letters, the handler for the others, when they have a staff account
    with a full name; otherwise, and with `office`, the office signatory. Plain data only."""
    from foikit.register.settings import get_setting
    from foikit.register.users import find_person

    if get_setting(reg, "letters.signatory") != "decider":
        return office_signatory(office)
    review = request.get("review") or {}
    name = review.get("reviewer") if kind.startswith("review-") else request.get("handler")
    user = find_person(reg, name) if isinstance(name, str) and name.strip() else None
    if user is None or not user.full_name:
        return office_signatory(office)
    return {
        "name": user.full_name,
        "title": user.job_title or "",
        "who": "reviewer" if kind.startswith("review-") else "handler",
        "user": user.name,
    }
