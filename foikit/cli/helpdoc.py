"""The CLI reference in docs/cli.md, generated from every command's --help."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under `command`, groups before their subcommands, in name order."""
    yield path
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def help_text(path: tuple[str, ...]) -> str:
    from foikit.cli import cli

    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="foikit", terminal_width=100)
    if result.exit_code != 0:
        raise RuntimeError(f"foikit {' '.join(path)} --help failed: {result.output}")
    return result.output


def reference() -> str:
    from foikit.cli import cli

    out = []
    for path in walk(cli):
        title = " ".join(("foikit", *path))
        out.append(f"\n## {title}\n\n```\n{help_text(path).rstrip()}\n```\n")
    return "".join(out)
