"""Who signs a letter: the person who decided, or the office signatory (issue 21).

The setting `letters.signatory` says which: `decider` (the default) signs request letters with
the handler and review letters with the reviewer, when that person has a staff account with a
full name; otherwise, and always with `office`, the office signatory signs. The result is plain
data for the letter context (`signatory`: `name`, `title`, `who`, `user`), and every shipped
template signs with `signatory.name` and `signatory.title`.

The fallbacks, so that a letter is never signed with a login name nor by someone who did not
decide:

- `decider`, the handler or reviewer has an account with a full name: that person, with their
  job title (a reviewer without one signs as "Internal reviewer");
- `decider`, the account has no full name: the office signatory (a login is not a signature);
- `decider`, a review on a register with no accounts at all: the reviewer as recorded, as
  "Internal reviewer" (there the name is typed as a person's name);
- `office`: the office signatory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foikit.register.core import Register

REVIEWER_TITLE = "Internal reviewer"


def office_signatory(office: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": office.get("signatory_name"),
        "title": office.get("signatory_title"),
        "who": "office",
        "user": None,
    }


def recorded_reviewer(review: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The reviewer as recorded on the review, signing as "Internal reviewer": for a register
    without accounts, where the reviewer's name is typed as a person's name."""
    name = (review or {}).get("reviewer")
    if not isinstance(name, str) or not name.strip():
        return None
    return {"name": name.strip(), "title": REVIEWER_TITLE, "who": "reviewer", "user": None}


def default_signatory(
    office: Mapping[str, Any], request: Mapping[str, Any], kind: str
) -> dict[str, Any]:
    """Who signs when no register says (a sample context): the recorded reviewer for a review
    letter, else the office signatory."""
    if kind.startswith("review-"):
        reviewer = recorded_reviewer(request.get("review"))
        if reviewer is not None:
            return reviewer
    return office_signatory(office)


def signatory_for(
    reg: Register, request: Mapping[str, Any], kind: str, office: Mapping[str, Any]
) -> dict[str, Any]:
    """Who signs (setting `letters.signatory`; the table in the module's docstring). Plain
    data only."""
    from foikit.register.settings import get_setting
    from foikit.register.users import find_person

    if get_setting(reg, "letters.signatory") != "decider":
        return office_signatory(office)
    review = request.get("review") or {}
    is_review = kind.startswith("review-")
    name = review.get("reviewer") if is_review else request.get("handler")
    user = find_person(reg, name) if isinstance(name, str) and name.strip() else None
    if user is None or not user.full_name:
        has_accounts = reg.scalar("SELECT 1 FROM users LIMIT 1") is not None
        if is_review and user is None and not has_accounts:
            return recorded_reviewer(review) or office_signatory(office)
        return office_signatory(office)
    title = user.job_title or (REVIEWER_TITLE if is_review else "")
    return {
        "name": user.full_name,
        "title": title,
        "who": "reviewer" if is_review else "handler",
        "user": user.name,
    }
