"""The foikit command line: parses, calls the library, prints. The work lives in the library.

Each command group lives in its own module below; importing them registers their commands.
Heavy libraries (docxtpl, Datasette, matplotlib) are imported inside the commands that need
them, so `foikit deadline` starts as fast as a small script.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import click

from foikit import __version__
from foikit.cli.common import State, check_arguments
from foikit.errors import FoikitError


class FoikitGroup(click.Group):
    """Turns every library failure into one `Error: ...` line and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            check_arguments(args)  # every value, every command: not UTF-8, or a NUL byte
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FoikitError as e:
            raise click.ClickException(str(e)) from None
        except sqlite3.OperationalError as e:
            raise click.ClickException(f"the register could not be used: {e}") from None
        except UnicodeDecodeError:
            # SQLite's message about a damaged file can hold the damaged bytes themselves.
            raise click.ClickException(
                "the database file is damaged: SQLite cannot read its schema"
            ) from None
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            raise click.ClickException(f"{where}{e.strerror or e}") from None


@click.group(cls=FoikitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH",
    envvar="FOIKIT_DB",
    help="The register (default ./register.db, or $FOIKIT_DB).",
)
@click.version_option(__version__, prog_name="foikit")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """foikit: Freedom of Information casework for the OPCC.

    A register of requests with the statutory clock, letters from Word templates, and a
    public disclosure log.

    \b
    Example:
        foikit init
        foikit request add --received 2021-06-05 --subject "Domestic Homicide Reviews" \\
            --requester-name "A Person" --requester-email a.person@example.org \\
            --question "How many CSPs are there?"
    """
    ctx.obj = State(db)


# Importing the command modules registers their commands on `cli`.
COMMAND_MODULES = (
    "configure",  # init, settings, facts
    "clock",
    "requests",
    "clock_events",  # `foikit request clarify`, `fee`, `extend`...: on the request group
    "reviews",
    "letters",
    "disclosure",
    "reports",
    "staff",
    "weekly",
    "safety",
    "redaction",  # `foikit request redact`, on the request group
    "casework",
    "documents",
    "identity",  # `foikit request id-requested/id-received`, on the request group
)


def _load_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:  # a missing module is an error, never a quietly lost command
        importlib.import_module(f"foikit.cli.{name}")


_load_commands()
