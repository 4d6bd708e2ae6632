"""What every command shares: the register option, the actor, JSON output, error lines.

Kept light: a clock command must start fast, so nothing heavy is imported here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from foikit.errors import FoikitError, InvalidDate

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
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDate(f"{what} {value!r} is not a date in the form YYYY-MM-DD") from None


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            label = f"{param.human_readable_name} " if param is not None else ""
            self.fail(f"{label}{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateType()


def fail(message: str) -> None:
    """Print one `Error: ...` line and exit 1 (for checks that live in the CLI itself)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
