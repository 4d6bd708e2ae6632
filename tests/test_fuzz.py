"""Property-based fuzzing of every command's arguments (issue 15).

Hypothesis builds command lines for every command foikit has, from its own click parameters:
the values are a mix of what an officer might type by mistake (bytes that are not UTF-8, a NUL
byte, 1e50, 10^20, 9999-12-31, 20210605, a date in 2030, negative numbers, paths to the register
and to folders that do not exist) and arbitrary text. Whatever the input: success, or exactly one
`Error:` line and exit status 1 (2 for click's own usage errors), never a traceback; and on
error, nothing written: neither the register (its audit trail) nor any file.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifecycle_support import add, answered_and_closed, fresh_register

TEMPLATES = Path(__file__).resolve().parent.parent / "foikit" / "letters" / "templates"

# (command, why it is not fuzzed here)
NOT_FUZZED = {
    ("serve",): "runs a web server until stopped (tests/test_serve.py)",
    ("staff",): "runs a web server until stopped (tests/test_staff.py)",
    ("letters", "batch"): "reports one Error line per request it could not render, by design",
}
SLOW_OPTIONS = {"pdf"}  # LibreOffice: seconds a letter (tests/test_letters.py covers it)

# (value, why it is worth trying)
NASTY = [
    ("A\udcff", "a byte that is not UTF-8 (issue 15: --by, a reference)"),
    ("a\x00b", "a NUL byte"),
    ("1e50", "issue 15: --amount 1e50"),
    (str(10**20), "issue 15: --days 10^20"),
    ("-1", "negative"),
    ("nan", "not a number"),
    ("9999-12-31", "issue 15: deadline 9999-12-31"),
    ("0001-01-01", "the first day Python knows"),
    ("20210605", "issue 15: --received 20210605"),
    ("2030-01-01", "issue 15: received in the future"),
    ("2024-06-03", "a good date"),
    ("2021-02-30", "no such day"),
    ("/nonexistent/x.csv", "issue 15: export --out to a missing folder"),
    ("{db}", "the register itself"),
    ("{db}-wal", "the register's WAL"),
    ("{open}", "an open request"),
    ("{closed}", "a closed request"),
    ("FOI-2024-9999", "no such request"),
    ("", "empty"),
    (" ", "blank"),
    ("x" * 5000, "long"),
    ("{{ 10**10**10 }}", "a template bomb"),
]


def leaf_commands():
    from foikit.cli import cli

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                yield from walk(sub, (*path, name))
        else:
            yield path, cmd

    return [(path, cmd) for path, cmd in walk(cli, ()) if path not in NOT_FUZZED]


def values(param):
    junk = st.one_of(st.sampled_from([v for v, _ in NASTY]), st.text(max_size=30))
    if isinstance(param.type, click.Choice):
        return st.one_of(st.sampled_from(list(param.type.choices)), junk)
    return junk


@st.composite
def command_lines(draw):
    path, cmd = draw(st.sampled_from(leaf_commands()))
    argv = list(path)
    for param in cmd.params:
        if isinstance(param, click.Argument):
            count = draw(st.integers(0, 2)) if param.nargs == -1 else 1
            if draw(st.integers(0, 9)) == 0:
                count = 0  # now and then a missing argument
            argv += [draw(values(param)) for _ in range(count)]
        elif isinstance(param, click.Option) and param.name not in SLOW_OPTIONS:
            if param.name == "help" or not draw(st.booleans()):
                continue
            if param.is_flag:
                argv.append(param.opts[0])
            else:
                argv += [param.opts[0], draw(values(param))]
    return argv


def files_under(folder):
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            p = Path(root) / name
            if not name.endswith(("-wal", "-shm")):
                found[str(p)] = p.stat().st_mtime_ns
    return found


@pytest.fixture
def fuzz_register(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOIKIT_TEMPLATES", str(TEMPLATES))
    with fresh_register(db_path) as reg:
        refs = {"open": add(reg), "closed": answered_and_closed(reg)}
    return refs


@settings(
    max_examples=int(os.environ.get("FOIKIT_FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(argv=command_lines())
def test_any_command_line_is_success_or_one_error_line(fuzz_register, db_path, tmp_path, argv):
    from foikit.cli import cli
    from foikit.register import Register

    tokens = {"{db}": str(db_path), **{f"{{{k}}}": v for k, v in fuzz_register.items()}}
    filled = []
    for arg in argv:
        for token, value in tokens.items():
            arg = arg.replace(token, value)
        filled.append(arg)
    with Register(db_path) as reg:
        audit_before = reg.scalar("SELECT MAX(id) FROM audit")
    files_before = files_under(tmp_path)
    result = CliRunner().invoke(
        cli, filled, input="a long enough password 1\na long enough password 1\n"
    )
    shown = (filled, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        shown,
        result.exc_info,
    )
    assert "Traceback" not in result.output, shown
    if result.exit_code == 0:
        return
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert result.exit_code in (1, 2) and len(errors) == 1, shown
    with Register(db_path) as reg:
        assert reg.scalar("SELECT MAX(id) FROM audit") == audit_before, ("written", shown)
    assert files_under(tmp_path) == files_before, ("a file written or changed", shown)
