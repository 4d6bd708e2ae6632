"""Every command has --help with an example, and docs/cli.md is generated from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from foikit.cli import cli
from foikit.cli.helpdoc import help_text, reference, walk

COMMANDS = [path for path in walk(cli)]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "foikit")
def test_every_command_has_help_with_an_example(path):
    text = help_text(path)
    assert "Example:" in text, f"foikit {' '.join(path)} --help has no example"
    assert "foikit " in text.split("Example:", 1)[1]


def test_the_contract_commands_exist():
    paths = {" ".join(p) for p in COMMANDS}
    for needed in ["init", "settings list", "settings set", "facts", "facts check"]:
        assert needed in paths


def test_docs_cli_md_is_in_step_with_the_help():
    text = (Path(__file__).parent.parent / "docs" / "cli.md").read_text()
    start = text.index("]]] -->") + len("]]] -->")
    end = text.index("<!-- [[[end]]]")
    if text[start:end].strip() != reference().strip():
        pytest.fail("docs/cli.md is stale: run `make docs`", pytrace=False)
