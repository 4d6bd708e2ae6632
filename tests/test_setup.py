"""`foikit init`: create, repeat, upgrade; --db and FOIKIT_DB."""

from __future__ import annotations

import json
import sqlite3

from sqlite_utils import Database

from foikit.register import Register
from foikit.register.init import init_register
from foikit.register.schema import migrations


def test_init_creates_the_whole_schema(tmp_path):
    init_register(tmp_path / "r.db", load_facts=False, actor="t")
    tables = set(Database(tmp_path / "r.db").table_names())
    expected = {
        "requests",
        "requesters",
        "questions",
        "answers",
        "answer_exemptions",
        "clock_events",
        "reviews",
        "ico_cases",
        "audit",
        "holidays",
        "settings",
        "csps",
        "csp_contacts",
        "figures",
        "figure_totals",
        "sources",
        "letters",
        "users",
    }
    assert expected <= tables


def test_init_is_repeatable_and_a_second_run_writes_nothing(tmp_path):
    path = tmp_path / "r.db"
    first = init_register(path, load_facts=True, actor="t")
    assert first.created and first.facts_changed["figures"] > 100
    audit_before = sqlite3.connect(path).execute("SELECT count(*) FROM audit").fetchone()[0]
    second = init_register(path, load_facts=True, actor="t")
    assert not second.created
    assert second.migrations == [] and second.facts_changed == {}
    assert second.holidays_added == 0 and second.settings_added == 0
    audit_after = sqlite3.connect(path).execute("SELECT count(*) FROM audit").fetchone()[0]
    assert audit_after == audit_before


def test_init_upgrades_an_older_register_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    names = [m.name for m in migrations.pending(db)]
    assert len(names) >= 2, "the test needs an older schema to upgrade from"
    migrations.apply(db, stop_before=names[1])  # a register as the first release made it
    db.execute("INSERT INTO settings (key, value) VALUES ('office.phone', '0121 111 1111')")
    db.conn.commit()
    db.close()
    with Register(path) as reg:
        assert not reg.is_initialised()
    report = init_register(path, load_facts=False, actor="t")
    assert report.migrations == names[1:]
    with Register(path) as reg:
        assert reg.is_initialised()
        assert reg.scalar("SELECT value FROM settings WHERE key='office.phone'") == "0121 111 1111"
        indexes = {r["name"] for r in reg.query("PRAGMA index_list(audit)")}
        assert "audit_row" in indexes


def test_empty_loads_no_reference_data_or_holidays(tmp_path):
    init_register(tmp_path / "r.db", load_facts=False, actor="t")
    with Register(tmp_path / "r.db") as reg:
        assert reg.scalar("SELECT count(*) FROM figures") == 0
        assert reg.scalar("SELECT count(*) FROM holidays") == 0
        assert reg.scalar("SELECT count(*) FROM settings") > 10


def test_db_option_and_environment_variable_both_choose_the_register(tmp_path, runner, monkeypatch):
    from foikit.cli import cli

    by_option = tmp_path / "option.db"
    by_env = tmp_path / "env.db"
    monkeypatch.delenv("FOIKIT_DB", raising=False)
    result = runner.invoke(cli, ["--db", str(by_option), "init", "--empty"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("FOIKIT_DB", str(by_env))
    result = runner.invoke(cli, ["init", "--empty", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["path"] == str(by_env)
    assert by_option.exists() and by_env.exists()


def test_init_in_a_missing_folder_is_one_error_line(tmp_path, runner):
    from foikit.cli import cli

    result = runner.invoke(cli, ["--db", str(tmp_path / "no" / "r.db"), "init"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: the folder {str(tmp_path / 'no')!r} does not exist"
    ]
    assert "Traceback" not in result.output


def test_commands_on_an_uninitialised_register_ask_for_init(tmp_path, runner):
    from foikit.cli import cli

    result = runner.invoke(cli, ["--db", str(tmp_path / "r.db"), "facts"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "foikit init" in result.stderr
