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
from dataclasses import dataclass

from foikit.errors import FoikitError
from foikit.register import Register, now_utc
from foikit.register.roles import ROLES

MIN_PASSWORD_LENGTH = 10
# scrypt at n=2**14, r=8 takes ~16 MB and tens of milliseconds: slow for a guesser, quick at login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
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

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at,
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


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$hash`, salt and hash in base64; a fresh random salt each time."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
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
    return hash_password("not a password", salt=b"\0" * 16)


def _user(row: dict) -> User:
    return User(row["name"], row["role"], bool(row["active"]), row["created_at"])


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


def add_user(reg: Register, name: str, role: str, password: str, *, actor: str) -> User:
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
        tx.update("users", user_id, {"role": role}, action="user-role")
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
    return get_user(reg, name)


def set_password(reg: Register, name: str, password: str, *, actor: str) -> None:
    check_password(password)
    user_id = _user_id(reg, name)
    with reg.transaction(actor) as tx:
        tx.update(
            "users", user_id, {"password_hash": hash_password(password)}, action="user-password"
        )


def authenticate(reg: Register, name: str, password: str) -> User:
    """The active user with that name and password; LoginFailed otherwise."""
    row = reg.one("SELECT * FROM users WHERE name = ?", (name,))
    ok = verify_password(password, row["password_hash"] if row else _dummy_hash())
    if row is None or not ok or not row["active"]:
        raise LoginFailed("the user name or password is not right")
    return _user(row)
