"""`foikit deadline` and `foikit holidays` on the command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

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


def test_deadline_refuses_a_date_beyond_the_registers_holidays(register, invoke):
    result = invoke("deadline", "2040-03-01")
    assert result.exit_code == 1
    assert "outside the years whose bank holidays are loaded (2010 to 2035)" in result.stderr


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
    from foikit.clock import due_date
    from foikit.duedates import load_calendar

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
