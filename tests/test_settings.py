"""Office and ICO settings: seeded for the OPCC, changeable, validated."""

from __future__ import annotations

import json

import pytest

from foikit.errors import InvalidSetting, UnknownSetting
from foikit.register.settings import get_setting, ico_context, office_context, set_setting


def test_the_office_is_seeded_for_the_opcc_west_midlands(empty_register):
    office = office_context(empty_register)
    assert office["address"] == ["Lloyd House", "Colmore Circus Queensway", "Birmingham", "B4 6NQ"]
    assert office["phone"] == "0121 626 6060"
    assert office["email"] == "wmpcc@west-midlands.pnn.police.uk"
    assert office["website"] is None  # no source gives one: never invented


def test_the_ico_details_are_the_current_ones_not_the_2021_letters(empty_register):
    ico = ico_context(empty_register)
    assert ico["address"] == ["Wycliffe House", "Water Lane", "Wilmslow", "Cheshire", "SK9 5AF"]
    assert ico["helpline"] == "0303 123 1113"
    assert ico["website"] == "ico.org.uk"
    assert ico["complaint_weeks"] == 6
    assert "08456" not in json.dumps(ico)


@pytest.mark.parametrize(
    "key, value, stored, why",
    [
        (
            "office.address",
            "1 High St|Town|AB1 2CD",
            "1 High St\nTown\nAB1 2CD",
            "| separates lines",
        ),
        ("office.address", r"1 High St\nTown", "1 High St\nTown", "a literal \\n separates lines"),
        ("office.cost_limit", "600", "600", "central government's limit"),
        ("clock.sar_nation", "sct", "SCT", "nations are upper-cased"),
        ("office.signatory_name", "  Jane Smith ", "Jane Smith", "spaces trimmed"),
    ],
)
def test_set_normalises_values(empty_register, key, value, stored, why):
    assert set_setting(empty_register, key, value, "t") == stored
    assert get_setting(empty_register, key) == stored


@pytest.mark.parametrize(
    "key, value, error",
    [
        ("office.nope", "x", UnknownSetting),
        ("office.cost_limit", "lots", InvalidSetting),
        ("office.cost_limit", "-5", InvalidSetting),
        ("clock.sar_nation", "FRA", InvalidSetting),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(empty_register, key, value, error):
    before = empty_register.scalar("SELECT count(*) FROM audit")
    with pytest.raises(error):
        set_setting(empty_register, key, value, "t")
    assert empty_register.scalar("SELECT count(*) FROM audit") == before


def test_settings_set_through_the_cli_is_audited_with_the_actor(empty_register, invoke):
    result = invoke("settings", "set", "ico.helpline", "0303 999 9999", "--by", "jo.bloggs")
    assert result.exit_code == 0
    row = empty_register.one("SELECT actor, new FROM audit ORDER BY id DESC LIMIT 1")
    assert row["actor"] == "jo.bloggs" and "0303 999 9999" in row["new"]


def test_an_unknown_setting_on_the_cli_is_one_error_line(empty_register, invoke):
    result = invoke("settings", "set", "office.fax", "01")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown setting 'office.fax'")
    assert len(result.stderr.strip().splitlines()) == 1
