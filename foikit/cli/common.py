"""What every command shares: the register option, the actor, JSON output, error lines.

Kept light: a clock command must start fast, so nothing heavy is imported here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from foikit.errors import FoikitError, InvalidDate
from foikit.formats import iso_date

if TYPE_CHECKING:
    from foikit.register.core import Register


F = TypeVar("F", bound=Callable[..., Any])


class State:
    """The group's options, handed to every command through click's context."""

    def __init__(self, db: str | None):
        self.db = db

    def register(self, *, create: bool = False, initialised: bool = True) -> Any:
        from foikit.register import Register

        reg = Register(self.db, create=create)
        if initialised:
            try:
                reg.require_initialised()
            except FoikitError:
                reg.close()
                raise
        return reg


pass_state = click.make_pass_decorator(State, ensure=True)


def with_register(func: F) -> F:
    """Open the register named by --db / FOIKIT_DB and pass it as the first argument."""

    @pass_state
    @functools.wraps(func)
    def wrapper(state: State, *args: Any, **kwargs: Any) -> Any:
        with state.register() as reg:
            return func(reg, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def by_option(func: F) -> F:
    return click.option(
        "--by",
        "by",
        metavar="NAME",
        help="Who is acting (default: $FOIKIT_USER, else the login name); goes in the audit trail.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def parse_date(value: str, what: str = "date") -> dt.date:
    """An ISO date from the command line; one clear error otherwise."""
    try:
        return iso_date(value)
    except (TypeError, ValueError):
        raise InvalidDate(f"{what} {value!r} is not a date in the form YYYY-MM-DD") from None


class DateType(click.ParamType[dt.date, "dt.date | str"]):
    name = "YYYY-MM-DD"

    def convert(
        self, value: dt.date | str, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return iso_date(value)
        except (TypeError, ValueError):
            label = f"{param.human_readable_name} " if param is not None else ""
            self.fail(f"{label}{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateType()


def fail(message: str) -> None:
    """Print one `Error: ...` line and exit 1 (for checks that live in the CLI itself)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def guarded_output(reg: Register, out: str) -> Any:
    """A private text file at `out` (0600, written whole or not at all) that is refused when it
    is the register or any other SQLite file: the one output guard every `--out` goes through."""
    from foikit.register.files import Kind, atomic_output, guard_output

    guard_output(out, Kind.TEXT, register=reg.path)
    return atomic_output(out)


def bad_character(value: str) -> str | None:
    """What is wrong with a command-line value that no record may hold, or None.

    Bytes that are not UTF-8 reach Python as lone surrogates (they cannot be stored, printed or
    put in a letter), and a NUL byte cuts a string short in SQLite's C API and in Word."""
    if "\x00" in value:
        return "a NUL byte"
    for ch in value:
        if "\ud800" <= ch <= "\udfff":
            return "bytes that are not UTF-8"
    return None


def check_arguments(args: list[str]) -> None:
    """Refuse the whole command line, before anything runs, when a value cannot be stored."""
    for arg in args:
        problem = bad_character(arg)
        if problem is not None:
            try:
                raw = arg.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                raw = arg.encode("utf-8", "backslashreplace")
            shown = raw.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")[:60]
            raise click.ClickException(f"the argument '{shown}' contains {problem}")


# -- shared by the casework commands (request, review, ico, clock events) ---------------


def today_option(func: Any) -> Any:
    return click.option(
        "--today",
        metavar="YYYY-MM-DD",
        help="Treat this date as today (for back-dated entry and checks; default: today).",
    )(func)


def optional_date(value: str | None, what: str) -> Any:
    return None if value is None else parse_date(value, what)


def actor(by: str | None) -> str:
    from foikit.register import current_actor

    return current_actor(by)


def count(value: str | None, what: str, minimum: int) -> int | None:
    """A whole number from the command line; one `Error:` line (exit 1) otherwise."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise click.ClickException(f"{what} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise click.ClickException(f"{what} must be {minimum} or more, not {number}")
    if number > MAX_COUNT:
        raise click.ClickException(f"{what} must be {MAX_COUNT:,} or less, not {value}")
    return number


MAX_COUNT = 10_000  # working days or requests: more is a typing slip, and would overflow


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
