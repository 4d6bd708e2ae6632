"""`foikit staff` (the staff web interface) and `foikit users` (who may log in to it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import (
    DATE,
    State,
    by_option,
    emit_json,
    json_option,
    pass_state,
    with_register,
)
from foikit.register.roles import ROLES

if TYPE_CHECKING:
    from foikit.register.core import Register


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8002, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--today",
    type=DATE,
    help="Work as if today were this date (training and demonstrations of old requests).",
)
@pass_state
def staff(state: State, host: str, port: int, today: dt.date | None) -> None:
    """Serve the staff interface on the register (login required).

    Officers log, answer and close requests, render letters and publish the disclosure log;
    reviewers also decide internal reviews. Add users first with `foikit users add`.

    \b
    Example:
        foikit users add jane.smith --role officer
        foikit staff --port 8002
    """
    from foikit.register import default_path
    from foikit.register.users import list_users
    from foikit.staff import make_staff_datasette, serve

    with state.register() as reg:  # refuses, with a clear error, an uninitialised register
        if not any(u.active for u in list_users(reg)):
            click.echo(
                "Nobody can log in yet: add a user with `foikit users add NAME --role officer`",
                err=True,
            )
    ds = make_staff_datasette(state.db or default_path(), today=today)
    click.echo(f"Staff interface on http://{host}:{port}/ (Ctrl-C to stop)")
    serve(ds, host=host, port=port)


@cli.group()
def users() -> None:
    """Staff who may log in to `foikit staff`, and their roles.

    Roles: officer, reviewer (also decides internal reviews), administrator (also manages
    users and may run SQL).

    \b
    Example:
        foikit users add jane.smith --role officer
        foikit users list
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(list(ROLES)),
    help="What the user may do.",
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="FOIKIT_NEW_PASSWORD",
    help="Prompted when not given (or $FOIKIT_NEW_PASSWORD, for scripts).",
)
@click.option("--full-name", metavar="TEXT", help="Name printed on the letters they sign.")
@click.option("--job-title", metavar="TEXT", help="Job title printed under it.")
@by_option
@json_option
@with_register
def users_add(
    reg: Register,
    name: str,
    role: str,
    password: str,
    full_name: str | None,
    job_title: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Add a user; the password is asked for twice and stored only as a salted hash.

    \b
    Example:
        foikit users add jane.smith --role officer --full-name "Jane Smith" \\
            --job-title "Disclosure Officer"
    """
    from foikit.register import current_actor
    from foikit.register.users import add_user

    user = add_user(
        reg,
        name,
        role,
        password,
        actor=current_actor(by),
        full_name=full_name,
        job_title=job_title,
    )
    if as_json:
        emit_json(user.as_dict())
        return
    click.echo(f"Added {user.name} ({user.role})")


@users.command("list")
@json_option
@with_register
def users_list(reg: Register, as_json: bool) -> None:
    """Every user with their role and whether they may log in.

    \b
    Example:
        foikit users list --json
    """
    from foikit.register.users import list_users

    people = list_users(reg)
    if as_json:
        emit_json([u.as_dict() for u in people])
        return
    if not people:
        click.echo("No users yet: add one with `foikit users add NAME --role officer`")
    for u in people:
        state = "" if u.active else "  (disabled)"
        signs = f"  {u.full_name}, {u.job_title or ''}".rstrip(", ") if u.full_name else ""
        click.echo(f"{u.name:<24} {u.role}{state}{signs}")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(list(ROLES)))
@by_option
@with_register
def users_role(reg: Register, name: str, role: str, by: str | None) -> None:
    """Change a user's role.

    \b
    Example:
        foikit users role jane.smith reviewer
    """
    from foikit.register import current_actor
    from foikit.register.users import set_role

    user = set_role(reg, name, role, actor=current_actor(by))
    click.echo(f"{user.name} is now {user.role}")


@users.command("disable")
@click.argument("name")
@by_option
@with_register
def users_disable(reg: Register, name: str, by: str | None) -> None:
    """Stop a user logging in (their open sessions end at once); the audit trail keeps them.

    \b
    Example:
        foikit users disable jane.smith
    """
    from foikit.register import current_actor
    from foikit.register.users import set_active

    set_active(reg, name, False, actor=current_actor(by))
    click.echo(f"{name} can no longer log in")


@users.command("enable")
@click.argument("name")
@by_option
@with_register
def users_enable(reg: Register, name: str, by: str | None) -> None:
    """Let a disabled user log in again.

    \b
    Example:
        foikit users enable jane.smith
    """
    from foikit.register import current_actor
    from foikit.register.users import set_active

    set_active(reg, name, True, actor=current_actor(by))
    click.echo(f"{name} can log in again")


@users.command("password")
@click.argument("name")
@click.option(
    "--password",
    prompt="New password",
    hide_input=True,
    confirmation_prompt=True,
    envvar="FOIKIT_NEW_PASSWORD",
    help="Prompted when not given (or $FOIKIT_NEW_PASSWORD, for scripts).",
)
@by_option
@with_register
def users_password(reg: Register, name: str, password: str, by: str | None) -> None:
    """Set a new password for a user.

    \b
    Example:
        foikit users password jane.smith
    """
    from foikit.register import current_actor
    from foikit.register.users import set_password

    set_password(reg, name, password, actor=current_actor(by))
    click.echo(f"Password changed for {name}")


@users.command("edit")
@click.argument("name")
@click.option("--full-name", metavar="TEXT", help="Name printed on the letters they sign.")
@click.option("--job-title", metavar="TEXT", help="Job title printed under it ('' clears it).")
@by_option
@json_option
@with_register
def users_edit(
    reg: Register,
    name: str,
    full_name: str | None,
    job_title: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Set a user's full name and job title, which sign the letters they decide
    (setting letters.signatory).

    \b
    Example:
        foikit users edit ravi.quenby --full-name "Ravi Quenby" --job-title "Head of Legal"
    """
    from foikit.register import current_actor
    from foikit.register.users import edit_user

    user = edit_user(
        reg,
        name,
        actor=current_actor(by),
        full_name=full_name,
        job_title=job_title,
    )
    if as_json:
        emit_json(user.as_dict())
        return
    title = user.job_title or "(no title)"
    click.echo(f"{user.name}: {user.full_name or '(no full name)'}, {title}")
