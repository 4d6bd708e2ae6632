"""`foikit deadline` and `foikit holidays` on the command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    """The package calendar's cache file goes in tmp_path, never the user's own cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv("FOIKIT_CACHE_DIR", str(path))
    return path


DEADLINES = [
    (["2021-06-05"], [], "2021-07-02\n", "Saturday receipt"),
    (["2021-06-05", "2022-11-20"], [], "2021-07-02\n2022-12-19\n", "one line per date, in order"),
    (["2022-11-20", "2021-06-05"], [], "2022-12-19\n2021-07-02\n", "the order given, not sorted"),
    (["2021-06-07"], ["--regime", "eir-extended"], "2021-08-04\n", "EIR, 40 working days"),
    (["2021-01-31"], ["--regime", "sar"], "2021-03-01\n", "subject access: a calendar month"),
    (["2021-06-07"], ["-r", "review"], "2021-07-05\n", "internal review"),
]


@pytest.mark.parametrize(
    ("dates", "options", "expected", "why"), DEADLINES, ids=[c[3] for c in DEADLINES]
)
def test_deadline_without_a_register_uses_the_holidays_package(
    invoke, db_path, dates, options, expected, why
):
    assert not db_path.exists()
    result = invoke("deadline", *dates, *options)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected, why


def test_deadline_reads_dates_from_stdin(invoke):
    result = invoke("deadline", "-", input="2021-06-05\n\n  2022-11-20  \n")
    assert result.exit_code == 0
    assert result.stdout == "2021-07-02\n2022-12-19\n"


def test_deadline_json_for_one_date_is_an_object_with_the_skipped_days(invoke):
    result = invoke("deadline", "2022-11-20", "--json")
    data = json.loads(result.stdout)
    assert data["received"] == "2022-11-20" and data["regime"] == "foi"
    assert data["due"] == "2022-12-19"
    assert {"date": "2022-11-30", "name": "Saint Andrew's Day (SCT)"} in data["skipped"]
    assert {"date": "2022-11-26", "name": "Saturday"} in data["skipped"]
    assert len(data["skipped"]) == 9


def test_deadline_json_for_several_dates_is_a_list(invoke):
    data = json.loads(invoke("deadline", "2021-06-05", "2021-06-07", "--json").stdout)
    assert [d["due"] for d in data] == ["2021-07-02", "2021-07-05"]


ERRORS = [
    (["2021-13-01"], "is not a date in the form YYYY-MM-DD", "a bad date"),
    (["2021-06-07", "--regime", "fio"], "unknown regime 'fio'", "an unknown regime"),
    (["2021-06-07", "junk"], "'junk' is not a date", "one bad date among good ones"),
]


@pytest.mark.parametrize(("args", "message", "why"), ERRORS, ids=[c[2] for c in ERRORS])
def test_deadline_errors_are_one_line_and_print_no_dates(invoke, args, message, why):
    result = invoke("deadline", *args)
    assert result.exit_code == 1, why
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_deadline_reads_the_registers_holidays(register, invoke):
    assert invoke("deadline", "2022-11-20").stdout == "2022-12-19\n"
    result = invoke("holidays", "remove", "2022-11-30", "--by", "J Smith")
    assert result.exit_code == 0, result.output
    assert invoke("deadline", "2022-11-20").stdout == "2022-12-16\n"


@pytest.mark.parametrize(
    ("received", "message", "why"),
    [
        ("9999-12-31", "outside the years whose bank holidays are known", "no package year"),
        ("2004-12-31", "before 1 January 2005", "FOIA in force from 1 January 2005"),
    ],
    ids=["9999", "2004"],
)
@pytest.mark.parametrize("with_register", [True, False], ids=["register", "no register"])
def test_deadline_refuses_a_year_nobody_covers(
    request, invoke, tmp_path, monkeypatch, received, message, why, with_register
):
    if with_register:
        request.getfixturevalue("register")
    else:
        monkeypatch.setenv("FOIKIT_DB", str(tmp_path / "none.db"))
    monkeypatch.setenv("FOIKIT_CACHE_DIR", str(tmp_path / "cache"))
    result = invoke("deadline", received)
    assert result.exit_code == 1, why
    assert result.stdout == "" and result.stderr.startswith("Error: "), why
    assert message in result.stderr and "Traceback" not in result.stderr, why


def test_deadline_loads_a_year_beyond_the_register_on_demand(register, invoke):
    # The register holds 2005 to two years ahead; 2040 comes from the holidays package.
    # 19 March 2040 (St Patrick's Day substitute, NI), Good Friday 30 March, Easter Monday.
    assert invoke("deadline", "2040-03-01").stdout == "2040-04-03\n"


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        ("2008-10-01", "2008-10-29", "Alaveteli: handles no holidays"),
        ("2007-02-01", "2007-03-01", "Alaveteli: non leap years"),
        ("2009-03-12", "2009-04-14", "Alaveteli: St Patrick's Day (NI) and Good Friday"),
        ("2009-03-14", "2009-04-15", "Alaveteli: Saturday start"),
    ],
)
def test_alaveteli_vectors_from_the_register(register, invoke, received, due, why):
    # `foikit init` loads 2005 on: the peer vectors hold from the register's own table.
    assert invoke("deadline", received).stdout == f"{due}\n", why


def test_holidays_list(register, invoke):
    result = invoke("holidays", "list", "--year", "2026")
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-01-01  New Year's Day"
    assert "2026-06-15  Scotland's participation in the FIFA World Cup final (SCT)" in lines
    data = json.loads(invoke("holidays", "list", "--year", "2022", "--json").stdout)
    assert {"date": "2022-11-30", "name": "Saint Andrew's Day (SCT)", "nations": "SCT"} in [
        {k: d[k] for k in ("date", "name", "nations")} for d in data
    ]
    assert all(d["date"].startswith("2022-") for d in data)


def insert_open_request(register, reference, received):
    from foikit.clock.duedates import load_calendar
    from foikit.clock.rules import due_date

    due = due_date(dt.date.fromisoformat(received), "foi", load_calendar(register)).isoformat()
    with register.transaction("test") as tx:
        prefix, year, seq = reference.split("-")
        tx.insert(
            "requests",
            {
                "reference": reference,
                "regime": "foi",
                "year": int(year),
                "seq": int(seq),
                "subject": "Test",
                "received": received,
                "due": due,
                "created_at": tx.at,
                "updated_at": tx.at,
            },
        )


def test_holidays_add_and_remove_print_the_references_that_moved(register, invoke):
    insert_open_request(register, "FOI-2030-0001", "2030-06-03")
    insert_open_request(register, "FOI-2030-0002", "2030-08-01")
    last = register.scalar("SELECT max(id) FROM audit")
    result = invoke("holidays", "add", "2030-06-12", "A proclaimed day", "--by", "J Smith")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Added 2030-06-12.\nDeadlines moved (1):\n  FOI-2030-0001\n"
    assert register.one("SELECT due FROM requests WHERE reference = 'FOI-2030-0001'") == {
        "due": "2030-07-02"
    }
    actors = {r["actor"] for r in register.query("SELECT actor FROM audit WHERE id > ?", (last,))}
    assert actors == {"J Smith"}

    listed = invoke("holidays", "list", "--year", "2030").stdout
    assert "2030-06-12  A proclaimed day (UK-wide; added by hand)" in listed

    result = invoke("holidays", "remove", "2030-06-12", "--json")
    assert json.loads(result.stdout) == {"date": "2030-06-12", "moved": ["FOI-2030-0001"]}
    assert register.one("SELECT due FROM requests WHERE reference = 'FOI-2030-0001'") == {
        "due": "2030-07-01"
    }


HOLIDAY_ERRORS = [
    (["add", "2022-11-30", "Again"], "already a holiday", "the day is already there"),
    (["add", "2022-11-29", "X", "--nations", "UK"], "nations must be", "unknown nation"),
    (["add", "2022-13-01", "X"], "is not a date", "bad date"),
    (["remove", "2022-12-25"], "never a working day", "Christmas Day"),
    (["remove", "2022-11-29"], "not in the holidays table", "not a holiday"),
]


@pytest.mark.parametrize(
    ("args", "message", "why"), HOLIDAY_ERRORS, ids=[c[2] for c in HOLIDAY_ERRORS]
)
def test_holiday_errors(register, invoke, args, message, why):
    result = invoke("holidays", *args)
    assert result.exit_code != 0, why
    assert message in result.stderr


def test_holidays_need_an_initialised_register(invoke, db_path):
    result = invoke("holidays", "list")
    assert result.exit_code == 1 and "foikit init" in result.stderr


HEAVY = (
    "numpy",
    "datasette",
    "docxtpl",
    "docx",
    "matplotlib",
    "jinja2",
    "sqlite_utils",
    "holidays",
)

PROBE = """
import sys
from foikit.cli import cli
try:
    cli(["deadline", "2024-01-01"], prog_name="foikit", standalone_mode=False)
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))
    print("HEAVY:" + ",".join(heavy))
"""


def test_foikit_deadline_imports_nothing_heavy(register, db_path):
    # A clock command must start fast: with a register, not even sqlite-utils or `holidays`.
    env = {**os.environ, "FOIKIT_DB": str(db_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert out.splitlines()[0] == "2024-01-30"  # 2 January is a Scottish holiday
    assert out.splitlines()[-1] == "HEAVY:"


# Dates whose deadlines span a Scottish or Northern Irish day (or a proclaimed one), so that a
# package calendar missing a nation, or a cache holding the wrong days, would move them.
SAME_AS_REGISTER = [
    ("2022-11-20", "foi", "2022-11-30", "St Andrew's Day 2022 (SCT)"),
    ("2023-12-20", "foi", "2024-01-02", "2 January 2024 (SCT), across the new year"),
    ("2021-12-20", "eir-extended", "2022-01-04", "4 January 2022, substitute day (SCT)"),
    ("2022-03-01", "foi", "2022-03-17", "St Patrick's Day (NIR)"),
    ("2022-06-20", "eir", "2022-07-12", "Battle of the Boyne (NIR)"),
    ("2025-06-20", "foi", "2025-07-14", "Battle of the Boyne substitute (NIR)"),
    ("2022-07-20", "review", "2022-08-01", "first Monday in August (SCT)"),
    ("2026-05-20", "review-extended", "2026-06-15", "15 June 2026, proclaimed in Scotland"),
    ("2022-08-31", "foi", "2022-09-19", "the State Funeral, by proclamation"),
    ("2023-04-20", "foi", "2023-05-08", "the Coronation, by proclamation"),
    ("2024-02-29", "sar", "2024-04-01", "subject access: Good Friday, then Easter Monday"),
    ("2022-03-02", "sar-extended", "2022-06-02", "subject access: the Platinum Jubilee days"),
]


@pytest.mark.parametrize(
    ("day", "regime", "holiday", "why"), SAME_AS_REGISTER, ids=[c[3] for c in SAME_AS_REGISTER]
)
def test_without_a_register_the_dates_are_the_registers(
    register, invoke, tmp_path, cache_dir, day, regime, holiday, why
):
    elsewhere = tmp_path / "no-register.db"
    args = ("deadline", day, "--regime", regime, "--json")
    from_register = invoke(*args)
    package = invoke("--db", elsewhere, *args)
    assert (cache_dir / "uk-holidays.json").is_file()
    cached = invoke("--db", elsewhere, *args)  # the second time, from the cache file
    assert from_register.exit_code == package.exit_code == cached.exit_code == 0
    assert not elsewhere.exists()
    expected = json.loads(from_register.stdout)
    assert holiday in [s["date"] for s in expected["skipped"]], why
    assert json.loads(package.stdout) == expected, why
    assert json.loads(cached.stdout) == expected, f"{why}, from the cache file"


def run_probe(env):
    out = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return out.splitlines()


def test_without_a_register_the_holidays_package_is_imported_once_then_cached(tmp_path):
    # The second start reads the cache file: it gives the same date without importing `holidays`.
    env = {**os.environ, "FOIKIT_DB": str(tmp_path / "none.db")}
    first, second = run_probe(env), run_probe(env)
    assert first == ["2024-01-30", "HEAVY:holidays"]
    assert second == ["2024-01-30", "HEAVY:"]


STALE = [
    ({"holidays": "0.1|elsewhere|0|0", "spans": {"2023-2025": []}}, "another holidays package"),
    ("{not json", "a file cut short"),
    ({"holidays": None, "spans": {"2023-2025": [["2024-13-01", "x", ["ENG"]]]}}, "bad rows"),
    ([1, 2, 3], "not an object"),
]


@pytest.mark.parametrize(("content", "why"), STALE, ids=[c[1] for c in STALE])
def test_a_cache_file_not_written_for_this_holidays_package_is_not_used(
    invoke, db_path, cache_dir, content, why
):
    from foikit.clock.workdays import holidays_fingerprint

    cache_dir.mkdir()
    path = cache_dir / "uk-holidays.json"
    if content and isinstance(content, dict) and content["holidays"] is None:
        content = {**content, "holidays": holidays_fingerprint()}
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    result = invoke("deadline", "2024-01-01")
    assert result.stdout == "2024-01-30\n", why  # 2 January 2024 (SCT) is not a working day
    written = json.loads(path.read_text())
    assert written["holidays"] == holidays_fingerprint(), why
    assert ["2024-01-02", "New Year Holiday (SCT)", ["SCT"]] in written["spans"]["2023-2025"]
