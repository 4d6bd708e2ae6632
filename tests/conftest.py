"""Fixtures: a real register in tmp_path, never a mock."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from foikit.register import Register


@pytest.fixture(autouse=True)
def _one_write_path(monkeypatch):
    """Every register connection refuses mutating SQL from outside foikit/register."""
    from write_guard import guard

    monkeypatch.setattr(Register, "base_authorizer", staticmethod(guard))


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "register.db"
    monkeypatch.setenv("FOIKIT_DB", str(path))
    monkeypatch.setenv("FOIKIT_USER", "test.officer")
    monkeypatch.setenv("FOIKIT_RESPONSES", str(tmp_path / "responses"))
    return path


@pytest.fixture
def empty_register(db_path):
    """An initialised register without reference data."""
    from foikit.register.init import init_register

    init_register(db_path, load_facts=False, actor="test.setup")
    with Register(db_path) as reg:
        yield reg


@pytest.fixture
def register(db_path):
    """An initialised register with the West Midlands reference data and UK bank holidays."""
    from foikit.register.init import init_register

    init_register(db_path, load_facts=True, actor="test.setup")
    with Register(db_path) as reg:
        yield reg


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def invoke(runner, db_path):
    """Run the CLI against the test register; returns click's Result."""
    from foikit.cli import cli

    def run(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run
