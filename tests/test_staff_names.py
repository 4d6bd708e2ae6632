"""One way of matching a typed name to a staff account (issue 12): handlers
(`check_staff`), reviewers (`resolve_reviewer`), the default handler and the signatory all go
through `foikit.register.users.find_person`, so a name one check accepts the others accept too,
and each stores the account's own spelling."""

from __future__ import annotations

import pytest
from lifecycle_support import fresh_register

from foikit.casework.reviews import resolve_reviewer
from foikit.casework.staff_names import UnknownStaff, check_staff, default_handler
from foikit.errors import InvalidRequest
from foikit.register.users import add_user, set_active

PASSWORD = "correct horse battery staple"

TYPED = [
    # (typed, stored, why)
    ("j.officer", "j.officer", "the account's own spelling"),
    ("J.Officer", "j.officer", "case does not make another person"),
    ("\uff4a.officer", "j.officer", "a full-width letter pasted from a form (NFKC)"),
    ("j.off\u200bicer", "j.officer", "an invisible zero-width space"),
    ("  j.officer ", "j.officer", "spaces around the name"),
]


@pytest.fixture
def reg(tmp_path):
    reg = fresh_register(tmp_path / "register.db")
    add_user(reg, "j.officer", "officer", PASSWORD, actor="admin")
    add_user(reg, "r.reviewer", "reviewer", PASSWORD, actor="admin")
    add_user(reg, "l.leaver", "reviewer", PASSWORD, actor="admin")
    set_active(reg, "l.leaver", False, actor="admin")
    yield reg
    reg.close()


@pytest.mark.parametrize(("typed", "stored", "why"), TYPED, ids=[t[2] for t in TYPED])
def test_a_handler_and_the_default_handler_match_as_people_read_the_name(reg, typed, stored, why):
    assert check_staff(reg.conn, typed, "handler") == stored, why
    assert default_handler(reg.conn, typed) == stored, why


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("R.Reviewer", "case"),
        ("\uff52.reviewer", "full-width letter"),
        ("r.revi\u200bewer", "zero-width space"),
    ],
)
def test_a_reviewer_matches_the_same_way(reg, typed, why):
    assert resolve_reviewer(reg, typed) == "r.reviewer", why


REFUSED = [
    # (check, typed, message, why)
    ("handler", "nobody", "is not an account", "work is never given to a misspelling"),
    ("handler", "L.LEAVER", "is a disabled account", "nor to someone who has left"),
    ("reviewer", "nobody", "no staff account called", "a review nobody can decide"),
    ("reviewer", "L.Leaver", "account is disabled", "a reviewer who has left"),
    ("reviewer", "J.OFFICER", "not a reviewer", "an officer cannot decide reviews"),
]


@pytest.mark.parametrize(("check", "typed", "message", "why"), REFUSED, ids=[r[3] for r in REFUSED])
def test_names_that_are_not_active_accounts_are_refused(reg, check, typed, message, why):
    with pytest.raises((UnknownStaff, InvalidRequest), match=message):
        if check == "handler":
            check_staff(reg.conn, typed, "handler")
        else:
            resolve_reviewer(reg, typed)
