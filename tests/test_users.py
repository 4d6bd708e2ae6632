"""Staff users: roles, salted password hashes, and the `foikit users` commands."""

from __future__ import annotations

import json

import pytest

from foikit.register.users import (
    LoginFailed,
    UnknownRole,
    UserError,
    UserExists,
    UserNotFound,
    WeakPassword,
    add_user,
    authenticate,
    hash_password,
    list_users,
    set_active,
    set_password,
    set_role,
    verify_password,
)

PASSWORD = "correct horse battery"


def test_a_hash_is_salted_and_verifies_only_the_right_password():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second, "a fresh random salt each time"
    assert first.startswith("$argon2id$"), "argon2id (OWASP Password Storage Cheat Sheet)"
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first)
    assert verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)


@pytest.mark.parametrize(
    "stored, why",
    [
        ("", "empty"),
        ("plain text password", "not our format"),
        ("md5$abc$def", "another scheme"),
        ("scrypt$16384$8$1$!!!$???", "broken base64"),
        ("scrypt$x$8$1$AAAA$AAAA", "broken cost"),
    ],
)
def test_a_malformed_stored_hash_never_verifies(stored, why):
    assert not verify_password(PASSWORD, stored), why


def test_users_are_added_listed_and_audited(empty_register):
    reg = empty_register
    add_user(reg, "jane.smith", "officer", PASSWORD, actor="admin.one")
    add_user(reg, "rev.iewer", "reviewer", PASSWORD, actor="admin.one")
    assert [(u.name, u.role, u.active) for u in list_users(reg)] == [
        ("jane.smith", "officer", True),
        ("rev.iewer", "reviewer", True),
    ]
    audit = reg.query("SELECT actor, action FROM audit WHERE table_name = 'users' ORDER BY id")
    assert audit == [
        {"actor": "admin.one", "action": "user-add"},
        {"actor": "admin.one", "action": "user-add"},
    ]
    stored = reg.scalar("SELECT password_hash FROM users WHERE name = 'jane.smith'")
    assert PASSWORD not in stored and verify_password(PASSWORD, stored)


@pytest.mark.parametrize(
    "name, role, password, error, why",
    [
        ("jane", "clerk", PASSWORD, UnknownRole, "roles are officer, reviewer, administrator"),
        ("jane", "officer", "short", WeakPassword, "at least ten characters"),
        ("jane smith", "officer", PASSWORD, UserError, "no spaces: the name goes in the audit"),
        ("", "officer", PASSWORD, UserError, "a name is needed"),
        ("taken", "officer", PASSWORD, UserExists, "names are unique"),
    ],
)
def test_bad_users_are_refused_before_anything_is_written(
    empty_register, name, role, password, error, why
):
    add_user(empty_register, "taken", "officer", PASSWORD, actor="admin")
    before = empty_register.scalar("SELECT count(*) FROM audit")
    with pytest.raises(error):
        add_user(empty_register, name, role, password, actor="admin")
    assert empty_register.scalar("SELECT count(*) FROM audit") == before, why
    assert empty_register.scalar("SELECT count(*) FROM users") == 1


@pytest.mark.parametrize(
    "name, password, why",
    [
        ("jane", PASSWORD + "x", "wrong password"),
        ("nobody", PASSWORD, "unknown name: the same message, so names cannot be probed"),
        ("JANE", PASSWORD, "names are exact"),
    ],
)
def test_login_fails_with_one_message(empty_register, name, password, why):
    add_user(empty_register, "jane", "officer", PASSWORD, actor="admin")
    with pytest.raises(LoginFailed, match="the user name or password is not right"):
        authenticate(empty_register, name, password)


def test_role_password_and_disabling(empty_register):
    reg = empty_register
    add_user(reg, "jane", "officer", PASSWORD, actor="admin")
    assert authenticate(reg, "jane", PASSWORD).role == "officer"
    set_role(reg, "jane", "reviewer", actor="admin")
    assert authenticate(reg, "jane", PASSWORD).role == "reviewer"
    set_password(reg, "jane", "a brand new password", actor="admin")
    with pytest.raises(LoginFailed):
        authenticate(reg, "jane", PASSWORD)
    assert authenticate(reg, "jane", "a brand new password").name == "jane"
    set_active(reg, "jane", False, actor="admin")
    with pytest.raises(LoginFailed):
        authenticate(reg, "jane", "a brand new password")
    with pytest.raises(UserNotFound):
        set_role(reg, "ghost", "officer", actor="admin")


def test_cli_prompts_for_the_password_twice_and_lists(invoke, empty_register):
    result = invoke("users", "add", "jane.smith", "--role", "officer", input=f"{PASSWORD}\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Added jane.smith (officer)" in result.output
    assert PASSWORD not in result.output, "the password is not echoed"
    listed = json.loads(invoke("users", "list", "--json").output)
    assert [(u["name"], u["role"], u["active"]) for u in listed] == [
        ("jane.smith", "officer", True)
    ]
    assert authenticate(empty_register, "jane.smith", PASSWORD).role == "officer"


@pytest.mark.parametrize(
    "args, input, message, why",
    [
        (["users", "add", "x", "--role", "clerk"], None, "Invalid value", "unknown role"),
        (
            ["users", "add", "x", "--role", "officer"],
            "shortpw\nshortpw\n",
            "Error: the password must be at least 10 characters long",
            "weak password",
        ),
        (["users", "disable", "ghost"], None, "Error: no user called 'ghost'", "unknown user"),
    ],
)
def test_cli_refusals_are_one_error_line(invoke, empty_register, args, input, message, why):
    result = invoke(*args, input=input)
    assert result.exit_code != 0, why
    assert message in result.output
    assert "Traceback" not in result.output
    assert empty_register.scalar("SELECT count(*) FROM users") == 0


def test_cli_role_disable_enable(invoke, empty_register):
    add_user(empty_register, "jane", "officer", PASSWORD, actor="admin")
    assert invoke("users", "role", "jane", "reviewer", "--by", "boss").exit_code == 0
    assert invoke("users", "disable", "jane", "--by", "boss").exit_code == 0
    assert not list_users(empty_register)[0].active
    assert invoke("users", "enable", "jane", "--by", "boss").exit_code == 0
    user = list_users(empty_register)[0]
    assert (user.role, user.active) == ("reviewer", True)
    actors = empty_register.query(
        "SELECT DISTINCT actor FROM audit WHERE action IN ('user-role', 'user-disable')"
    )
    assert actors == [{"actor": "boss"}]
