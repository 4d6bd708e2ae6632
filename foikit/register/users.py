"""Staff users and their roles, kept in the register's `users` table.

Passwords are stored as salted scrypt hashes (standard library only) and checked with a
constant-time compare. Roles are data, defined once: what each may do in the staff interface
is decided from them in `foikit.staff.auth`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from foikit.errors import FoikitError
from foikit.register import Register, now_utc
from foikit.register.roles import ROLES
from foikit.register.sessions import end_user_sessions

MIN_PASSWORD_LENGTH = 10
MAX_TEXT = 200  # full name, job title
# The legacy scheme, still verified so that existing users can log in (and be upgraded).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1.
ARGON2_MEMORY_KIB, ARGON2_TIME, ARGON2_LANES = 19 * 1024, 2, 1
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class UserError(FoikitError):
    """A user cannot be added or changed as asked."""


class UnknownRole(UserError):
    pass


class UserNotFound(UserError):
    pass


class UserExists(UserError):
    pass


class WeakPassword(UserError):
    pass


class LoginFailed(FoikitError):
    """Wrong name or password; deliberately does not say which."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool
    created_at: str
    full_name: str | None = None
    job_title: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at,
            "full_name": self.full_name,
            "job_title": self.job_title,
        }


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRole(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise UserError(
            f"user name {name!r} is not allowed: use letters, digits, dots, dashes, "
            "underscores or @, up to 64 characters (e.g. jane.smith)"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return password


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@functools.cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(
        time_cost=ARGON2_TIME, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES
    )


def hash_password(password: str) -> str:
    """An argon2id hash in PHC form (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`)."""
    return str(_hasher().hash(password))


def scrypt_hash(password: str, *, salt: bytes | None = None) -> str:
    """The legacy `scrypt$n$r$p$salt$hash` form (kept to test the upgrade on login)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def needs_rehash(stored: str) -> bool:
    """True for any hash not argon2id at today's parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return bool(_hasher().check_needs_rehash(stored))
    except Exception:
        return True


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        from argon2.exceptions import Argon2Error, InvalidHashError

        try:
            return bool(_hasher().verify(stored, password))
        except (Argon2Error, InvalidHashError):
            return False
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


@functools.cache
def _dummy_hash() -> str:
    # Checked when the name is unknown, so a wrong name takes as long as a wrong password.
    return hash_password("not a password")


def _user(row: dict[str, Any]) -> User:
    return User(
        row["name"],
        row["role"],
        bool(row["active"]),
        row["created_at"],
        row.get("full_name"),
        row.get("job_title"),
    )


def _text(value: str | None, what: str) -> str | None:
    from foikit.register.people import clean_name

    if value is None:
        return None
    cleaned = clean_name(value)
    if len(cleaned) > MAX_TEXT:
        raise UserError(f"the {what} is longer than {MAX_TEXT} characters")
    return cleaned or None


def get_user(reg: Register, name: str) -> User:
    row = reg.one("SELECT * FROM users WHERE name = ?", (name,))
    if row is None:
        raise UserNotFound(f"no user called {name!r}")
    return _user(row)


def find_user(reg: Register, name: str) -> User | None:
    row = reg.one("SELECT * FROM users WHERE name = ?", (name,))
    return _user(row) if row is not None else None


def list_users(reg: Register) -> list[User]:
    return [_user(r) for r in reg.query("SELECT * FROM users ORDER BY name")]


def add_user(
    reg: Register,
    name: str,
    role: str,
    password: str,
    *,
    actor: str,
    full_name: str | None = None,
    job_title: str | None = None,
) -> User:
    check_name(name)
    check_role(role)
    check_password(password)
    if find_user(reg, name) is not None:
        raise UserExists(f"there is already a user called {name!r}")
    with reg.transaction(actor) as tx:
        tx.insert(
            "users",
            {
                "name": name,
                "role": role,
                "password_hash": hash_password(password),
                "active": 1,
                "created_at": now_utc(),
                "full_name": _text(full_name, "full name"),
                "job_title": _text(job_title, "job title"),
            },
            action="user-add",
        )
    return get_user(reg, name)


def _user_id(reg: Register, name: str) -> int:
    user_id = reg.scalar("SELECT id FROM users WHERE name = ?", (name,))
    if user_id is None:
        raise UserNotFound(f"no user called {name!r}")
    return int(user_id)


def set_role(reg: Register, name: str, role: str, *, actor: str) -> User:
    check_role(role)
    user_id = _user_id(reg, name)
    with reg.transaction(actor) as tx:
        if tx.update("users", user_id, {"role": role}, action="user-role"):
            end_user_sessions(tx, name, "role changed")
    return get_user(reg, name)


def edit_user(
    reg: Register,
    name: str,
    *,
    actor: str,
    full_name: str | None = None,
    job_title: str | None = None,
) -> User:
    """Set a user's full name and job title (None leaves one as it is; "" clears it)."""
    user_id = _user_id(reg, name)
    changes: dict[str, str | None] = {}
    if full_name is not None:
        changes["full_name"] = _text(full_name, "full name")
    if job_title is not None:
        changes["job_title"] = _text(job_title, "job title")
    if changes:
        with reg.transaction(actor) as tx:
            tx.update("users", user_id, changes, action="user-edit")
    return get_user(reg, name)


def set_active(reg: Register, name: str, active: bool, *, actor: str) -> User:
    """Disable (or re-enable) a user: a disabled user cannot log in, and their session ends."""
    user_id = _user_id(reg, name)
    with reg.transaction(actor) as tx:
        tx.update(
            "users",
            user_id,
            {"active": 1 if active else 0},
            action="user-enable" if active else "user-disable",
        )
        if not active:
            end_user_sessions(tx, name, "disabled")
    return get_user(reg, name)


def set_password(reg: Register, name: str, password: str, *, actor: str) -> None:
    check_password(password)
    user_id = _user_id(reg, name)
    with reg.transaction(actor) as tx:
        tx.update(
            "users", user_id, {"password_hash": hash_password(password)}, action="user-password"
        )
        end_user_sessions(tx, name, "password changed")


def authenticate(reg: Register, name: str, password: str) -> User:
    """The active user with that name and password; LoginFailed otherwise."""
    row = reg.one("SELECT * FROM users WHERE name = ?", (name,))
    ok = verify_password(password, row["password_hash"] if row else _dummy_hash())
    if row is None or not ok or not row["active"]:
        raise LoginFailed("the user name or password is not right")
    if needs_rehash(row["password_hash"]):
        # The right password of an older hash: store it at today's parameters.
        with reg.transaction(name) as tx:
            tx.update(
                "users",
                row["id"],
                {"password_hash": hash_password(password)},
                action="user-password-upgrade",
            )
    return _user(row)


def reviewer_accounts(reg: Register) -> list[User]:
    """Active users who may be named to review (foikit.register.roles.REVIEWER_ROLES)."""
    from foikit.register.roles import REVIEWER_ROLES

    marks = ", ".join("?" for _ in REVIEWER_ROLES)
    return [
        _user(r)
        for r in reg.query(
            f"SELECT * FROM users WHERE active = 1 AND role IN ({marks}) ORDER BY name",
            list(REVIEWER_ROLES),
        )
    ]


def find_person(db: Register | sqlite3.Connection, name: str) -> User | None:
    """The user whose name is this person's (foikit.register.people.person_key), if any: the
    one way a name typed for a handler, reviewer or signatory is matched to an account (case,
    spacing, invisible characters and compatibility forms do not matter). `db` is the Register,
    a transaction or a connection (it is read inside a transaction as well as outside one)."""
    from foikit.register.people import person_key

    key = person_key(name)
    conn: sqlite3.Connection = db.conn if isinstance(db, Register) else db
    cursor = conn.execute("SELECT * FROM users")
    columns = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(columns, values, strict=True))
        if person_key(row["name"]) == key:
            return _user(row)
    return None
